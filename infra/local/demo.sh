#!/usr/bin/env bash
# npm run demo — the whole Vigie system on one machine, offline, on its embedded defaults:
# installs, builds, brings up Redis and FerretDB if none is configured, serves the bundled sample feeds on
# loopback, starts collector, classifier and API, and prints the API URL and a key. Ctrl-C stops everything.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/../.."

step() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "Vigie needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "Installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund --loglevel=error
fi

step "Building (turbo run build)…"
npx turbo run build --output-logs=errors-only

step "Starting the stack…"
exec node --import tsx --conditions=source infra/local/demo.ts "$@"
