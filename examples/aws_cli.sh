#!/usr/bin/env bash
# The AWS CLI against `mock-insights serve`: start the server on a free port, read its URL from
# the first line it prints, enable Insights on a trail, show a modeled error's exit status, and
# stop the server. Needs the AWS CLI (`pip install awscli`) and mock_insights installed.
set -euo pipefail

workdir=$(mktemp -d)
mock-insights serve --port 0 > "$workdir/server.out" &
server=$!
trap 'kill "$server"; wait "$server" || true; rm -rf "$workdir"' EXIT
until [ -s "$workdir/server.out" ]; do sleep 0.1; done
read -r url < "$workdir/server.out"

# CloudTrail, and only CloudTrail, goes to the server; the access key is the account's ID.
export AWS_ENDPOINT_URL_CLOUDTRAIL="$url"
export AWS_ACCESS_KEY_ID=123456789012 AWS_SECRET_ACCESS_KEY=mock AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$workdir/none" AWS_SHARED_CREDENTIALS_FILE="$workdir/none"
export AWS_EC2_METADATA_DISABLED=true

aws cloudtrail create-trail --name audit-trail --s3-bucket-name audit-bucket --output text \
  --query TrailARN
aws cloudtrail put-insight-selectors --trail-name audit-trail \
  --insight-selectors '[{"InsightType": "ApiCallRateInsight"}]' --output text \
  --query 'InsightSelectors[].InsightType'

status=0
aws cloudtrail get-trail --name missing-trail 2> "$workdir/error" || status=$?
echo "get-trail of a missing trail: exit $status, $(grep -o 'TrailNotFoundException' "$workdir/error")"
[ "$status" -eq 255 ]

# The control endpoints see the CLI's calls.
python3 - "$url" <<'PY'
import json, sys, urllib.request

calls = json.load(urllib.request.urlopen(sys.argv[1] + "/_mock_insights/calls"))["calls"]
print("recorded:", ", ".join(f"{c['operation']} ({c['error'] or 'ok'})" for c in calls))
PY
