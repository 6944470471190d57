#!/usr/bin/env bash
# Runs the service locally: Azurite (data kept in .azurite/) and the app on http://localhost:7071.
set -euo pipefail
cd "$(dirname "$0")/.."
bash devhost/setup.sh
.venv/bin/python -m core.vision.prepare

mkdir -p .azurite
node_modules/.bin/azurite --silent --loose --skipApiVersionCheck --disableTelemetry \
  --location .azurite \
  --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 &
azurite_pid=$!
trap 'kill $azurite_pid 2>/dev/null || true' EXIT
for port in 10000 10001 10002; do
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    kill -0 $azurite_pid 2>/dev/null || { echo "Azurite did not start (are ports 10000-10002 in use?)" >&2; exit 1; }
    sleep 0.2
  done
done

export AzureWebJobsStorage=${AzureWebJobsStorage:-UseDevelopmentStorage=true}
.venv/bin/python -m devhost --host "${HOST:-127.0.0.1}" --port "${PORT:-7071}"
