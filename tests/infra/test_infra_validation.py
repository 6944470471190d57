"""The infrastructure templates parse and pass checkov's security checks.

checkov runs once per framework (module-scoped fixtures), offline
(``--skip-download``). A check may be skipped only by a comment next to the
resource giving the reason, and every skip must be listed in infra/README.md.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import hcl2
import pytest
from pycep import BicepParser

from core.settings import PROJECT_ROOT
from tests.support.paths import BICEP, INFRA, TERRAFORM


def run_checkov(directory: Path, framework: str) -> dict[str, Any]:
    """checkov's JSON report for one directory and framework, without network access."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "checkov.main",
            "--directory",
            str(directory),
            "--framework",
            framework,
            "--output",
            "json",
            "--skip-download",
            "--compact",
        ],
        check=False,  # checkov exits non-zero on failed checks; the report says which
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT_ROOT,
    )
    assert completed.returncode in (0, 1), completed.stderr
    report = json.loads(completed.stdout)
    assert isinstance(report, dict), "checkov reported no results (nothing scanned?)"
    return report


@pytest.fixture(scope="module")
def bicep_report() -> dict[str, Any]:
    return run_checkov(BICEP, "bicep")


@pytest.fixture(scope="module")
def terraform_report() -> dict[str, Any]:
    return run_checkov(TERRAFORM, "terraform")


def _failures(report: dict[str, Any]) -> list[str]:
    return [
        f"{check['check_id']} {check['resource']} ({check['file_path']})"
        for check in report["results"]["failed_checks"]
    ]


def _readme_skips() -> set[str]:
    return set(re.findall(r"`(CKV2?_[A-Z]+_\d+)`", (INFRA / "README.md").read_text()))


@pytest.mark.slow
@pytest.mark.parametrize("report_name", ["bicep_report", "terraform_report"])
def test_checkov_finds_no_failed_check(report_name: str, request: pytest.FixtureRequest) -> None:
    report = request.getfixturevalue(report_name)
    assert report["summary"]["passed"] > 0
    assert _failures(report) == []


@pytest.mark.slow
@pytest.mark.parametrize("report_name", ["bicep_report", "terraform_report"])
def test_every_skip_has_a_reason_listed_in_the_readme(report_name: str, request: pytest.FixtureRequest) -> None:
    skipped = request.getfixturevalue(report_name)["results"]["skipped_checks"]
    without_reason = [
        check["check_id"]
        for check in skipped
        if check["check_result"]["suppress_comment"].strip() in ("", "No comment provided")
    ]
    assert without_reason == []
    assert sorted({check["check_id"] for check in skipped} - _readme_skips()) == []


@pytest.mark.parametrize("path", sorted(BICEP.rglob("*.bicep")), ids=lambda path: path.name)
def test_bicep_file_parses(path: Path) -> None:
    parsed = BicepParser().parse(file_path=path)
    assert parsed.get("resources") or parsed.get("modules")


def test_bicep_parameters_file_matches_main_template() -> None:
    declared = BicepParser().parse(file_path=BICEP / "main.bicep")["parameters"]
    given = json.loads((BICEP / "main.parameters.json").read_text())["parameters"]
    assert sorted(set(given) - set(declared)) == []
    secure = {
        name for name, parameter in declared.items() if any(d["type"] == "secure" for d in parameter["decorators"])
    }
    assert secure == {"faceApiKeys"}
    assert secure.isdisjoint(given), "secrets are passed on the command line, never in the parameters file"


@pytest.mark.parametrize("path", sorted(TERRAFORM.glob("*.tf")), ids=lambda path: path.name)
def test_terraform_file_parses(path: Path) -> None:
    with path.open() as stream:
        parsed = hcl2.load(stream)
    assert parsed


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")
def test_terraform_files_are_formatted() -> None:
    completed = subprocess.run(
        ["terraform", "fmt", "-check", "-diff", str(TERRAFORM)], check=False, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
