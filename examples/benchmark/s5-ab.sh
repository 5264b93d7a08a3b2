#!/usr/bin/env bash
# S5 fan-out, A against B, interleaved (docs/SCALING.md, "Where S5's latency went"): for each
# jar its own bench backend and gateway (and, with BALANCER=1, one HAProxy with the shipped
# routing in front), then ROUNDS rounds of `bench run --scenarios S5` alternating A and B, each
# with the direct baseline from the same client process. Prints every S5 row and the CPU
# seconds each process used during the round (from /proc/PID/stat), so a change in the
# per-message cost shows even on a loaded machine. The client also reports, over the ticking
# phase only, CPU us per delivered tick for itself, the gateway, the backend and HAProxy
# (--cpu-pid), their sum (path_cpu_us_per_tick) and the ceiling it implies on this machine
# (ceiling_msg_per_s = cores x 1e6 / sum). Loopback only; stops what it started by PID.
#
#   BALANCER=1 SESSIONS=2000 ROUNDS=1 examples/benchmark/s5-ab.sh gateway/target/cometgate.jar   # the accounting
#   INTERVAL_MS=250 ...                                    # 4 ticks a second per session
#   BALANCER=1 B_HAPROXY='nbthread 1' s5-ab.sh J J       # the same jar, two HAProxy settings
#   examples/benchmark/s5-ab.sh A.jar B.jar
#   SESSIONS=7500 SECONDS_=10 ROUNDS=3 BALANCER=1 examples/benchmark/s5-ab.sh A.jar B.jar
#   B_ARGS=--ack-delay-ms=1000 examples/benchmark/s5-ab.sh X.jar X.jar   # same jar, other client flags
#   B_GATEWAY_ARGS='--threads 1' B_ARGS='--threads 1' s5-ab.sh X.jar X.jar   # same jar, other gateway flags
set -euo pipefail
cd "$(dirname "$0")/../.."

A=${1:?usage: s5-ab.sh A.jar [B.jar]}
B=${2:-}
SESSIONS=${SESSIONS:-5000}
SECONDS_=${SECONDS_:-10}
ROUNDS=${ROUNDS:-2}
BALANCER=${BALANCER:-0}
INTERVAL_MS=${INTERVAL_MS:-1000}    # between one session's ticks (--s5-interval-ms)
BASE=${BASE:-64500}                 # ports BASE+1.. (A) and BASE+11.. (B)
CLIENT_JVM=${CLIENT_JVM:--Xmx2g}
A_ARGS=${A_ARGS:-}                  # extra `bench run` flags for A's client, B's
B_ARGS=${B_ARGS:-}
A_GATEWAY_ARGS=${A_GATEWAY_ARGS:-}  # extra `serve` flags for A's gateway, B's
B_GATEWAY_ARGS=${B_GATEWAY_ARGS:-}
GATEWAY_JVM=${GATEWAY_JVM:--Xmx1g}
A_HAPROXY=${A_HAPROXY:-}            # extra HAProxy `global` lines for A's, B's balancer (';' between lines), e.g. 'nbthread 1'
B_HAPROXY=${B_HAPROXY:-}
OUT=${OUT:-$(mktemp -d /tmp/cometgate-s5-ab.XXXXXX)}; mkdir -p "$OUT"
ulimit -n 20000
NAME=s5-ab.sh
. examples/benchmark/lib.sh  # pids, cleanup on exit, wait_port, cpu_ticks
hz=$(getconf CLK_TCK)

