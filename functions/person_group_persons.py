"""PersonGroup Person operations: persons of a PersonGroup and their persisted faces."""

import azure.functions as func

from core.collections.kinds import PERSON_GROUP
from functions.collection_routes import register_person_operations

blueprint = func.Blueprint()
register_person_operations(blueprint, PERSON_GROUP, "persongroups", "PersonGroupPerson")
