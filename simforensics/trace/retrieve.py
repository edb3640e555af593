"""Candidate sources: the portfolio pictures that share corners with the picture in one geometry.

The portfolio's cached ORB corners (``features.py``) go into one exact FAISS binary index; the
picture queries it with its own ORB corners at several sides, as it is and mirrored, since a piece
may be a tenth of the picture, turned or mirrored. Close corners vote for their picture; the votes of
the most voted (source, orientation) groups are then checked for one similarity transform
(RANSAC), and the sources whose agreeing corners are most numerous are the candidates. A mask restricts the query to some areas
(the second pass: what is still unexplained).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import faiss
import numpy as np

from .. import thresholds as T
from ..resample import shrink_to_side
from .features import orb_corners
from .portfolio import PortfolioPicture

__all__ = ["Candidate", "Neighbours", "PortfolioIndex", "QueryFeatures", "build_index", "find_candidates", "query_features",
           "search"]


@dataclass(frozen=True)
class QueryFeatures:
    descriptors: np.ndarray = field(repr=False)  # N x 32 uint8
    points: np.ndarray = field(repr=False)  # N x 2, (x, y) in the picture's full-size pixels (as it is)
    mirrored: np.ndarray = field(repr=False)  # N bool: found on the mirror image
    width: int


@dataclass(frozen=True)
class PortfolioIndex:
    index: faiss.IndexBinaryFlat | None
    owner: np.ndarray  # per code: the portfolio picture
    points: np.ndarray  # per code: (x, y) in that picture reduced to TRACE_INDEX_SIDE (RANSAC's pixels)


@dataclass(frozen=True)
class Candidate:
    picture: int  # index into the portfolio's pictures
    agreeing: int  # matched corners that one similarity transform explains (best orientation)


def query_features(grey: np.ndarray) -> QueryFeatures:
    """ORB corners of the picture (full-size grey levels) at each of TRACE_QUERY_SIDES, as it is and mirrored."""
    descriptors, points, mirrored = [], [], []
    height, width = grey.shape
    sides = sorted({min(side, max(height, width)) for side in T.TRACE_QUERY_SIDES})  # never enlarged twice
    for flip in (False, True):
        for side in sides:
            small = shrink_to_side(grey[:, ::-1] if flip else grey, side)
            found, at = orb_corners(np.ascontiguousarray(small), T.TRACE_QUERY_FEATURES, T.TRACE_QUERY_GRID)
            if len(found) == 0:
                continue
            at = (at.astype(np.float64) + 0.5) * [width / small.shape[1], height / small.shape[0]] - 0.5
            if flip:
                at[:, 0] = width - 1 - at[:, 0]  # back to the picture as it is
            descriptors.append(found)
            points.append(at)
            mirrored.append(np.full(len(at), flip))
    if not descriptors:
        return QueryFeatures(np.zeros((0, 32), np.uint8), np.zeros((0, 2)), np.zeros(0, bool), width)
    return QueryFeatures(np.concatenate(descriptors), np.concatenate(points), np.concatenate(mirrored), width)


def build_index(pictures: tuple[PortfolioPicture, ...]) -> PortfolioIndex:
    """One exact binary index of every portfolio picture's corners."""
    codes, owner, points = [], [], []
    for number, picture in enumerate(pictures):
        f = picture.features
        if len(f.descriptors) == 0:
            continue
        codes.append(f.descriptors)
        owner.append(np.full(len(f.descriptors), number))
        points.append(f.points.astype(np.float64) * (T.TRACE_INDEX_SIDE / max(picture.width, picture.height, 1)))
    if not codes:
        return PortfolioIndex(None, np.zeros(0, int), np.zeros((0, 2)))
    index = faiss.IndexBinaryFlat(256)
    index.add(np.ascontiguousarray(np.concatenate(codes), dtype=np.uint8))
    return PortfolioIndex(index, np.concatenate(owner), np.concatenate(points))


def _agreeing(source: np.ndarray, target: np.ndarray) -> int:
    """Distinct places (cells of SCAN_LOCAL_RANSAC_PX of the indexed picture) one similarity explains."""
    if len(source) < 3:
        return 0
    _, mask = cv2.estimateAffinePartial2D(source.reshape(-1, 1, 2), target.reshape(-1, 1, 2), method=cv2.RANSAC,
                                          ransacReprojThreshold=T.SCAN_LOCAL_RANSAC_PX, maxIters=500,
                                          confidence=0.99, refineIters=0)
    if mask is None:
        return 0
    inliers = mask.ravel().astype(bool)
    cells = np.floor(target[inliers] / T.SCAN_LOCAL_RANSAC_PX).astype(np.int64)
    return len(np.unique(cells[:, 0] * 100_003 + cells[:, 1]))


