"""Bulk enrolment: every photo of a folder into a collection, once, in parallel, then training.

A run reads what the target already holds (each face's mark: person and content
hash), creates the collection and the persons that are missing, and adds only the
photos whose (person, hash) is not there yet, with at most ``concurrency``
requests in flight. Interrupted, it leaves the service consistent: the next run
finds what was added and carries on.

A person is created only once one of its photos shows exactly one face to
Detect (the check Add Face makes), so a sub-folder whose photos are all
rejected leaves no empty person behind. The photos of a person without one are
detected in order until one passes; the person is then created and every one
of its photos goes through Add Face, whose refusals are the report's. Persons
are found by name before any is created, and a created person holds a face as
soon as its first photo is added: a run resumed after an interruption finds
it by name and never creates it twice.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from face_cli.client import FaceApi, FaceApiError
from face_cli.directory import DirectoryStore, add_members
from face_cli.identification import detect
from face_cli.photos import Photo, enrolment_photos
from face_cli.rejections import Rejection, detect_rejection, is_rejection, rejection
from face_cli.targets import DYNAMIC_PERSON_GROUP, CollectionStore, Enrolled, Target, train


class EnrolmentProgress(Protocol):
    """What an enrolment tells the person watching it."""

    def uploading(self, total: int) -> None: ...

    def advance(self) -> None: ...

    def training(self, status: str, elapsed: float) -> None: ...


class FaceStore(Protocol):
    """Where enrolment adds faces: a collection (``targets.CollectionStore``) or the PersonDirectory
    (``directory.DirectoryStore``)."""

    def open(self) -> tuple[bool, str]: ...

    def enrolled(self, names: set[str], executor: ThreadPoolExecutor) -> Enrolled: ...

    def create_person(self, name: str) -> str: ...

    def add_face(self, person_id: str | None, photo: Photo) -> str: ...


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
    members_added: int | None = None  # persons put into the dynamic person group

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


def face_store(api: FaceApi, target: Target, options: EnrolmentOptions) -> FaceStore:
    store = DirectoryStore if target.kind.directory else CollectionStore
    return store(api, target, options.recognition_model, options.detection_model)


@dataclass(frozen=True)
class Founding:
    """How a new person's photos fared with Detect: the person created, or every photo's refusal."""

    person_id: str | None
    rejected: list[Rejection]


def found_person(api: FaceApi, store: FaceStore, name: str, photos: list[Photo], detection_model: str) -> Founding:
    """Create the person ``name`` once one of ``photos`` shows exactly one face; else why each was refused."""
    rejected: list[Rejection] = []
    for photo in photos:
        try:
            faces = len(detect(api, photo.path.read_bytes(), detection_model, None))
        except FaceApiError as error:
            if not is_rejection(error):
                raise
            rejected.append(rejection(photo, error))
            continue
        if faces == 1:
            return Founding(store.create_person(name), [])
        rejected.append(detect_rejection(photo, faces))
    return Founding(None, rejected)


class Upload:
    """The adds and foundings in flight, reporting each photo's outcome as it ends."""

    def __init__(
        self,
        api: FaceApi,
        store: FaceStore,
        options: EnrolmentOptions,
        executor: ThreadPoolExecutor,
        report: EnrolmentReport,
        progress: EnrolmentProgress,
    ) -> None:
        self.api = api
        self.store = store
        self.options = options
        self.executor = executor
        self.report = report
        self.progress = progress
        self.adds: dict[Future[str], Photo] = {}
        self.foundings: dict[Future[Founding], tuple[str, list[Photo]]] = {}

    def add(self, person_id: str | None, photos: list[Photo]) -> None:
        for photo in photos:
            self.adds[self.executor.submit(self.store.add_face, person_id, photo)] = photo

    def found(self, name: str, photos: list[Photo]) -> None:
        future = self.executor.submit(found_person, self.api, self.store, name, photos, self.options.detection_model)
        self.foundings[future] = (name, photos)

    def run(self, owners: dict[str, str]) -> None:
        """Wait for everything in flight; a founded person's photos are added, and ``owners`` learns its id."""
        while self.adds or self.foundings:
            in_flight: list[Future[Any]] = [*self.adds, *self.foundings]
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                if future in self.adds:
                    self.added(self.adds.pop(future), future)
                else:
                    self.founded(*self.foundings.pop(future), future.result(), owners)

    def added(self, photo: Photo, future: Future[str]) -> None:
        try:
            future.result()
            self.report.added += 1
        except FaceApiError as error:
            if not is_rejection(error):
                raise
            self.report.rejected.append(rejection(photo, error))
        self.progress.advance()

    def founded(self, name: str, photos: list[Photo], founding: Founding, owners: dict[str, str]) -> None:
        if founding.person_id is None:
            self.report.rejected.extend(founding.rejected)
            for _ in photos:
                self.progress.advance()
            return
        owners[name] = founding.person_id
        self.report.persons_created += 1
        self.add(founding.person_id, photos)


def enrol(
    api: FaceApi, target: Target, folder: Path, options: EnrolmentOptions, progress: EnrolmentProgress
) -> EnrolmentReport:
    """Enrol every photo of ``folder`` (one sub-folder per person) into ``target``, then train it (or, for a
    dynamic person group, put its persons in it)."""
    photos = enrolment_photos(folder)
    names = {photo.person for photo in photos}
    store = face_store(api, target, options)
    created, model = store.open()
    report = EnrolmentReport(target, model, photos=len(photos), created_target=created)
    with bounded_executor(options.concurrency) as executor:
        enrolled = store.enrolled(names, executor)
        present = {(face.mark.person, face.mark.sha256) for face in enrolled.faces if face.mark}
        pending: dict[str, list[Photo]] = defaultdict(list)
        for photo in photos:
            if (photo.person, photo.sha256) not in present:
                pending[photo.person].append(photo)
        report.already_enrolled = len(photos) - sum(map(len, pending.values()))
        owners = {name: person_id for name, person_id in enrolled.person_ids.items() if name in names}
        upload = Upload(api, store, options, executor, report, progress)
        progress.uploading(len(photos) - report.already_enrolled)
        started = time.monotonic()
        try:
            for name, person_photos in pending.items():
                if target.kind.has_persons and name not in owners:
                    upload.found(name, person_photos)
                else:
                    upload.add(owners.get(name), person_photos)
            upload.run(owners)
        finally:
            report.upload_seconds = time.monotonic() - started
    # Trained on every run, changed or not: a run interrupted before its training left the target untrained.
    if options.train and target.kind.trained:
        report.training = train(api, target, progress.training)
    # Likewise the group's members: a run interrupted before adding them adds them on the next run.
    if target.kind is DYNAMIC_PERSON_GROUP:
        report.members_added = add_members(api, target.id, set(owners.values()))
    return report
