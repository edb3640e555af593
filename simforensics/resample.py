"""Resizing with one convention everywhere: pixel centres stay aligned, shrinking area-averages."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["scale_matrix", "shrink_to_side"]


def scale_matrix(sx: float, sy: float) -> np.ndarray:
    """3x3 matrix of a resize by (sx, sy): pixel (x, y) lands on ((x + .5) sx - .5, (y + .5) sy - .5)."""
    return np.array([[sx, 0, 0.5 * sx - 0.5], [0, sy, 0.5 * sy - 0.5], [0, 0, 1.0]])


def shrink_to_side(image: np.ndarray, side: int) -> np.ndarray:
    """Area-averaged copy whose longest side is at most ``side`` (never enlarged)."""
    h, w = image.shape[:2]
    factor = side / max(h, w)
    if factor >= 1:
        return image
    return cv2.resize(image, (max(1, round(w * factor)), max(1, round(h * factor))), interpolation=cv2.INTER_AREA)
