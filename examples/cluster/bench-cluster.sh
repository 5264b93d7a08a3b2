#!/usr/bin/env bash
# Capacity beyond one process (docs/SCALING.md, "Capacity"): several gateway processes behind
# several HAProxy processes sharing one port (SO_REUSEPORT), driven by several
# `cometgate bench run` processes, each with its own bench backend. Everything on loopback;
# every process is stopped by its PID at the end. Not a CI test: run it on a quiet machine.
#
#   examples/cluster/bench-cluster.sh                 # 30,000 sessions: 4 x 7,500
#   GATEWAYS=2 BALANCERS=2 CLIENTS=2 SESSIONS=500 SECONDS_=10 examples/cluster/bench-cluster.sh
#   PHASES=s5 S5_INTERVAL_MS=500 examples/cluster/bench-cluster.sh   # S5 alone at 2 msg/s per session
#
# The largest rate that meets S5's target (100% delivered, p99 < 100 ms): sweep S5_INTERVAL_MS
# (aggregate rate = CLIENTS x SESSIONS x 1000 / S5_INTERVAL_MS) or SESSIONS with PHASES=s5, which
# skips the memory and churn phases so one point costs the ramp and SECONDS_ ticks only.
#
# Three phases, all through the balancer: memory (every client holds SESSIONS idle sessions;
# heap after a full GC and RSS are read from every gateway while they are held), S5 fan-out
# (SESSIONS per client, one message a second each) and S6 churn. The full GCs of the memory
# phase happen before S5, so they never show in its latencies.
#
# Sizing at 20,000 open files per process: a gateway holds 2 files per session (browser side
# and backend side), HAProxy 2 per proxied connection, a bench client 1 per session and its
# backend 1 per session. So 30,000 WebSocket sessions need at least 4 gateways, 4 HAProxy
# processes (maxconn 9000 each) and 2 client processes; 4 of each leaves headroom.
set -euo pipefail
cd "$(dirname "$0")/../.."

GATEWAYS=${GATEWAYS:-4}
BALANCERS=${BALANCERS:-4}
CLIENTS=${CLIENTS:-4}
SESSIONS=${SESSIONS:-7500}          # per client process
SECONDS_=${SECONDS_:-20}            # S5 ticks (one message per second per session)
S5_INTERVAL_MS=${S5_INTERVAL_MS:-1000} # between one session's ticks: 1000 is the specified 1 msg/s
PHASES=${PHASES:-memory s5 s6}      # which phases to run, in this order
S5_PHASING=${S5_PHASING:-spread}    # spread: each session on its own phase (N msg/s evenly); broadcast: all at once
TRANSPORT=${TRANSPORT:-websocket}
S6_STEADY=${S6_STEADY:-500}         # per client process
S6_RATE=${S6_RATE:-50}              # new sessions per second per client process
HOLD=${HOLD:-30}                    # seconds the memory phase holds its idle sessions
JAR=${JAR:-gateway/target/cometgate.jar}
LB_PORT=${LB_PORT:-64080}
GW_BASE=${GW_BASE:-64100}           # gateways on GW_BASE+1 ..
BE_BASE=${BE_BASE:-64200}           # bench backends on BE_BASE+1 ..
OUT=${OUT:-$(mktemp -d /tmp/cometgate-cluster-bench.XXXXXX)}; mkdir -p "$OUT"

[ -f "$JAR" ] || { echo "missing $JAR: mvn -pl gateway package -DskipTests" >&2; exit 2; }
command -v haproxy >/dev/null || { echo "haproxy missing: apt-get install haproxy" >&2; exit 2; }
ulimit -n 20000
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

