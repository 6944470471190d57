"""Face operations: Detect, Verify, Identify, Find Similar and Group, and the purge of expired faceIds."""

import azure.functions as func

from core.operations.detect import DetectOptions, detect, face_id_time_to_live
from core.operations.find_similar import find_similar
from core.operations.group import group
from core.operations.identify import identify
from core.operations.verify import verify
from core.storage.detected_faces import purge_expired_faces
from core.vision.attributes import parse_attribute_names
from core.vision.catalog import (
    DEFAULT_DETECTION_MODEL,
    DEFAULT_RECOGNITION_MODEL,
    check_detection_request,
    check_recognition_model,
)
from functions.http import (
    face_operation,
    image_input,
    json_object,
    json_response,
    query_bool,
    query_int,
    query_text,
)

PURGE_SCHEDULE = "0 */10 * * * *"

blueprint = func.Blueprint()


def detect_options(req: func.HttpRequest) -> DetectOptions:
    """Detect's query parameters, validated before the image is read."""
    options = DetectOptions(
        return_face_id=query_bool(req, "returnFaceId", True),
        return_landmarks=query_bool(req, "returnFaceLandmarks", False),
        attributes=parse_attribute_names(query_text(req, "returnFaceAttributes")),
        recognition_model=check_recognition_model(query_text(req, "recognitionModel") or DEFAULT_RECOGNITION_MODEL),
        return_recognition_model=query_bool(req, "returnRecognitionModel", False),
        detection_model=(query_text(req, "detectionModel") or DEFAULT_DETECTION_MODEL).lower(),
        face_id_time_to_live=face_id_time_to_live(query_int(req, "faceIdTimeToLive", None)),
    )
    check_detection_request(
        options.detection_model, options.recognition_model, options.return_landmarks, options.attributes
    )
    return options


@face_operation(blueprint, "Face_Detect", "detect", ["POST"])
def detect_faces(req: func.HttpRequest) -> func.HttpResponse:
    options = detect_options(req)
    return json_response(detect(image_input(req), options))


@face_operation(blueprint, "Face_Verify", "verify", ["POST"])
def verify_faces(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(verify(json_object(req)))


@face_operation(blueprint, "Face_Identify", "identify", ["POST"])
def identify_faces(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(identify(json_object(req)))


@face_operation(blueprint, "Face_FindSimilar", "findsimilars", ["POST"])
def find_similar_faces(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(find_similar(json_object(req)))


@face_operation(blueprint, "Face_Group", "group", ["POST"])
def group_faces(req: func.HttpRequest) -> func.HttpResponse:
    return json_response(group(json_object(req)))


@blueprint.function_name(name="Face_PurgeExpiredFaceIds")
@blueprint.timer_trigger(arg_name="timer", schedule=PURGE_SCHEDULE, run_on_startup=False, use_monitor=False)
def purge_expired_face_ids(timer: func.TimerRequest) -> None:
    purge_expired_faces()
