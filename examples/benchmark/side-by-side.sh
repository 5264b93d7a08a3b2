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
RELAY_PORT=${RELAY_PORT:-65092}
SCENARIOS=${SCENARIOS:-S2,S3,S4,S1}
REPEAT=${REPEAT:-3}

NAME=side-by-side
. "$(dirname "$0")/lib.sh"
require_tools
mkdir -p "$OUT"
loopback_policy "$OUT/side-by-side.policy" $GATEWAY_PORT $BACKEND_PORT
start_backend $BACKEND_PORT "$OUT"
start_gateway $GATEWAY_PORT "$OUT/side-by-side.policy" websocket "$OUT"
start_websockify $WSFY_PORT $BACKEND_PORT "$OUT"
start_relay $RELAY_PORT $BACKEND_PORT "$OUT"   # the bare relay's column: is 1.5x websockify above it?
wait_port $BACKEND_PORT; wait_port $GATEWAY_PORT; wait_port $WSFY_PORT; wait_port $RELAY_PORT

java -jar "$JAR" bench run --backend 127.0.0.1:$BACKEND_PORT --backend-pid $BACKEND_PID \
  --relay 127.0.0.1:$RELAY_PORT --relay-pid $RELAY_PID \
  --via-gateway http://127.0.0.1:$GATEWAY_PORT/cometgate --gateway-pid $GATEWAY_PID --transports websocket \
  --raw-websocket ws://127.0.0.1:$WSFY_PORT/ --raw-websocket-pid $WSFY_PID \
  --scenarios "$SCENARIOS" --s4-sessions 100 --s1-sessions 500 --idle-seconds 10 \
  --repeat "$REPEAT" --duration 3 --json "$OUT/side-by-side.json" | tee "$OUT/side-by-side.txt"
