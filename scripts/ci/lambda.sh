#!/usr/bin/env bash
# CI setup for the Lambda suite: zip/unzip for the layer test, and the real AWS Lambda runtime interface client (aws-lambda-ric 3.x, as
# in nodejs22.x, and 4.x, as in nodejs24.x) with its native client, built from the sources the npm
# package ships. Installed in its own folder (test/helpers/lambda/ric) so that it is neither in the
# agent's runtime tree nor in the project's `npm ci`. Idempotent: skips what is present.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
for tool in cmake make g++ autoreconf libtoolize automake zip unzip; do
  command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "lambda.sh: installing build tools for the ric's native client (missing: ${need[*]})"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq cmake make g++ autoconf automake libtool zip unzip >/dev/null
fi

dir=test/helpers/lambda/ric
if [ -f "$dir/node_modules/aws-lambda-ric-3/dist/rapid-client.node" ] && [ -f "$dir/node_modules/aws-lambda-ric-4/rapid-client.node" ]; then
  echo "lambda.sh: aws-lambda-ric 3 and 4 already built"
  exit 0
fi
# node-gyp would download Node's headers; the machine's own Node ships them (the addon is N-API, so one
# build serves Node 22 and 24).
nodedir=$(dirname "$(dirname "$(command -v node)")")
export npm_config_nodedir="$nodedir"
echo "lambda.sh: building aws-lambda-ric 3 and 4 (a few minutes, once)"
(cd "$dir" && npm ci --no-audit --no-fund --foreground-scripts >/tmp/wiretap-lambda-ric-build.log 2>&1) || {
  tail -40 /tmp/wiretap-lambda-ric-build.log >&2
  echo "lambda.sh: building aws-lambda-ric failed (log above); the Lambda suite will report it" >&2
  exit 0
}
echo "lambda.sh: done"
