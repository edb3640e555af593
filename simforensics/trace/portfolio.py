"""The portfolio: every picture under the folder with its retrieval features, read once and cached.

The scan's walk, file identity (``FileKey``: real path, size, mtime, inode, device), runners
(``--workers`` processes) and cache file are used as they are: the features live in a table of
their own (``trace_files``) in the scan's SQLite cache, so one ``--cache`` serves both commands,
and a portfolio traced against once is not read again while its files are unchanged. The scan's
own checks run first (``ScanCache.open``): a damaged cache is moved aside and rebuilt.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import thresholds as T
from ..scan.cache import FileKey, ScanCache, look_up
from ..scan.runners import open_runner
from ..scan.walk import walk_folders
from .features import FEATURE_VERSION, ExtractedCorners, TraceFeatures, extract, unpack

__all__ = ["Portfolio", "PortfolioPicture", "read_portfolio"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS trace_files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL,
    device INTEGER NOT NULL, version TEXT NOT NULL, sha256 TEXT, width INTEGER, height INTEGER,
    features BLOB, error TEXT
);
"""


@dataclass(frozen=True)
class PortfolioPicture:
    path: str  # as found under the folder
    sha256: str
    width: int
    height: int
    features: TraceFeatures = field(repr=False)


@dataclass(frozen=True)
class Portfolio:
    pictures: tuple[PortfolioPicture, ...]
    errors: tuple[tuple[str, str], ...]
    from_cache: int


def _open(cache_path: str | None) -> sqlite3.Connection:
    if cache_path is None:
        db = sqlite3.connect(":memory:")
    else:
        ScanCache.open(cache_path).close()  # the scan's checks: a damaged cache is moved aside, rebuilt
        db = sqlite3.connect(cache_path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
    db.executescript(_SCHEMA)
    return db


def _cached(db: sqlite3.Connection) -> dict[str, tuple[FileKey, ExtractedCorners]]:
    rows = db.execute("SELECT path, size, mtime_ns, inode, device, sha256, width, height, features, error "
                      "FROM trace_files WHERE version = ?", (FEATURE_VERSION,))
    return {row[0]: (FileKey(*row[:5]), ExtractedCorners(row[0], row[5], row[6] or 0, row[7] or 0, row[8], row[9]))
            for row in rows}


def _usable(entry: ExtractedCorners) -> bool:
    if entry.features is None:
        return entry.error is not None
    try:
        unpack(entry.features)
    except ValueError:
        return False
    return True


def read_portfolio(folder: str, *, cache_path: str | None, workers: int, max_pixels: int,
                   exclude: tuple[str, ...] = (), advance: Callable[[], None] | None = None) -> Portfolio:
    """Every readable picture under ``folder`` with its features; unreadable files under ``errors``.

    ``exclude``: files left out (the traced picture itself). Nothing is written into the folder.
    """
    left_out = {os.path.realpath(p) for p in exclude}
    if cache_path is not None:
        left_out |= {os.path.realpath(cache_path + suffix) for suffix in ("", "-wal", "-shm", "-journal", ".corrupt")}
    walked = walk_folders([folder])
    errors = list(walked.skipped)
    db = _open(cache_path)
    try:
        wanted = [path for path in walked.files if os.path.realpath(path) not in left_out]
        lookup = look_up(wanted, _cached(db), _usable, errors, max_pixels)
        entries, keys, to_read = lookup.found, lookup.keys, lookup.to_read
        from_cache = len(entries)
        if to_read:
            runner = open_runner(workers, None) if len(to_read) > 1 else open_runner(1, None)
            try:
                given = {os.path.abspath(p): p for p in to_read}
                jobs = [(os.path.abspath(p), max_pixels) for p in to_read]
                for done in runner.map(extract, jobs, max_batch=T.SCAN_CLUSTER_EXTRACT_BATCH):
                    path = given[done.path]
                    key = keys[path]
                    db.execute("INSERT OR REPLACE INTO trace_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               (key.path, key.size, key.mtime_ns, key.inode, key.device, FEATURE_VERSION,
                                done.sha256, done.width, done.height, done.features, done.error))
                    entries[path] = done
                    if advance:
                        advance()
            finally:
                runner.close()
            db.commit()
    finally:
        db.close()
    pictures = []
    for path in sorted(entries):
        entry = entries[path]
        if entry.features is None or entry.sha256 is None:
            errors.append((path, entry.error or "unreadable"))
            continue
        pictures.append(PortfolioPicture(path, entry.sha256, entry.width, entry.height, unpack(entry.features)))
    return Portfolio(tuple(pictures), tuple(sorted(errors)), from_cache)
