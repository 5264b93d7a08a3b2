#!/usr/bin/env bash
# Where an idle WebSocket session's heap goes, object by object (issue 13, S1): starts a bench
# backend and a gateway on their own ports, warms the gateway with one short S1 pass, takes a
# class histogram of the empty gateway (`jcmd PID GC.class_histogram`, which collects first),
# holds SESSIONS idle sessions with `bench run --scenarios S1`, takes a second histogram while
# they are held, and prints the difference per session, largest first.
# Loopback only; every process it starts is stopped by its PID on exit.
#
#   examples/benchmark/s1-histogram.sh [JAR] [OUTDIR]     (SESSIONS=9000 TRANSPORT=websocket)
set -euo pipefail

JAR=${1:-gateway/target/cometgate.jar}
OUT=${2:-s1-histogram-out}
SESSIONS=${SESSIONS:-9000}
TRANSPORT=${TRANSPORT:-websocket}
BACKEND_PORT=${BACKEND_PORT:-65201}
GATEWAY_PORT=${GATEWAY_PORT:-65280}

NAME=s1-histogram
. "$(dirname "$0")/lib.sh"
[ -f "$JAR" ] || { echo "$NAME: no jar at $JAR (build with: mvn -q -pl policy,gateway package -DskipTests)" >&2; exit 2; }
command -v jcmd >/dev/null || { echo "$NAME: jcmd (JDK) is not on the PATH" >&2; exit 2; }
mkdir -p "$OUT"
loopback_policy "$OUT/s1.policy" $GATEWAY_PORT $BACKEND_PORT
start_backend $BACKEND_PORT "$OUT"
start_gateway $GATEWAY_PORT "$OUT/s1.policy" all "$OUT"
wait_port $BACKEND_PORT; wait_port $GATEWAY_PORT

bench() { # bench SESSIONS IDLE_SECONDS: one S1 pass against the running gateway
  java -jar "$JAR" bench run --scenarios S1 --transports "$TRANSPORT" --backend 127.0.0.1:$BACKEND_PORT \
    --via-gateway http://127.0.0.1:$GATEWAY_PORT/cometgate --gateway-pid $GATEWAY_PID \
    --s1-sessions "$1" --idle-seconds "$2" --repeat 1
}

bench 500 1 > "$OUT/warm.txt" 2>&1
sleep 2
jcmd $GATEWAY_PID GC.class_histogram > "$OUT/empty.histo"

bench "$SESSIONS" 30 > "$OUT/held.txt" 2> "$OUT/held.err" &
BENCH_PID=$!
started $BENCH_PID
for _ in $(seq 1 600); do
  grep -q "sessions held" "$OUT/held.err" 2>/dev/null && break
  kill -0 $BENCH_PID 2>/dev/null || { echo "$NAME: the bench ended early; see $OUT/held.err" >&2; exit 1; }
  sleep 0.5
done
sleep 3
jcmd $GATEWAY_PID GC.class_histogram > "$OUT/held.histo"
wait $BENCH_PID

# Rows are " num: #instances #bytes class"; the difference is divided by the session count.
awk -v n="$SESSIONS" '
  FNR == NR && $1 ~ /^[0-9]+:$/ { ei[$4] = $2; eb[$4] = $3; next }
  $1 ~ /^[0-9]+:$/ { hi[$4] = $2; hb[$4] = $3 }
  END {
    for (c in hb) { db = hb[c] - eb[c]; if (db != 0) printf "%9.1f B %8.2f objs  %s\n", db / n, (hi[c] - ei[c]) / n, c; total += db }
    for (c in eb) if (!(c in hb)) { printf "%9.1f B %8.2f objs  %s\n", -eb[c] / n, -ei[c] / n, c; total -= eb[c] }
    printf "%9.1f B per session in all (live objects, held minus empty)\n", total / n > "/dev/stderr"
  }' "$OUT/empty.histo" "$OUT/held.histo" | sort -rn > "$OUT/per-session.txt"
head -40 "$OUT/per-session.txt"
grep -E "heap_per_session|rss_per_session|S1" "$OUT/held.txt" | head -20
