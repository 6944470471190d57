"""How results are shown: rich tables for people, CSV and JSON for programs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from rich.table import Table

from face_cli.enrolment import EnrolmentReport
from face_cli.identification import PhotoResult
from face_cli.rejections import Rejection

IDENTIFY_COLUMNS = ["photo", "face", "left", "top", "width", "height", "rank", "name", "id", "confidence"]


def identify_rows(results: list[PhotoResult]) -> list[dict[str, Any]]:
    """One row per candidate of every face; a face without candidates, a photo without faces or an error: one row."""
    rows: list[dict[str, Any]] = []
    for result in results:
        base: dict[str, Any] = dict.fromkeys(IDENTIFY_COLUMNS, "")
        base["photo"] = str(result.path)
        if result.error or not result.faces:
            rows.append({**base, "name": result.error or "(no face)"})
            continue
        for number, face in enumerate(result.faces, start=1):
            box = face.rectangle
            located = {**base, "face": number, **{k: box[k] for k in ("left", "top", "width", "height")}}
            if not face.candidates:
                rows.append({**located, "name": "(unknown)"})
            for rank, candidate in enumerate(face.candidates, start=1):
                rows.append(
                    {
                        **located,
                        "rank": rank,
                        "name": candidate.name,
                        "id": candidate.id,
                        "confidence": candidate.confidence,
                    }
                )
    return rows


def identify_table(results: list[PhotoResult]) -> Table:
    table = Table(title="Identified faces")
    for column in ("photo", "face", "box", "rank", "name", "confidence"):
        table.add_column(
            column,
            justify="right" if column in ("face", "rank", "confidence") else "left",
            no_wrap=column in ("box", "name"),
        )
    for row in identify_rows(results):
        box = f"{row['left']},{row['top']} {row['width']}x{row['height']}" if row["face"] != "" else ""
        confidence = f"{row['confidence']:.3f}" if row["confidence"] != "" else ""
        table.add_row(Path(row["photo"]).name, str(row["face"]), box, str(row["rank"]), row["name"], confidence)
    return table


def identify_csv(results: list[PhotoResult]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=IDENTIFY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(identify_rows(results))
    return buffer.getvalue()


def identify_json(results: list[PhotoResult]) -> str:
    document = [
        {
            "photo": str(result.path),
            "error": result.error,
            "faces": [
                {
                    "faceRectangle": face.rectangle,
                    "candidates": [{"name": c.name, "id": c.id, "confidence": c.confidence} for c in face.candidates],
                }
                for face in result.faces
            ],
        }
        for result in results
    ]
    return json.dumps(document, indent=2)


def rejection_table(rejections: list[Rejection]) -> Table:
    table = Table(title=f"Rejected photos ({len(rejections)})")
    for column in ("person", "file", "reason", "the service's answer"):
        table.add_column(column)
    for item in sorted(rejections, key=lambda r: (r.photo.person, str(r.photo.path))):
        said = f"{item.code}: {item.message}" if item.code else item.message
        table.add_row(item.photo.person, item.photo.path.name, item.reason, said)
    return table


def enrolment_summary(report: EnrolmentReport) -> str:
    """The run in a few lines: photos, faces added and already there, rejections, throughput, training."""
    lines = [
        f"{report.target}: {'created' if report.created_target else 'existing'}, {report.recognition_model}",
        f"photos: {report.photos}  already enrolled: {report.already_enrolled}  added: {report.added}  "
        f"rejected: {len(report.rejected)}  persons created: {report.persons_created}",
        f"throughput: {report.faces_per_second:.2f} faces/s ({report.added} faces in {report.upload_seconds:.1f} s)",
    ]
    if report.members_added is not None:
        lines.append(f"persons added to the group: {report.members_added}")
    if report.training is not None:
        status = report.training.get("status")
        message = report.training.get("message")
        lines.append(f"training: {status}" + (f" ({message})" if message else ""))
    return "\n".join(lines)
