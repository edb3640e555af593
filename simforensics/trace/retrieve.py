"""Candidate sources: the portfolio pictures that share keypoints with the picture in one geometry.

The portfolio's cached RootSIFT keypoints (``features.py``) go into one FAISS index (exact up to
TRACE_EXACT_LIMIT descriptors, an inverted file above); the picture queries it with its own
keypoints, as it is and mirrored, spread over a grid, since a piece may be a tenth of the picture,
turned or mirrored. A neighbour votes for its picture when it is closer than Lowe's ratio times the
crowd (the k-th neighbour, as the scan's ratio test does); the votes of the most voted (source,
orientation) groups are checked for one similarity transform (RANSAC), and the sources whose
agreeing keypoints are most numerous are the candidates. A mask restricts the query to some areas
(the second pass: what is still unexplained).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import faiss
import numpy as np

from .. import thresholds as T
from ..resample import shrink_to_side
from .features import enlargement, grid_keypoints
from .portfolio import PortfolioPicture

__all__ = ["Candidate", "Neighbours", "PortfolioIndex", "QueryFeatures", "build_index", "find_candidates", "query_features",
           "search"]


@dataclass(frozen=True)
class QueryFeatures:
    descriptors: np.ndarray = field(repr=False)  # N x 128 float32 RootSIFT
    points: np.ndarray = field(repr=False)  # N x 2, (x, y) in the picture's full-size pixels (as it is)
    mirrored: np.ndarray = field(repr=False)  # N bool: found on the mirror image
    width: int


@dataclass(frozen=True)
class PortfolioIndex:
    index: faiss.Index | None
    owner: np.ndarray  # per descriptor: the portfolio picture
    points: np.ndarray  # per descriptor: (x, y) in that picture reduced to TRACE_INDEX_SIDE (RANSAC's pixels)


@dataclass(frozen=True)
class Candidate:
    picture: int  # index into the portfolio's pictures
    agreeing: int  # matched keypoints that one similarity transform explains (best orientation)


def query_features(grey: np.ndarray) -> QueryFeatures:
    """RootSIFT keypoints of the picture (full-size grey levels) at TRACE_QUERY_SIDE, as it is and mirrored."""
    height, width = grey.shape
    small = shrink_to_side(grey, T.TRACE_QUERY_SIDE)
    descriptors, points, mirrored = [], [], []
    for flip in (False, True):
        found, at = grid_keypoints(np.ascontiguousarray(small[:, ::-1] if flip else small), T.TRACE_QUERY_FEATURES,
                                   T.TRACE_QUERY_GRID, enlargement(grey.shape, T.TRACE_QUERY_SIDE))
        at = (at.astype(np.float64) + 0.5) * [width / small.shape[1], height / small.shape[0]] - 0.5
        if flip:
            at[:, 0] = width - 1 - at[:, 0]  # back to the picture as it is
        descriptors.append(found)
        points.append(at)
        mirrored.append(np.full(len(at), flip))
    return QueryFeatures(np.concatenate(descriptors), np.concatenate(points), np.concatenate(mirrored), width)


def build_index(pictures: tuple[PortfolioPicture, ...]) -> PortfolioIndex:
    """One index of every portfolio picture's keypoints."""
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
    vectors = np.ascontiguousarray(np.concatenate(codes), dtype=np.float32) / 255.0
    if len(vectors) <= T.TRACE_EXACT_LIMIT:
        index = faiss.IndexFlatL2(128)
    else:
        quantizer = faiss.IndexFlatL2(128)
        index = faiss.IndexIVFFlat(quantizer, 128, T.TRACE_IVF_LISTS)
        faiss.omp_set_num_threads(1)
        sample = np.random.default_rng(0).choice(len(vectors), size=min(len(vectors), 40 * T.TRACE_IVF_LISTS),
                                                  replace=False)
        index.train(vectors[np.sort(sample)])  # seeded sample, FAISS's seeded k-means: the same lists each run
        index.nprobe = T.TRACE_IVF_PROBES
        index.referenced_objects = [quantizer]
    index.add(vectors)
    return PortfolioIndex(index, np.concatenate(owner), np.concatenate(points))


@dataclass(frozen=True)
class Neighbours:
    """Each query keypoint's nearest indexed keypoints (one search serves both retrieval passes)."""

    distances: np.ndarray = field(repr=False)  # N x k squared Euclidean distances, nearest first
    labels: np.ndarray = field(repr=False)  # N x k indexed descriptors (-1: none)


def search(index: PortfolioIndex, query: QueryFeatures) -> Neighbours:
    k = 0 if index.index is None else min(T.TRACE_NEIGHBOURS, index.index.ntotal)
    if k == 0 or len(query.descriptors) == 0:
        return Neighbours(np.zeros((len(query.descriptors), 0), np.float32), np.zeros((len(query.descriptors), 0), np.int64))
    # One thread: FAISS's OpenMP threads fight the process pool and other work for the cores
    # (measured: a 2-thread binary search took three times the 1-thread one on 2 busy cores).
    faiss.omp_set_num_threads(1)
    distances, labels = index.index.search(np.ascontiguousarray(query.descriptors), k)
    return Neighbours(distances, labels)


