"""The naive baseline: one global transform per portfolio picture (the compare engine's alignment),
its whole footprint attributed to that picture; where footprints overlap, the most inliers win."""

from __future__ import annotations

import numpy as np

from simforensics.align import align, overlap_mask


def baseline_map(picture: np.ndarray, works: list[np.ndarray]) -> np.ndarray:
    """int16 map of the picture's size: 0 nothing, k = works[k - 1]."""
    labels = np.zeros(picture.shape[:2], np.int16)
    best = np.zeros(picture.shape[:2], np.int32)
    for k, work in enumerate(works, start=1):
        alignment = align(picture, work)
        if not alignment.aligned:
            continue
        footprint = overlap_mask(alignment.matrix, (0, 0, work.shape[1], work.shape[0]), picture.shape)
        wins = footprint & (alignment.inliers > best)
        labels[wins] = k
        best[wins] = alignment.inliers
    return labels
