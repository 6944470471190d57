"""Node scripts that drive Microsoft's JavaScript clients (tests/sdk/js), run from pytest.

A script prints one JSON line per step (``{"step", "ok", "detail"}``, see tests/sdk/js/steps.mjs)
and exits 0 when every step passed, 1 otherwise; the lines are kept by step name and in order.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from typing import Any

import pytest

from core.settings import PROJECT_ROOT

SCRIPTS = PROJECT_ROOT / "tests" / "sdk" / "js"
"""The photos every script reads, relative to the shared data folder."""


@dataclass
class RunResult:
    """The step lines a script printed, and what else it said."""

    steps: dict[str, dict[str, Any]]
    order: list[str]
    returncode: int | None  # None when the script was stopped for taking too long
    stderr: str


def run_node_script(script: str, package: str, arguments: list[str], timeout: float) -> RunResult:
    """Run ``tests/sdk/js/<script>`` with ``arguments``; fails the test when node or the npm ``package`` is missing."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; the JavaScript clients need Node.js 18 or later")
    if not (PROJECT_ROOT / "node_modules" / package / "package.json").is_file():
        pytest.fail(f"{package} is not installed: run `bash devhost/setup.sh --test`")
    command = [node, str(SCRIPTS / script), *arguments]
    try:
        finished = subprocess.run(
            command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout, check=False
        )
        stdout, stderr, returncode = finished.stdout, finished.stderr, finished.returncode
    except subprocess.TimeoutExpired as stopped:
        stdout, stderr, returncode = _text(stopped.stdout), _text(stopped.stderr), None
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return RunResult({line["step"]: line for line in lines}, [line["step"] for line in lines], returncode, stderr)


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else (output or "")


def check_every_step_reported(result: RunResult, steps: tuple[str, ...], timeout: float) -> None:
    """The script ended in time, reported exactly ``steps`` in order, and exited 1 exactly when a step failed."""
    assert result.returncode is not None, f"stopped after {timeout} s\n{result.stderr}"
    assert result.order == list(steps), result.stderr
    failed = [step for step in steps if not result.steps[step]["ok"]]
    assert result.returncode == (1 if failed else 0), result.stderr


def check_step(result: RunResult, step: str) -> None:
    """The script reported ``step`` as passed; a failure shows the step's detail."""
    assert step in result.steps, f"no line for {step}; exit {result.returncode}\n{result.stderr}"
    line = result.steps[step]
    assert line["ok"], json.dumps(line["detail"], indent=2)
