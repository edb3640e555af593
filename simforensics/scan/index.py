"""Candidate pairs from a sub-quadratic index over the scan features (FAISS binary indexes).

Two channels, both Hamming searches over 256-bit codes:

- global: each picture's PDQ (as is) is indexed; every picture queries with its 8 rotations and
  mirrors, and a pair within ``SCAN_PDQ_CANDIDATE`` bits is a candidate;
- local: every picture's strongest ORB descriptors are indexed; every picture queries with its
  own and its mirror image's. A neighbour is a match when it is close and stands out from the
  crowd (ratio test); when a pair has ``SCAN_LOCAL_MIN_VOTES`` matches, a RANSAC similarity fit
  on their keypoints counts those that agree, and ``SCAN_LOCAL_MIN_INLIERS`` make a candidate.

Up to ``SCAN_EXACT_LIMIT`` indexed codes the search is exact (``IndexBinaryFlat``). Above, PDQ codes
are found by multi-table hashing on sampled bits (a stated recall at PDQ's match distance, whatever
the collection's structure), and ORB descriptors through an inverted file (``IndexBinaryIVF``)
whose ~4 sqrt(N) centroids are a seeded sample of the codes themselves (binary k-means on millions
of codes would cost more than the search), found through an HNSW graph; each query visits
``SCAN_IVF_PROBES`` lists. Cost grows as N^1.5, not N^2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .. import thresholds as T

if TYPE_CHECKING:
    import faiss

__all__ = ["Candidate", "LocalFeatures", "find_candidates"]

# Queries per FAISS call: bounds the memory of the result arrays (k neighbours each).
_QUERY_BATCH = 262_144


@dataclass(frozen=True)
class Candidate:
    a: int  # index into the feature list, a < b
    b: int
    pdq_distance: int | None  # smallest PDQ distance over rotations/mirrors, when within range
    local_matches: int  # local matches agreeing on one transform (best orientation); 0 when none
    via_group: bool = False  # proposed because both are matched copies within one group


def _index(codes: np.ndarray, exact_limit: int) -> faiss.IndexBinary:
    # Imported here: every command imports the scan package for its result types, and FAISS
    # costs a twentieth of a second that only a scan's candidate search needs.
    import faiss
    n = len(codes)
    if n <= exact_limit:
        index = faiss.IndexBinaryFlat(256)
    else:
        lists = int(4 * np.sqrt(n))
        quantizer = faiss.IndexBinaryHNSW(256, 16)
        sample = np.random.default_rng(0).choice(n, size=lists, replace=False)
        quantizer.add(np.ascontiguousarray(codes[np.sort(sample)]))
        index = faiss.IndexBinaryIVF(quantizer, 256, lists)
        index.is_trained = True
        index.nprobe = T.SCAN_IVF_PROBES
        index.referenced_objects = [quantizer]  # keep the quantizer alive as long as the index
    index.add(codes)
    return index


def _batches(n: int) -> Iterator[slice]:
    for start in range(0, n, _QUERY_BATCH):
        yield slice(start, min(n, start + _QUERY_BATCH))


# Number of 1-bits in each byte value: Hamming distances of codes by table lookup.
_BITS_SET = np.array([value.bit_count() for value in range(256)], np.uint8)


def _hash_plan(queries: int, database: int) -> tuple[int, int]:
    """(bytes per hash key, tables) of the multi-table hashing of ``_hashed_global_pairs``."""
    key_bytes = 2
    while key_bytes < 4 and queries * database / 256.0**key_bytes > T.SCAN_HASH_CHANCE_PAIRS:
        key_bytes += 1
    same_key = (1 - T.SCAN_HASH_DISTANCE / 256) ** (8 * key_bytes)  # for one copy, in one table
    tables = int(np.ceil(np.log(1 - T.SCAN_HASH_RECALL) / np.log(1 - same_key)))
    return key_bytes, tables


def _hashed_global_pairs(pdq: np.ndarray, queries: np.ndarray, database: np.ndarray) -> dict[tuple[int, int], int]:
    """``_global_pairs`` above the exact limit: multi-table hashing on sampled bits (Indyk and
    Motwani 1998). Each table keys every code by a few of its bytes, chosen at random (seeded);
    a query is compared exactly with the codes that share its key in some table. A copy
    ``SCAN_HASH_DISTANCE`` bits away shares a key in one table with probability (1 - d/256)^bits,
    and the tables are as many as it takes to find it with probability ``SCAN_HASH_RECALL``,
    whatever the collection looks like (an inverted file's recall depends on its clusters)."""
    database_codes = np.ascontiguousarray(pdq[database, 0])
    codes, owners = _query_codes(pdq, queries)
    key_bytes, tables = _hash_plan(len(codes), len(database))
    rng = np.random.default_rng(0)
    found_q, found_d, found_dist = [], [], []
    for _ in range(tables):
        positions = rng.choice(32, key_bytes, replace=False)
        keys = _hash_keys(database_codes, positions)
        counts = np.bincount(keys, minlength=256**key_bytes)
        starts = np.cumsum(counts) - counts
        by_key = np.argsort(keys, kind="stable")
        for part in _batches(len(codes)):
            query_keys = _hash_keys(codes[part], positions)
            first, count = starts[query_keys], counts[query_keys]
            rows = np.repeat(np.arange(part.start, part.stop), count)
            offsets = np.arange(len(rows)) - np.repeat(np.cumsum(count) - count, count)
            items = by_key[np.repeat(first, count) + offsets]
            distances = _BITS_SET[codes[rows] ^ database_codes[items]].sum(axis=1, dtype=np.int32)
            query_items, database_items = owners[rows], database[items]
            keep = (distances <= T.SCAN_PDQ_CANDIDATE) & (query_items != database_items)  # not itself
            found_q.append(query_items[keep])
            found_d.append(database_items[keep])
            found_dist.append(distances[keep])
        # A pair found again in later tables is kept once (a folder of duplicates finds every pair
        # in every table).
        q, d, dist = _closest(np.concatenate(found_q), np.concatenate(found_d), np.concatenate(found_dist))
        found_q, found_d, found_dist = [q], [d], [dist]
    return _smallest(found_q[0], found_d[0], found_dist[0])


def _closest(q: np.ndarray, d: np.ndarray, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each (q, d) pair once, with its smallest distance."""
    order = np.lexsort((dist, d, q))
    q, d, dist = q[order], d[order], dist[order]
    first = np.ones(len(q), bool)
    first[1:] = (q[1:] != q[:-1]) | (d[1:] != d[:-1])
    return q[first], d[first], dist[first]


def _hash_keys(codes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    keys = codes[:, positions[0]].astype(np.int64)
    for position in positions[1:]:
        keys = (keys << 8) | codes[:, position]
    return keys


def _query_codes(pdq: np.ndarray, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each query's PDQ codes searched for, with the item each belongs to: its 8 rotations and
    mirrors, and the complement of the upright one, which is a photographic negative's PDQ
    (inverting a picture flips every bit; `compare` aligns negatives turned back)."""
    variants = pdq[queries]
    codes = np.concatenate([variants, ~variants[:, :1]], axis=1)
    return np.ascontiguousarray(codes.reshape(-1, 32)), np.repeat(queries, codes.shape[1])


def _global_pairs(pdq: np.ndarray, queries: np.ndarray, database: np.ndarray, exact_limit: int) -> dict[tuple[int, int], int]:
    """(query item, database item) -> smallest PDQ distance over the query's codes (``_query_codes``)."""
    if len(database) > exact_limit:
        return _hashed_global_pairs(pdq, queries, database)
    index = _index(np.ascontiguousarray(pdq[database, 0]), exact_limit)
    codes, owners = _query_codes(pdq, queries)
    found_q, found_d, found_dist = [], [], []
    for part in _batches(len(codes)):
        # FAISS returns distances strictly below the radius.
        limits, distances, labels = index.range_search(codes[part], T.SCAN_PDQ_CANDIDATE + 1)
        rows = np.repeat(np.arange(part.start, part.stop), np.diff(limits.astype(np.int64)))
        found_q.append(owners[rows])
        found_d.append(database[labels])
        found_dist.append(distances)
    return _smallest(np.concatenate(found_q), np.concatenate(found_d), np.concatenate(found_dist))


def _smallest(q: np.ndarray, d: np.ndarray, dist: np.ndarray) -> dict[tuple[int, int], int]:
    keep = q != d
    q, d, dist = _closest(q[keep], d[keep], dist[keep])
    return {(int(a), int(b)): int(c) for a, b, c in zip(q, d, dist, strict=True)}


def _stack(descriptors: list[np.ndarray], items: np.ndarray, per_item: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of ``items`` (at most ``per_item`` each), their owners and their rank in the owner."""
    parts = [descriptors[i][:per_item] for i in items]
    counts = np.array([len(p) for p in parts], np.int64)
    codes = np.concatenate(parts) if parts else np.zeros((0, 32), np.uint8)
    owners = np.repeat(items, counts)
    ranks = np.arange(len(codes)) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.ascontiguousarray(codes, dtype=np.uint8), owners, ranks


@dataclass(frozen=True)
class LocalFeatures:
    """What the local channel needs of one picture (see ``features.ScanFeatures``)."""

    descriptors: np.ndarray  # M x 32 uint8, strongest first
    mirrored: np.ndarray  # M x 32 uint8, the mirror image's
    points: np.ndarray  # M x 2 float32 keypoint positions
    width: int


def _local_matches(pictures: list[LocalFeatures], queries: np.ndarray, database: np.ndarray,
                   exact_limit: int) -> dict[tuple[int, int], int]:
    """(query item, database item) -> matches that agree on one geometric transform (best orientation)."""
    per_item = max(1, min(T.SCAN_LOCAL_FEATURES, T.SCAN_LOCAL_BUDGET // max(1, len(database))))
    db_codes, db_owners, db_ranks = _stack([p.descriptors for p in pictures], database, per_item)
    if len(db_codes) == 0:
        return {}
    index = _index(db_codes, exact_limit)
    # One neighbour more than needed: its distance is the background against which a match must
    # stand out (Lowe's ratio test, with the density of the whole index as the second neighbour).
    k = min(T.SCAN_LOCAL_NEIGHBOURS + 1, len(db_codes))
    n_items = np.int64(len(pictures))
    groups, query_ranks, db_matches, found = [], [], [], []
    for orientation in (0, 1):
        codes, owners, ranks = _stack([p.mirrored if orientation else p.descriptors for p in pictures],
                                      queries, per_item)
        for part in _batches(len(codes)):
            distances, labels = index.search(codes[part], k)
            background = distances[:, -1:] if k > T.SCAN_LOCAL_NEIGHBOURS else np.full((len(distances), 1), 256)
            hit = (distances <= T.SCAN_LOCAL_MAX_DISTANCE) & (distances < T.SCAN_LOCAL_RATIO * background)
            hit &= labels >= 0
            rows, cols = np.nonzero(hit)
            q, d = owners[part][rows], db_owners[labels[rows, cols]]
            keep = q != d
            rows, cols, q, d = rows[keep], cols[keep], q[keep], d[keep]
            groups.append((q * n_items + d) * 2 + orientation)
            query_ranks.append(ranks[part][rows])
            db_matches.append(db_ranks[labels[rows, cols]])
            found.append(distances[rows, cols])
    if not groups:
        return {}
    group, query_rank = np.concatenate(groups), np.concatenate(query_ranks)
    db_rank, distance = np.concatenate(db_matches), np.concatenate(found)
    # Each query descriptor keeps its closest partner in each database picture.
    order = np.lexsort((distance, query_rank, group))
    group, query_rank, db_rank = group[order], query_rank[order], db_rank[order]
    first = np.ones(len(group), bool)
    first[1:] = (group[1:] != group[:-1]) | (query_rank[1:] != query_rank[:-1])
    group, query_rank, db_rank = group[first], query_rank[first], db_rank[first]
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    counts = np.diff(np.r_[starts, len(group)])
    agreeing: dict[tuple[int, int], int] = {}
    for start, count in zip(starts.tolist(), counts.tolist(), strict=True):
        if count < T.SCAN_LOCAL_MIN_VOTES:
            continue
        key = int(group[start])
        orientation, pair = key % 2, key // 2
        q, d = pair // int(n_items), pair % int(n_items)
        query, target = pictures[q], pictures[d]
        source = query.points[query_rank[start : start + count]].copy()
        if orientation:
            source[:, 0] = query.width - 1 - source[:, 0]
        inliers = _agreeing(source, target.points[db_rank[start : start + count]])
        agreeing[(q, d)] = max(agreeing.get((q, d), 0), inliers)
    return agreeing


def _agreeing(source: np.ndarray, target: np.ndarray) -> int:
    """How many distinct places one similarity transform (RANSAC) explains.

    ORB finds a strong corner again on several pyramid levels; repeated places are counted once
    (in cells of RANSAC_PX), so a single chance match cannot vote several times.
    """
    _, mask = cv2.estimateAffinePartial2D(
        source.reshape(-1, 1, 2), target.reshape(-1, 1, 2), method=cv2.RANSAC,
        ransacReprojThreshold=T.SCAN_LOCAL_RANSAC_PX, maxIters=500, confidence=0.99, refineIters=0,
    )
    if mask is None:
        return 0
    inliers = mask.ravel().astype(bool)
    cells = np.floor(source[inliers] / T.SCAN_LOCAL_RANSAC_PX).astype(np.int64)
    return len(np.unique(cells[:, 0] * 100_003 + cells[:, 1]))


def find_candidates(
    pdq: np.ndarray,
    local: list[LocalFeatures],
    *,
    reference: np.ndarray | None = None,
    exact_limit: int = T.SCAN_EXACT_LIMIT,
    progress: Callable[[str], None] | None = None,
) -> list[Candidate]:
    """Candidate pairs among N pictures (``pdq`` is N x 8 x 32 uint8, ``local`` holds N entries).

    With ``reference`` (bool per picture), only pairs of one reference and one other picture.
    Sorted by (a, b); each pair once.
    """
    n = len(pdq)
    everything = np.arange(n, dtype=np.int64)
    if reference is None:
        queries = database = everything
    else:
        queries, database = everything[~reference], everything[reference]
    if len(queries) == 0 or len(database) == 0:
        return []
    if progress:
        progress("global index (PDQ)")
    by_pdq = _global_pairs(pdq, queries, database, exact_limit)
    if progress:
        progress("local index (ORB)")
    by_votes = _local_matches(local, queries, database, exact_limit)
    merged: dict[tuple[int, int], list[int | None]] = {}
    for (q, d), distance in by_pdq.items():
        entry = merged.setdefault((min(q, d), max(q, d)), [None, 0])
        entry[0] = distance if entry[0] is None else min(entry[0], distance)  # type: ignore[type-var]
    for (q, d), count in by_votes.items():
        key = (min(q, d), max(q, d))
        if count < T.SCAN_LOCAL_MIN_INLIERS and key not in merged:
            continue
        entry = merged.setdefault(key, [None, 0])
        entry[1] = max(entry[1] or 0, count)
    return [Candidate(a, b, entry[0], int(entry[1] or 0)) for (a, b), entry in sorted(merged.items())]
