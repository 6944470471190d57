"""Fixtures of the HTTP tests: a client of the dev host speaking the preview version with the PersonDirectory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.directory import PREVIEW
from tests.support.servers import FaceClient


@pytest.fixture()
def preview(devhost: Any) -> Iterator[FaceClient]:
    with FaceClient(devhost.versioned_url(PREVIEW), devhost.key) as client:
        yield client
