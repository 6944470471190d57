"""App settings: the one place that reads the environment.

Every name the service reads is listed in ``SETTING_NAMES``; the infrastructure
templates are checked against that list, so a setting is added here first.
Storage is reached either through a connection string (Azurite locally) or
through an identity (``AzureWebJobsStorage__*`` settings, as the Functions host
understands them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

STORAGE_CONNECTION = "AzureWebJobsStorage"
STORAGE_ACCOUNT_NAME = "AzureWebJobsStorage__accountName"
STORAGE_CREDENTIAL = "AzureWebJobsStorage__credential"
STORAGE_CLIENT_ID = "AzureWebJobsStorage__clientId"
API_KEYS = "FACE_API_KEYS"
ALLOW_PRIVATE_URLS = "FACE_ALLOW_PRIVATE_URLS"
MODEL_CACHE_DIR = "FACE_MODEL_CACHE_DIR"
INFERENCE_THREADS = "FACE_INFERENCE_THREADS"
URL_FETCH_TIMEOUT = "FACE_URL_FETCH_TIMEOUT_SECONDS"

SETTING_NAMES: tuple[str, ...] = (
    STORAGE_CONNECTION,
    STORAGE_ACCOUNT_NAME,
    STORAGE_CREDENTIAL,
    STORAGE_CLIENT_ID,
    API_KEYS,
    ALLOW_PRIVATE_URLS,
    MODEL_CACHE_DIR,
    INFERENCE_THREADS,
    URL_FETCH_TIMEOUT,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """A snapshot of the settings the service reads."""

    storage_connection_string: str | None
    storage_account_name: str | None
    storage_client_id: str | None
    api_keys: tuple[str, ...]
    allow_private_urls: bool
    model_cache_dir: Path
    inference_threads: int
    url_fetch_timeout_seconds: float


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _keys(value: str | None) -> tuple[str, ...]:
    return tuple(key.strip() for key in (value or "").split(",") if key.strip())


def read_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read the settings from ``environ`` (the process environment by default)."""
    env = os.environ if environ is None else environ
    cache_dir = env.get(MODEL_CACHE_DIR) or str(PROJECT_ROOT / ".cache" / "models")
    return Settings(
        storage_connection_string=env.get(STORAGE_CONNECTION) or None,
        storage_account_name=env.get(STORAGE_ACCOUNT_NAME) or None,
        storage_client_id=env.get(STORAGE_CLIENT_ID) or None,
        api_keys=_keys(env.get(API_KEYS)),
        allow_private_urls=_flag(env.get(ALLOW_PRIVATE_URLS)),
        model_cache_dir=Path(cache_dir),
        inference_threads=int(env.get(INFERENCE_THREADS) or 1),
        url_fetch_timeout_seconds=float(env.get(URL_FETCH_TIMEOUT) or 10),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return read_settings()
