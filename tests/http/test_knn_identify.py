"""face_recognition's knn example over HTTP: enrol the train/ people in a PersonGroup, identify test/.

Each training photo shows its person as the largest face, which is enrolled
with ``targetFace`` (as a client does when an image holds other faces).

Every face in test/ belongs to one of the five enrolled people; each photo must
be named with exactly the people it shows, and no face may be given to someone
else (a face with no candidate would be an unknown person, and none is expected).
"""

from __future__ import annotations

import pytest

from tests.support.helpers import OCTET, new_id
from tests.support.paths import KNN_EXAMPLES, KNN_TEST_PEOPLE
from tests.support.polling import finished_training


@pytest.mark.slow
@pytest.mark.parametrize(
    ("recognition", "detection"), [("recognition_01", "detection_01"), ("recognition_04", "detection_03")]
)
def test_knn_examples_are_identified(api, shared_data, recognition, detection):
    group_id = new_id("knn")
    created = api.put(f"/persongroups/{group_id}", json={"name": "knn examples", "recognitionModel": recognition})
    assert created.status_code == 200
    models = f"recognitionModel={recognition}&detectionModel={detection}"
    names = {}
    for person_dir in sorted((KNN_EXAMPLES / "train").iterdir()):
        person_id = api.post(f"/persongroups/{group_id}/persons", json={"name": person_dir.name}).json()["personId"]
        names[person_id] = person_dir.name
        for image in sorted(person_dir.iterdir()):
            largest = api.post(f"/detect?returnFaceId=false&{models}", data=image.read_bytes(), headers=OCTET).json()[0]
            target = ",".join(str(largest["faceRectangle"][side]) for side in ("left", "top", "width", "height"))
            added = api.post(
                f"/persongroups/{group_id}/persons/{person_id}/persistedfaces?targetFace={target}"
                f"&detectionModel={detection}",
                data=image.read_bytes(),
                headers=OCTET,
            )
            assert added.status_code == 200, (image.name, added.text)
    assert api.post(f"/persongroups/{group_id}/train").status_code == 202
    assert finished_training(api, f"/persongroups/{group_id}/training")["status"] == "succeeded"
    try:
        for image, expected in KNN_TEST_PEOPLE.items():
            photo = (KNN_EXAMPLES / "test" / image).read_bytes()
            faces = api.post(f"/detect?{models}", data=photo, headers=OCTET).json()
            assert len(faces) >= len(expected), image
            results = api.post(
                "/identify", json={"faceIds": [face["faceId"] for face in faces][:10], "personGroupId": group_id}
            ).json()
            identified = [names[result["candidates"][0]["personId"]] for result in results if result["candidates"]]
            assert sorted(identified) == sorted(expected), image
    finally:
        api.delete(f"/persongroups/{group_id}")
