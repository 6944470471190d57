"""faceIds of the detected-face store: canonical lower-case UUIDs, anything else unknown."""

from core.storage.detected_faces import canonical_face_id


def test_face_ids_are_canonicalised():
    assert canonical_face_id("C5C24A82-6845-4031-9D5D-978DF9175426") == "c5c24a82-6845-4031-9d5d-978df9175426"
    assert canonical_face_id("not-a-uuid") is None
    assert canonical_face_id(17) is None  # type: ignore[arg-type]  # a client may send any JSON value
