"""Storage failures answered as Azure errors by the collection services (``core.collections.failures``)."""

from __future__ import annotations

import pytest

from core.collections.failures import azure_errors
from core.collections.kinds import PERSON_GROUP, person_not_found
from core.errors import FaceError
from core.storage.exceptions import AlreadyExists, NotFound, QuotaReached, TooManyConflicts, WriteConflict


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        (QuotaReached(), (403, "QuotaExceeded", "Person number reached person group level limit.")),
        (NotFound(), (404, "PersonNotFound", "Person is not found.")),
        (AlreadyExists(), (409, "PersonGroupExists", "Person group already exists.")),
        (
            TooManyConflicts(),
            (409, "ConcurrentOperationConflict", "Concurrent operation conflict on requested resource."),
        ),
    ],
)
def test_named_failures_become_their_azure_errors(failure: Exception, expected: tuple[int, str, str]) -> None:
    meanings = {
        "quota": PERSON_GROUP.member_quota_exceeded(),
        "missing": person_not_found(),
        "exists": PERSON_GROUP.exists(),
    }
    with pytest.raises(FaceError) as caught, azure_errors(**meanings):
        raise failure
    assert (caught.value.status, caught.value.code, caught.value.message) == expected


def test_unnamed_failures_and_other_errors_pass_unchanged() -> None:
    with pytest.raises(NotFound), azure_errors(quota=PERSON_GROUP.member_quota_exceeded()):
        raise NotFound()
    with pytest.raises(WriteConflict), azure_errors():
        raise WriteConflict()
    with pytest.raises(ValueError), azure_errors(missing=person_not_found()):
        raise ValueError("not a storage failure")
