"""Session fixtures for every folder: the shared photos, a real Azurite and a real dev host.

Fixtures start their servers only when a test asks for them, so folders whose
tests ask for none (``pure/``, ``vision/``, ``infra/``) never start Azurite.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import get_settings
from tests.support.paths import SHARED_DATA
from tests.support.servers import Azurite, DevHost, FaceClient, storage_at


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"test photos are expected at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    server = Azurite(tmp_path_factory.mktemp("azurite")).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def storage(azurite: Azurite) -> Iterator[str]:
    """Point this process's storage clients at the session's Azurite."""
    with storage_at(azurite.connection_string):
        yield azurite.connection_string


@pytest.fixture(scope="session")
def devhost(azurite: Azurite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevHost]:
    host = DevHost(azurite.connection_string, tmp_path_factory.mktemp("devhost") / "devhost.log").start()
    yield host
    host.stop()


@pytest.fixture()
def api(devhost: DevHost) -> Iterator[FaceClient]:
    with FaceClient(devhost.base_url, devhost.key) as client:
        yield client


@pytest.fixture()
def anonymous(devhost: DevHost) -> Iterator[FaceClient]:
    with FaceClient(devhost.base_url, None) as client:
        yield client


@pytest.fixture()
def private_allowed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """URL inputs may name private addresses (the local test servers), and time out after 2 s."""
    monkeypatch.setenv("FACE_ALLOW_PRIVATE_URLS", "true")
    monkeypatch.setenv("FACE_URL_FETCH_TIMEOUT_SECONDS", "2")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture()
def private_refused(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """URL inputs naming private addresses are refused, as in Azure."""
    monkeypatch.setenv("FACE_ALLOW_PRIVATE_URLS", "false")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
