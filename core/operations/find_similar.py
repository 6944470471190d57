"""Face - Find Similar: the faces most like a query face, among faceIds, a FaceList or a LargeFaceList.

Exactly one candidate source: ``faceIds`` (up to 1000 live faceIds), a
``faceListId`` (its stored faces, no training needed) or a ``largeFaceListId``
(the last successful training's index). ``matchFace`` ranks every candidate;
``matchPerson`` (the default) keeps only candidates with a confidence of at
least 0.5, the same-person threshold Verify and Identify use.
"""

from __future__ import annotations

from typing import Any

from core import limits
from core.collections.kinds import FACE_LIST, LARGE_FACE_LIST, CollectionKind
from core.errors import FaceError, bad_argument
from core.operations.face_ids import (
    common_recognition_model,
    detected_faces_index,
    face_id_list,
    load_query_faces,
    required_face_id,
)
from core.operations.numbers import bounded_int
from core.operations.targets import body_collection_id, named_collection, trained_index
from core.search.confidence import SAME_PERSON_CONFIDENCE
from core.search.index import TrainedIndex, build_index
from core.search.matching import similar_faces
from core.storage.face_members import training_faces

MODES = {"matchperson": "matchPerson", "matchface": "matchFace"}
SOURCES = ("faceIds", FACE_LIST.id_field, LARGE_FACE_LIST.id_field)


def match_mode(body: dict[str, Any]) -> str:
    value = body.get("mode")
    if value is None:
        return "matchPerson"
    if not isinstance(value, str) or value.lower() not in MODES:
        raise bad_argument("Mode is invalid.")
    return MODES[value.lower()]


def find_similar(body: dict[str, Any]) -> list[dict[str, Any]]:
    face_id = required_face_id(body, "faceId")
    given = [source for source in SOURCES if body.get(source) is not None]
    if not given:
        raise bad_argument("LargeFaceListId, faceListId and faceIds are all null.")
    if len(given) > 1:
        raise bad_argument("2 or more of largeFaceListId, faceListId and faceIds are not null.")
    max_candidates = bounded_int(
        body,
        "maxNumOfCandidatesReturned",
        1,
        limits.FIND_SIMILAR_MAX_CANDIDATES,
        limits.FIND_SIMILAR_DEFAULT_CANDIDATES,
    )
    threshold = SAME_PERSON_CONFIDENCE if match_mode(body) == "matchPerson" else None
    if given[0] == "faceIds":
        candidate_ids = face_id_list(body["faceIds"], 1, limits.FIND_SIMILAR_MAX_FACE_IDS)
        (query,) = load_query_faces([face_id])
        index, field = detected_faces_index(load_query_faces(candidate_ids)), "faceId"
    else:
        kind = FACE_LIST if given[0] == FACE_LIST.id_field else LARGE_FACE_LIST
        collection_id = body_collection_id(body, kind)
        assert collection_id is not None
        (query,) = load_query_faces([face_id])
        index, field = collection_index(kind, collection_id), "persistedFaceId"
    common_recognition_model([query], index.recognition_model)
    matches = similar_faces(index, query.feature, max_candidates, threshold)
    return [{field: match.candidate_id, "confidence": match.confidence} for match in matches]


def collection_index(kind: CollectionKind, collection_id: str) -> TrainedIndex:
    """A FaceList's index, built from its stored faces, or a LargeFaceList's trained index."""
    collection = named_collection(kind, collection_id)
    if kind.trainable:
        return trained_index(
            kind, collection_id, FaceError(400, f"{kind.code_prefix}NotTrained", f"{kind.noun} is not trained.")
        )
    faces = training_faces(kind.name, collection_id)
    if not faces:
        raise FaceError(400, f"{kind.code_prefix}NotReady", f"{kind.noun} is empty.")
    return build_index(collection.recognition_model, "", faces)
