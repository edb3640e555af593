"""One attribution per pixel: the piece that explains it best, smoothed; specks left unexplained."""

from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from .. import thresholds as T
from .explain import Explanation

__all__ = ["attribute"]


def attribute(explanations: list[Explanation], shape: tuple[int, int]) -> np.ndarray:
    """int32 labels in the working frame: 0 unexplained, k where ``explanations[k-1]`` explains best.

    Where pieces overlap, the lowest cost wins; the labels are then smoothed by a majority vote in
    a Gaussian window (TRACE_SMOOTH_SIGMA), and areas under TRACE_MIN_PIECE_AREA become unexplained.
    """
    if not explanations:
        return np.zeros(shape, np.int32)
    costs = np.stack([e.cost for e in explanations])
    best = costs.argmin(axis=0)
    labels = np.where(np.isfinite(costs.min(axis=0)), best + 1, 0)
    present = np.unique(labels)
    votes = np.stack([cv2.GaussianBlur((labels == k).astype(np.float32), (0, 0), T.TRACE_SMOOTH_SIGMA) for k in present])
    labels = present[votes.argmax(axis=0)]
    # A piece can only be where its own source explains the picture: smoothing must not spread a
    # label over pixels its source does not explain.
    for k in present[present > 0]:
        outside = (labels == k) & ~np.isfinite(explanations[k - 1].cost)
        labels[outside] = 0
    smallest = T.TRACE_MIN_PIECE_AREA * labels.size
    for k in np.unique(labels[labels > 0]):
        parts, count = ndimage.label(labels == k)
        sizes = np.bincount(parts.ravel(), minlength=count + 1)
        small = sizes < smallest
        small[0] = False
        labels[small[parts]] = 0
    return labels.astype(np.int32)
