"""``scan --html``: an index of the scan's pairs, each linked to its own comparison report.

The pairs shown (copies first, then related pictures; never the unrelated candidates) are each
compared in full by the compare engine, and that comparison's report is written into a folder
beside the index (``matches.html`` -> ``matches-pairs/0001.html``), with thumbnails for the
index taken from the pixels the comparison decoded. Nothing is written next to the evidence
unless the index itself is put there.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
from pathlib import Path
from urllib.parse import quote

import numpy as np

from ..compare import compare_files
from ..errors import EvidenceError
from ..evidence import load_evidence
from ..options import DEFAULT_INDEX_PAIRS, CompareOptions
from ..outputs import OutputError, check_output_path, write_atomically
from ..scan import ScanResult
from ..scan.engine import Progress
from ..scan.runners import open_runner
from ..verdict import Label
from . import images
from .html import IndexEntry, compare_html, scan_index_html

__all__ = ["pairs_folder", "write_scan_index"]


def pairs_folder(index_path: str) -> Path:
    """Where the comparison reports of an index go: beside it, named after it."""
    target = Path(index_path)
    return target.with_name(target.stem + "-pairs")


def _thumbnail(rgb: np.ndarray) -> str:
    return images.data_uri(images.view_of(rgb, images.THUMBNAIL_SIDE))


def _report(job: tuple[int, str, str, str, int, str]) -> tuple[int, str | None, str | None, str | None, str | None]:
    """Compare one pair and write its report: (number, thumbnails a and b, verdict, problem).

    Runs in a worker process: it takes paths and returns strings, never the pictures."""
    number, original, copy, report, max_pixels, working_directory = job
    options = CompareOptions(
        original=original, copy=copy, html_path=report, max_pixels=max_pixels,
        command_line=("simforensics", "compare", original, copy, "--html", report),
        working_directory=working_directory,
    )
    try:
        comparison = compare_files(options)
    except EvidenceError as exc:  # changed or removed since the scan read it
        return number, None, None, None, str(exc)
    write_atomically(report, compare_html(comparison).encode("utf-8"))
    return (number, _thumbnail(comparison.original.rgb), _thumbnail(comparison.copy.rgb),
            comparison.verdict.label, None)


def _picture_thumbnail(job: tuple[str, int]) -> tuple[str, str | None]:
    """(path, its thumbnail, None when it has become unreadable); runs in a worker process."""
    path, max_pixels = job
    try:
        return path, _thumbnail(load_evidence(path, max_pixels=max_pixels).rgb)
    except EvidenceError:
        return path, None


def write_scan_index(result: ScanResult, index_path: str, *, folders: tuple[str, ...], against: tuple[str, ...] | None,
                     limit: int = DEFAULT_INDEX_PAIRS, max_pixels: int, progress: Progress | None = None,
                     command_line: tuple[str, ...] = (), workers: int = 1) -> None:
    """Compare each shown pair in full (``workers`` local processes), write its report, then the
    index. Raises ``OutputError``."""
    progress = progress or Progress()
    started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    shown = [p for p in result.pairs if p.label != Label.UNRELATED][:limit]
    folder = pairs_folder(index_path)
    if shown:
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise OutputError(f"--html {index_path}: cannot create {folder} ({exc.strerror or exc})") from None
    jobs = []
    for number, pair in enumerate(shown, start=1):
        report = folder / f"{number:04d}.html"
        check_output_path("--html", str(report), [pair.a, pair.b])
        jobs.append((number, pair.a, pair.b, str(report), max_pixels, os.getcwd()))
    # The resembling works are shown as pictures too, for the first ``limit`` scanned pictures
    # (a row of names says little to an illustrator looking for her own work).
    related = result.related[:limit]
    pictured = list(dict.fromkeys(path for r in related for path in (r.picture, *(x.reference for x in r.resembling))))
    progress.stage("comparison reports", len(shown) + len(pictured))
    done: dict[int, tuple[str | None, str | None, str | None, str | None]] = {}
    thumbnails: dict[str, str | None] = {}
    runner = open_runner(max(1, min(workers, len(jobs) + len(pictured))), None)
    try:
        for number, thumbnail_a, thumbnail_b, label, problem in runner.map(_report, jobs, max_batch=1):
            done[number] = (thumbnail_a, thumbnail_b, label, problem)
            progress.advance()
        for path, thumbnail in runner.map(_picture_thumbnail, [(p, max_pixels) for p in pictured], max_batch=16):
            thumbnails[path] = thumbnail
            progress.advance()
    finally:
        runner.close()
    entries: list[IndexEntry] = []
    for number, pair in enumerate(shown, start=1):
        thumbnail_a, thumbnail_b, label, problem = done[number]
        if problem is not None:
            entries.append(IndexEntry(number, pair, None, None, None, None, problem=problem))
        else:
            entries.append(IndexEntry(number, pair, thumbnail_a, thumbnail_b,
                                      quote(f"{folder.name}/{number:04d}.html"), label))
    command = shlex.join(["simforensics", *command_line[1:]]) if command_line else None
    document = scan_index_html(result, entries, shown_limit=limit, started_at=started, command_line=command,
                               folders=folders, against=against, thumbnails=thumbnails)
    write_atomically(index_path, document.encode("utf-8"))
