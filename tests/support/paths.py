"""Where the tests find what lives outside Python code: the shared photos, recorded fixtures, infrastructure."""

from __future__ import annotations

from core.settings import PROJECT_ROOT

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
"""The photos, read in place and never copied into the repository."""
FACE_EXAMPLES = SHARED_DATA / "face_recognition" / "examples"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
INFRA = PROJECT_ROOT / "infra"
BICEP = INFRA / "bicep"
TERRAFORM = INFRA / "terraform"
SHARED_REFERENCE = PROJECT_ROOT.parent / "shared" / "reference"
"""The API contract (OpenAPI documents, operations and errors), read in place."""
