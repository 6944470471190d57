"""The OpenAPI documents the service answers, prepared for schemathesis at run time.

The documents are read in place from ``../shared/reference`` and never copied
into the repository. v1.0's ``Face.json`` refers to five parameters in
``../../../Common/Parameters.json``; those references are replaced by the
parameters themselves and that file's definitions merged in, which is all
schemathesis needs to read it. Its image streams are typed the AutoRest
way, ``{"type": "object", "format": "file"}``, which schemathesis would fill
with JSON objects; they are read as ``{"type": "string", "format": "binary"}``
(what the newer documents say), so stream requests carry bytes. The newer
documents load as they are.

Operations the service does not serve, or answers by design with a fixed
refusal, are left out here, each with its reason.

Most documents also list operations under ``x-ms-paths``, keyed by a path and
a query string that names the request form (``/detect?overload=stream``,
``/identify?_overload=identifyFromLargePersonGroup``): the same URL as an
operation of ``paths``, told apart by its content type or body. Clients send
the bare path (the query string is the document's way of keeping two
operations on one path and method apart), so each such operation is fuzzed
from a document of its own whose ``paths`` hold it under the bare path.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from tests.support.paths import SHARED_REFERENCE

COMMON_REFERENCE = "../../../Common/Parameters.json#/parameters/"
AUTOREST_STREAM = {"type": "object", "format": "file"}
BINARY = {"type": "string", "format": "binary"}


@dataclass(frozen=True)
class Contract:
    """One API version's document and the path prefixes left out of fuzzing, with why."""

    version: str
    document: str
    excluded: dict[str, str]

    def path_excluded(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.excluded)


LIVENESS = "liveness answers 403 UnsupportedFeature by design: there is no anti-spoofing model"
SNAPSHOTS = "snapshots were retired by Azure and are not served"
SNAPSHOT_OPERATIONS = "v1.0's GET /operations/{operationId} reports snapshot operations, which are not served"

PREVIEW_EXCLUSIONS = {
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
    """``value`` with every reference into Common/Parameters.json replaced by the parameter it names, and
    every AutoRest stream schema by a binary string."""
    if isinstance(value, dict):
        reference = value.get("$ref")
        if isinstance(reference, str) and reference.startswith(COMMON_REFERENCE):
            return _inline_common(copy.deepcopy(parameters[reference[len(COMMON_REFERENCE) :]]), parameters)
        if value == AUTOREST_STREAM:
            return dict(BINARY)
        return {key: _inline_common(item, parameters) for key, item in value.items()}
    if isinstance(value, list):
        return [_inline_common(item, parameters) for item in value]
    return value


@cache
def _raw(document: str) -> str:
    return (SHARED_REFERENCE / document).read_text(encoding="utf-8")


def _self_contained(contract: Contract) -> dict[str, Any]:
    """The contract's document with the references into Common/Parameters.json resolved."""
    raw = json.loads(_raw(contract.document))
    common_path = (SHARED_REFERENCE / contract.document).parent / "Common" / "Parameters.json"
    if common_path.is_file():
        common = json.loads(common_path.read_text(encoding="utf-8"))
        raw = _inline_common(raw, common["parameters"])
        raw.setdefault("definitions", {}).update(common.get("definitions", {}))
    return raw


def prepared_document(contract: Contract, overload: str | None = None) -> dict[str, Any]:
    """The contract's document, self-contained: its ``paths`` without the excluded ones, or (given an
    ``x-ms-paths`` key) that one operation alone under its bare path."""
    raw = _self_contained(contract)
    overloads = raw.pop("x-ms-paths", {})
    if overload is None:
        raw["paths"] = {path: item for path, item in raw["paths"].items() if not contract.path_excluded(path)}
    else:
        raw["paths"] = {bare_path(overload): overloads[overload]}
    return raw


def bare_path(key: str) -> str:
    """An ``x-ms-paths`` key without the query string that names its request form."""
    return key.split("?", 1)[0]


def overloads(contract: Contract) -> list[str]:
    """The contract's ``x-ms-paths`` keys whose path is served, in the document's order."""
    document = json.loads(_raw(contract.document))
    return [key for key in document.get("x-ms-paths", {}) if not contract.path_excluded(bare_path(key))]
