"""LargePersonGroup Person operations: persons of a LargePersonGroup and their persisted faces."""

import azure.functions as func

from core.collections.kinds import LARGE_PERSON_GROUP
from functions.collection_routes import register_person_operations

blueprint = func.Blueprint()
register_person_operations(blueprint, LARGE_PERSON_GROUP, "largepersongroups", "LargePersonGroupPerson")
