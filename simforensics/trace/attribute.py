"""One attribution per pixel: the piece that explains it best, smoothed, its outline moved onto the
picture's edges; specks left unexplained."""

from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage
from skimage.segmentation import watershed

from .. import thresholds as T
from .explain import Explanation, PictureFrame

__all__ = ["attribute", "large_areas"]


def attribute(explanations: list[Explanation], frame: PictureFrame) -> np.ndarray:
    """int32 labels in the working frame: 0 unexplained, k where ``explanations[k-1]`` explains best.

    Where pieces overlap, the lowest cost wins; the labels are then smoothed by a majority vote in
    a Gaussian window (TRACE_SMOOTH_SIGMA), their outlines moved onto the picture's edges
    (``_snap_outlines``), and areas under TRACE_MIN_PIECE_AREA become unexplained.
    """
    shape = frame.grey.shape
    if not explanations:
        return np.zeros(shape, np.int32)
    costs = np.stack([e.cost for e in explanations])
    best = costs.argmin(axis=0)
    lowest = costs.min(axis=0)
    labels = np.where(np.isfinite(lowest), best + 1, 0)
    # A piece's area holds the holes it enclosed (a small edit inside a piece is still the piece's),
    # but a hole no source explains that is as large as a piece is none of theirs: a work used as
    # the background enclosed the pictures pasted on it, and claimed them when they came from
    # outside the portfolio.
    labels[large_areas(lowest >= 1)] = 0
    present = np.unique(labels)
    votes = np.stack([cv2.GaussianBlur((labels == k).astype(np.float32), (0, 0), T.TRACE_SMOOTH_SIGMA) for k in present])
    labels = present[votes.argmax(axis=0)]
    # A piece can only be where its own source explains the picture: smoothing must not spread a
    # label over pixels its source does not explain.
    for k in present[present > 0]:
        outside = (labels == k) & ~np.isfinite(explanations[k - 1].cost)
        labels[outside] = 0
    labels = _snap_outlines(labels, explanations, frame)
    smallest = T.TRACE_MIN_PIECE_AREA * labels.size
    for k in np.unique(labels[labels > 0]):
        parts, count = ndimage.label(labels == k)
        sizes = np.bincount(parts.ravel(), minlength=count + 1)
        small = sizes < smallest
        small[0] = False
        labels[small[parts]] = 0
    return labels.astype(np.int32)


def large_areas(mask: np.ndarray) -> np.ndarray:
    """``mask`` opened at the attribution's smoothing scale (a band along an outline, a thin line,
    is not an area), less its parts under TRACE_MIN_PIECE_AREA of the picture, as pieces are."""
    radius = max(1, round(2 * T.TRACE_SMOOTH_SIGMA))
    disk = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    opened = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_OPEN, disk)
    parts, count = ndimage.label(opened)
    if count == 0:
        return opened.astype(bool)
    sizes = np.bincount(parts.ravel(), minlength=count + 1)
    large = sizes >= T.TRACE_MIN_PIECE_AREA * mask.size
    large[0] = False
    return large[parts]


def _snap_outlines(labels: np.ndarray, explanations: list[Explanation], frame: PictureFrame) -> np.ndarray:
    """The labels with every outline moved, by at most TRACE_OUTLINE_SNAP pixels, onto the picture's
    strongest edge there (marker-controlled watershed on the colour gradient).

    Why: the residual test cannot place an outline exactly. Its windows straddle the piece's edge,
    so the pixels just inside, mixed with the neighbour by the smoothing (and by a feathered
    paste's blend), fail it and the area shrinks by a few pixels all round. A pasted piece's
    outline is where the picture changes abruptly from the piece to its surroundings (for a
    feathered paste, where the blend is steepest), so the picture's own edges place it. Each
    area's interior (farther than the snap distance from any outline) is its marker; the band
    between is flooded from the markers over the gradient, so it meets at the ridge. A source
    only ever takes pixels its warped picture covers.
    """
    present = np.unique(labels)
    if len(present) < 2:
        return labels
    reach = T.TRACE_OUTLINE_SNAP
    gradient = np.max([cv2.magnitude(cv2.Sobel(frame.rgb[..., c], cv2.CV_32F, 1, 0), cv2.Sobel(frame.rgb[..., c], cv2.CV_32F, 0, 1))
                       for c in range(3)], axis=0)
    unexplained = len(explanations) + 1  # the marker of "no source": label 0 cannot mark in a watershed
    markers = np.zeros(labels.shape, np.int32)
    for k in present:
        # Distance to the nearest pixel of another label: the area's interior is its marker.
        distance = cv2.distanceTransform((labels == k).astype(np.uint8), cv2.DIST_L2, 3)
        # An area thinner than twice the reach is marked along its middle.
        markers[distance >= min(reach + 1, distance.max())] = k if k > 0 else unexplained
    snapped = watershed(gradient, markers)
    snapped[snapped == unexplained] = 0
    for k in present[present > 0]:
        outside = (snapped == k) & ~explanations[k - 1].covered
        snapped[outside] = 0
    return snapped
