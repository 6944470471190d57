"""Identify and Verify against the PersonDirectory: the persons a request names, and what they are compared on.

Only faces whose add operation has succeeded are compared (Identify searches
the committed index, ``core.directory.index``; Verify reads the person's
``indexed`` face rows). A deleted face is gone from Verify at once and from
Identify once its delete operation has succeeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from core import limits
from core.collections.fields import is_server_id
from core.directory.groups import group_members, live_group
from core.directory.index import current_view
from core.directory.lookup import UNSUPPORTED_MODELS, unsupported_recognition_model
from core.errors import FaceError, bad_argument, invalid_request_body
from core.search.index import feature_from_bytes, ids_to_rows
from core.search.matching import Match, ranked_matches
from core.storage.directory_faces import indexed_features
from core.storage.directory_persons import read_person
from core.vision.catalog import confidence_curve

WHOLE_DIRECTORY = "*"
DIRECTORY_SCOPES = ("personIds", "dynamicPersonGroupId")
COLLECTION_SCOPES = ("personGroupId", "largePersonGroupId")


@dataclass(frozen=True, eq=False)
class DirectoryScope:
    """The persons an Identify request searches: every one (``persons`` None) or these (N, 16) personIds."""

    persons: np.ndarray | None


def names_directory_scope(body: dict[str, Any]) -> bool:
    """True when the body identifies against the directory (a person list or a dynamic group).

    Naming more than one scope, of any kind, is 400 ``IncompatibleIdentificationScopeParametersCombination``.
    """
    given = [field for field in (*COLLECTION_SCOPES, *DIRECTORY_SCOPES) if body.get(field) is not None]
    if not any(field in DIRECTORY_SCOPES for field in given):
        return False
    if len(given) > 1:
        raise FaceError(
            400,
            "IncompatibleIdentificationScopeParametersCombination",
            "Incompatible identification scope parameters are present in the request.",
        )
    return True


def directory_scope(body: dict[str, Any]) -> DirectoryScope:
    """The persons of ``personIds`` (1-30 personIds, or ``["*"]`` for the whole directory), or the members
    of the ``dynamicPersonGroupId`` (400 ``DynamicPersonGroupNotFound`` when there is no such group)."""
    if body.get("dynamicPersonGroupId") is not None:
        return DirectoryScope(group_members(live_group(body["dynamicPersonGroupId"], status=400)))
    value = body.get("personIds")
    if not isinstance(value, list):
        raise invalid_request_body()
    if not 1 <= len(value) <= limits.IDENTIFY_MAX_PERSON_IDS:
        raise bad_argument("The length of personIds is not in a valid range.")
    if value == [WHOLE_DIRECTORY]:
        return DirectoryScope(None)
    if not all(isinstance(item, str) and is_server_id(item) for item in value):
        raise bad_argument("Person ID is invalid.")
    return DirectoryScope(ids_to_rows(list(dict.fromkeys(item.lower() for item in value))))


def identify_in_directory(
    queries: np.ndarray, model: str, scope: DirectoryScope, max_candidates: int, threshold: float
) -> list[list[Match]]:
    """For each query feature, the nearest searchable persons of the scope with confidence >= ``threshold``."""
    if model in UNSUPPORTED_MODELS:
        raise unsupported_recognition_model()
    view = current_view(model)
    curve = confidence_curve(model)
    return [
        ranked_matches(ids, np.arange(len(ids)), distances, threshold, curve)
        for ids, distances in view.nearest_persons(queries, max_candidates, scope.persons)
    ]


def directory_person_features(person_id: Any, model: str) -> np.ndarray:
    """The searchable features of a directory person under ``model``, (faces, 128), for Verify."""
    if not isinstance(person_id, str) or not is_server_id(person_id):
        raise bad_argument("Person ID is invalid.")
    person = read_person(person_id.lower())
    if person is None or person.deleting:
        raise FaceError(400, "PersonNotFound", "Person is not found.")
    features = [feature_from_bytes(data) for data in indexed_features(person.person_id, model)]
    if not features:
        raise FaceError(404, "PersistedFaceNotFound", "No persisted face of the person is found.")
    return np.stack(features)