@dataclass(frozen=True)
class Neighbours:
    """Each query corner's nearest indexed corners (one search serves both retrieval passes)."""

    distances: np.ndarray = field(repr=False)  # N x k Hamming distances, nearest first
    labels: np.ndarray = field(repr=False)  # N x k indexed codes (-1: none)


def search(index: PortfolioIndex, query: QueryFeatures) -> Neighbours:
    k = 0 if index.index is None else min(T.SCAN_LOCAL_NEIGHBOURS, index.index.ntotal)
    if k == 0 or len(query.descriptors) == 0:
        return Neighbours(np.zeros((len(query.descriptors), 0), np.int32), np.zeros((len(query.descriptors), 0), np.int64))
    # One thread: FAISS's OpenMP threads fight the process pool and other work for the cores
    # (measured: a 2-thread search of 4,000 codes in 320,000 took three times the 1-thread one).
    faiss.omp_set_num_threads(1)
    distances, labels = index.index.search(np.ascontiguousarray(query.descriptors), k)
    return Neighbours(distances, labels)


def find_candidates(index: PortfolioIndex, query: QueryFeatures, neighbours: Neighbours, *,
                    use: np.ndarray | None = None, exclude: frozenset[int] = frozenset()) -> list[Candidate]:
    """The best-agreeing portfolio pictures (at most TRACE_CANDIDATES), best first.

    Every neighbour within SCAN_LOCAL_MAX_DISTANCE votes for its picture (no ratio test: in a large
    portfolio of like pictures a true match rarely stands out from the crowd, and the geometry
    below is what separates a piece from chance); each query corner votes once per (picture,
    orientation), with its closest partner there. The TRACE_RANSAC_GROUPS groups with most votes
    are checked for one similarity transform. ``use``: which query corners take part (None: all);
    ``exclude``: pictures already checked.
    """
    distances, labels = neighbours.distances, neighbours.labels
    hit = (distances <= T.SCAN_LOCAL_MAX_DISTANCE) & (labels >= 0)
    if use is not None:
        hit &= use[:, None]
    rows, cols = np.nonzero(hit)
    codes = labels[rows, cols]
    owners, orientations = index.owner[codes], query.mirrored[rows].astype(np.int64)
    keep = np.array([o not in exclude for o in owners.tolist()], bool) if exclude else np.ones(len(owners), bool)
    rows, codes, owners, orientations = rows[keep], codes[keep], owners[keep], orientations[keep]
    distance = distances[rows, cols[keep]]
    group = owners * 2 + orientations
    order = np.lexsort((distance, rows, group))
    group, rows, codes = group[order], rows[order], codes[order]
    first = np.ones(len(group), bool)
    first[1:] = (group[1:] != group[:-1]) | (rows[1:] != rows[:-1])
    group, rows, codes = group[first], rows[first], codes[first]
    if len(group) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    stops = np.r_[starts[1:], len(group)]
    votes = stops - starts
    strongest = np.argsort(-votes, kind="stable")[: T.TRACE_RANSAC_GROUPS]
    best: dict[int, int] = {}
    for g in strongest.tolist():
        start, stop = int(starts[g]), int(stops[g])
        if stop - start < T.TRACE_CANDIDATE_AGREEING:
            continue
        picture = int(group[start]) // 2
        at = query.points[rows[start:stop]].copy()
        if group[start] % 2:  # a mirrored corner: in the mirror image's pixels, where one similarity holds
            at[:, 0] = query.width - 1 - at[:, 0]
        # RANSAC's distance is measured in the indexed picture, whatever the query's scale.
        agreeing = _agreeing(at, index.points[codes[start:stop]])
        best[picture] = max(best.get(picture, 0), agreeing)
    ranked = sorted((Candidate(p, a) for p, a in best.items() if a >= T.TRACE_CANDIDATE_AGREEING),
                    key=lambda c: (-c.agreeing, c.picture))
    return ranked[: T.TRACE_CANDIDATES]
