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

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "js"
KNN = Path("face_recognition") / "examples" / "knn_examples"
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


@dataclass
class RunResult:
    """The step lines a script printed, and what else it said."""

    steps: dict[str, dict[str, Any]]
    order: list[str]
    returncode: int | None  # None when the script was stopped for taking too long
    stderr: str


def _run_script(client_run: ClientRun, endpoint: str, key: str, photos: Path) -> RunResult:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; the JavaScript clients need Node.js 18 or later")
    if not (ROOT / "node_modules" / client_run.package / "package.json").is_file():
        pytest.fail(f"{client_run.package} is not installed: run `bash devhost/setup.sh --test`")
    command = [node, str(SCRIPTS / client_run.script), endpoint, key, str(photos), *client_run.arguments]
    try:
        finished = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=RUN_TIMEOUT_SECONDS, check=False
        )
        stdout, stderr, returncode = finished.stdout, finished.stderr, finished.returncode
    except subprocess.TimeoutExpired as stopped:
        stdout, stderr, returncode = _text(stopped.stdout), _text(stopped.stderr), None
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return RunResult({line["step"]: line for line in lines}, [line["step"] for line in lines], returncode, stderr)


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else (output or "")


@pytest.fixture(scope="module")
def run_client(devhost: Any, shared_data: Path) -> Callable[[ClientRun], RunResult]:
    """Runs each client's script once (on first use) and keeps what it printed."""
    results: dict[ClientRun, RunResult] = {}

    def run(client_run: ClientRun) -> RunResult:
        if client_run not in results:
            results[client_run] = _run_script(client_run, devhost.endpoint, devhost.key, shared_data / KNN)
        return results[client_run]

    return run


@pytest.mark.parametrize("client_run", RUNS, ids=lambda client_run: client_run.id)
def test_the_script_reports_every_step_in_order(
    run_client: Callable[[ClientRun], RunResult], client_run: ClientRun
) -> None:
    result = run_client(client_run)
    assert result.returncode is not None, f"stopped after {RUN_TIMEOUT_SECONDS} s\n{result.stderr}"
    assert result.order == list(STEPS), result.stderr
    failed = [step for step in STEPS if not result.steps[step]["ok"]]
    assert result.returncode == (1 if failed else 0), result.stderr


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("client_run", RUNS, ids=lambda client_run: client_run.id)
def test_step(run_client: Callable[[ClientRun], RunResult], client_run: ClientRun, step: str) -> None:
    result = run_client(client_run)
    assert step in result.steps, f"no line for {step}; exit {result.returncode}\n{result.stderr}"
    line = result.steps[step]
    assert line["ok"], json.dumps(line["detail"], indent=2)
