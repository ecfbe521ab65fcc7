#!/usr/bin/env bash
# The AWS SDK for JavaScript v3 against `mock-insights serve`: start the server on a free port,
# read its URL from the first line it prints, install the locked SDK if needed, run insights.mjs
# with CloudTrail (and only CloudTrail) sent to the server, and stop the server. Needs Node.js 20+
# with npm, and mock_insights installed (`mock-insights` on PATH). Fails if node or npm fails.
set -euo pipefail

dir=$(cd "$(dirname "$0")" && pwd)
workdir=$(mktemp -d)
mock-insights serve --port 0 > "$workdir/server.out" &
server=$!
trap 'kill "$server" 2> /dev/null; wait "$server" || true; rm -rf "$workdir"' EXIT
for _ in $(seq 100); do  # at most 10 s for the URL
  [ -s "$workdir/server.out" ] && break
  kill -0 "$server" 2> /dev/null || { echo "mock-insights serve exited" >&2; exit 1; }
  sleep 0.1
done
read -r url < "$workdir/server.out" || { echo "mock-insights serve printed no URL" >&2; exit 1; }

# The exact versions of package-lock.json; node_modules/ is not committed. Quiet unless it fails
# (`--silent` would hide why).
[ -d "$dir/node_modules" ] || npm ci --loglevel=error --no-audit --no-fund --prefix "$dir"

# No real credentials, profile or instance metadata can be picked up. The locked SDK supports
# Node 20; its notice that releases after January 2027 need Node 22 is silenced.
env -u AWS_IGNORE_CONFIGURED_ENDPOINT_URLS \
  AWS_ENDPOINT_URL_CLOUDTRAIL="$url" \
  AWS_EC2_METADATA_DISABLED=true \
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true \
  AWS_CONFIG_FILE="$workdir/none" AWS_SHARED_CREDENTIALS_FILE="$workdir/none" \
  node "$dir/insights.mjs"
