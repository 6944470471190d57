"""PersonDirectory persons: create, get, list, update, delete (long-running) and their group references.

Creating a person completes within the request (its guard row in
``directoryfaces`` first, then its counted row in ``directorypersons``; an
orphaned guard is never read), so its operation is recorded ``succeeded`` at
once. Deleting marks the person ``deleting`` (it reads as gone from then on,
and no face can be added to it) and leaves the rest to the queue function.
"""

from __future__ import annotations

import uuid
from typing import Any

from core import limits
from core.collections.bodies import present
from core.collections.failures import azure_errors
from core.collections.fields import is_collection_id, is_server_id, metadata_changes, new_metadata, paging
from core.collections.kinds import person_not_found
from core.directory.lookup import require_person
from core.directory.operations import completed_operation, new_operation, queue_operation
from core.errors import bad_argument, quota_exceeded
from core.storage import directory_faces, directory_persons
from core.storage.directory_persons import DirectoryPersonRecord
from core.timestamps import utc_now

DELETE_PERSON = "deletePerson"


def person_body(person: DirectoryPersonRecord) -> dict[str, Any]:
    """``PersonDirectoryPerson``; a ``userData`` never set is left out (see ``present``)."""
    return present({"personId": person.person_id, "name": person.name, "userData": person.user_data})


def create_person(body: dict[str, Any]) -> tuple[str, str]:
    """Create a person; returns its personId and the id of its (succeeded) operation."""
    name, user_data = new_metadata(body)
    person_id = str(uuid.uuid4())
    directory_faces.create_guard(person_id)
    record = DirectoryPersonRecord(person_id, name, user_data, utc_now())
    with azure_errors(quota=quota_exceeded("Person number reached subscription level limit.")):
        directory_persons.insert_person(record, limits.MAX_DIRECTORY_PERSONS)
    return person_id, completed_operation({"kind": "createPerson", "personId": person_id}).operation_id


def get_person(person_id: str) -> dict[str, Any]:
    return person_body(require_person(person_id))


def list_persons(start: str | None, top: str | None) -> list[dict[str, Any]]:
    """Persons after ``start`` (a personId) in personId order, at most ``top`` (1-1000)."""
    pages = paging(start, top)
    if pages.start is not None and not is_server_id(pages.start):
        raise bad_argument("'start' is not valid person ID.")
    start_id = None if pages.start is None else pages.start.lower()
    return [person_body(person) for person in directory_persons.list_persons(start_id, pages.top)]


def update_person(person_id: str, body: dict[str, Any]) -> None:
    person = require_person(person_id)
    if not directory_persons.update_person(person.person_id, metadata_changes(body)):
        raise person_not_found()


def delete_person(person_id: str) -> str:
    """Start deleting a person; returns the operation's id."""
    person = require_person(person_id)
    operation = new_operation({"kind": DELETE_PERSON, "personId": person.person_id})
    directory_persons.mark_deleting(person.person_id)
    directory_faces.mark_guard_deleting(person.person_id)
    queue_operation(operation)
    return operation.operation_id


def group_references(person_id: str, start: str | None, top: str | None) -> dict[str, Any]:
    """``{"dynamicPersonGroupIds": [...]}``: the groups referencing the person, ascending."""
    pages = paging(start, top)
    person = require_person(person_id)
    if pages.start and not is_collection_id(pages.start):
        raise bad_argument("'start' is not valid.")
    return {"dynamicPersonGroupIds": directory_faces.list_references(person.person_id, pages.start, pages.top)}
