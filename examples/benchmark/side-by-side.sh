#!/usr/bin/env bash
# Side by side: the cometgate gateway (websocket transport, protocol v1) and websockify (raw
# binary WebSocket frames, one target) in front of the SAME bench echo backend, driven by the
# same `cometgate bench run` in one go: throughput (S2), latency p50/p99 (S3), round trips
# (S4), and memory per connection at 500 connections (S1).
# Installs nothing; needs java 17 and websockify (Debian package). Loopback only; every
# process it starts is stopped by its PID on exit.
#
#   examples/benchmark/side-by-side.sh [JAR] [OUTDIR]
set -euo pipefail

JAR=${1:-gateway/target/cometgate.jar}
OUT=${2:-side-by-side-out}
BACKEND_PORT=${BACKEND_PORT:-65001}
GATEWAY_PORT=${GATEWAY_PORT:-65080}
WSFY_PORT=${WSFY_PORT:-65090}
REPEAT=${REPEAT:-3}

[ -f "$JAR" ] || { echo "side-by-side: no jar at $JAR (build with: mvn -q -pl gateway package -DskipTests)" >&2; exit 2; }
command -v websockify >/dev/null || { echo "side-by-side: websockify is not installed (Debian package 'websockify')" >&2; exit 2; }
mkdir -p "$OUT"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

wait_port() {
  for _ in $(seq 1 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "side-by-side: nothing listens on 127.0.0.1:$1" >&2; exit 1
}

cat > "$OUT/side-by-side.policy" <<POLICY
cometgate-policy 1
host 127.0.0.1:$GATEWAY_PORT
origin none
allow 127.0.0.1:$BACKEND_PORT allow-loopback
limit max-sessions 20000
limit max-sessions-per-ip 20000
limit max-sessions-per-origin 20000
limit opens-per-ip-per-minute 999999
limit max-connections-per-target 20000
POLICY

java -jar "$JAR" bench backend --listen 127.0.0.1:$BACKEND_PORT --max-lifetime 3600 > "$OUT/backend.log" 2>&1 &
pids+=($!)
java -jar "$JAR" serve --listen 127.0.0.1:$GATEWAY_PORT --policy "$OUT/side-by-side.policy" \
  --transports websocket --no-demo --log-level warn > "$OUT/gateway.log" 2>&1 &
GATEWAY_PID=$!
pids+=($GATEWAY_PID)
websockify 127.0.0.1:$WSFY_PORT 127.0.0.1:$BACKEND_PORT > "$OUT/websockify.log" 2>&1 &
WSFY_PID=$!
pids+=($WSFY_PID)
wait_port $BACKEND_PORT; wait_port $GATEWAY_PORT; wait_port $WSFY_PORT

java -jar "$JAR" bench run --backend 127.0.0.1:$BACKEND_PORT --no-relay \
  --via-gateway http://127.0.0.1:$GATEWAY_PORT/cometgate --gateway-pid $GATEWAY_PID --transports websocket \
  --raw-websocket ws://127.0.0.1:$WSFY_PORT/ --raw-websocket-pid $WSFY_PID \
  --scenarios S2,S3,S4,S1 --s4-sessions 100 --s1-sessions 500 --idle-seconds 10 \
  --repeat "$REPEAT" --duration 3 --json "$OUT/side-by-side.json" | tee "$OUT/side-by-side.txt"
