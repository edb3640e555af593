"""One scan: walk -> features (cache; a runner: local processes or a Dask cluster) -> candidates (index)
-> verification (the same runner) -> groups."""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from .. import thresholds as T
from ..evidence import DEFAULT_MAX_PIXELS
from .cache import CachedFile, ScanCache, features_intact, look_up
from .features import unpack_features
from .index import Candidate, LocalFeatures, find_candidates
from .jobs import extract, verify_batch
from .related import related_works
from .result import SETTLING_STEPS, ScanPair, ScanResult, ScanStats
from .runners import Runner, open_runner
from .verify import IDENTICAL_FILES, PairVerdict
from .walk import walk_folders

__all__ = ["Progress", "ScanOptions", "ScannedPicture", "batches_sharing_pictures", "candidates_within_groups",
           "scan_folders"]



@dataclass(frozen=True)
class ScanOptions:
    folders: tuple[str, ...]
    against: tuple[str, ...] | None = None
    workers: int = 1
    cache_path: str | None = None  # None: nothing persists
    scheduler: str | None = None  # a Dask scheduler's address: run there instead of on ``workers``
    max_pixels: int = DEFAULT_MAX_PIXELS
    related: int = 0  # with ``against``: each scanned picture's most resembling non-copies, this many


class Progress:
    """What the engine reports while it works; the terminal shows it as a bar with an ETA."""

    def stage(self, name: str, total: int | None) -> None:
        """A new stage begins with ``total`` steps (None: no count)."""

    def advance(self, steps: int = 1) -> None:
        """``steps`` more steps of the current stage are done."""


# ---------------------------------------------------------------- the scan


@dataclass
class ScannedPicture:
    """A readable picture of the scan, with its features (from the cache or read now)."""

    path: str  # as given
    sha256: str
    width: int
    height: int
    reference: bool  # under the --against folders
    features: bytes  # packed ScanFeatures


def _is_cache_file(path: str, cache_path: str | None) -> bool:
    if cache_path is None:
        return False
    real = os.path.realpath(path)
    base = os.path.realpath(cache_path)
    return real in (base, base + "-wal", base + "-shm", base + "-journal")


def scan_folders(options: ScanOptions, progress: Progress | None = None) -> ScanResult:
    """Find copies among the pictures under ``options.folders`` (or between them and ``against``)."""
    progress = progress or Progress()
    folders = tuple(os.path.abspath(f) for f in options.folders + (options.against or ()))
    runner = open_runner(options.workers, options.scheduler, folders)
    try:
        cache = ScanCache.open(options.cache_path)
        try:
            return _scan(options, progress, runner, cache)
        finally:
            cache.close()
    finally:
        runner.close()


def _scan(options: ScanOptions, progress: Progress, runner: Runner, cache: ScanCache) -> ScanResult:
    scanned = walk_folders(list(options.folders))
    reference = walk_folders(list(options.against)) if options.against else None
    errors: list[tuple[str, str]] = list(scanned.skipped) + (list(reference.skipped) if reference else [])
    reference_files = set(reference.files) if reference else set()
    paths = [p for p in scanned.files if p not in reference_files] + sorted(reference_files)
    paths = [p for p in paths if not _is_cache_file(p, options.cache_path)]

    lookup = look_up(paths, cache.files(), features_intact, errors, options.max_pixels)
    pictures: dict[str, ScannedPicture] = {}
    for path, entry in lookup.found.items():
        _take(path, entry, path in reference_files, pictures, errors)
    to_decode, keys, from_cache, damaged = lookup.to_read, lookup.keys, len(lookup.found), lookup.damaged

    progress.stage("reading pictures", len(to_decode))
    given = {os.path.abspath(p): p for p in to_decode}
    jobs = [(os.path.abspath(p), options.max_pixels) for p in to_decode]
    for extracted in runner.map(extract, jobs, max_batch=T.SCAN_CLUSTER_EXTRACT_BATCH):
        path = given[extracted.path]
        entry = CachedFile(extracted.sha256, extracted.width, extracted.height, extracted.features, extracted.error)
        cache.put_file(keys[path], entry)
        _take(path, entry, path in reference_files, pictures, errors)
        progress.advance()
    cache.commit()

    ordered = sorted(pictures.values(), key=lambda p: (p.reference, p.path))
    progress.stage("searching the index", None)
    candidates = _candidates(ordered, reference is not None)
    pairs, verified, from_pair_cache = _verify_all(ordered, candidates, options, progress, runner, cache, errors)
    # Two copies of one original are copies of each other even when no fingerprint linked them
    # (an overlaid copy and a cropped one): verify such pairs inside each group too, until no match
    # found so closes another pair.
    while closure := candidates_within_groups(ordered, candidates, pairs, reference is not None):
        more, more_verified, more_cached = _verify_all(ordered, closure, options, progress, runner, cache, errors)
        pairs = sorted(pairs + more, key=lambda p: (-p.similarity, p.a, p.b))
        candidates = candidates + closure
        verified += more_verified
        from_pair_cache += more_cached

    groups = _groups(p for p in pairs if p.match)
    related = ()
    if options.related and reference is not None:
        progress.stage("describing pictures for --related", len(ordered))
        related = related_works([p.path for p in ordered if not p.reference], [p.path for p in ordered if p.reference],
                                pairs, options.related, runner=runner, max_pixels=options.max_pixels, errors=errors,
                                advance=progress.advance)
    errors.sort()
    stats = ScanStats(files=len(paths), decoded=len(to_decode), from_cache=from_cache,
                      candidates=len(candidates), verified=sum(verified.values()), verdicts_from_cache=from_pair_cache,
                      settled_by=tuple((step, verified[step]) for step in SETTLING_STEPS))
    warnings = (cache.warning,) if cache.warning else ()
    if damaged:
        warnings += (f"{damaged} damaged feature record(s) in the scan cache were computed again",)
    if reference is not None and scanned.files and all(p in reference_files for p in scanned.files):
        # `scan gallery --against gallery`: pairs are only between the two sides, and nothing is left on one.
        message = "every file scanned is also under --against, so no pair can be made: scan the folder without "
        warnings += (message + "--against to find copies within it",)
    return ScanResult(images=len(ordered), pairs=tuple(pairs), groups=groups, errors=tuple(errors), stats=stats,
                      warnings=warnings, related=related)