def find_candidates(index: PortfolioIndex, query: QueryFeatures, neighbours: Neighbours, *,
                    use: np.ndarray | None = None, exclude: frozenset[int] = frozenset()) -> list[Candidate]:
    """The best-agreeing portfolio pictures (at most TRACE_CANDIDATES), best first.

    ``use``: which query keypoints take part (None: all); ``exclude``: pictures already checked.
    """
    distances, labels = neighbours.distances, neighbours.labels
    if distances.shape[1] == 0:
        return []
    # Lowe's ratio against the crowd: squared distances, so the ratio squared.
    background = distances[:, -1:] if distances.shape[1] == T.TRACE_NEIGHBOURS else np.full((len(distances), 1), 2.0)
    hit = (distances < T.RATIO_TEST**2 * background) & (labels >= 0)
    if use is not None:
        hit &= use[:, None]
    rows, cols = np.nonzero(hit)
    codes = labels[rows, cols]
    owners, orientations = index.owner[codes], query.mirrored[rows].astype(np.int64)
    keep = np.array([o not in exclude for o in owners.tolist()], bool) if exclude else np.ones(len(owners), bool)
    rows, codes, owners, orientations = rows[keep], codes[keep], owners[keep], orientations[keep]
    distance = distances[rows, cols[keep]]
    group = owners * 2 + orientations
    # Each query keypoint votes once per (picture, orientation), with its closest partner there.
    order = np.lexsort((distance, rows, group))
    group, rows, codes, distance = group[order], rows[order], codes[order], distance[order]
    first = np.ones(len(group), bool)
    first[1:] = (group[1:] != group[:-1]) | (rows[1:] != rows[:-1])
    group, rows, codes, distance = group[first], rows[first], codes[first], distance[first]
    # And each indexed keypoint takes one vote, its closest: a generic keypoint (a flat patch's
    # blob) draws votes from all over the picture, and RANSAC would then "explain" them all with a
    # transform that shrinks the picture onto that one point, outvoting the true piece's
    # geometry (measured: a source with 10 agreeing votes of 34 came out with 1).
    order = np.lexsort((distance, codes, group))
    group, rows, codes = group[order], rows[order], codes[order]
    first = np.ones(len(group), bool)
    first[1:] = (group[1:] != group[:-1]) | (codes[1:] != codes[:-1])
    group, rows, codes = group[first], rows[first], codes[first]
    if len(group) == 0:
        return []
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    stops = np.r_[starts[1:], len(group)]
    strongest = np.argsort(-(stops - starts), kind="stable")[: T.TRACE_RANSAC_GROUPS]
    best: dict[int, int] = {}
    for g in strongest.tolist():
        start, stop = int(starts[g]), int(stops[g])
        if stop - start < T.TRACE_CANDIDATE_AGREEING:
            continue
        picture = int(group[start]) // 2
        at = query.points[rows[start:stop]].copy()
        if group[start] % 2:  # a mirrored keypoint: in the mirror image's pixels, where one similarity holds
            at[:, 0] = query.width - 1 - at[:, 0]
        # RANSAC's distance is measured in the indexed picture, whatever the query's scale.
        agreeing = _agreeing(at, index.points[codes[start:stop]])
        best[picture] = max(best.get(picture, 0), agreeing)
    ranked = sorted((Candidate(p, a) for p, a in best.items() if a >= T.TRACE_CANDIDATE_AGREEING),
                    key=lambda c: (-c.agreeing, c.picture))
    return ranked[: T.TRACE_CANDIDATES]


def _agreeing(source: np.ndarray, target: np.ndarray) -> int:
    """Distinct places (cells of SCAN_LOCAL_RANSAC_PX of the indexed picture) one similarity
    explains, or one general affine transform (a piece stretched to fit its slot) where that
    explains TRACE_AFFINE_GAIN times as many, as ``fit.py`` chooses between them."""
    if len(source) < 3:
        return 0
    similarity = _places(cv2.estimateAffinePartial2D, source, target)
    stretched = _places(cv2.estimateAffine2D, source, target)
    if stretched >= max(T.TRACE_STRETCH_MIN_AGREEING, T.TRACE_AFFINE_GAIN * similarity):
        return stretched
    return similarity


def _places(estimate, source: np.ndarray, target: np.ndarray) -> int:
    """Distinct places the transform ``estimate`` fits by RANSAC explains."""
    _, mask = estimate(source.reshape(-1, 1, 2), target.reshape(-1, 1, 2), method=cv2.RANSAC,
                       ransacReprojThreshold=T.SCAN_LOCAL_RANSAC_PX, maxIters=500, confidence=0.99, refineIters=0)
    if mask is None:
        return 0
    inliers = mask.ravel().astype(bool)
    cells = np.floor(target[inliers] / T.SCAN_LOCAL_RANSAC_PX).astype(np.int64)
    return len(np.unique(cells[:, 0] * 100_003 + cells[:, 1]))
