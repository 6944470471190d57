"""faceIds of the detected-face store: canonical lower-case UUIDs, anything else unknown; a bounded recent cache."""

from datetime import UTC, datetime

from core.storage.detected_faces import DetectedFaceRecord, RecentFaces, canonical_face_id


def test_face_ids_are_canonicalised():
    assert canonical_face_id("C5C24A82-6845-4031-9D5D-978DF9175426") == "c5c24a82-6845-4031-9d5d-978df9175426"
    assert canonical_face_id("not-a-uuid") is None
    assert canonical_face_id(17) is None  # type: ignore[arg-type]  # a client may send any JSON value


def _record(number: int) -> DetectedFaceRecord:
    return DetectedFaceRecord(f"face-{number}", "recognition_04", bytes(512), datetime(2026, 1, 1, tzinfo=UTC))


def test_the_recent_cache_keeps_only_the_most_recently_used_faces():
    recent = RecentFaces(3)
    for number in range(3):
        recent.put(_record(number))
    assert recent.get("face-0") == _record(0)
    recent.put(_record(3))
    assert recent.get("face-1") is None
    assert [recent.get(f"face-{number}") for number in (0, 2, 3)] == [_record(0), _record(2), _record(3)]
    for number in range(4, 100):
        recent.put(_record(number))
    assert len(recent.records) == 3