def _take(path: str, entry: CachedFile, reference: bool, pictures: dict[str, ScannedPicture],
          errors: list[tuple[str, str]]) -> None:
    if entry.features is None or entry.sha256 is None:
        errors.append((path, entry.error or "unreadable"))
        return
    pictures[path] = ScannedPicture(path, entry.sha256, entry.width, entry.height, reference, entry.features)


def _candidates(pictures: list[ScannedPicture], against: bool) -> list[Candidate]:
    if len(pictures) < 2:
        return []
    features = [unpack_features(p.features) for p in pictures]
    pdq = np.stack([f.pdq for f in features])
    reference = np.array([p.reference for p in pictures]) if against else None
    local = [LocalFeatures(f.local, f.local_mirrored, f.points, f.width) for f in features]
    return find_candidates(pdq, local, reference=reference)


def _orient(first: ScannedPicture, second: ScannedPicture) -> tuple[ScannedPicture, ScannedPicture]:
    """(original, copy): the reference side, else the picture with more pixels, else path order."""
    if first.reference != second.reference:
        return (first, second) if first.reference else (second, first)
    if first.width * first.height != second.width * second.height:
        return (first, second) if first.width * first.height > second.width * second.height else (second, first)
    return (first, second) if first.path <= second.path else (second, first)


def _verify_all(pictures: list[ScannedPicture], candidates: list[Candidate], options: ScanOptions,
                progress: Progress, runner: Runner, cache: ScanCache,
                errors: list[tuple[str, str]]) -> tuple[list[ScanPair], Counter[str], int]:
    """The candidates' verdicts (from the cache, else verified now), how many pairs each step of
    the cascade settled in this run, and how many verdicts came from the cache."""
    oriented = [(_orient(pictures[c.a], pictures[c.b]), c) for c in candidates]
    verdicts: dict[int, PairVerdict] = {}
    jobs = []
    settled: Counter[str] = Counter()
    from_cache = 0
    for number, ((original, copy), _) in enumerate(oriented):
        if original.sha256 == copy.sha256:  # the same bytes: nothing to look at
            verdicts[number] = IDENTICAL_FILES
            settled["sha256"] += 1
        elif (known := cache.pair(original.sha256, copy.sha256)) is not None:
            verdicts[number] = PairVerdict(*known)
            from_cache += 1
        else:
            jobs.append((number, os.path.abspath(original.path), os.path.abspath(copy.path), options.max_pixels))
    given = {os.path.abspath(p.path): p.path for p in pictures}
    progress.stage("verifying candidates", len(jobs))
    failed: set[str] = set()
    batches = batches_sharing_pictures(jobs, runner.slots())
    verified_pairs = (verified for batch in runner.map(verify_batch, batches, max_batch=1) for verified in batch)
    for verified in verified_pairs:
        progress.advance()
        verdict = verified.verdict
        if verdict is None:
            bad_path = str(verified.unreadable_path)
            path = given.get(bad_path, bad_path)
            if path not in failed:
                failed.add(path)
                errors.append((path, f"unreadable when verifying a candidate: {verified.error}"))
            continue
        (original, copy), _ = oriented[verified.candidate_number]
        cache.put_pair(original.sha256, copy.sha256, verdict.similarity, verdict.label, verdict.summary,
                       verdict.likely_original, verdict.derivation_confidence, verdict.settled_by, verdict.covered)
        verdicts[verified.candidate_number] = verdict
        settled[verdict.settled_by] += 1
    cache.commit()
    pairs = []
    for number, ((original, copy), candidate) in enumerate(oriented):
        verdict = verdicts.get(number)
        if verdict is None:
            continue
        match = verdict.label.is_copy and verdict.similarity >= T.SCAN_MATCH_SIMILARITY
        a, b, covered = original.path, copy.path, verdict.covered
        if verdict.likely_original == "copy":  # the derivation says the other is the original: it goes first
            a, b, covered = b, a, covered[::-1]
        side = "undetermined" if verdict.likely_original == "undetermined" else "a"
        pairs.append(ScanPair(a, b, verdict.similarity, verdict.label, match, verdict.summary,
                              candidate.pdq_distance, candidate.local_matches, candidate.via_group,
                              side, verdict.derivation_confidence, verdict.settled_by, covered))
    pairs.sort(key=lambda p: (-p.similarity, p.a, p.b))
    return pairs, settled, from_cache


