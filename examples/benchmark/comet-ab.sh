#!/usr/bin/env bash
# S2 bulk of the streaming Comet transports against WebSocket, A against B, interleaved
# (docs/BENCHMARKS.md, issue 13): for each jar its own bench backend and gateway, then ROUNDS
# rounds of `bench run --scenarios S2` alternating A and B, each jar with its own bench client.
# Prints every S2 row, each transport's ratio to WebSocket in the same run, and the gateway's
# CPU seconds over the round (from /proc/PID/stat); at the end, per jar and transport, the medians over
# the rounds of the ratio to WebSocket and of the gateway's and the client's CPU ms per MB.
# Loopback only; stops what it started by PID.
#
#   examples/benchmark/comet-ab.sh A.jar B.jar
#   ROUNDS=3 TRANSPORTS=websocket,xhr-streaming-binary examples/benchmark/comet-ab.sh A.jar B.jar
set -euo pipefail
cd "$(dirname "$0")/../.."

A=${1:?usage: comet-ab.sh A.jar [B.jar]}
B=${2:-}
ROUNDS=${ROUNDS:-2}
REPEAT=${REPEAT:-3}
TRANSPORTS=${TRANSPORTS:-websocket,eventsource,htmlfile,xhr-streaming-binary}
A_TRANSPORTS=${A_TRANSPORTS:-$TRANSPORTS}  # per jar: session 3's has no htmlfile route
B_TRANSPORTS=${B_TRANSPORTS:-$TRANSPORTS}
BASE=${BASE:-24600}                 # ports BASE+1.. (A) and BASE+11.. (B)
OUT=${OUT:-$(mktemp -d /tmp/cometgate-comet-ab.XXXXXX)}
mkdir -p "$OUT"                     # an OUT given that does not exist yet
NAME=comet-ab.sh
. examples/benchmark/lib.sh  # pids, cleanup on exit, wait_port, cpu_ticks
hz=$(getconf CLK_TCK)

declare -A url gw jar
start_variant() { # name jar offset
  local name=$1 be_port=$((BASE + $3 + 1)) gw_port=$((BASE + $3 + 2))
  jar[$name]=$2
  java -jar "$2" bench backend --listen "127.0.0.1:$be_port" >"$OUT/backend-$name.log" 2>&1 &
  started $!
  printf '%s\n' "cometgate-policy 1" "host 127.0.0.1:$gw_port" "origin none http://127.0.0.1:$gw_port" \
    "allow 127.0.0.1:$be_port allow-loopback" >"$OUT/$name.policy"
  java -jar "$2" serve --listen "127.0.0.1:$gw_port" --policy "$OUT/$name.policy" \
    --transports all --no-demo --log-level warn >"$OUT/gateway-$name.log" 2>&1 &
  started $!; gw[$name]=$!
  wait_port "$be_port"; wait_port "$gw_port"
  url[$name]="http://127.0.0.1:$gw_port/cometgate|127.0.0.1:$be_port"
}

echo "results in $OUT; transports $TRANSPORTS, repeat $REPEAT; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
variants=(A); start_variant A "$A" 0
[ -n "$B" ] && { variants+=(B); start_variant B "$B" 10; }
for r in $(seq "$ROUNDS"); do
  for v in "${variants[@]}"; do
    IFS='|' read -r gw_url be_addr <<<"${url[$v]}"
    g0=$(cpu_ticks "${gw[$v]}")
    java -jar "${jar[$v]}" bench run --scenarios S2 --transports "$([ "$v" = A ] && echo "$A_TRANSPORTS" || echo "$B_TRANSPORTS")" --no-relay \
      --via-gateway "$gw_url" --backend "$be_addr" --repeat "$REPEAT" --gateway-pid "${gw[$v]}" \
      >"$OUT/s2-$v-$r.txt" 2>&1 || echo "client $v round $r exited $?; see $OUT/s2-$v-$r.txt" >&2
    printf '%s round %d (load %s): gateway %.1f s CPU over the run\n' "$v" "$r" \
      "$(cut -d' ' -f1 /proc/loadavg)" "$(echo "($(cpu_ticks "${gw[$v]}") - $g0) / $hz" | bc -l)"
    grep -h "^S2 " "$OUT/s2-$v-$r.txt" | sed "s/^/  $v: /" || true
    awk '/^S2 \|/ { for (i = 4; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "MB_per_s") rate[$3] = kv[2] } }
         END { for (t in rate) if (t != "websocket" && t != "direct" && rate["websocket"] > 0)
                 printf "  %s: %s / websocket = %.1f%%\n", v, t, 100 * rate[t] / rate["websocket"] }' v="$v" "$OUT/s2-$v-$r.txt"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# Per jar and transport, the median over the rounds: the ratio to WebSocket in the same round,
# and the CPU ms per MB of the gateway and of the bench client (what shared load moves least).
for v in "${variants[@]}"; do
  for f in "$OUT"/s2-"$v"-*.txt; do
    awk '/^S2 \|/ { for (i = 4; i <= NF; i++) { split($i, kv, "="); m[$3, kv[1]] = kv[2] }; t[$3] = 1 }
         END { for (r in t) if (r != "direct") printf "%s %s %s %s\n", r,
                 (m["websocket", "MB_per_s"] > 0 ? 100 * m[r, "MB_per_s"] / m["websocket", "MB_per_s"] : 0),
                 m[r, "server_cpu_ms_per_MB"], m[r, "client_cpu_ms_per_MB"] }' "$f"
  done | sort | awk -v v="$v" '
    function median(list,   n, a, i, j, x) { n = split(list, a, " ")
      for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
    { pct[$1] = pct[$1] " " $2; srv[$1] = srv[$1] " " $3; cli[$1] = cli[$1] " " $4 }
    END { for (r in pct) printf "median %s %-22s %% of websocket %6.1f  gateway %5.2f ms/MB  client %5.2f ms/MB  (rounds:%s)\n",
            v, r, median(pct[r]), median(srv[r]), median(cli[r]), pct[r] }'
done
