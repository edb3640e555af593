"""The peers, run on the same files: imagehash pHash and PDQ all-pairs, findimagedupes if installed."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import time
from pathlib import Path

import imagehash
import numpy as np
import pdqhash
from PIL import Image

# A pair's peer score for the ranking is minus the distance; a match is at or below the peer's
# documented threshold.
PHASH_MATCH = 10  # imagehash's usual near-duplicate level (64 bits)
PDQ_MATCH = 31  # Meta's PDQ match level (256 bits)


def _all_pairs(codes: list[np.ndarray]) -> dict[tuple[int, int], int]:
    return {(i, j): int(np.count_nonzero(codes[i] != codes[j])) for i, j in itertools.combinations(range(len(codes)), 2)}


def phash_pairs(paths: list[str]) -> tuple[dict[tuple[int, int], int], float]:
    started = time.perf_counter()
    codes = [imagehash.phash(Image.open(p)).hash.ravel() for p in paths]
    return _all_pairs(codes), time.perf_counter() - started


def pdq_pairs(paths: list[str]) -> tuple[dict[tuple[int, int], int], float]:
    started = time.perf_counter()
    codes = []
    for p in paths:
        bits, _ = pdqhash.compute(np.ascontiguousarray(np.asarray(Image.open(p).convert("RGB"))))
        codes.append(np.asarray(bits, bool))
    return _all_pairs(codes), time.perf_counter() - started


def findimagedupes_pairs(folder: Path, paths: list[str]) -> tuple[set[tuple[int, int]] | None, float, str]:
    """Pairs findimagedupes (default 90 % threshold) puts in one group; None when not installed."""
    program = shutil.which("findimagedupes")
    if program is None:
        return None, 0.0, "findimagedupes is not installed (Debian package findimagedupes); skipped"
    started = time.perf_counter()
    run = subprocess.run([program, "-q", "-R", "-t", "90%", str(folder)], capture_output=True, text=True,
                         timeout=3600, check=False)
    seconds = time.perf_counter() - started
    position = {str(Path(p).resolve()): i for i, p in enumerate(paths)}
    pairs: set[tuple[int, int]] = set()
    for line in run.stdout.splitlines():
        members = sorted(position[m] for m in (str(Path(x).resolve()) for x in line.split()) if m in position)
        pairs.update(itertools.combinations(members, 2))
    return pairs, seconds, f"findimagedupes ({run.returncode})"
