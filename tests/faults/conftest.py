"""Fault tests get servers of their own: they stop storage and kill the host, which no other test may see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.support.paths import FACE_EXAMPLES
from tests.support.servers import Azurite, DevHost, FaceClient, storage_at


@dataclass
class Servers:
    """An Azurite, a dev host on it and a client of that host."""

    azurite: Azurite
    host: DevHost
    api: FaceClient


@pytest.fixture()
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    azurite = Azurite(tmp_path_factory.mktemp("fault-azurite")).start()
    host = DevHost(azurite.connection_string, tmp_path_factory.mktemp("fault-devhost") / "devhost.log")
    try:
        host.start()
        with storage_at(azurite.connection_string), FaceClient(host.base_url, host.key) as api:
            yield Servers(azurite, host, api)
    finally:
        host.stop()
        azurite.stop()


@pytest.fixture(scope="session")
def faces() -> dict[str, bytes]:
    """Photos with one clear face each, by name."""
    return {name: (FACE_EXAMPLES / name).read_bytes() for name in ("obama.jpg", "obama2.jpg", "biden.jpg")}
