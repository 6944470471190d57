#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs everything, then pytest
# (which starts its own Azurite and dev host). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash devhost/setup.sh --test
exec .venv/bin/python -m pytest tests "$@"
