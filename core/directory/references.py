"""Persons' references to the DynamicPersonGroups they are in, kept in step by the queue function.

A reference row (``group:{dynamicPersonGroupId}`` in the person's partition
of ``directoryfaces``) should exist exactly when the group is live, the person
is live and the person is a member of the group's current incarnation. Jobs
never replay the change that queued them: they reconcile each person they name
with the state they find, so jobs may run in any order, any number of times,
and concurrently.

Reconciling writes the reference first and checks the state again after it;
when the state changed in between it reconciles again. Whoever changes the
state afterwards (a later membership change, a group or person delete) queues
its own job or removes the references itself, so the last write a person's
reference sees agrees with the final state.
"""

from __future__ import annotations

from core.storage import directory_faces, directory_persons, dynamic_groups

_MAX_ROUNDS = 8


def _wanted(group_id: str, person_id: str) -> bool:
    group = dynamic_groups.read_group(group_id)
    if group is None or group.deleting or not dynamic_groups.is_member(group, person_id):
        return False
    person = directory_persons.read_person(person_id)
    return person is not None and not person.deleting


def reconcile(group_id: str, person_ids: list[str]) -> None:
    """Bring each person's reference to ``group_id`` in step with the membership as it stands now."""
    for person_id in person_ids:
        wanted = _wanted(group_id, person_id)
        for _ in range(_MAX_ROUNDS):
            if wanted:
                directory_faces.add_reference(person_id, group_id)
            else:
                directory_faces.remove_reference(person_id, group_id)
            now = _wanted(group_id, person_id)
            if now == wanted:
                break
            wanted = now
        else:
            raise RuntimeError(f"membership of {person_id} in {group_id} kept changing")
        if not wanted:
            _drop_stale_member(group_id, person_id)


def _drop_stale_member(group_id: str, person_id: str) -> None:
    """A member row of a person that is gone or being deleted is removed (the person's delete may have
    listed its references before this row's reference was written)."""
    person = directory_persons.read_person(person_id)
    if person is None or person.deleting:
        dynamic_groups.remove_member(group_id, person_id)


def delete_group(group_id: str) -> None:
    """Finish deleting a group marked ``deleting``: each member's reference, then its member row, then the group."""
    group = dynamic_groups.read_group(group_id)
    if group is None:
        return
    for person_id in dynamic_groups.list_members(group):
        directory_faces.remove_reference(person_id, group_id)
        dynamic_groups.remove_member(group_id, person_id)
    dynamic_groups.remove_group(group_id)


def forget_person(person_id: str) -> None:
    """Remove a person being deleted from every group that references it (before its partition goes)."""
    for group_id in directory_faces.list_references(person_id, None, None):
        dynamic_groups.remove_member(group_id, person_id)
