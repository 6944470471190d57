"""Who is in a photo: Detect each face, then Identify it in a person target (a group or the PersonDirectory)
or Find Similar in a list target."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from face_cli.client import FaceApi, FaceApiError
from face_cli.directory import directory_persons
from face_cli.targets import Target, list_faces, persons, recognition_model

IDENTIFY_BATCH = 10  # Identify takes at most 10 faceIds


@dataclass(frozen=True)
class Candidate:
    """A person (or a list face) a face may be, with the service's confidence."""

    name: str
    id: str
    confidence: float


@dataclass(frozen=True)
class IdentifiedFace:
    """One detected face, its rectangle and its best candidates, best first."""

    rectangle: dict[str, int]
    candidates: list[Candidate]


@dataclass
class PhotoResult:
    """The faces found in one photo, or Azure's error for it."""

    path: Path
    faces: list[IdentifiedFace] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class IdentifyOptions:
    detection_model: str
    candidates: int = 1
    confidence_threshold: float | None = None
    recognition_model: str = "recognition_04"  # the PersonDirectory's faces to search (other targets have one)


def detect(
    api: FaceApi, image: bytes, detection_model: str, model: str | None, landmarks: bool = False
) -> list[dict[str, Any]]:
    """Detect's answer for ``image``: rectangles, faceIds for ``model`` (none without one) and, when asked,
    the 27 landmarks."""
    params = {
        "returnFaceId": str(model is not None).lower(),
        "detectionModel": detection_model,
        **({"recognitionModel": model} if model is not None else {}),
        "returnFaceLandmarks": str(landmarks).lower(),
    }
    return list(api.call("POST", "/detect", params=params, content=image))


class Identifier:
    """Identifies faces against one target, knowing the names behind its ids."""

    def __init__(self, api: FaceApi, target: Target, options: IdentifyOptions) -> None:
        self.api = api
        self.target = target
        self.options = options
        self.model = options.recognition_model if target.kind.directory else recognition_model(api, target)
        if target.kind.directory:
            self.names = {p["personId"]: str(p.get("name", "")) for p in directory_persons(api)}
        elif target.kind.has_persons:
            self.names = {p["personId"]: str(p.get("name", "")) for p in persons(api, target)}
        else:
            self.names = {
                face.persisted_face_id: face.mark.person if face.mark else face.persisted_face_id
                for face in list_faces(api, target)
            }

    def photo(self, path: Path) -> PhotoResult:
        """Every face of one photo with its candidates; an image the service refuses becomes the result's error."""
        result = PhotoResult(path)
        try:
            faces = detect(self.api, path.read_bytes(), self.options.detection_model, self.model)
            candidates = self.candidates([face["faceId"] for face in faces])
        except FaceApiError as error:
            if error.status != 400:
                raise
            result.error = f"{error.code}: {error.message}"
            return result
        result.faces = [
            IdentifiedFace(face["faceRectangle"], found) for face, found in zip(faces, candidates, strict=True)
        ]
        return result

    def candidates(self, face_ids: list[str]) -> list[list[Candidate]]:
        if self.target.kind.has_persons:
            return [
                found
                for start in range(0, len(face_ids), IDENTIFY_BATCH)
                for found in self.identify(face_ids[start : start + IDENTIFY_BATCH])
            ]
        return [self.find_similar(face_id) for face_id in face_ids]

    def identify(self, face_ids: list[str]) -> list[list[Candidate]]:
        body: dict[str, Any] = {
            "faceIds": face_ids,
            **self.target.scope,
            "maxNumOfCandidatesReturned": self.options.candidates,
        }
        if self.options.confidence_threshold is not None:
            body["confidenceThreshold"] = self.options.confidence_threshold
        answers = {item["faceId"]: item["candidates"] for item in self.api.call("POST", "/identify", json=body)}
        return [
            [self.candidate(c["personId"], c["confidence"]) for c in answers.get(face_id, [])] for face_id in face_ids
        ]

    def find_similar(self, face_id: str) -> list[Candidate]:
        body = {
            "faceId": face_id,
            **self.target.scope,
            "maxNumOfCandidatesReturned": self.options.candidates,
            "mode": "matchPerson",
        }
        threshold = self.options.confidence_threshold or 0.0
        found = self.api.call("POST", "/findsimilars", json=body)
        return [self.candidate(c["persistedFaceId"], c["confidence"]) for c in found if c["confidence"] >= threshold]

    def candidate(self, identifier: str, confidence: float) -> Candidate:
        return Candidate(self.names.get(identifier, identifier), identifier, float(confidence))


def identify_photos(
    api: FaceApi, target: Target, paths: list[Path], options: IdentifyOptions, concurrency: int
) -> list[PhotoResult]:
    """The result of every photo, in the order given, with at most ``concurrency`` photos in flight."""
    identifier = Identifier(api, target, options)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="identify") as executor:
        return list(executor.map(identifier.photo, paths))
