"""Identical pictures: the same decoded pixels, whatever the file format or metadata."""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..errors import EvidenceError
from ..evidence import DEFAULT_MAX_PIXELS, load_evidence
from .walk import walk_folders

__all__ = ["ScanPair", "ScanResult", "scan_identical"]


@dataclass(frozen=True)
class ScanPair:
    a: str
    b: str
    similarity: float
    label: str
    match: bool


@dataclass(frozen=True)
class ScanResult:
    images: int
    pairs: tuple[ScanPair, ...]
    groups: tuple[tuple[str, ...], ...]
    errors: tuple[tuple[str, str], ...]


def _pixel_digest(path: str, max_pixels: int) -> str:
    rgb = load_evidence(path, max_pixels=max_pixels).rgb
    digest = hashlib.sha256(f"{rgb.shape}".encode())
    digest.update(rgb.tobytes())
    return digest.hexdigest()


def scan_identical(
    folders: list[str],
    *,
    against: list[str] | None = None,
    workers: int = 1,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> ScanResult:
    """Group files whose decoded pixels are identical; with ``against``, only pairs across sets."""
    scanned = walk_folders(folders)
    reference = walk_folders(against) if against else None
    errors = list(scanned.skipped) + (list(reference.skipped) if reference else [])
    reference_files = set(reference.files) if reference else set()
    scanned_files = set(scanned.files)
    all_files = list(scanned.files) + [f for f in reference_files if f not in scanned_files]
    all_files.sort()

    def digest(path: str) -> tuple[str, str | None, str | None]:
        try:
            return path, _pixel_digest(path, max_pixels), None
        except EvidenceError as exc:
            return path, None, exc.reason

    by_digest: dict[str, list[str]] = defaultdict(list)
    images = 0
    # Decoding is in C and releases the GIL, so threads use all cores without pickling pixels.
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for path, value, error in pool.map(digest, all_files):
            if error is not None:
                errors.append((path, error))
                continue
            images += 1
            by_digest[value].append(path)  # type: ignore[index]

    pairs: list[ScanPair] = []
    groups: list[tuple[str, ...]] = []
    for members in by_digest.values():
        if len(members) < 2:
            continue
        if reference is not None:
            matched = [
                (a, b)
                for a, b in itertools.combinations(members, 2)
                if (a in reference_files) != (b in reference_files)
            ]
        else:
            matched = list(itertools.combinations(members, 2))
        if not matched:
            continue
        pairs.extend(ScanPair(a, b, 1.0, "identical", True) for a, b in matched)
        groups.append(tuple(sorted({p for pair in matched for p in pair})))
    pairs.sort(key=lambda p: (-p.similarity, p.a, p.b))
    groups.sort()
    return ScanResult(images=images, pairs=tuple(pairs), groups=tuple(groups), errors=tuple(errors))