def batches_sharing_pictures(jobs: list[tuple[int, str, str, int]], slots: int) -> list[list[tuple[int, str, str, int]]]:
    """The verification jobs in batches, each run by one worker, so that the pairs of one set of
    connected pictures (a picture and its copies) meet in one worker, which decodes each of their
    pictures once. About SCAN_VERIFY_BATCHES_PER_SLOT batches per worker, for the last ones to
    end close together: a larger set is cut into consecutive runs of pairs sharing an original,
    smaller sets share a batch. Jobs are ``(number, original, copy, max_pixels)``."""
    if not jobs:
        return []
    component = _components((original, copy) for _, original, copy, _ in jobs)
    by_set: dict[str, list[tuple[int, str, str, int]]] = {}
    for job in sorted(jobs, key=lambda job: (job[1], job[2])):  # pairs sharing an original together
        by_set.setdefault(component[job[1]], []).append(job)
    size = max(1, -(-len(jobs) // (max(1, slots) * T.SCAN_VERIFY_BATCHES_PER_SLOT)))
    batches: list[list[tuple[int, str, str, int]]] = [[]]
    for members in sorted(by_set.values(), key=len, reverse=True):  # the largest first: they end last
        if len(members) >= size:
            batches.extend(members[start : start + size] for start in range(0, len(members), size))
            continue
        if len(batches[-1]) + len(members) > size:
            batches.append([])
        batches[-1].extend(members)
    return [batch for batch in batches if batch]


def candidates_within_groups(pictures: list[ScannedPicture], candidates: list[Candidate], pairs: list[ScanPair],
                             against: bool) -> list[Candidate]:
    """Unverified pairs of pictures that both match one picture in parts of it that overlap, inside
    groups of matches up to SCAN_GROUP_CLOSURE_MAX: two copies of one original are copies of each
    other even when no fingerprint linked them (an overlaid copy and a cropped one), but two
    pictures set into different quarters of one collage are not, and a collage (or a half-and-half
    composite) joined every copy of each picture it holds to every copy of the others (a folder of
    48: 219 candidates, then all 909 other pairs verified, 101 of them copies; now 400 are, and
    the same copies found but for two screenshots of different pictures in one app's frame). The
    parts of the common picture two pictures show overlap when their shares of it
    (``ScanPair.covered``, as aligned) sum to more than one.

    ``candidates`` index ``pictures``; ``pairs`` are their verdicts so far (call again with the
    closure's verdicts added: a pair found there can close others). With ``against``, only pairs
    with one picture on each side are returned.
    """
    index = {p.path: i for i, p in enumerate(pictures)}
    seen = {(c.a, c.b) for c in candidates}
    matched = [p for p in pairs if p.match]
    too_large = {path for group in _groups(matched) if len(group) > T.SCAN_GROUP_CLOSURE_MAX for path in group}
    shares: dict[str, list[tuple[str, float]]] = {}  # each picture's matches, with the share of it each covers
    for pair in matched:
        shares.setdefault(pair.a, []).append((pair.b, pair.covered[0]))
        shares.setdefault(pair.b, []).append((pair.a, pair.covered[1]))
    closure: set[tuple[int, int]] = set()
    for common, linked in shares.items():
        if common in too_large:
            continue
        for (one, one_share), (other, other_share) in itertools.combinations(linked, 2):
            first, second = sorted((index[one], index[other]))
            if (one_share + other_share <= 1 or (first, second) in seen
                    or (against and pictures[first].reference == pictures[second].reference)):
                continue
            closure.add((first, second))
    return [Candidate(first, second, None, 0, via_group=True) for first, second in sorted(closure)]


def _groups(matched: Iterable[ScanPair]) -> tuple[tuple[str, ...], ...]:
    """Connected groups of matched pictures, each sorted, sorted by first member."""
    members: dict[str, list[str]] = {}
    for picture, component in _components((pair.a, pair.b) for pair in matched).items():
        members.setdefault(component, []).append(picture)
    return tuple(sorted(tuple(sorted(group)) for group in members.values()))


def _components(links: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Each linked picture's connected component, named by one of its members (union-find)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: root(x) for x in parent}
