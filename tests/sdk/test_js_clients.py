"""Microsoft's JavaScript Face clients, unchanged, against the dev host.

Each client runs one story (tests/sdk/js/scenario.mjs) through a Node script that prints
one JSON line per step; every step is a test here, so the results read as a compatibility
matrix of client, API version and step (summarised in the README, "Compatibility with Microsoft's clients").

- ``@azure/cognitiveservices-face`` 5.0.0 calls ``/face/v1.0`` and cannot be pointed elsewhere.
- ``@azure-rest/ai-vision-face`` 1.0.0-beta.1 (default ``v1.1-preview.1``) and 1.0.0-beta.3
  (default ``v1.2``) run against their own version and, through their ``apiVersion`` option,
  against every other version that shares their long-running training (train answers 202
  with ``operation-Location``): v1.1-preview.1, v1.2-preview.1, v1.2 and v1.3-preview.1.

The packages come from package.json (npm aliases keep both betas side by side) through
``devhost/setup.sh``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.node_scripts import RunResult, check_every_step_reported, check_step, run_node_script
from tests.support.paths import KNN_EXAMPLES

RUN_TIMEOUT_SECONDS = 600

STEPS = (
    "detect",
    "create_large_person_group",
    "create_persons",
    "add_faces",
    "train",
    "training_status",
    "identify",
    "verify_face_to_face",
    "verify_face_to_person",
    "large_face_list",
    "large_face_list_train",
    "find_similar",
    "group",
    "update_person",
    "delete_face",
    "delete_person",
    "delete_large_person_group",
    "delete_large_face_list",
    "error_unknown_group",
)

LONG_RUNNING_TRAINING_VERSIONS = ("v1.1-preview.1", "v1.2-preview.1", "v1.2", "v1.3-preview.1")

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class ClientRun:
    """One client package against one API version."""

    package: str  # the npm folder the script imports, checked to be installed
    script: str
    version: str
    default_version: str  # the version the client calls unless told otherwise

    @property
    def arguments(self) -> list[str]:
        """The optional ``apiVersion`` argument: only when the run is not on the client's default."""
        return [] if self.version == self.default_version else [self.version]

    @property
    def id(self) -> str:
        return f"{Path(self.script).stem}-{self.version}"


RUNS = [
    ClientRun("@azure/cognitiveservices-face", "cognitiveservices_face.mjs", "v1.0", "v1.0"),
    *(
        ClientRun(package, script, version, default)
        for package, script, default in (
            ("ai-vision-face-beta1", "ai_vision_face_beta1.mjs", "v1.1-preview.1"),
            ("ai-vision-face-beta3", "ai_vision_face_beta3.mjs", "v1.2"),
        )
        for version in LONG_RUNNING_TRAINING_VERSIONS
    ),
]


@pytest.fixture(scope="module")
def run_client(devhost: Any, shared_data: Path) -> Callable[[ClientRun], RunResult]:
    """Runs each client's script once (on first use) and keeps what it printed."""
    results: dict[ClientRun, RunResult] = {}

    def run(client_run: ClientRun) -> RunResult:
        if client_run not in results:
            arguments = [devhost.endpoint, devhost.key, str(KNN_EXAMPLES), *client_run.arguments]
            results[client_run] = run_node_script(client_run.script, client_run.package, arguments, RUN_TIMEOUT_SECONDS)
        return results[client_run]

    return run


@pytest.mark.parametrize("client_run", RUNS, ids=lambda client_run: client_run.id)
def test_the_script_reports_every_step_in_order(
    run_client: Callable[[ClientRun], RunResult], client_run: ClientRun
) -> None:
    check_every_step_reported(run_client(client_run), STEPS, RUN_TIMEOUT_SECONDS)


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("client_run", RUNS, ids=lambda client_run: client_run.id)
def test_step(run_client: Callable[[ClientRun], RunResult], client_run: ClientRun, step: str) -> None:
    check_step(run_client(client_run), step)
