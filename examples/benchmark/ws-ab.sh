#!/usr/bin/env bash
# S2 WebSocket bulk (or, with SCENARIO=S4, S4's message rate), gateway A against gateway B, in alternating rounds beside one bare relay
# (docs/BENCHMARKS.md, issue 13). One bench backend and one relay for the whole run; each
# variant's gateway starts once and stays up, so its JIT is warm after the first round (a fresh
# gateway per `bench run` spends its first seconds compiling, which swamps CPU per MB on a
# loaded box). A and B may be two jars, or one jar with different JVM options:
#
#   examples/benchmark/ws-ab.sh A.jar B.jar
#   B_JVM='-Dio.netty.allocator.type=pooled' examples/benchmark/ws-ab.sh A.jar A.jar
#   B_ARGS='--retransmit-bound 128k' examples/benchmark/ws-ab.sh A.jar A.jar   # serve flags
#   ROUNDS=5 DURATION=5 BASE=24800 examples/benchmark/ws-ab.sh A.jar B.jar
#   SCENARIO=S4 S4_SESSIONS=1000 examples/benchmark/ws-ab.sh A.jar B.jar      # round trips, CPU us per round trip
#
# Per round: the relay's and the gateway's MB/s, percent_of_relay, and CPU ms per MB of the
# bench client, the server (gateway or relay) and the backend, as `bench run` prints them; with
# SYSCALLS=1 also the gateway's system calls per MB written (perf stat and /proc/PID/io). At
# the end the medians per variant. SCENARIO=S4 reports round trips/s and CPU microseconds per
# round trip instead, and the gateway's system calls over the round beside its round trips. Loopback only; stops what it started by PID.
set -euo pipefail
cd "$(dirname "$0")/../.."

A=${1:?usage: ws-ab.sh A.jar [B.jar]}
B=${2:-}
JAR=$A
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-3}
A_JVM=${A_JVM:-}
B_JVM=${B_JVM:-}
A_ARGS=${A_ARGS:-}
B_ARGS=${B_ARGS:-}
SYSCALLS=${SYSCALLS:-0}
SCENARIO=${SCENARIO:-S2}
S4_SESSIONS=${S4_SESSIONS:-1000}
case "$SCENARIO" in
  S2) scenario_args=(--scenarios S0,S2); cpu_unit=ms_per_MB ;;
  S4) scenario_args=(--scenarios S4 --s4-sessions "$S4_SESSIONS"); cpu_unit=us_per_rt ;; # S4 runs direct and the relay too
  *) echo "ws-ab.sh: SCENARIO must be S2 or S4, not '$SCENARIO'" >&2; exit 2 ;;
esac
tag=$(echo "$SCENARIO" | tr 'S' 's')   # log names: s2-A-1.txt, s4-B-3.txt
BASE=${BASE:-24700}                 # backend BASE+1, relay BASE+2, gateways BASE+3 (A) and BASE+4 (B)
OUT=${OUT:-$(mktemp -d /tmp/cometgate-ws-ab.XXXXXX)}
mkdir -p "$OUT"
NAME=ws-ab.sh
. examples/benchmark/lib.sh  # pids, cleanup on exit, wait_port, cpu_ticks, loopback_policy

start_backend $((BASE + 1)) "$OUT"
start_relay $((BASE + 2)) $((BASE + 1)) "$OUT"
declare -A gw jar port
start_variant() { # name jar jvm-options port serve-flags
  jar[$1]=$2; port[$1]=$4
  loopback_policy "$OUT/$1.policy" "$4" $((BASE + 1))
  # shellcheck disable=SC2086 # the options are words
  java $3 -jar "$2" serve --listen "127.0.0.1:$4" --policy "$OUT/$1.policy" \
    --transports websocket --no-demo --log-level warn $5 > "$OUT/gateway-$1.log" 2>&1 &
  started $!; gw[$1]=$!
  wait_port "$4"
}
variants=(A); start_variant A "$A" "$A_JVM" $((BASE + 3)) "$A_ARGS"
[ -n "$B" ] && { variants+=(B); start_variant B "$B" "$B_JVM" $((BASE + 4)) "$B_ARGS"; }
wait_port $((BASE + 1)); wait_port $((BASE + 2))

