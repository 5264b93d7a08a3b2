#!/usr/bin/env bash
# S5's floor on this machine: the same fan-out as bench-cluster.sh (CLIENTS bench clients x
# SESSIONS sessions, one tick per S5_INTERVAL_MS each), with no gateway and no balancer, in
# rounds that add bare hops (docs/SCALING.md, "What the machine itself allows"):
#
#   direct   client -> backend                     (2 processes touch each message)
#   relay    client -> bare relay -> backend       (3: one extra hop, cometgate's bare Netty relay)
#   haproxy  client -> HAProxy (TCP) -> backend    (3: one extra hop, Debian's haproxy in TCP mode)
#   haproxy2 client -> HAProxy -> HAProxy -> backend  (4, like the gateway's path, with a second
#            HAProxy TCP hop standing in for a gateway as lean as HAProxy that speaks no protocol)
#
# Through the gateway a message crosses 4 processes (backend, gateway, HAProxy, client), and the
# gateway does more than any hop here. If the haproxy2 round already misses S5's target (100%
# delivered, p99 < 100 ms), no gateway behind a balancer can meet it on this machine.
#
#   examples/cluster/s5-floor.sh                       # 4 x 7,500 sessions, 20 ticks: 30,000 msg/s
#   CLIENTS=2 SESSIONS=1000 SECONDS_=5 ROUNDS="direct haproxy2" examples/cluster/s5-floor.sh
#
# One bench backend, one `bench relay` and two HAProxy processes per client (each hop holds 2
# files per session, so 7,500 sessions fit in 20,000 open files). Loopback only; everything is
# stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/../.."

JAR=${JAR:-gateway/target/cometgate.jar}
CLIENTS=${CLIENTS:-4}
SESSIONS=${SESSIONS:-7500}          # per client process
SECONDS_=${SECONDS_:-20}            # ticks per session
S5_INTERVAL_MS=${S5_INTERVAL_MS:-1000}
ROUNDS=${ROUNDS:-direct relay haproxy haproxy2}
BE_BASE=${BE_BASE:-64400}           # backends on BE_BASE+1 .., relays on +101 .., HAProxy on +201 .., its second hop on +301 ..
OUT=${OUT:-$(mktemp -d /tmp/cometgate-s5-floor.XXXXXX)}; mkdir -p "$OUT"
NAME=s5-floor.sh
. examples/benchmark/lib.sh         # started, cleanup by PID on exit, wait_port, cpu_ticks, start_backend, start_relay

[ -f "$JAR" ] || { echo "$NAME: no jar at $JAR (mvn -q -pl policy,gateway package -DskipTests)" >&2; exit 2; }
command -v haproxy >/dev/null || { echo "$NAME: haproxy missing (Debian package 'haproxy')" >&2; exit 2; }
ulimit -n 20000 2>/dev/null || echo "$NAME: could not raise open files to 20,000 (hard limit $(ulimit -Hn)); small runs still fit" >&2

echo "results in $OUT; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "S5 floor: $CLIENTS clients x $SESSIONS sessions, $SECONDS_ ticks $S5_INTERVAL_MS ms apart" \
  "($((CLIENTS * SESSIONS * 1000 / S5_INTERVAL_MS)) msg/s)"
# start_tcp_hop FILE-STEM LISTEN-PORT TARGET-PORT: one HAProxy process relaying TCP as it comes;
# sets HOP_PID (as lib.sh's start_relay sets RELAY_PID).
start_tcp_hop() {
  cat > "$1.cfg" <<CFG
global
    maxconn 9000
defaults
    mode tcp
    timeout connect 5s
    timeout client 120s
    timeout server 120s
listen hop
    bind 127.0.0.1:$2
    server next 127.0.0.1:$3
CFG
  haproxy -db -f "$1.cfg" > "$1.log" 2>&1 &
  HOP_PID=$!
  started $HOP_PID
}

relay_pids=(); haproxy_pids=(); haproxy2_pids=()
for c in $(seq "$CLIENTS"); do
  mkdir -p "$OUT/$c"
  start_backend $((BE_BASE + c)) "$OUT/$c"
  start_relay $((BE_BASE + 100 + c)) $((BE_BASE + c)) "$OUT/$c"; relay_pids+=("$RELAY_PID")
  start_tcp_hop "$OUT/haproxy-$c" $((BE_BASE + 200 + c)) $((BE_BASE + c)); haproxy_pids+=("$HOP_PID")
  start_tcp_hop "$OUT/haproxy2-$c" $((BE_BASE + 300 + c)) $((BE_BASE + 200 + c)); haproxy2_pids+=("$HOP_PID")
done
for c in $(seq "$CLIENTS"); do
  for h in 0 100 200 300; do wait_port $((BE_BASE + h + c)); done
done

for round in $ROUNDS; do
  case $round in direct) offset=0; hop=() ;; relay) offset=100; hop=("${relay_pids[@]}") ;;
    haproxy) offset=200; hop=("${haproxy_pids[@]}") ;;
    haproxy2) offset=300; hop=("${haproxy_pids[@]}" "${haproxy2_pids[@]}") ;; *) echo "$NAME: unknown round $round" >&2; exit 2 ;; esac
  clients=()
  for c in $(seq "$CLIENTS"); do
    # --transports none: only the direct route, which here dials the round's first hop
    java -Xss512k -Xmx2g -jar "$JAR" bench run --scenarios S5 --transports none --no-relay \
      --backend "127.0.0.1:$((BE_BASE + offset + c))" --s5-sessions "$SESSIONS" --s5-seconds "$SECONDS_" \
      --s5-interval-ms "$S5_INTERVAL_MS" --repeat 1 > "$OUT/$round-client-$c.txt" 2>&1 &
    started $!; clients+=($!)
  done
  # The hop's CPU is counted from when every client has opened all its sessions and starts
  # asking for ticks, so the opening storm is left out.
  for _ in $(seq 3000); do
    [ "$(cat "$OUT"/"$round"-client-*.txt | grep -c "asking every one")" -ge "$CLIENTS" ] && break
    alive=0; for p in "${clients[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 1 ] || break
    sleep 0.1
  done
  before=(); for p in "${hop[@]}"; do before+=("$(cpu_ticks "$p")"); done
  for p in "${clients[@]}"; do wait "$p" || echo "$NAME: a $round client exited $?; see $OUT" >&2; done
  echo "$round round (load after: $(cut -d' ' -f1-3 /proc/loadavg)):"
  grep -h "^S5 | direct" "$OUT"/"$round"-client-*.txt | sed "s/^S5 | direct/  $round/" || true
  if [ "${#hop[@]}" -gt 0 ]; then
    ticks=0; i=0
    for p in "${hop[@]}"; do ticks=$((ticks + $(cpu_ticks "$p") - before[i])); i=$((i + 1)); done
    ms=$((ticks * 1000 / $(getconf CLK_TCK)))
    echo "  $round processes' CPU from the first tick to the end (the closes included): $ms ms," \
      "$((ms * 1000 / (CLIENTS * SESSIONS * SECONDS_))) us per tick asked"
  fi
done
