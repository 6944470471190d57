"""LargeFaceList operations: the list, its persisted faces, training and training status."""

import azure.functions as func

from core.collections.kinds import LARGE_FACE_LIST
from functions.collection_routes import (
    register_collection_operations,
    register_list_face_operations,
    register_training_operations,
)

blueprint = func.Blueprint()
register_collection_operations(blueprint, LARGE_FACE_LIST, "largefacelists", "LargeFaceList")
register_list_face_operations(blueprint, LARGE_FACE_LIST, "largefacelists", "LargeFaceList")
register_training_operations(blueprint, LARGE_FACE_LIST, "largefacelists", "LargeFaceList")
