"""The portfolio a video is matched against: scan's features of every picture, from scan's cache.

The pictures are walked, read and featured exactly as ``simforensics scan`` does (scan/walk.py,
scan/jobs.extract, scan/cache.py), so a portfolio already scanned is not read again, and one
indexed for a video is ready for a scan.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import thresholds as T
from ..scan.cache import CachedFile, ScanCache, features_intact, look_up
from ..scan.jobs import extract
from ..scan.runners import Runner
from ..scan.walk import walk_folders

__all__ = ["Portfolio", "PortfolioPicture", "index_portfolio"]


@dataclass(frozen=True)
class PortfolioPicture:
    path: str  # as given: the folder joined with the path below it
    absolute: str
    sha256: str
    width: int
    height: int
    features: bytes = field(repr=False)  # packed ScanFeatures


@dataclass(frozen=True)
class Portfolio:
    pictures: tuple[PortfolioPicture, ...]
    errors: tuple[tuple[str, str], ...]  # files that are not readable pictures, with the reason
    from_cache: int


def index_portfolio(against: list[str], cache: ScanCache, runner: Runner, *, max_pixels: int,
                    skip: Callable[[str], bool] = lambda path: False,
                    advance: Callable[[], None] = lambda: None) -> Portfolio:
    """Features of every picture under ``against`` (folders or single pictures), read once:
    from ``cache`` while a file is unchanged, else by ``runner``, and then kept in ``cache``.
    ``skip``: files that are not part of the portfolio (the cache itself)."""
    walked = walk_folders(list(against))
    errors = list(walked.skipped)
    lookup = look_up([p for p in walked.files if not skip(p)], cache.files(), features_intact, errors, max_pixels)
    found, keys, to_read = lookup.found, lookup.keys, lookup.to_read
    from_cache = len(found)
    given = {os.path.abspath(p): p for p in to_read}
    for extracted in runner.map(extract, [(os.path.abspath(p), max_pixels) for p in to_read],
                                max_batch=T.SCAN_CLUSTER_EXTRACT_BATCH):
        path = given[extracted.path]
        entry = CachedFile(extracted.sha256, extracted.width, extracted.height, extracted.features, extracted.error)
        cache.put_file(keys[path], entry)
        found[path] = entry
        advance()
    cache.commit()
    pictures = []
    for path in sorted(found):
        entry = found[path]
        if entry.features is None or entry.sha256 is None:
            errors.append((path, entry.error or "unreadable"))
            continue
        pictures.append(PortfolioPicture(path, os.path.abspath(path), entry.sha256, entry.width, entry.height,
                                         entry.features))
    return Portfolio(tuple(pictures), tuple(sorted(errors)), from_cache)
