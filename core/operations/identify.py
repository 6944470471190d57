"""Face - Identify: which persons of a trained (Large)PersonGroup, or of the PersonDirectory, do up to 10 faces
belong to?

All query faces are scored against the cached index in one matrix product,
reduced per person (the nearest face of each person) and cut to the top
``maxNumOfCandidatesReturned`` persons with a confidence of at least
``confidenceThreshold`` (0.5 by default, the same threshold as Verify). In API
versions with directory recognition, a body naming ``personIds`` or a
``dynamicPersonGroupId`` searches the PersonDirectory instead, without training.
"""

from __future__ import annotations

from typing import Any

from core import limits
from core.directory.recognition import directory_scope, identify_in_directory, names_directory_scope
from core.errors import FaceError
from core.operations.face_ids import common_recognition_model, face_id_list, load_query_faces, stacked_features
from core.operations.numbers import bounded_int, bounded_number
from core.operations.targets import named_collection, person_group_named, trained_index
from core.search.confidence import SAME_PERSON_CONFIDENCE
from core.search.matching import Match, identify_persons


def identify(
    body: dict[str, Any], default_candidates: int = limits.IDENTIFY_DEFAULT_CANDIDATES, directory: bool = False
) -> list[dict[str, Any]]:
    """Identify's result; ``default_candidates`` is the request's API version's default for
    ``maxNumOfCandidatesReturned`` (1 in v1.0, 10 from v1.1-preview.1 on), ``directory`` whether
    the version identifies against the PersonDirectory."""
    face_ids = face_id_list(body.get("faceIds"), 1, limits.IDENTIFY_MAX_FACE_IDS)
    if directory and names_directory_scope(body):
        scope = directory_scope(body)
        max_candidates, threshold = _candidates(body, default_candidates)
        faces = load_query_faces(face_ids)
        model = common_recognition_model(faces)
        matches = identify_in_directory(stacked_features(faces), model, scope, max_candidates, threshold)
        return _results(face_ids, matches)
    kind, collection_id = person_group_named(body)
    max_candidates, threshold = _candidates(body, default_candidates)
    group = named_collection(kind, collection_id)
    faces = load_query_faces(face_ids)
    common_recognition_model(faces, group.recognition_model)
    index = trained_index(
        kind, collection_id, FaceError(400, f"{kind.code_prefix}NotTrained", f"{kind.noun} not trained.")
    )
    common_recognition_model(faces, index.recognition_model)
    return _results(face_ids, identify_persons(index, stacked_features(faces), max_candidates, threshold))


def _candidates(body: dict[str, Any], default_candidates: int) -> tuple[int, float]:
    """``maxNumOfCandidatesReturned`` and ``confidenceThreshold``, checked."""
    max_candidates = bounded_int(
        body, "maxNumOfCandidatesReturned", 1, limits.IDENTIFY_MAX_CANDIDATES, default_candidates
    )
    return max_candidates, bounded_number(body, "confidenceThreshold", 0.0, 1.0, SAME_PERSON_CONFIDENCE)


def _results(face_ids: list[str], matches: list[list[Match]]) -> list[dict[str, Any]]:
    return [
        {
            "faceId": face_id,
            "candidates": [{"personId": match.candidate_id, "confidence": match.confidence} for match in candidates],
        }
        for face_id, candidates in zip(face_ids, matches, strict=True)
    ]
