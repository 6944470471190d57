"""Shared fixtures: a real Azurite and a real dev host for the whole session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import ROOT, Azurite, DevHost, FaceClient, storage_at

SHARED_DATA = ROOT.parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


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
