"""Where the tests find what lives outside Python code: the shared photos, recorded fixtures, infrastructure."""

from __future__ import annotations

from core.settings import PROJECT_ROOT

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
"""The photos, read in place and never copied into the repository."""
FACE_EXAMPLES = SHARED_DATA / "face_recognition" / "examples"
KNN_EXAMPLES = FACE_EXAMPLES / "knn_examples"
"""One folder per known person under ``train``, photos to identify under ``test``."""
KNN_TEST_PEOPLE = {
    "alex_lacamoire1.jpg": {"alex_lacamoire"},
    "johnsnow_test1.jpg": {"kit_harington"},
    "kit_with_rose.jpg": {"kit_harington", "rose_leslie"},
    "obama1.jpg": {"obama"},
    "obama_and_biden.jpg": {"obama", "biden"},
}
"""The known people each photo of ``knn_examples/test`` shows (the train folder enrols them)."""
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
INFRA = PROJECT_ROOT / "infra"
BICEP = INFRA / "bicep"
TERRAFORM = INFRA / "terraform"
SHARED_REFERENCE = PROJECT_ROOT.parent / "shared" / "reference"
"""The API contract (OpenAPI documents, operations and errors), read in place."""
