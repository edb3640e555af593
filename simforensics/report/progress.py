"""The scan engine's progress as a Rich bar (imported only by the commands that show one)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

from ..scan.engine import Progress

__all__ = ["scan_progress"]


class _RichScanProgress(Progress):
    """The engine's progress as a Rich bar with counts, elapsed time and ETA."""

    def __init__(self, bar: RichProgress) -> None:
        self._bar = bar
        self._task: TaskID | None = None

    def stage(self, name: str, total: int | None) -> None:
        if self._task is not None:
            self._bar.update(self._task, completed=self._bar.tasks[-1].total or 0)
            self._bar.stop_task(self._task)
        self._task = self._bar.add_task(name, total=total)

    def advance(self, steps: int = 1) -> None:
        if self._task is not None:
            self._bar.advance(self._task, steps)


@contextlib.contextmanager
def scan_progress(console: Console, *, enabled: bool) -> Iterator[Progress]:
    """A progress reporter for ``scan_folders``: a live bar on ``console``, or silence."""
    if not enabled:
        yield Progress()
        return
    columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    with RichProgress(*columns, console=console, transient=False) as bar:
        yield _RichScanProgress(bar)
