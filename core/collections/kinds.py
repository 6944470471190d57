"""The four Azure Face collection kinds, described once as data.

PersonGroup, LargePersonGroup, FaceList and LargeFaceList differ only in their
names, error codes, messages, limits and whether they hold persons, can be
trained, page their listings and show their faces inline; everything else is shared code reading these
descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import limits
from core.errors import FaceError, quota_exceeded


@dataclass(frozen=True)
class CollectionKind:
    """One collection kind: its wire names, codes, messages and limits."""

    name: str
    id_field: str
    noun: str
    code_prefix: str
    holds_persons: bool
    trainable: bool
    pages_listing: bool
    inlines_faces: bool
    collection_limit_name: str
    member_limit_name: str
    collection_quota_message: str
    member_quota_message: str

    @property
    def collection_limit(self) -> int:
        return getattr(limits, self.collection_limit_name)

    @property
    def member_limit(self) -> int:
        """Persons per group, or faces per list (read when used, so it can be changed)."""
        return getattr(limits, self.member_limit_name)

    def not_found(self) -> FaceError:
        return FaceError(404, f"{self.code_prefix}NotFound", f"{self.noun} is not found.")

    def invalid_path_id(self) -> FaceError:
        return FaceError(404, f"{self.code_prefix}NotFound", f"{self.noun} ID is invalid.")

    def invalid_new_id(self) -> FaceError:
        return FaceError(400, "BadArgument", f"{self.noun} ID is invalid.")

    def exists(self) -> FaceError:
        return FaceError(409, f"{self.code_prefix}Exists", f"{self.noun} already exists.")

    def not_trained(self) -> FaceError:
        return FaceError(404, f"{self.code_prefix}NotTrained", f"{self.noun} not trained.")

    def training_not_finished(self) -> FaceError:
        return FaceError(409, f"{self.code_prefix}TrainingNotFinished", f"{self.noun} is under training.")

    def collection_quota_exceeded(self) -> FaceError:
        return quota_exceeded(self.collection_quota_message)

    def member_quota_exceeded(self) -> FaceError:
        return quota_exceeded(self.member_quota_message)


PERSISTED_FACE_QUOTA_MESSAGE = "Persisted face number reached limit."

PERSON_GROUP = CollectionKind(
    name="persongroup",
    id_field="personGroupId",
    noun="Person group",
    code_prefix="PersonGroup",
    holds_persons=True,
    trainable=True,
    pages_listing=True,
    inlines_faces=False,
    collection_limit_name="MAX_PERSON_GROUPS",
    member_limit_name="MAX_PERSONS_PER_PERSON_GROUP",
    collection_quota_message="Person group number reached subscription level limit.",
    member_quota_message="Person number reached person group level limit.",
)

LARGE_PERSON_GROUP = CollectionKind(
    name="largepersongroup",
    id_field="largePersonGroupId",
    noun="Large person group",
    code_prefix="LargePersonGroup",
    holds_persons=True,
    trainable=True,
    pages_listing=True,
    inlines_faces=False,
    collection_limit_name="MAX_LARGE_PERSON_GROUPS",
    member_limit_name="MAX_PERSONS_PER_LARGE_PERSON_GROUP",
    collection_quota_message="Large person group number reached subscription level limit.",
    member_quota_message="Person number reached large person group level limit.",
)

FACE_LIST = CollectionKind(
    name="facelist",
    id_field="faceListId",
    noun="Face list",
    code_prefix="FaceList",
    holds_persons=False,
    trainable=False,
    pages_listing=False,
    inlines_faces=True,
    collection_limit_name="MAX_FACE_LISTS",
    member_limit_name="MAX_FACES_PER_FACE_LIST",
    collection_quota_message="Face list number reached limit.",
    member_quota_message=PERSISTED_FACE_QUOTA_MESSAGE,
)

LARGE_FACE_LIST = CollectionKind(
    name="largefacelist",
    id_field="largeFaceListId",
    noun="Large face list",
    code_prefix="LargeFaceList",
    holds_persons=False,
    trainable=True,
    pages_listing=True,
    inlines_faces=False,
    collection_limit_name="MAX_LARGE_FACE_LISTS",
    member_limit_name="MAX_FACES_PER_LARGE_FACE_LIST",
    collection_quota_message="Large Face List number reached limit.",
    member_quota_message=PERSISTED_FACE_QUOTA_MESSAGE,
)

KINDS: dict[str, CollectionKind] = {
    kind.name: kind for kind in (PERSON_GROUP, LARGE_PERSON_GROUP, FACE_LIST, LARGE_FACE_LIST)
}


def kind_named(name: str) -> CollectionKind:
    """The kind stored as ``name`` (KeyError for an unknown one)."""
    return KINDS[name]


def person_not_found() -> FaceError:
    return FaceError(404, "PersonNotFound", "Person is not found.")


def invalid_person_id() -> FaceError:
    return FaceError(404, "PersonNotFound", "Person ID is invalid.")


def persisted_face_not_found() -> FaceError:
    return FaceError(404, "PersistedFaceNotFound", "Persisted face is not found.")


def invalid_persisted_face_id() -> FaceError:
    return FaceError(404, "PersistedFaceNotFound", "Persisted face ID is invalid.")


def person_face_quota_exceeded() -> FaceError:
    return quota_exceeded(PERSISTED_FACE_QUOTA_MESSAGE)
