"""Areas one picture changed locally (an overlay, a caption, a logo, a pasted object) that the
change map left in: the pixel cues must not read added content as detail the other picture lost.

A global operation (a reduction, a blur, a re-encode, a tone or colour curve) leaves, after the
global colour mapping of one picture to the other (the change detector's lookup table), a
residual that averages out over a few pixels: detail that moved or went, or a fit error spread over the tones. Content laid over
an area shifts that area's mean colour, so its residual survives a low-pass filter. Pixels whose
low-passed residual, in either direction, stands out of the pair's own distribution (median +
k robust sd) and above a floor are left out; when they are most of the picture the change is not
local, and nothing is left out.
"""

from __future__ import annotations

import cv2
import numpy as np

from .. import thresholds as T
from ..changes import global_colour_prediction

__all__: list[str] = []  # the package's own


def _mapping_residual(source: np.ndarray, target: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Per pixel and channel, signed: ``target`` less what the global colour mapping of
    ``source`` fitted over ``use`` predicts (the change detector's lookup table: any curve,
    grade or greyscale conversion, exactly what a global mapping can do)."""
    source8 = np.clip(np.rint(source), 0, 255).astype(np.uint8)
    target8 = np.clip(np.rint(target), 0, 255).astype(np.uint8)
    return target8.astype(np.float32) - global_colour_prediction(source8, target8, use)


def locally_changed(a: np.ndarray, b: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Bool mask (``valid``'s shape) of the pixels where ``a`` and ``b`` (RGB float32, one grid,
    one resolution) differ locally beyond any global mapping of one to the other."""
    found = np.zeros(valid.shape, bool)
    if valid.sum() < T.DERIVATION_MIN_PIXELS:
        return found
    weight = cv2.GaussianBlur(valid.astype(np.float32), (0, 0), T.DERIVATION_ADDED_SIGMA) + 1e-6
    for source, target in ((a, b), (b, a)):
        mine = np.zeros(valid.shape, bool)
        # Where the source is at the end of the scale, a tone curve merged what lay beyond it: the
        # other picture's detail there (a sky's gradient) is lost detail, not added content.
        at_end = ((source >= 254.5) | (source <= 0.5)).any(axis=2).view(np.uint8)
        reach = 2 * int(np.ceil(T.DERIVATION_ADDED_SIGMA)) + 1
        clipped = cv2.dilate(at_end, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)).astype(bool)
        # Least squares bends toward an overlay's pixels and spreads its residual over the whole
        # picture: fit again without what the previous fit found (a few rounds settle it).
        for _ in range(T.DERIVATION_ADDED_ROUNDS):
            use = valid & ~mine
            if use.sum() < T.DERIVATION_MIN_PIXELS:
                break
            residual = _mapping_residual(source, target, use) * valid[..., None]
            # The mean residual of the valid pixels around each pixel (a normalised low-pass).
            luma = residual @ np.array([0.299, 0.587, 0.114], np.float32)
            local = np.abs(cv2.GaussianBlur(luma, (0, 0), T.DERIVATION_ADDED_SIGMA) / weight)
            values = local[use]
            median = float(np.median(values))
            spread = 1.4826 * float(np.median(np.abs(values - median)))
            now = valid & (local > max(T.DERIVATION_ADDED_FLOOR, median + T.DERIVATION_ADDED_K * spread)) & ~clipped
            if np.array_equal(now, mine):
                break
            mine = now
        found |= mine
    if found.sum() > T.DERIVATION_ADDED_MAX_SHARE * valid.sum():
        return np.zeros(valid.shape, bool)
    # Its edge too: the low-pass spreads the residual, and the edit's own edge is soft.
    margin = int(np.ceil(T.DERIVATION_ADDED_SIGMA))
    return cv2.dilate(found.view(np.uint8), np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)).astype(bool)
