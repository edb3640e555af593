"""Build a reference population: the resemblance scores of pairs of unrelated works.

``--reference FOLDER`` makes one from the user's own genre (say 300 costume portraits: whether a
shared pose is "very common" is then measured among such works); ``builtin.py`` makes the one
that ships. Every picture is described once; every pair of pictures from different works is
scored from the descriptions. Pairs that are copies of each other are left out: the same work
twice says nothing about how alike unrelated works are.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image

from .. import thresholds as T
from ..environment import engine_fingerprint
from ..errors import EvidenceError
from ..evidence import load_evidence
from ..portrait import find_people
from ..resample import shrink_to_side
from .model import ReferenceInfo
from .profile import (
    Description,
    cohorts_of,
    describe,
    neighbours_of,
    score_pair,
    situated,
    strata,
    view_of,
)
from .reference import Reference, table_name

__all__ = ["DescribedPicture", "describe_rgb", "reference_from_folder", "reference_from_pictures", "reference_is_kept"]

# (the work it comes from, its description, the pHash bits of the picture and of its mirror image)
DescribedPicture = tuple[str, Description, np.ndarray]


def describe_rgb(rgb: np.ndarray) -> tuple[Description, np.ndarray]:
    """A picture's description, with its people found as compare finds them, and the pHash of the
    picture and of its mirror image (to tell copies, mirrored ones too, apart from other works)."""
    preview = shrink_to_side(rgb, T.PREVIEW_SIDE)
    people = find_people(preview, (rgb.shape[1], rgb.shape[0]))
    small = Image.fromarray(shrink_to_side(preview, T.HASH_THUMBNAIL_SIDE))
    hashes = np.stack([imagehash.phash(picture).hash.ravel()
                       for picture in (small, small.transpose(Image.Transpose.FLIP_LEFT_RIGHT))])
    return describe(view_of(preview, people)), hashes


def _copies(hashes_a: np.ndarray, hashes_b: np.ndarray) -> bool:
    """The same work twice: whole-picture pHash within HASH64_RELATED, either way round."""
    return min(int(np.count_nonzero(hashes_a[0] != h)) for h in hashes_b) <= T.HASH64_RELATED


def reference_from_pictures(pictures: Iterable[DescribedPicture], *, name: str, kind: str) -> Reference:
    """Score every pair of pictures of different works, copies of each other left out. Each
    table's pairs keep how many of its pairs come from the same two works (a reference of views,
    like the builtin one, holds several of each: reference.py weighs them as one pair of works)."""
    pictures = list(pictures)
    # What the reference keeps of its pictures to place others among (profile.cohorts_of).
    numbers = {work: i for i, work in enumerate(dict.fromkeys(work for work, _, _ in pictures))}
    cohorts = cohorts_of([description for _, description, _ in pictures],
                         np.array([numbers[work] for work, _, _ in pictures], np.int64))
    near = [neighbours_of(description, cohorts) for _, description, _ in pictures]
    scores: dict[str, list[tuple[float, tuple[str, str]]]] = {}
    pairs = 0
    for (i, (work_a, a, hash_a)), (j, (work_b, b, hash_b)) in itertools.combinations(enumerate(pictures), 2):
        if work_a == work_b or _copies(hash_a, hash_b):
            continue
        pairs += 1
        works = (min(work_a, work_b), max(work_a, work_b))
        # Both pictures placed among the reference's other works, their own two left out, as a new
        # pair (in none of them) is placed among them all: the reference's pairs scored as a new pair is.
        leave_out = (numbers[work_a], numbers[work_b])
        a, b = situated(a, cohorts, leave_out, near[i]), situated(b, cohorts, leave_out, near[j])
        kinds = strata(a, b)
        for dimension, measured in score_pair(a, b).items():
            if measured.score is not None:
                scores.setdefault(dimension, []).append((measured.score, works))
                among = kinds[dimension]
                for each in () if among is None else ((among,) if isinstance(among, str) else among):
                    scores.setdefault(table_name(dimension, each), []).append((measured.score, works))
    info = ReferenceInfo(name=name, pictures=len(pictures), pairs=pairs, kind=kind, warning=_too_small(len(pictures), pairs))
    tables, units = {}, {}
    for table, measured in scores.items():
        measured.sort(key=lambda pair: pair[0])
        per_works = Counter(works for _, works in measured)
        tables[table] = np.asarray([score for score, _ in measured])
        units[table] = np.asarray([per_works[works] for _, works in measured], np.float64)
    return Reference(info, tables, units, cohorts)


def _too_small(pictures: int, pairs: int) -> str | None:
    """The report's warning when no likeness can be placed in a reference this small."""
    if pairs >= T.RESEMBLANCE_MIN_PAIRS:
        return None
    needed = math.ceil((1 + math.sqrt(1 + 8 * T.RESEMBLANCE_MIN_PAIRS)) / 2)  # n (n - 1) / 2 pairs
    its = f"{pictures} {'picture makes' if pictures == 1 else 'pictures make'} {pairs} {'pair' if pairs == 1 else 'pairs'}"
    return (f"this reference is too small to place any likeness: its {its} of unrelated works, and a percentile "
            f"needs at least {T.RESEMBLANCE_MIN_PAIRS} ({needed} pictures of different works or more)")


def _cache_file(folder: str, files: list[str], max_pixels: int) -> Path:
    """Where the reference of these files, made by this engine under this ``--max-pixels`` (which
    pictures it leaves out), is kept."""
    digest = hashlib.sha256(f"{engine_fingerprint()}\0{max_pixels}\0".encode())
    for path in files:
        status = os.stat(path)
        digest.update(os.fsencode(path) + f"\0{status.st_size}\0{status.st_mtime_ns}\0".encode())
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "simforensics" / f"reference-{digest.hexdigest()[:24]}.json"


def reference_is_kept(folder: str, *, max_pixels: int) -> bool:
    """Whether the reference of ``folder`` as it is now is in the cache (``reference_from_folder``
    then reads it instead of making it)."""
    from ..scan.walk import walk_folders

    files = [os.path.abspath(path) for path in walk_folders([folder]).files]
    return _cache_file(folder, files, max_pixels).is_file()


def reference_from_folder(folder: str, *, max_pixels: int) -> Reference:
    """The reference made from every picture under ``folder`` (each its own work; how many files
    could not be read is said in its ``kind``). Kept in the user's cache folder, keyed by the
    files' paths, sizes and times, the engine and ``max_pixels``, so it is made once."""
    # The scan's walk: regular files, links followed without loops.
    from ..scan.walk import walk_folders

    files = [os.path.abspath(path) for path in walk_folders([folder]).files]
    cache = _cache_file(folder, files, max_pixels)
    if cache.is_file():
        try:
            document = json.loads(cache.read_text(encoding="utf-8"))
            return Reference.from_document(document, _too_small(int(document["pictures"]), int(document["pairs"])))
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache entry is made again
    described, unreadable_files = [], 0
    for path in files:
        try:
            evidence = load_evidence(path, max_pixels=max_pixels)
        except EvidenceError:
            unreadable_files += 1
            continue
        description, phash = describe_rgb(evidence.rgb)
        described.append((path, description, phash))
    unreadable = (f" ({unreadable_files} unreadable {'file' if unreadable_files == 1 else 'files'} left out)"
                  if unreadable_files else "")
    kind = f"the {len(described)} pictures under {folder}{unreadable}"
    reference = reference_from_pictures(described, name=folder, kind=kind)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(reference.to_document()) + "\n", encoding="utf-8")
    except OSError:
        pass  # no cache folder: the reference is made again next time
    return reference
