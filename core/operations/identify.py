"""Face - Identify: which persons of a trained (Large)PersonGroup do up to 10 faces belong to?

All query faces are scored against the cached index in one matrix product,
reduced per person (the nearest face of each person) and cut to the top
``maxNumOfCandidatesReturned`` persons with a confidence of at least
``confidenceThreshold`` (0.5 by default, the same threshold as Verify).
"""

from __future__ import annotations

from typing import Any

from core import limits
from core.errors import FaceError
from core.operations.face_ids import common_recognition_model, face_id_list, load_query_faces, stacked_features
from core.operations.numbers import bounded_int, bounded_number
from core.operations.targets import named_collection, person_group_named, trained_index
from core.search.confidence import SAME_PERSON_CONFIDENCE
from core.search.matching import identify_persons


def identify(
    body: dict[str, Any], default_candidates: int = limits.IDENTIFY_DEFAULT_CANDIDATES
) -> list[dict[str, Any]]:
    """Identify's result; ``default_candidates`` is the request's API version's default for
    ``maxNumOfCandidatesReturned`` (1 in v1.0, 10 from v1.1-preview.1 on)."""
    face_ids = face_id_list(body.get("faceIds"), 1, limits.IDENTIFY_MAX_FACE_IDS)
    kind, collection_id = person_group_named(body)
    max_candidates = bounded_int(
        body, "maxNumOfCandidatesReturned", 1, limits.IDENTIFY_MAX_CANDIDATES, default_candidates
    )
    threshold = bounded_number(body, "confidenceThreshold", 0.0, 1.0, SAME_PERSON_CONFIDENCE)
    group = named_collection(kind, collection_id)
    faces = load_query_faces(face_ids)
    common_recognition_model(faces, group.recognition_model)
    index = trained_index(
        kind, collection_id, FaceError(400, f"{kind.code_prefix}NotTrained", f"{kind.noun} not trained.")
    )
    common_recognition_model(faces, index.recognition_model)
    matches = identify_persons(index, stacked_features(faces), max_candidates, threshold)
    return [
        {
            "faceId": face_id,
            "candidates": [{"personId": match.candidate_id, "confidence": match.confidence} for match in candidates],
        }
        for face_id, candidates in zip(face_ids, matches, strict=True)
    ]
