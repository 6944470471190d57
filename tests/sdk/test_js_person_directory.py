"""Microsoft's ``@azure-rest/ai-vision-face`` 1.0.0-beta.1, unchanged, on the PersonDirectory.

tests/sdk/js/ai_vision_face_beta1_directory.mjs runs the client on its default version
(v1.1-preview.1): persons and their faces (from the knn training photos, as streams and by
URL from a local server of the photos, which the test dev host may fetch), DynamicPersonGroups,
Identify against the whole directory, a list of persons and a group, Verify against a person,
and deletes; every 202 is waited on with the client's ``getLongRunningPoller``. Every step is a
test here (see tests/support/node_scripts.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.images import serve_directory
from tests.support.node_scripts import RunResult, check_every_step_reported, check_step, run_node_script
from tests.support.paths import KNN_EXAMPLES

SCRIPT = "ai_vision_face_beta1_directory.mjs"
PACKAGE = "ai-vision-face-beta1"
RUN_TIMEOUT_SECONDS = 600

STEPS = (
    "create_persons",
    "add_faces_from_stream",
    "add_faces_from_url",
    "add_face_refusals",
    "without_user_data",
    "list_persons",
    "get_and_update_person",
    "list_get_and_update_faces",
    "create_dynamic_group",
    "get_and_list_dynamic_groups",
    "update_dynamic_group",
    "dynamic_group_references",
    "detect_queries",
    "identify_whole_directory",
    "identify_person_ids",
    "identify_dynamic_group",
    "verify",
    "delete_face",
    "delete_person",
    "delete_dynamic_group",
    "delete_persons",
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def directory_run(devhost: Any, shared_data: Path) -> Iterator[RunResult]:
    """The script's one run, with the knn photos served over http for the adds by URL."""
    photos = KNN_EXAMPLES
    with serve_directory(photos) as url_of:
        arguments = [devhost.endpoint, devhost.key, str(photos), url_of("")]
        yield run_node_script(SCRIPT, PACKAGE, arguments, RUN_TIMEOUT_SECONDS)


def test_the_script_reports_every_step_in_order(directory_run: RunResult) -> None:
    check_every_step_reported(directory_run, STEPS, RUN_TIMEOUT_SECONDS)


@pytest.mark.parametrize("step", STEPS)
def test_step(directory_run: RunResult, step: str) -> None:
    check_step(directory_run, step)
