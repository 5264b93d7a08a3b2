#!/bin/sh
# Runs a private RabbitMQ node with the STOMP plugin in the foreground: its own data directory,
# its own epmd on a private loopback port, every port on 127.0.0.1, no system service.
#   examples/stomp/run-rabbitmq.sh [DATA_DIR]      (default: a new temp directory)
# Ctrl-C (or SIGTERM to the process group) stops the node and its epmd.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${1:-$(mktemp -d "${TMPDIR:-/tmp}/cometgate-stomp-XXXXXX")}
mkdir -p "$data"
data=$(cd "$data" && pwd)

export HOME="$data"                            # the Erlang cookie goes here
export ERL_EPMD_ADDRESS=127.0.0.1
export ERL_EPMD_PORT=26369                     # a private epmd, not the system's 4369
export RABBITMQ_NODENAME=cometgate-stomp@localhost
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT=26672                # unused (no AMQP listener) but kept off 5672
export RABBITMQ_DIST_PORT=26673
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
export RABBITMQ_CONFIG_FILE="$here/rabbitmq.conf"
export RABBITMQ_ENABLED_PLUGINS_FILE="$here/enabled_plugins"
export RABBITMQ_MNESIA_BASE="$data/mnesia"
export RABBITMQ_LOG_BASE="$data/log"
export RABBITMQ_PLUGINS_EXPAND_DIR="$data/plugins-expand"
export RABBITMQ_PID_FILE="$data/rabbitmq.pid"

# Our own epmd, in the foreground of this process group (not -daemon, which would outlive us).
epmd -port "$ERL_EPMD_PORT" -address 127.0.0.1 &
epmd_pid=$!
trap 'kill "$epmd_pid" 2>/dev/null || true' EXIT INT TERM
i=0
until epmd -port "$ERL_EPMD_PORT" -names >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -lt 100 ] || { echo "epmd did not start on 127.0.0.1:$ERL_EPMD_PORT" >&2; exit 1; }
  sleep 0.1
done

echo "RabbitMQ data in $data; STOMP on 127.0.0.1:26613"
# The Debian wrapper in /usr/sbin insists on root or the rabbitmq user; the real script does not.
/usr/lib/rabbitmq/bin/rabbitmq-server
