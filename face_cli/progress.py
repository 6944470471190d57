"""Enrolment progress on the terminal: a bar with faces per second and time left, then training's status."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Faces per second over rich's recent-speed window, for the tasks that count faces."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("counts_faces"):
            return Text("")
        speed = task.finished_speed or task.speed
        return Text("-- faces/s" if speed is None else f"{speed:.1f} faces/s", style="progress.data.speed")


class EnrolmentBar:
    """The ``EnrolmentProgress`` of the command line, drawn with rich on ``console`` (standard error)."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeRemainingColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self.upload: TaskID | None = None
        self.train: TaskID | None = None

    def __enter__(self) -> EnrolmentBar:
        self.progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.progress.stop()

    def uploading(self, total: int) -> None:
        self.upload = self.progress.add_task("Adding faces", total=total, counts_faces=True)

    def advance(self) -> None:
        if self.upload is not None:
            self.progress.advance(self.upload)

    def training(self, status: str, elapsed: float) -> None:
        if self.train is None:
            self.train = self.progress.add_task("Training", total=None)
        done = status in ("succeeded", "failed")
        self.progress.update(
            self.train, description=f"Training: {status}", total=1 if done else None, completed=1 if done else 0
        )
