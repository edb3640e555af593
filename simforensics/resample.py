"""Resizing with one convention everywhere: pixel centres stay aligned, shrinking area-averages."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["scale_matrix", "shrink_to_side", "shrunk_to_size"]


def scale_matrix(sx: float, sy: float) -> np.ndarray:
    """3x3 matrix of a resize by (sx, sy): pixel (x, y) lands on ((x + .5) sx - .5, (y + .5) sy - .5)."""
    return np.array([[sx, 0, 0.5 * sx - 0.5], [0, sy, 0.5 * sy - 0.5], [0, 0, 1.0]])


def shrink_to_side(image: np.ndarray, side: int, made: np.ndarray | None = None) -> np.ndarray:
    """Area-averaged copy whose longest side is at most ``side`` (never enlarged).

    ``made``: a copy of ``image`` this function made before (a comparison's preview), returned
    when it has the size asked for: the same area average of the same pixels, not made twice (a
    12-MP picture costs 0.05 s each time)."""
    h, w = image.shape[:2]
    factor = side / max(h, w)
    if factor >= 1:
        return image
    return shrunk_to_size(image, (max(1, round(w * factor)), max(1, round(h * factor))), made)


def shrunk_to_size(image: np.ndarray, size: tuple[int, int], made: np.ndarray | None = None) -> np.ndarray:
    """``image`` area-averaged to ``size`` (width, height); ``made`` as in ``shrink_to_side``."""
    if made is not None and (made.shape[1], made.shape[0]) == size:
        return made
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)
