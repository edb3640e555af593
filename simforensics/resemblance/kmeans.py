"""k-means of colours for the resemblance dimensions, computed as scipy.cluster.vq.kmeans2 computes
it: the same centres and labels, to the last bit.

Written here rather than imported because importing scipy.cluster loads its hierarchy module and
scipy.spatial with it, 33 ms of a thumbnail comparison's 0.7 s, for a loop of a dozen lines.
Each step is kmeans2's (scipy 1.16), in its order and precision: k-means++ seeds from squared
distances in float64 (``cdist``), the nearest centre in the promoted type of the data and the
centres, first of equals (``vq``), the centres as the running sums of their pixels in the data's
type, in the pixels' order, divided by their count (``update_cluster_means``), and a cluster left
empty keeping its centre. tests/test_resemblance.py compares the two on random colours.
"""

from __future__ import annotations

import numpy as np

__all__ = ["kmeans", "kmeans_plus_plus"]


def kmeans(data: np.ndarray, centres: np.ndarray, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """``kmeans2(data, centres, iter=iterations, minit="matrix")``: (centres, int32 labels)."""
    return _iterate(data, np.array(centres), iterations)


def kmeans_plus_plus(data: np.ndarray, k: int, iterations: int,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``kmeans2(data, k, iter=iterations, minit="++", seed=rng)``: (centres, int32 labels)."""
    return _iterate(data, _seeds(data, k, rng), iterations)


def _seeds(data: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ (Arthur & Vassilvitskii 2007): each seed drawn with odds its squared distance to
    the nearest seed already drawn."""
    seeds = np.empty((k, data.shape[1]))
    wide = data.astype(np.float64)
    for i in range(k):
        if i == 0:
            index = rng.integers(data.shape[0], high=None, size=None, dtype="int64", endpoint=False)
        else:
            nearest = _squared_distances(wide, seeds[:i]).min(axis=1)
            odds = (nearest / nearest.sum()).cumsum()
            index = int(np.searchsorted(odds, rng.uniform()))
        seeds[i] = data[index]
    return seeds


def _squared_distances(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Squared Euclidean distance of each point (rows) to each centre (columns), its terms added
    in the features' order, in the arrays' common type."""
    total = np.zeros((len(points), len(centres)), np.result_type(points, centres))
    for feature in range(points.shape[1]):
        difference = centres[None, :, feature] - points[:, None, feature]
        total += difference * difference
    return total


def _iterate(data: np.ndarray, centres: np.ndarray, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    count = len(centres)
    labels = np.zeros(len(data), np.int32)
    for _ in range(iterations):
        common = np.result_type(data, centres)
        distances = _squared_distances(data.astype(common, copy=False), centres.astype(common, copy=False))
        labels = distances.argmin(axis=1).astype(np.int32)
        moved = np.zeros((count, data.shape[1]), data.dtype)
        members = np.zeros(count, bool)
        for cluster in range(count):
            pixels = data[labels == cluster]
            if len(pixels):
                # cumsum adds in order (a sum would add pairwise): kmeans2's running sum
                moved[cluster] = pixels.cumsum(axis=0, dtype=data.dtype)[-1] / data.dtype.type(len(pixels))
                members[cluster] = True
        moved[~members] = centres[~members]
        centres = moved
    return centres, labels