declare -A url gw be lb
start_variant() { # name jar offset
  local name=$1 jar=$2 be_port=$((BASE + $3 + 1)) gw_port=$((BASE + $3 + 2)) lb_port=$((BASE + $3 + 3))
  java -Xss512k -jar "$jar" bench backend --listen "127.0.0.1:$be_port" >"$OUT/backend-$name.log" 2>&1 &
  started $!; be[$name]=$!
  local front=$gw_port
  [ "$BALANCER" = 1 ] && front=$lb_port
  printf '%s\n' "cometgate-policy 1" "host 127.0.0.1:$front" "origin none" "trusted-proxy 127.0.0.1/32" \
    "allow 127.0.0.1:$be_port allow-loopback" "limit max-sessions 20000" "limit max-sessions-per-ip 100000" \
    "limit max-sessions-per-origin 100000" "limit opens-per-ip-per-minute 9999999" \
    "limit max-connections-per-target 100000" >"$OUT/$name.policy"
  java $GATEWAY_JVM -jar "$jar" serve --listen "127.0.0.1:$gw_port" --node-id "gw-${name,,}" --policy "$OUT/$name.policy" \
    --transports all --no-demo --log-level warn $([ "$name" = A ] && echo "$A_GATEWAY_ARGS" || echo "$B_GATEWAY_ARGS") \
    >"$OUT/gateway-$name.log" 2>&1 &
  started $!; gw[$name]=$!
  wait_port "$be_port"; wait_port "$gw_port"
  if [ "$BALANCER" = 1 ]; then
    {
      echo "global"; echo "    maxconn 9000"
      local extra; [ "$name" = A ] && extra=$A_HAPROXY || extra=$B_HAPROXY
      [ -n "$extra" ] && tr ';' '\n' <<<"$extra" | sed 's/^ */    /'
      echo "defaults"
      sed -n '/^defaults/,/^frontend/p' examples/cluster/haproxy.cfg | sed '1d;$d' | grep -v '^ *#'
      echo "frontend cometgate"; echo "    bind 127.0.0.1:$lb_port"; echo "    default_backend gw"
      echo "backend gw"; echo "    server gw-${name,,} 127.0.0.1:$gw_port"
    } >"$OUT/haproxy-$name.cfg"
    haproxy -db -f "$OUT/haproxy-$name.cfg" >"$OUT/haproxy-$name.log" 2>&1 &
    started $!; lb[$name]=$!
    wait_port "$lb_port"
  fi
  url[$name]="http://127.0.0.1:$front/cometgate|127.0.0.1:$be_port"
}

echo "results in $OUT; $SESSIONS sessions x $SECONDS_ ticks, balancer=$BALANCER; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
variants=(A); start_variant A "$A" 0
[ -n "$B" ] && { variants+=(B); start_variant B "$B" 10; }
for r in $(seq "$ROUNDS"); do
  for v in "${variants[@]}"; do
    IFS='|' read -r gw_url be_addr <<<"${url[$v]}"
    g0=$(cpu_ticks "${gw[$v]}"); b0=$(cpu_ticks "${be[$v]}"); l0=0
    [ "$BALANCER" = 1 ] && l0=$(cpu_ticks "${lb[$v]}")
    java -Xss512k $CLIENT_JVM -jar "$([ "$v" = A ] && echo "$A" || echo "$B")" bench run --scenarios S5 \
      --transports websocket --no-relay --via-gateway "$gw_url" --backend "$be_addr" \
      --s5-sessions "$SESSIONS" --s5-seconds "$SECONDS_" --s5-interval-ms "$INTERVAL_MS" --repeat 1 \
      --gateway-pid "${gw[$v]}" --cpu-pid "backend=${be[$v]}" $([ "$BALANCER" = 1 ] && echo "--cpu-pid haproxy=${lb[$v]}") \
      $([ "$v" = A ] && echo "$A_ARGS" || echo "$B_ARGS") >"$OUT/s5-$v-$r.txt" 2>&1 &
    client=$!; c_ticks=0
    while kill -0 "$client" 2>/dev/null; do c_ticks=$(cpu_ticks "$client"); sleep 0.5; done
    wait "$client" || echo "client $v round $r exited $?; see $OUT/s5-$v-$r.txt" >&2
    l1=0; [ "$BALANCER" = 1 ] && l1=$(cpu_ticks "${lb[$v]}")
    printf '%s round %d (load %s): gateway %.1f s CPU, backend %.1f s, haproxy %.1f s, client %.1f s (whole run, with its direct baseline)\n' \
      "$v" "$r" "$(cut -d' ' -f1 /proc/loadavg)" \
      "$(echo "($(cpu_ticks "${gw[$v]}") - $g0) / $hz" | bc -l)" "$(echo "($(cpu_ticks "${be[$v]}") - $b0) / $hz" | bc -l)" \
      "$(echo "($l1 - $l0) / $hz" | bc -l)" "$(echo "$c_ticks / $hz" | bc -l)"
    grep -h "^S5 |" "$OUT/s5-$v-$r.txt" | sed "s/^/  $v: /" || true
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