syscalls_per_mb() { # pid perf-file bytes-written-before
  local mb
  mb=$(awk -v b="$3" '/^wchar:/ { printf "%.1f", ($2 - b) / 1048576 }' "/proc/$1/io")
  awk -F, -v mb="$mb" '$3 ~ /sys_enter/ { sub(/.*:sys_enter_?/, "", $3); printf " %s=%.1f", ($3 == "" ? "all" : $3), $1 / mb }
    END { printf " per MB written (%s MB)\n", mb }' "$2"
}
syscalls_in_round() { # perf-file round-trips-per-second: totals over the whole round (warm-ups too), beside the measured round trips
  awk -F, -v n="$2" -v d="$DURATION" '$3 ~ /sys_enter/ { sub(/.*:sys_enter_?/, "", $3); printf " %s=%.0f", ($3 == "" ? "all" : $3), $1 }
    END { printf " over the whole round (%.0f round trips measured in it)\n", n * d }' "$1"
}

echo "results in $OUT; load before: $(cut -d' ' -f1-3 /proc/loadavg); A_JVM='$A_JVM' B_JVM='$B_JVM' A_ARGS='$A_ARGS' B_ARGS='$B_ARGS'"
for r in $(seq "$ROUNDS"); do
  for v in "${variants[@]}"; do
    log="$OUT/$tag-$v-$r.txt"
    if [ "$SYSCALLS" = 1 ]; then
      w0=$(awk '/^wchar:/ { print $2 }' "/proc/${gw[$v]}/io")
      perf stat -x, -o "$OUT/perf-$v-$r.csv" -p "${gw[$v]}" -e raw_syscalls:sys_enter,syscalls:sys_enter_recvfrom,syscalls:sys_enter_read,syscalls:sys_enter_writev,syscalls:sys_enter_sendto,syscalls:sys_enter_epoll_pwait2,syscalls:sys_enter_futex &
      perf_pid=$!
    fi
    java -jar "${jar[$v]}" bench run "${scenario_args[@]}" --transports websocket --repeat 1 --duration "$DURATION" \
      --via-gateway "http://127.0.0.1:${port[$v]}/cometgate" --gateway-pid "${gw[$v]}" \
      --relay 127.0.0.1:$((BASE + 2)) --relay-pid "$RELAY_PID" \
      --backend 127.0.0.1:$((BASE + 1)) --backend-pid "$BACKEND_PID" > "$log" 2>&1 \
      || echo "client $v round $r exited $?; see $log" >&2
    echo "$v round $r (load $(cut -d' ' -f1 /proc/loadavg)):"
    grep -hE "^$SCENARIO \| (relay|websocket) |^$SCENARIO-ratio .*percent_of_relay" "$log" | sed "s/^/  $v: /" || true
    if [ "$SYSCALLS" = 1 ]; then
      kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
      if [ "$SCENARIO" = S2 ]; then
        echo "  $v: gateway system calls$(syscalls_per_mb "${gw[$v]}" "$OUT/perf-$v-$r.csv" "$w0")"
      else
        echo "  $v: gateway system calls$(syscalls_in_round "$OUT/perf-$v-$r.csv" "$(grep -E "^S4 \| websocket " "$log" | grep -o 'round_trips_per_s=[0-9]*' | cut -d= -f2)")"
      fi
    fi
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians over $ROUNDS rounds:"
for v in "${variants[@]}"; do
  for key in percent_of_relay websocket:server_cpu_$cpu_unit websocket:client_cpu_$cpu_unit relay:server_cpu_$cpu_unit relay:client_cpu_$cpu_unit; do
    route=${key%%:*}; field=${key#*:}
    [ "$route" = "$key" ] && route=websocket
    for r in $(seq "$ROUNDS"); do
      grep -hE "^$SCENARIO(-ratio)? \| $route " "$OUT/$tag-$v-$r.txt" | grep -o "$field=[0-9.]*" | cut -d= -f2 || true
    done | sort -n | awk -v v="$v" -v k="$key" '{ x[NR] = $1 } END { if (NR) printf "  %s %s = %s\n", v, k, x[int((NR + 1) / 2)] }'
  done
done
