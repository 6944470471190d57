"""The ``face`` command: ``enrol``, ``identify`` and ``detect`` over the Face REST API.

The endpoint and key come from ``--endpoint``/``--key`` or from
``AZURE_FACE_ENDPOINT``/``AZURE_FACE_KEY``; the key is sent only in the
``Ocp-Apim-Subscription-Key`` header and never printed. Tables and CSV/JSON go to
standard output, progress and messages to standard error.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from face_cli.client import DEFAULT_API_VERSION, DEFAULT_CONCURRENCY, DIRECTORY_API_VERSION, FaceApi, FaceApiError
from face_cli.drawing import save_drawing
from face_cli.enrolment import EnrolmentOptions, enrol
from face_cli.identification import IdentifyOptions, detect, identify_photos
from face_cli.output import enrolment_summary, identify_csv, identify_json, identify_table, rejection_table
from face_cli.photos import image_files
from face_cli.progress import EnrolmentBar
from face_cli.rejections import write_csv
from face_cli.targets import (
    DYNAMIC_PERSON_GROUP,
    FACE_LIST,
    LARGE_FACE_LIST,
    LARGE_PERSON_GROUP,
    PERSON_DIRECTORY,
    PERSON_GROUP,
    Target,
)

INTERRUPTED = 130  # the shell's code for a command ended by Ctrl-C

app = typer.Typer(
    help="Enrol, identify and draw faces with the Azure Face API (or this service).",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

Endpoint = Annotated[
    str,
    typer.Option(
        envvar="AZURE_FACE_ENDPOINT", help="The resource's endpoint, e.g. https://NAME.cognitiveservices.azure.com"
    ),
]
Key = Annotated[str, typer.Option(envvar="AZURE_FACE_KEY", show_default=False, help="The subscription key.")]
ApiVersion = Annotated[str, typer.Option(help="The API version path segment.")]
TargetApiVersion = Annotated[
    str | None,
    typer.Option(
        "--api-version",
        show_default=False,
        help=f"The API version path segment (default {DEFAULT_API_VERSION}; {DIRECTORY_API_VERSION} for the "
        "PersonDirectory).",
    ),
]
Concurrency = Annotated[int, typer.Option(min=1, max=64, help="Requests in flight at most.")]
DetectionModel = Annotated[str, typer.Option(help="detection_01, detection_02 or detection_03.")]
RecognitionModel = Annotated[str, typer.Option(help="Recognition model of a collection this creates.")]
PersonGroupId = Annotated[str | None, typer.Option("--person-group", help="A person group id.")]
LargePersonGroupId = Annotated[str | None, typer.Option("--large-person-group", help="A large person group id.")]
FaceListId = Annotated[str | None, typer.Option("--face-list", help="A face list id.")]
LargeFaceListId = Annotated[str | None, typer.Option("--large-face-list", help="A large face list id.")]
PersonDirectory = Annotated[bool, typer.Option("--person-directory", help="The PersonDirectory.")]
DynamicPersonGroupId = Annotated[
    str | None, typer.Option("--dynamic-person-group", help="A dynamic person group id of the PersonDirectory.")
]


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def chosen_target(
    person_group: str | None,
    large_person_group: str | None,
    face_list: str | None,
    large_face_list: str | None,
    person_directory: bool = False,
    dynamic_person_group: str | None = None,
) -> Target:
    """The one target named on the command line (``--dynamic-person-group`` is in the PersonDirectory, so
    ``--person-directory`` may come with it)."""
    named = [
        Target(kind, identifier)
        for kind, identifier in (
            (PERSON_GROUP, person_group),
            (LARGE_PERSON_GROUP, large_person_group),
            (FACE_LIST, face_list),
            (LARGE_FACE_LIST, large_face_list),
            (DYNAMIC_PERSON_GROUP, dynamic_person_group),
        )
        if identifier
    ]
    if person_directory and not dynamic_person_group:
        named.append(Target(PERSON_DIRECTORY, ""))
    if len(named) != 1:
        raise typer.BadParameter(
            "name exactly one of --person-group, --large-person-group, --face-list, --large-face-list, "
            "--person-directory (with --dynamic-person-group or not)"
        )
    return named[0]


def target_api_version(target: Target, asked: str | None) -> str:
    """The version asked for, else the default, or for the PersonDirectory a version that has it."""
    if asked:
        return asked
    return DIRECTORY_API_VERSION if target.kind.directory else DEFAULT_API_VERSION


def fail(error: FaceApiError) -> typer.Exit:
    err.print(f"[bold red]error[/] {error.status or ''} {error.code}: {error.message}", highlight=False)
    return typer.Exit(1)


@app.command("enrol")
def enrol_command(
    folder: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="One sub-folder of photos per person.")],
    endpoint: Endpoint,
    key: Key,
    person_group: PersonGroupId = None,
    large_person_group: LargePersonGroupId = None,
    face_list: FaceListId = None,
    large_face_list: LargeFaceListId = None,
    person_directory: PersonDirectory = False,
    dynamic_person_group: DynamicPersonGroupId = None,
    detection_model: DetectionModel = "detection_03",
    recognition_model: Annotated[
        str, typer.Option(help="Recognition model of a collection this creates, or of the PersonDirectory's faces.")
    ] = "recognition_04",
    concurrency: Concurrency = DEFAULT_CONCURRENCY,
    api_version: TargetApiVersion = None,
    train: Annotated[bool, typer.Option(help="Train the collection at the end and wait for it.")] = True,
    rejected_csv: Annotated[Path | None, typer.Option(help="Also write the rejected photos to this CSV file.")] = None,
) -> None:
    """Add every photo of FOLDER (one sub-folder per person, named after them), skipping what is there already."""
    target = chosen_target(
        person_group, large_person_group, face_list, large_face_list, person_directory, dynamic_person_group
    )
    options = EnrolmentOptions(detection_model, recognition_model, concurrency, train)
    with FaceApi(endpoint, key, target_api_version(target, api_version), concurrency) as api:
        try:
            with EnrolmentBar(err) as bar:
                report = enrol(api, target, folder, options, bar)
        except FaceApiError as error:
            raise fail(error) from None
        except KeyboardInterrupt:
            err.print("interrupted: run the same command again to add what is missing")
            raise typer.Exit(INTERRUPTED) from None
        if report.rejected:
            out.print(rejection_table(report.rejected))
        if rejected_csv is not None:
            write_csv(report.rejected, rejected_csv)
        err.print(enrolment_summary(report) + f"\nretries: {api.retries}", highlight=False)
    if report.training is not None and str(report.training.get("status")).lower() == "failed":
        raise typer.Exit(1)


@app.command("identify")
def identify_command(
    photos: Annotated[Path, typer.Argument(exists=True, help="A photo, or a folder of photos.")],
    endpoint: Endpoint,
    key: Key,
    person_group: PersonGroupId = None,
    large_person_group: LargePersonGroupId = None,
    face_list: FaceListId = None,
    large_face_list: LargeFaceListId = None,
    person_directory: PersonDirectory = False,
    dynamic_person_group: DynamicPersonGroupId = None,
    detection_model: DetectionModel = "detection_03",
    recognition_model: Annotated[
        str, typer.Option(help="Recognition model of the PersonDirectory's faces searched (others: the target's).")
    ] = "recognition_04",
    candidates: Annotated[int, typer.Option(min=1, max=100, help="Best candidates per face.")] = 1,
    threshold: Annotated[float | None, typer.Option(min=0, max=1, help="Least confidence of a candidate.")] = None,
    output_format: Annotated[Format, typer.Option("--format", help="table, csv or json.")] = Format.table,
    concurrency: Concurrency = DEFAULT_CONCURRENCY,
    api_version: TargetApiVersion = None,
) -> None:
    """Name every face of PHOTOS with its best candidates in a collection."""
    target = chosen_target(
        person_group, large_person_group, face_list, large_face_list, person_directory, dynamic_person_group
    )
    options = IdentifyOptions(detection_model, candidates, threshold, recognition_model)
    with FaceApi(endpoint, key, target_api_version(target, api_version), concurrency) as api:
        try:
            results = identify_photos(api, target, image_files(photos), options, concurrency)
        except FaceApiError as error:
            raise fail(error) from None
    if output_format is Format.table:
        out.print(identify_table(results))
    else:
        sys.stdout.write(identify_csv(results) if output_format is Format.csv else identify_json(results) + "\n")


@app.command("detect")
def detect_command(
    photo: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The photo.")],
    endpoint: Endpoint,
    key: Key,
    draw: Annotated[Path | None, typer.Option(help="Write the photo with boxes and landmarks to this file.")] = None,
    detection_model: DetectionModel = "detection_03",
    recognition_model: RecognitionModel = "recognition_04",
    api_version: ApiVersion = DEFAULT_API_VERSION,
) -> None:
    """Detect the faces of PHOTO; with --draw, see them drawn."""
    image = photo.read_bytes()
    with FaceApi(endpoint, key, api_version) as api:
        try:
            faces = detect(api, image, detection_model, recognition_model, landmarks=detection_model != "detection_02")
        except FaceApiError as error:
            raise fail(error) from None
    for number, face in enumerate(faces, start=1):
        box = face["faceRectangle"]
        out.print(
            f"face {number}: {box['left']},{box['top']} {box['width']}x{box['height']}", highlight=False, soft_wrap=True
        )
    if draw is not None:
        save_drawing(image, faces, draw)
        err.print(f"{len(faces)} face(s) drawn on {draw}")


def main() -> None:
    """The ``face`` entry point."""
    app()
