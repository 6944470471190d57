"""The OpenAPI documents the service answers, prepared for schemathesis at run time.

The documents are read in place from ``../shared/reference`` and never copied
into the repository. v1.0's ``Face.json`` refers to five parameters in
``../../../Common/Parameters.json``; those references are replaced by the
parameters themselves and that file's definitions merged in, which is all
schemathesis needs to read it. The newer documents load as they are.

Operations the service does not serve, or answers by design with a fixed
refusal, are left out here, each with its reason.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from tests.support.paths import SHARED_REFERENCE

COMMON_REFERENCE = "../../../Common/Parameters.json#/parameters/"


@dataclass(frozen=True)
class Contract:
    """One API version's document and the path prefixes left out of fuzzing, with why."""

    version: str
    document: str
    excluded: dict[str, str]

    def path_excluded(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.excluded)


PERSON_DIRECTORY = "PersonDirectory operations are not served yet (being built separately)"
DYNAMIC_GROUPS = "DynamicPersonGroups belong to the PersonDirectory, not served yet"
OPERATIONS = "GET /operations/{operationId} tracks PersonDirectory operations, not served yet"
LIVENESS = "liveness answers 403 UnsupportedFeature by design: there is no anti-spoofing model"
SNAPSHOTS = "snapshots were retired by Azure and are not served"
SNAPSHOT_OPERATIONS = "v1.0's GET /operations/{operationId} reports snapshot operations, which are not served"

PREVIEW_EXCLUSIONS = {
    "/persons": PERSON_DIRECTORY,
    "/dynamicpersongroups": DYNAMIC_GROUPS,
    "/operations": OPERATIONS,
    "/detectLiveness": LIVENESS,
    "/detectLivenessWithVerify": LIVENESS,
    "/session": LIVENESS,
}

CONTRACTS = (
    Contract("v1.0", "azure-face-v1.0/Face.json", {"/snapshots": SNAPSHOTS, "/operations": SNAPSHOT_OPERATIONS}),
    Contract("v1.1-preview.1", "azure-face-v1.1-preview.1/openapi.json", PREVIEW_EXCLUSIONS),
    Contract("v1.2-preview.1", "azure-face-v1.2-preview.1/openapi.json", PREVIEW_EXCLUSIONS),
    Contract(
        "v1.2",
        "azure-face-v1.2/openapi.json",
        {
            "/detectLiveness-sessions": LIVENESS,
            "/detectLivenessWithVerify-sessions": LIVENESS,
            "/sessionImages": LIVENESS,
        },
    ),
)


def _inline_common(value: Any, parameters: dict[str, Any]) -> Any:
    """``value`` with every reference into Common/Parameters.json replaced by the parameter it names."""
    if isinstance(value, dict):
        reference = value.get("$ref")
        if isinstance(reference, str) and reference.startswith(COMMON_REFERENCE):
            return copy.deepcopy(parameters[reference[len(COMMON_REFERENCE) :]])
        return {key: _inline_common(item, parameters) for key, item in value.items()}
    if isinstance(value, list):
        return [_inline_common(item, parameters) for item in value]
    return value


@cache
def _raw(document: str) -> str:
    return (SHARED_REFERENCE / document).read_text(encoding="utf-8")


def prepared_document(contract: Contract) -> dict[str, Any]:
    """The contract's document, self-contained and without the excluded paths."""
    raw = json.loads(_raw(contract.document))
    common_path = (SHARED_REFERENCE / contract.document).parent / "Common" / "Parameters.json"
    if common_path.is_file():
        common = json.loads(common_path.read_text(encoding="utf-8"))
        raw = _inline_common(raw, common["parameters"])
        raw.setdefault("definitions", {}).update(common.get("definitions", {}))
    raw["paths"] = {path: item for path, item in raw["paths"].items() if not contract.path_excluded(path)}
    return raw
