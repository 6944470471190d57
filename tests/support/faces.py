"""Synthetic faces: random unit features, and faces written straight into a collection's storage.

Seeding through the persisted-faces service without detection keeps collection,
training and search tests about what they test, with the quotas and errors of
the real write path; the dev host reads the same Azurite.
"""

from __future__ import annotations

import numpy as np

from core.collections.kinds import CollectionKind
from core.collections.persisted_faces import store_faces
from core.search.index import FEATURE_DIMENSION, feature_to_bytes
from core.storage.face_members import NewFace

SEED_BATCH = 90
"""Faces per ``store_faces`` call: storage writes them and their counting row in one transaction of at most 100 rows."""


def unit_vectors(rng: np.random.Generator, count: int) -> np.ndarray:
    """``count`` random float32 feature vectors of length 1."""
    vectors = rng.normal(size=(count, FEATURE_DIMENSION))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def synthetic_face(feature: bytes | None = None) -> NewFace:
    """A face to store: a random feature (or the given bytes, valid or not) from recognition_01."""
    vector = np.random.default_rng().standard_normal(FEATURE_DIMENSION).astype(np.float32)
    return NewFace(None, (10, 20, 100, 100), feature or feature_to_bytes(vector), "recognition_01")


def seed_faces(
    kind: CollectionKind, collection_id: str, person_id: str | None, count: int, feature: bytes | None = None
) -> list[str]:
    """Store ``count`` synthetic faces on a person (or a face list, for None); their persistedFaceIds in order."""
    face_ids: list[str] = []
    while len(face_ids) < count:
        batch = min(count - len(face_ids), SEED_BATCH)
        face_ids += store_faces(kind, collection_id, person_id, [synthetic_face(feature) for _ in range(batch)])
    return face_ids
