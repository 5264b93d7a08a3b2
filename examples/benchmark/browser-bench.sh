#!/usr/bin/env bash
# The browser benchmark (browser-bench.mjs): headless Chromium drives js-client over every
# transport and a raw WebSocket through websockify to one backend; bulk down/up and 64 B round
# trips, medians of --repeat. Installs nothing but playwright-core (npm ci in examples/test,
# when missing); needs java 17, node 20, Debian's chromium and websockify. Loopback only; every
# process it starts is stopped by its process-group id. Options: browser-bench.mjs --help.
#
#   examples/benchmark/browser-bench.sh [--repeat 3] [--json FILE] [--tiny] ...
set -euo pipefail
cd "$(dirname "$0")/../.."

for bin in java node websockify "${CHROMIUM:-/usr/bin/chromium}"; do
  command -v "$bin" >/dev/null || { echo "browser-bench: $bin is not installed (Debian: apt-get install openjdk-17-jdk-headless nodejs chromium websockify)" >&2; exit 2; }
done
[ -d examples/test/node_modules/playwright-core ] || (cd examples/test && npm ci --no-audit --no-fund >/dev/null)
exec node examples/benchmark/browser-bench.mjs "$@"
