"""Bulk enrolment: every photo of a folder into a collection, once, in parallel, then training.

A run reads what the target already holds (each face's mark: person and content
hash), creates the collection and the persons that are missing, and adds only the
photos whose (person, hash) is not there yet, with at most ``concurrency``
requests in flight. Interrupted, it leaves the service consistent: the next run
finds what was added and carries on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from face_cli.client import FaceApi, FaceApiError
from face_cli.photos import Photo, enrolment_photos
from face_cli.rejections import Rejection, is_rejection, rejection
from face_cli.targets import Target, add_face, create_person, enrolled_faces, ensure_target, persons, train


class EnrolmentProgress(Protocol):
    """What an enrolment tells the person watching it."""

    def uploading(self, total: int) -> None: ...

    def advance(self) -> None: ...

    def training(self, status: str, elapsed: float) -> None: ...


@dataclass
class EnrolmentReport:
    """What a run did."""

    target: Target
    recognition_model: str
    photos: int = 0
    already_enrolled: int = 0
    added: int = 0
    persons_created: int = 0
    created_target: bool = False
    rejected: list[Rejection] = field(default_factory=list)
    upload_seconds: float = 0.0
    training: dict[str, Any] | None = None

    @property
    def faces_per_second(self) -> float:
        return self.added / self.upload_seconds if self.upload_seconds > 0 else 0.0


@dataclass(frozen=True)
class EnrolmentOptions:
    """How to enrol: the models (recognition only matters when the target is created) and the parallelism."""

    detection_model: str
    recognition_model: str
    concurrency: int
    train: bool = True


@contextmanager
def bounded_executor(concurrency: int) -> Iterator[ThreadPoolExecutor]:
    """A pool of ``concurrency`` workers; on interruption the queued work is dropped, the in-flight work finishes."""
    executor = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="enrol")
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def person_ids(
    api: FaceApi, target: Target, names: set[str], executor: ThreadPoolExecutor
) -> tuple[dict[str, str], int]:
    """The personId of every name (the first person of that name), creating those missing; and how many were."""
    known: dict[str, str] = {}
    for person in persons(api, target):
        known.setdefault(str(person.get("name")), person["personId"])
    missing = sorted(names - known.keys())
    known.update(zip(missing, executor.map(lambda name: create_person(api, target, name), missing), strict=True))
    return known, len(missing)


def enrol(
    api: FaceApi, target: Target, folder: Path, options: EnrolmentOptions, progress: EnrolmentProgress
) -> EnrolmentReport:
    """Enrol every photo of ``folder`` (one sub-folder per person) into ``target``, then train it."""
    photos = enrolment_photos(folder)
    created, model = ensure_target(api, target, options.recognition_model)
    report = EnrolmentReport(target, model, photos=len(photos), created_target=created)
    with bounded_executor(options.concurrency) as executor:
        present = {(face.mark.person, face.mark.sha256) for face in enrolled_faces(api, target, executor) if face.mark}
        pending = [photo for photo in photos if (photo.person, photo.sha256) not in present]
        report.already_enrolled = len(photos) - len(pending)
        owners: dict[str, str] = {}
        if target.kind.has_persons:
            owners, report.persons_created = person_ids(api, target, {photo.person for photo in pending}, executor)

        def add(photo: Photo) -> None:
            add_face(
                api,
                target,
                owners.get(photo.person),
                photo.path.read_bytes(),
                photo.mark,
                photo.sha256,
                options.detection_model,
            )

        progress.uploading(len(pending))
        started = time.monotonic()
        futures: dict[Future[None], Photo] = {executor.submit(add, photo): photo for photo in pending}
        try:
            for future in as_completed(futures):
                try:
                    future.result()
                    report.added += 1
                except FaceApiError as error:
                    if not is_rejection(error):
                        raise
                    report.rejected.append(rejection(futures[future], error))
                progress.advance()
        finally:
            report.upload_seconds = time.monotonic() - started
    # Trained on every run, changed or not: a run interrupted before its training left the target untrained.
    if options.train and target.kind.trained:
        report.training = train(api, target, progress.training)
    return report
