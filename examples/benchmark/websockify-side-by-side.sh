#!/usr/bin/env bash
# Side by side, apples to apples: cometgate's websockify-compatible endpoint (`cometgate
# websockify`, raw binary WebSocket, one TCP connection per WebSocket) and websockify (Debian
# package) in front of the SAME bench echo backend, driven by the same `cometgate bench run`
# in one go: throughput (S2), 64 B latency (S3) and round trips (S4), memory and open files per
# connection at 1,000 connections (S1). Medians of REPEAT repeats.
# BASELINES=1 adds the bare relay and the gateway's own WebSocket route (the reliable protocol)
# to the same run: the websockify-compatible endpoint is the same Netty WebSocket server without
# the protocol, so beside them it shows what the protocol itself costs (docs/BENCHMARKS.md,
# issue 13, session 11). SCENARIOS picks the scenarios (S0 is the direct TCP baseline).
# Installs nothing; needs java 17 and websockify. Loopback only; every process it starts is
# stopped by its PID on exit.
#
#   examples/benchmark/websockify-side-by-side.sh [JAR] [OUTDIR]
#   BASELINES=1 SCENARIOS=S0,S2 REPEAT=5 examples/benchmark/websockify-side-by-side.sh JAR OUT
set -euo pipefail

JAR=${1:-gateway/target/cometgate.jar}
OUT=${2:-websockify-side-by-side-out}
BACKEND_PORT=${BACKEND_PORT:-65011}
COMETGATE_PORT=${COMETGATE_PORT:-65086}
WSFY_PORT=${WSFY_PORT:-65096}
REPEAT=${REPEAT:-3}
CONNECTIONS=${CONNECTIONS:-1000}
SCENARIOS=${SCENARIOS:-S2,S3,S4,S1}
BASELINES=${BASELINES:-0}

NAME=websockify-side-by-side
. "$(dirname "$0")/lib.sh"
require_tools
mkdir -p "$OUT"
# The derived policy's limits (120 opens a minute per address) would refuse the 1,000
# connections of S1: the same rule with the limits raised.
loopback_policy "$OUT/websockify.policy" $COMETGATE_PORT $BACKEND_PORT
start_backend $BACKEND_PORT "$OUT"
java -jar "$JAR" websockify --policy "$OUT/websockify.policy" 127.0.0.1:$COMETGATE_PORT 127.0.0.1:$BACKEND_PORT \
  > "$OUT/cometgate.log" 2>&1 &
COMETGATE_PID=$!
started $COMETGATE_PID
start_websockify $WSFY_PORT $BACKEND_PORT "$OUT"
wait_port $BACKEND_PORT; wait_port $COMETGATE_PORT; wait_port $WSFY_PORT

baselines=(--no-relay --transports none)   # only the two raw WebSocket routes (and direct TCP)
[ "$BASELINES" = 1 ] && baselines=(--transports websocket)   # bench run also starts its own bare relay and gateway
java -jar "$JAR" bench run --backend 127.0.0.1:$BACKEND_PORT --backend-pid "$BACKEND_PID" "${baselines[@]}" \
  --raw-websocket cometgate-websockify=ws://127.0.0.1:$COMETGATE_PORT/websockify --raw-websocket-pid cometgate-websockify=$COMETGATE_PID \
  --raw-websocket websockify=ws://127.0.0.1:$WSFY_PORT/websockify --raw-websocket-pid websockify=$WSFY_PID \
  --scenarios "$SCENARIOS" --s4-sessions 100 --s1-sessions "$CONNECTIONS" --idle-seconds 10 \
  --repeat "$REPEAT" --duration 3 --json "$OUT/websockify-side-by-side.json" | tee "$OUT/websockify-side-by-side.txt"
