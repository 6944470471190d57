"""LargePersonGroup operations: create, get, update, delete, list, train and training status."""

import azure.functions as func

from core.collections.kinds import LARGE_PERSON_GROUP
from functions.collection_routes import register_collection_operations, register_training_operations

blueprint = func.Blueprint()
register_collection_operations(blueprint, LARGE_PERSON_GROUP, "largepersongroups", "LargePersonGroup")
register_training_operations(blueprint, LARGE_PERSON_GROUP, "largepersongroups", "LargePersonGroup")
