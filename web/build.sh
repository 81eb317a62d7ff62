#!/usr/bin/env bash
# Builds the web UI into web/dist/ (used by tests/run.sh and deploy/quickstart.sh). Installs the npm
# packages with `npm ci` only when web/node_modules was not installed from this package-lock.json,
# so that a second run downloads nothing.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.installed-from-package-lock.json
if ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund
  cp package-lock.json "$stamp"
fi
npm run build