await_port() { # port, what
  for _ in $(seq 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && { exec 3>&- 3<&- || true; return 0; }
    sleep 0.1
  done
  echo "$2 did not listen on $1; see $OUT" >&2; exit 1
}

echo "results in $OUT; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
backends=""
for c in $(seq "$CLIENTS"); do
  port=$((BE_BASE + c))
  java -Xss512k -jar "$JAR" bench backend --listen "127.0.0.1:$port" >"$OUT/backend-$c.log" 2>&1 &
  pids+=($!)
  backends="$backends 127.0.0.1:$port"
done

{
  echo "cometgate-policy 1"
  echo "host 127.0.0.1:$LB_PORT"
  echo "origin none"
  echo "trusted-proxy 127.0.0.1/32"
  for b in $backends; do echo "allow $b allow-loopback"; done
  echo "limit max-sessions 20000"
  echo "limit max-sessions-per-ip 100000"
  echo "limit max-sessions-per-origin 100000"
  echo "limit opens-per-ip-per-minute 9999999"
  echo "limit max-connections-per-target 100000"
} >"$OUT/cluster.policy"

gateway_pids=()
for g in $(seq "$GATEWAYS"); do
  java -Xmx1g -jar "$JAR" serve --listen "127.0.0.1:$((GW_BASE + g))" --node-id "gw-$g" \
    --policy "$OUT/cluster.policy" --transports all --no-demo --log-level warn >"$OUT/gateway-$g.log" 2>&1 &
  pids+=($!); gateway_pids+=($!)
done

# The shipped routing (examples/cluster/haproxy.cfg), for $GATEWAYS nodes.
{
  echo "global"
  echo "    maxconn 9000"
  echo "defaults"
  sed -n '/^defaults/,/^frontend/p' examples/cluster/haproxy.cfg | sed '1d;$d' | grep -v '^ *#'
  echo "frontend cometgate"
  echo "    bind 127.0.0.1:$LB_PORT"
  echo "    use_backend sessions if { urlp(s) -m found }"
  echo "    default_backend new_sessions"
  echo "backend new_sessions"
  echo "    balance leastconn"
  echo "    option httpchk GET /readyz"
  echo "    http-check expect status 200"
  echo "    timeout check 5s"
  echo "    default-server check inter 1s fall 1 rise 2"
  for g in $(seq "$GATEWAYS"); do echo "    server gw-$g 127.0.0.1:$((GW_BASE + g))"; done
  echo "backend sessions"
  echo "    balance leastconn"
  for g in $(seq "$GATEWAYS"); do echo "    use-server gw-$g if { urlp(s),field(2,.) -m str gw-$g }"; done
  echo "    option httpchk GET /healthz"
  echo "    http-check expect status 200"
  echo "    timeout check 5s"
  echo "    default-server check inter 1s fall 2 rise 2 observe layer4 error-limit 1 on-error mark-down"
  for g in $(seq "$GATEWAYS"); do echo "    server gw-$g 127.0.0.1:$((GW_BASE + g))"; done
} >"$OUT/haproxy.cfg"
haproxy -c -q -f "$OUT/haproxy.cfg"

for c in $(seq "$CLIENTS"); do await_port $((BE_BASE + c)) "bench backend $c"; done
for g in $(seq "$GATEWAYS"); do await_port $((GW_BASE + g)) "gateway gw-$g"; done
# Several HAProxy processes on one port: the kernel spreads connections (SO_REUSEPORT).
haproxy_pids=()
for b in $(seq "$BALANCERS"); do
  haproxy -db -f "$OUT/haproxy.cfg" >"$OUT/haproxy-$b.log" 2>&1 &
  pids+=($!); haproxy_pids+=($!)
done
await_port "$LB_PORT" haproxy
sleep 3 # two health checks: every node up

metric() { # gateway index, metric name (no labels): its value as an integer (client_java prints floats)
  curl -s -H "Host: 127.0.0.1:$LB_PORT" "http://127.0.0.1:$((GW_BASE + $1))/metrics" \
    | awk -v n="$2" '$1 == n {printf "%d", $2; found=1} END {if (!found) printf "0"}'
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
heap_kb() { # heap in use right after a full GC (jcmd, as `bench run` S1 reads it)
  jcmd "$1" GC.run >/dev/null 2>&1
  { jcmd "$1" GC.heap_info 2>/dev/null || true; } | awk '{ if (match($0, /used [0-9]+K/)) { print substr($0, RSTART + 5, RLENGTH - 6); exit } }
    END { if (!NR) print 0 }'
}
sessions_now() { local t=0; for g in $(seq "$GATEWAYS"); do t=$((t + $(metric "$g" cometgate_sessions))); done; echo "$t"; }
haproxy_rss_kb() { local t=0; for p in "${haproxy_pids[@]}"; do t=$((t + $(rss_kb "$p"))); done; echo "$t"; }
declare -A heap0 rss0
tcp_mem_kb() { awk '/^TCP:/ {for (i = 1; i < NF; i++) if ($i == "mem") print $(i + 1) * 4}' /proc/net/sockstat; }
hrss0=$(haproxy_rss_kb); tcp0=$(tcp_mem_kb)
for g in $(seq "$GATEWAYS"); do p=${gateway_pids[$((g - 1))]}; heap0[$g]=$(heap_kb "$p"); rss0[$g]=$(rss_kb "$p"); done

want_phase() { [[ " $PHASES " == *" $1 "* ]]; }

# Memory per session: every client holds SESSIONS idle sessions (S1) while each gateway is measured.
if want_phase memory; then
echo "memory: $CLIENTS clients x $SESSIONS idle $TRANSPORT sessions through the balancer"
clients=()
c=0
for b in $backends; do
  c=$((c + 1))
  java -Xss512k -Xmx2g -jar "$JAR" bench run --scenarios S1 --transports "$TRANSPORT" --no-relay \
    --via-gateway "http://127.0.0.1:$LB_PORT/cometgate" --backend "$b" \
    --s1-sessions "$SESSIONS" --idle-seconds "$HOLD" --repeat 1 \
    --gateway-pid "${gateway_pids[$(( (c - 1) % GATEWAYS ))]}" >"$OUT/s1-client-$c.txt" 2>&1 &
  pids+=($!); clients+=($!)
done
# Measure once every client says its sessions are held (S1 prints "N sessions held" when they
# are open and echoed, after its warm-up round, then holds them HOLD seconds).
want=$((CLIENTS * SESSIONS))
for _ in $(seq 1200); do
  ready=$( (grep -l "sessions held;" "$OUT"/s1-client-*.txt 2>/dev/null || true) | wc -l)
  [ "$ready" -ge "$CLIENTS" ] && break
  alive=0; for p in "${clients[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done; [ "$alive" = 1 ] || break
  sleep 0.5
done
held=$(sessions_now)
echo "held: $held of $want sessions"
heap_sum=0; rss_sum=0
for g in $(seq "$GATEWAYS"); do
  p=${gateway_pids[$((g - 1))]}; n=$(metric "$g" cometgate_sessions); h=$(heap_kb "$p"); r=$(rss_kb "$p")
  [ "$(metric "$g" cometgate_sessions)" = "$n" ] || echo "  gw-$g: sessions changed while it was weighed: rerun with a larger HOLD" >&2
  dh=$((h - heap0[$g])); dr=$((r - rss0[$g])); heap_sum=$((heap_sum + dh)); rss_sum=$((rss_sum + dr))
  echo "  gw-$g: $n sessions; heap after GC $((heap0[$g] / 1024)) -> $((h / 1024)) MB ($(( n > 0 ? dh * 1024 / n : 0 )) B/session);" \
    "RSS $((rss0[$g] / 1024)) -> $((r / 1024)) MB ($(( n > 0 ? dr * 1024 / n : 0 )) B/session)"
done
echo "  all gateways: heap $(( held > 0 ? heap_sum * 1024 / held : 0 )) B/session, RSS $(( held > 0 ? rss_sum * 1024 / held : 0 )) B/session"
hrss=$(haproxy_rss_kb)
echo "  all HAProxy processes: RSS $((hrss0 / 1024)) -> $((hrss / 1024)) MB ($(( held > 0 ? (hrss - hrss0) * 1024 / held : 0 )) B/session)"
tcp=$(tcp_mem_kb)
echo "  kernel TCP buffers (whole machine: all 6 loopback sockets of a session): $((tcp0 / 1024)) -> $((tcp / 1024)) MB" \
  "($(( held > 0 ? (tcp - tcp0) * 1024 / held : 0 )) B/session)"
for p in "${clients[@]}"; do wait "$p" || echo "a memory client exited $?; see $OUT" >&2; done
for _ in $(seq 60); do [ "$(sessions_now)" -eq 0 ] && break; sleep 1; done
fi

if want_phase s5; then
clients=()
echo "S5: $CLIENTS clients x $SESSIONS $TRANSPORT sessions, $SECONDS_ ticks $S5_INTERVAL_MS ms apart" \
  "($((CLIENTS * SESSIONS * 1000 / S5_INTERVAL_MS)) msg/s), through $BALANCERS HAProxy processes to $GATEWAYS gateways"
c=0
for b in $backends; do
  c=$((c + 1))
  java -Xss512k -Xmx2g -jar "$JAR" bench run --scenarios S5 --transports "$TRANSPORT" --no-relay \
    --via-gateway "http://127.0.0.1:$LB_PORT/cometgate" --backend "$b" \
    --s5-sessions "$SESSIONS" --s5-seconds "$SECONDS_" --s5-phasing "$S5_PHASING" --s5-interval-ms "$S5_INTERVAL_MS" --repeat 1 --json "$OUT/s5-client-$c.json" \
    >"$OUT/s5-client-$c.txt" 2>&1 &
  pids+=($!); clients+=($!)
done
peak=0
while :; do
  alive=0; for p in "${clients[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ "$alive" = 1 ] || break
  n=$(sessions_now); [ "$n" -gt "$peak" ] && peak=$n
  sleep 2
done
for p in "${clients[@]}"; do wait "$p" || echo "a client exited $?; see $OUT" >&2; done
echo "peak concurrent sessions over all gateways: $peak"
for g in $(seq "$GATEWAYS"); do
  echo "gw-$g: created=$(metric "$g" cometgate_sessions_created_total) unknown=$(metric "$g" cometgate_unknown_sessions_total)" \
    "RSS=$(( $(rss_kb "${gateway_pids[$((g - 1))]}") / 1024 )) MB"
done
grep -h "^S5 | $TRANSPORT" "$OUT"/s5-client-*.txt | sed 's/^/  client: /' || true
fi

if want_phase s6; then
echo "S6: $CLIENTS clients x ($S6_STEADY steady + $S6_RATE new/s for 10 s) through the balancer"
clients=()
c=0
for b in $backends; do
  c=$((c + 1))
  java -Xss512k -jar "$JAR" bench run --scenarios S6 --transports "$TRANSPORT" --no-relay \
    --via-gateway "http://127.0.0.1:$LB_PORT/cometgate" --backend "$b" \
    --s6-steady "$S6_STEADY" --s6-rate "$S6_RATE" --s6-seconds 10 --repeat 1 --json "$OUT/s6-client-$c.json" \
    --gateway-pid "${gateway_pids[$(( (c - 1) % GATEWAYS ))]}" \
    >"$OUT/s6-client-$c.txt" 2>&1 &
  pids+=($!); clients+=($!)
done
for p in "${clients[@]}"; do wait "$p" || echo "a client exited $?; see $OUT" >&2; done
grep -h "^S6 | $TRANSPORT" "$OUT"/s6-client-*.txt | sed 's/^/  client: /' || true
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); full outputs in $OUT"
