"""The portfolio: every picture under the folder with its scan features, read once and cached.

The scan's own walk, feature extraction (on the runner: ``--workers`` processes) and SQLite cache
are used as they are, so a portfolio that was scanned, or traced against, is not read again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import thresholds as T
from ..scan.cache import CachedFile, FileKey, ScanCache
from ..scan.features import ScanFeatures, unpack_features
from ..scan.jobs import extract
from ..scan.runners import open_runner
from ..scan.walk import walk_folders

__all__ = ["Portfolio", "PortfolioPicture", "read_portfolio"]


@dataclass(frozen=True)
class PortfolioPicture:
    path: str  # as found under the folder
    sha256: str
    width: int
    height: int
    features: ScanFeatures = field(repr=False)


@dataclass(frozen=True)
class Portfolio:
    pictures: tuple[PortfolioPicture, ...]
    errors: tuple[tuple[str, str], ...]
    from_cache: int


def _same_file(path: str, others: set[str]) -> bool:
    return os.path.realpath(path) in others


def read_portfolio(folder: str, *, cache_path: str | None, workers: int, max_pixels: int,
                   exclude: tuple[str, ...] = (), advance: Callable[[], None] | None = None) -> Portfolio:
    """Every readable picture under ``folder`` with its features; unreadable files under ``errors``.

    ``exclude``: files left out (the traced picture itself, the cache). Nothing is written into the
    folder: the cache lives where ``cache_path`` says.
    """
    left_out = {os.path.realpath(p) for p in exclude}
    if cache_path is not None:
        left_out |= {os.path.realpath(cache_path + suffix) for suffix in ("", "-wal", "-shm", "-journal")}
    walked = walk_folders([folder])
    errors = list(walked.skipped)
    cache = ScanCache.open(cache_path)
    try:
        cached = cache.files()
        entries: dict[str, CachedFile] = {}
        keys: dict[str, FileKey] = {}
        to_read = []
        for path in walked.files:
            if _same_file(path, left_out):
                continue
            try:
                key = FileKey.of(path)
            except OSError as exc:
                errors.append((path, f"cannot stat: {exc.strerror or exc}"))
                continue
            keys[path] = key
            known = cached.get(key.path)
            if known is not None and known[0] == key and _sound(known[1]):
                entries[path] = known[1]
            else:
                to_read.append(path)
        from_cache = len(entries)
        if to_read:
            runner = open_runner(workers, None)
            try:
                given = {os.path.abspath(p): p for p in to_read}
                jobs = [(os.path.abspath(p), max_pixels) for p in to_read]
                for done in runner.map(extract, jobs, max_batch=T.SCAN_CLUSTER_EXTRACT_BATCH):
                    path = given[done.path]
                    entry = CachedFile(done.sha256, done.width, done.height, done.features, done.error)
                    cache.put_file(keys[path], entry)
                    entries[path] = entry
                    if advance:
                        advance()
            finally:
                runner.close()
            cache.commit()
    finally:
        cache.close()
    pictures = []
    for path in sorted(entries):
        entry = entries[path]
        if entry.features is None or entry.sha256 is None:
            errors.append((path, entry.error or "unreadable"))
            continue
        pictures.append(PortfolioPicture(path, entry.sha256, entry.width, entry.height, unpack_features(entry.features)))
    return Portfolio(tuple(pictures), tuple(sorted(errors)), from_cache)


def _sound(entry: CachedFile) -> bool:
    """A cached entry is usable when it is an error or its features' checksum holds."""
    if entry.features is None:
        return True
    try:
        unpack_features(entry.features)
    except ValueError:
        return False
    return True
