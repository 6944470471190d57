"""FaceList operations: create, get (faces inline), update, delete, list, add and delete faces."""

import azure.functions as func

from core.collections.kinds import FACE_LIST
from functions.collection_routes import register_collection_operations, register_list_face_operations

blueprint = func.Blueprint()
register_collection_operations(blueprint, FACE_LIST, "facelists", "FaceList")
register_list_face_operations(blueprint, FACE_LIST, "facelists", "FaceList")
