"""DynamicPersonGroups: named sets of directory persons, created, changed and deleted without training.

Membership changes are written by the request (member rows first, then a
new members version on the group), so Identify against the group and its
member list reflect them as soon as the request returns, and certainly once
its operation has succeeded. The operation brings the persons' references
(``dynamicPersonGroupReferences``) in step, which is what PDH says it tracks
(``core.directory.references``). Deleting marks the group ``deleting`` (it
reads as gone from then on; its id stays taken until the delete operation has
removed its members and references); the persons stay.

Where Microsoft documents no error (ERRORS.md §16), the answers follow
Azure's conventions for ids named in a body: a malformed personId is
400 ``BadArgument`` "Person ID is invalid.", a person that does not exist (or
is being deleted) 400 ``PersonNotFound``, a person both added and removed in
one request 400 ``BadArgument`` "Request body is invalid.".
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from core import limits
from core.collections.bodies import present
from core.collections.failures import azure_errors
from core.collections.fields import is_collection_id, is_server_id, metadata_changes, new_metadata, paging
from core.directory.operations import new_operation, queue_operation
from core.errors import FaceError, bad_argument, invalid_request_body, quota_exceeded
from core.search.index import ids_to_rows
from core.storage import dynamic_groups
from core.storage.directory_persons import read_person
from core.storage.dynamic_groups import DynamicGroupRecord, fresh_version
from core.storage.exceptions import AlreadyExists

UPDATE_MEMBERS, DELETE_GROUP = "updateGroupMembers", "deleteGroup"
PERSON_CHANGES = ("addPersonIds", "removePersonIds")


def invalid_group_id() -> FaceError:
    return bad_argument("Dynamic person group ID is invalid.")


def group_not_found(status: int = 404) -> FaceError:
    return FaceError(status, "DynamicPersonGroupNotFound", "Dynamic person group is not found.")


def checked_group_id(group_id: Any) -> str:
    """A well-formed dynamicPersonGroupId (1-64 of ``a-z0-9-_``); 400 ``BadArgument`` otherwise."""
    if not isinstance(group_id, str) or not is_collection_id(group_id):
        raise invalid_group_id()
    return group_id


def live_group(group_id: str, status: int = 404) -> DynamicGroupRecord:
    """The group an id names; ``DynamicPersonGroupNotFound`` (at ``status``) when it is missing or being deleted."""
    group = dynamic_groups.read_group(checked_group_id(group_id))
    if group is None or group.deleting:
        raise group_not_found(status)
    return group


def group_body(group: DynamicGroupRecord) -> dict[str, Any]:
    """``DynamicPersonGroup``; a ``userData`` never set is left out (see ``present``)."""
    return present({"dynamicPersonGroupId": group.group_id, "name": group.name, "userData": group.user_data})


def _person_ids(body: dict[str, Any], field: str) -> list[str]:
    """The personIds of ``addPersonIds`` or ``removePersonIds`` (absent: none), well-formed, without repeats."""
    value = body.get(field)
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid_request_body()
    if not all(isinstance(item, str) and is_server_id(item) for item in value):
        raise bad_argument("Person ID is invalid.")
    return list(dict.fromkeys(item.lower() for item in value))


def _require_persons(person_ids: list[str]) -> None:
    """Every person must exist (its CreatePerson has completed) and not be being deleted."""
    for person_id in person_ids:
        person = read_person(person_id)
        if person is None or person.deleting:
            raise FaceError(400, "PersonNotFound", "Person is not found.")


def create_group(group_id: str, body: dict[str, Any]) -> str | None:
    """Create a group; with ``addPersonIds`` (1 or more) the id of the operation that references them, else None."""
    checked_group_id(group_id)
    name, user_data = new_metadata(body)
    adding = "addPersonIds" in body
    added = _person_ids(body, "addPersonIds")
    if (adding and not added) or len(added) > limits.MAX_GROUP_PERSON_CHANGES:
        raise invalid_request_body()
    _require_persons(added)
    version = fresh_version()
    group = DynamicGroupRecord(group_id, name, user_data, incarnation=version, members_version=version)
    operation = None
    if adding:
        job = {"kind": UPDATE_MEMBERS, "dynamicPersonGroupId": group_id, "personIds": added}
        operation = new_operation(job)
    try:
        with azure_errors(quota=quota_exceeded("Dynamic person group number reached subscription level limit.")):
            dynamic_groups.insert_group(group, limits.MAX_DYNAMIC_PERSON_GROUPS)
    except AlreadyExists:
        raise _taken(dynamic_groups.read_group(group_id) or group) from None
    if operation is None:
        return None
    dynamic_groups.add_members(group, added)
    dynamic_groups.update_group(group_id, {"membersVersion": fresh_version()})
    queue_operation(operation)
    return operation.operation_id


def _taken(group: DynamicGroupRecord) -> FaceError:
    """The id is in use: 409 ``DynamicPersonGroupExists``, or ``ConcurrentOperationConflict`` while it is deleted."""
    if group.deleting:
        return FaceError(409, "ConcurrentOperationConflict", "Concurrent operation conflict on requested resource.")
    return FaceError(409, "DynamicPersonGroupExists", f"Dynamic person group ID {group.group_id} already exists.")


def get_group(group_id: str) -> dict[str, Any]:
    return group_body(live_group(group_id))


def list_groups(start: str | None, top: str | None) -> list[dict[str, Any]]:
    """Groups after ``start`` (a dynamicPersonGroupId) in id order, at most ``top`` (1-1000)."""
    pages = paging(start, top)
    return [group_body(group) for group in dynamic_groups.list_groups(pages.start, pages.top)]


def update_group(group_id: str, body: dict[str, Any]) -> str | None:
    """Change name/userData and members; with ``addPersonIds``/``removePersonIds`` the id of the operation
    that brings the references in step, else None."""
    changing_members = any(field in body for field in PERSON_CHANGES)
    naming = body.get("name") is not None or body.get("userData") is not None
    changes = metadata_changes(body) if naming or not changing_members else {}
    added, removed = _person_ids(body, "addPersonIds"), _person_ids(body, "removePersonIds")
    if set(added) & set(removed) or len(added) + len(removed) > limits.MAX_GROUP_PERSON_CHANGES:
        raise invalid_request_body()
    group = live_group(group_id)
    _require_persons(added)
    for person_id in removed:
        if not dynamic_groups.is_member(group, person_id):
            raise FaceError(
                404, "DynamicPersonGroupNotFound", f"DynamicPersonGroupPersonReference {group.group_id} is not found."
            )
    operation = None
    if changing_members:
        job = {"kind": UPDATE_MEMBERS, "dynamicPersonGroupId": group.group_id, "personIds": added + removed}
        operation = new_operation(job)
        dynamic_groups.add_members(group, added)
        for person_id in removed:
            dynamic_groups.remove_member(group.group_id, person_id)
        changes = {**changes, "membersVersion": fresh_version()}
    if not dynamic_groups.update_group(group.group_id, changes):
        raise group_not_found()
    if operation is None:
        return None
    queue_operation(operation)
    return operation.operation_id


def delete_group(group_id: str) -> str:
    """Start deleting a group (its persons stay); returns the operation's id."""
    group = live_group(group_id)
    operation = new_operation({"kind": DELETE_GROUP, "dynamicPersonGroupId": group.group_id})
    dynamic_groups.update_group(group.group_id, {"deleting": True})
    queue_operation(operation)
    return operation.operation_id


def list_members(group_id: str, start: str | None, top: str | None) -> dict[str, Any]:
    """``{"personIds": [...]}``: the group's members after ``start``, ascending."""
    pages = paging(start, top)
    group = live_group(group_id)
    if pages.start and not is_server_id(pages.start):
        raise bad_argument("'start' is not valid.")
    return {"personIds": dynamic_groups.list_members(group, pages.start, pages.top)}


MEMBER_LISTS_CACHED = 256
"""Member lists a process keeps (each is read again only when its group's members change)."""


@functools.lru_cache(maxsize=MEMBER_LISTS_CACHED)
def group_members(group: DynamicGroupRecord) -> np.ndarray:
    """The members of a live group as (N, 16) personIds, read once per members version and process.

    The record read names the members version, so a cached list is reused only while it is current; member
    rows are written before the version that announces them (``core.storage.dynamic_groups``), so the list
    read after reading a version holds at least that version's members.
    """
    return ids_to_rows(dynamic_groups.list_members(group))
