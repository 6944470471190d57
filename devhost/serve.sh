#!/usr/bin/env bash
# Runs the service locally: Azurite (data kept in .azurite/) and the app on http://localhost:7071.
set -euo pipefail
cd "$(dirname "$0")/.."
bash devhost/setup.sh

mkdir -p .azurite
node_modules/.bin/azurite --silent --loose --skipApiVersionCheck --disableTelemetry \
  --location .azurite \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
azurite_pid=$!
trap 'kill $azurite_pid 2>/dev/null || true' EXIT

export AzureWebJobsStorage=${AzureWebJobsStorage:-UseDevelopmentStorage=true}
.venv/bin/python -m devhost --host "${HOST:-127.0.0.1}" --port "${PORT:-7071}"
