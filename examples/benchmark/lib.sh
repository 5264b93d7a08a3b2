# Shared by the side-by-side scripts: checks, process start and stop by PID, port waits, the
# loopback policy. Source it after setting NAME (the script's name for messages) and JAR.
# Every process started with `started` is stopped by its PID when the script exits.

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# started PID: remember a background process to stop on exit.
started() { pids+=("$1"); }

require_tools() {
  [ -f "$JAR" ] || { echo "$NAME: no jar at $JAR (build with: mvn -q -pl policy,gateway package -DskipTests)" >&2; exit 2; }
  command -v websockify >/dev/null || { echo "$NAME: websockify is not installed (Debian package 'websockify')" >&2; exit 2; }
}

# wait_port PORT: until something accepts on 127.0.0.1:PORT (60 s at most).
wait_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "$NAME: nothing listens on 127.0.0.1:$1" >&2; exit 1
}

# cpu_ticks PID: the process's user + system CPU so far, in clock ticks (0 once it is gone).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

# loopback_policy FILE GATEWAY_PORT BACKEND_PORT: a policy allowing only the bench backend,
# with the limits raised so that thousands of bench sessions from one address are not refused.
# The gateway's own address is an allowed Origin: bench run's htmlfile route sends it.
loopback_policy() {
  cat > "$1" <<POLICY
cometgate-policy 1
host 127.0.0.1:$2
origin none http://127.0.0.1:$2
allow 127.0.0.1:$3 allow-loopback
limit max-sessions 20000
limit max-sessions-per-ip 20000
limit max-sessions-per-origin 20000
limit opens-per-ip-per-minute 999999
limit max-connections-per-target 20000
POLICY
}

# start_backend PORT OUT: the bench echo backend.
start_backend() {
  java -jar "$JAR" bench backend --listen "127.0.0.1:$1" --max-lifetime 3600 > "$2/backend.log" 2>&1 &
  started $!
  BACKEND_PID=$!
}

# start_relay PORT BACKEND_PORT OUT: the bare relay (one TCP hop, no protocol); sets RELAY_PID.
start_relay() {
  java -jar "$JAR" bench relay --listen "127.0.0.1:$1" --target "127.0.0.1:$2" > "$3/relay.log" 2>&1 &
  started $!
  RELAY_PID=$!
}

# start_gateway PORT POLICY TRANSPORTS OUT: the gateway under test; sets GATEWAY_PID.
start_gateway() {
  java -jar "$JAR" serve --listen "127.0.0.1:$1" --policy "$2" \
    --transports "$3" --no-demo --log-level warn > "$4/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  started $GATEWAY_PID
}

# start_websockify PORT BACKEND_PORT OUT: Debian's websockify in front of the backend; sets WSFY_PID.
start_websockify() {
  websockify "127.0.0.1:$1" "127.0.0.1:$2" > "$3/websockify.log" 2>&1 &
  WSFY_PID=$!
  started $WSFY_PID
}
