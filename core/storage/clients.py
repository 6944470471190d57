"""Clients for the storage account: tables, blob containers and queues.

The account is reached through the connection string in ``AzureWebJobsStorage``
(Azurite locally) or, when only ``AzureWebJobsStorage__accountName`` is set,
with a managed identity. Tables, containers and queues are created on first use,
once per process.

Every client retries a failed call at most ``RETRIES`` times, a short pause
apart, and gives up on a connection or a read after fixed timeouts, so a
request meeting a storage outage fails within about a second (connections
refused) or ``CONNECTION_TIMEOUT_SECONDS`` per attempt (no answer) instead of
the SDKs' default of minutes; the HTTP layer answers it with a retryable 503.
"""

from __future__ import annotations

import contextlib
import threading
from functools import cache, lru_cache
from typing import Any

from azure.core.exceptions import ResourceExistsError
from azure.data.tables import TableClient, TableServiceClient
from azure.storage.blob import BlobServiceClient, ContainerClient
from azure.storage.blob import LinearRetry as BlobRetry
from azure.storage.queue import LinearRetry as QueueRetry
from azure.storage.queue import QueueClient, QueueServiceClient, TextBase64DecodePolicy, TextBase64EncodePolicy

from core.settings import Settings, get_settings

AZURITE_ACCOUNT = "devstoreaccount1"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
DEVELOPMENT_STORAGE = "UseDevelopmentStorage=true"

RETRIES = 2
"""Retries of a failed storage call: enough for a dropped connection, few enough to fail fast in an outage."""
RETRY_PAUSE_SECONDS = 0.25
CONNECTION_TIMEOUT_SECONDS = 3.0
READ_TIMEOUT_SECONDS = 30.0
"""Per socket read: a large collection's index blob is tens of MB, read in chunks well within this."""
OPERATION_TIMEOUT_SECONDS = 60
"""The most one table call may take with its retries, far above any healthy call."""


def _timeouts() -> dict[str, Any]:
    return {"connection_timeout": CONNECTION_TIMEOUT_SECONDS, "read_timeout": READ_TIMEOUT_SECONDS}


def table_options() -> dict[str, Any]:
    """Keyword options of every table client: bounded retries and timeouts."""
    return {
        "retry_total": RETRIES,
        "retry_backoff_factor": RETRY_PAUSE_SECONDS,
        "retry_backoff_max": 2 * RETRY_PAUSE_SECONDS,
        "timeout": OPERATION_TIMEOUT_SECONDS,
        **_timeouts(),
    }


class _ShortPause:
    """Blob and queue retries pause ``RETRY_PAUSE_SECONDS`` (their SDK policies count whole seconds)."""

    def get_backoff_time(self, settings: dict[str, Any]) -> float:
        return RETRY_PAUSE_SECONDS


class _BlobRetry(_ShortPause, BlobRetry):
    pass


class _QueueRetry(_ShortPause, QueueRetry):
    pass


BLOB_CHUNK_BYTES = 16 * 1024 * 1024
"""Ranges a large blob (an index, a directory segment) is downloaded in: few enough requests that their
overhead is small next to the bytes, enough to download several at once."""


def blob_options() -> dict[str, Any]:
    """Keyword options of every blob client: bounded retries and timeouts, large download ranges."""
    return {"retry_policy": _BlobRetry(retry_total=RETRIES), "max_chunk_get_size": BLOB_CHUNK_BYTES, **_timeouts()}


def queue_options() -> dict[str, Any]:
    """Keyword options of every queue client: bounded retries and timeouts."""
    return {"retry_policy": _QueueRetry(retry_total=RETRIES), **_timeouts()}


def azurite_connection_string(
    host: str = "127.0.0.1", blob: int = 10000, queue: int = 10001, table: int = 10002
) -> str:
    """The connection string of an Azurite instance on ``host`` with the given ports."""
    return (
        f"DefaultEndpointsProtocol=http;AccountName={AZURITE_ACCOUNT};AccountKey={AZURITE_KEY};"
        f"BlobEndpoint=http://{host}:{blob}/{AZURITE_ACCOUNT};"
        f"QueueEndpoint=http://{host}:{queue}/{AZURITE_ACCOUNT};"
        f"TableEndpoint=http://{host}:{table}/{AZURITE_ACCOUNT};"
    )


def _connection_string(settings: Settings) -> str | None:
    value = settings.storage_connection_string
    if value and value.strip().rstrip(";") == DEVELOPMENT_STORAGE:
        return azurite_connection_string()
    return value


@lru_cache(maxsize=1)
def _credential() -> Any:
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential(managed_identity_client_id=get_settings().storage_client_id)


def _account_url(service: str) -> str:
    return f"https://{get_settings().storage_account_name}.{service}.core.windows.net"


@lru_cache(maxsize=1)
def table_service() -> TableServiceClient:
    connection = _connection_string(get_settings())
    if connection:
        return TableServiceClient.from_connection_string(connection, **table_options())
    return TableServiceClient(endpoint=_account_url("table"), credential=_credential(), **table_options())


@lru_cache(maxsize=1)
def blob_service() -> BlobServiceClient:
    connection = _connection_string(get_settings())
    if connection:
        return BlobServiceClient.from_connection_string(connection, **blob_options())
    return BlobServiceClient(account_url=_account_url("blob"), credential=_credential(), **blob_options())


@lru_cache(maxsize=1)
def queue_service() -> QueueServiceClient:
    connection = _connection_string(get_settings())
    encoding: dict[str, Any] = {
        "message_encode_policy": TextBase64EncodePolicy(),
        "message_decode_policy": TextBase64DecodePolicy(),
        **queue_options(),
    }
    if connection:
        return QueueServiceClient.from_connection_string(connection, **encoding)
    return QueueServiceClient(account_url=_account_url("queue"), credential=_credential(), **encoding)


_creation_lock = threading.Lock()


@cache
def table(name: str) -> TableClient:
    """The table ``name``, created if it does not exist yet."""
    with _creation_lock, contextlib.suppress(ResourceExistsError):
        table_service().create_table(name)
    return table_service().get_table_client(name)


@cache
def container(name: str) -> ContainerClient:
    """The blob container ``name``, created if it does not exist yet."""
    client = blob_service().get_container_client(name)
    with _creation_lock, contextlib.suppress(ResourceExistsError):
        client.create_container()
    return client


@cache
def queue(name: str) -> QueueClient:
    """The queue ``name`` (base64 messages, as the Functions host expects), created if missing."""
    client = queue_service().get_queue_client(name)
    with _creation_lock, contextlib.suppress(ResourceExistsError):
        client.create_queue()
    return client


def reset_clients() -> None:
    """Forget every cached client (after the settings changed, e.g. in tests)."""
    for cached in (table_service, blob_service, queue_service, table, container, queue, _credential):
        cached.cache_clear()
