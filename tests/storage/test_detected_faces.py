"""The detected-faceId store against a real Azurite: expiry, unknown ids, batched purge."""

from datetime import timedelta

import numpy as np
import pytest

from core.search.index import feature_to_bytes
from core.storage.clients import table
from core.storage.detected_faces import (
    load_detected_faces,
    purge_expired_faces,
    recent_faces,
    store_detected_faces,
    utc_now,
)
from core.storage.resources import DETECTED_FACES_TABLE


@pytest.fixture()
def empty_store(storage):
    client = table(DETECTED_FACES_TABLE)
    for entity in client.list_entities(select=["PartitionKey", "RowKey"]):
        client.delete_entity(entity["PartitionKey"], entity["RowKey"])
    recent_faces.clear()
    yield client
    recent_faces.clear()


def _features(count: int, seed: int) -> list[bytes]:
    rng = np.random.default_rng(seed)
    return [feature_to_bytes(row) for row in rng.normal(scale=0.1, size=(count, 128)).astype(np.float32)]


def test_stored_faces_read_back_from_another_process_view(empty_store):
    features = _features(3, 1)
    face_ids = store_detected_faces(features, "recognition_04", 600)
    assert len(set(face_ids)) == 3
    recent_faces.clear()
    loaded = load_detected_faces([*face_ids, face_ids[0]])
    assert list(loaded) == face_ids
    for face_id, feature in zip(face_ids, features, strict=True):
        assert loaded[face_id].recognition_model == "recognition_04"
        assert loaded[face_id].feature == feature
        assert timedelta(seconds=590) < loaded[face_id].expires_on - utc_now() <= timedelta(seconds=600)


def test_expired_and_unknown_faces_read_as_unknown(empty_store):
    past = utc_now() - timedelta(seconds=120)
    expired = store_detected_faces(_features(1, 2), "recognition_01", 60, now=past)
    live = store_detected_faces(_features(1, 3), "recognition_01", 60)
    unknown = "00000000-0000-4000-8000-000000000000"
    assert set(load_detected_faces(expired + live + [unknown])) == set(live)
    recent_faces.clear()
    assert set(load_detected_faces(expired + live + [unknown])) == set(live)


@pytest.mark.slow
def test_purge_deletes_only_expired_rows_in_batches(empty_store):
    past = utc_now() - timedelta(seconds=3600)
    expired = store_detected_faces(_features(250, 4), "recognition_01", 60, now=past)
    live = store_detected_faces(_features(5, 5), "recognition_01", 86_400)
    assert purge_expired_faces() == 250
    remaining = {entity["RowKey"] for entity in empty_store.list_entities(select=["RowKey"])}
    assert remaining == set(live)
    assert not remaining & set(expired)
    assert purge_expired_faces() == 0


def test_purge_runs_on_a_ten_minute_timer(empty_store):
    from devhost.schedule import Schedule
    from function_app import app

    (purge,) = [
        function for function in app.get_functions() if function.get_function_name() == "Face_PurgeExpiredFaceIds"
    ]
    trigger = purge.get_trigger()
    assert trigger.get_binding_name() == "timerTrigger"
    schedule = Schedule.parse(trigger.schedule)
    first = schedule.next_after(utc_now())
    assert schedule.next_after(first) - first == timedelta(minutes=10)
    store_detected_faces(_features(3, 6), "recognition_01", 60, now=utc_now() - timedelta(hours=1))
    purge.get_user_function()(timer=None)
    assert list(empty_store.list_entities()) == []
