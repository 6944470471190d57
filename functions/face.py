"""Face operations: Detect, Verify, Identify, Find Similar and Group, and the purge of expired faceIds."""

import azure.functions as func

from core.operations.detect import detect, detect_options, purge_expired_face_ids
from core.operations.find_similar import find_similar
from core.operations.group import group
from core.operations.identify import identify
from core.operations.verify import verify
from functions.http import (
    face_operation,
    image_input,
    json_object,
    json_response,
    query_bool,
    query_int,
    query_text,
    request_version,
)

PURGE_SCHEDULE = "0 */10 * * * *"

blueprint = func.Blueprint()


@face_operation(blueprint, "Face_Detect", "detect", ["POST"])
def detect_faces(req: func.HttpRequest) -> func.HttpResponse:
    options = detect_options(
        return_face_id=query_bool(req, "returnFaceId", True),
        return_landmarks=query_bool(req, "returnFaceLandmarks", False),
        attributes=query_text(req, "returnFaceAttributes"),
        recognition_model=query_text(req, "recognitionModel"),
        return_recognition_model=query_bool(req, "returnRecognitionModel", False),
        detection_model=query_text(req, "detectionModel"),
        time_to_live=query_int(req, "faceIdTimeToLive", None),
        version=request_version(req),
    )
    return json_response(detect(image_input(req, session_images=True), options))


@face_operation(blueprint, "Face_Verify", "verify", ["POST"])
def verify_faces(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(verify(json_object(req), request_version(req).directory_recognition))


@face_operation(blueprint, "Face_Identify", "identify", ["POST"])
def identify_faces(req: func.HttpRequest) -> func.HttpResponse:
    version = request_version(req)
    return json_response(identify(json_object(req), version.identify_default_candidates, version.directory_recognition))


@face_operation(blueprint, "Face_FindSimilar", "findsimilars", ["POST"])
def find_similar_faces(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(find_similar(json_object(req)))


@face_operation(blueprint, "Face_Group", "group", ["POST"])
def group_faces(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(group(json_object(req)))


@blueprint.function_name(name="Face_PurgeExpiredFaceIds")
@blueprint.timer_trigger(arg_name="timer", schedule=PURGE_SCHEDULE, run_on_startup=False, use_monitor=False)
def purge_expired_face_ids_on_timer(timer: func.TimerRequest) -> None:
    purge_expired_face_ids()
