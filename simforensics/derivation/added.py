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
from ..changes import colour_in_places, global_colour_prediction, is_grey
from ..robust import robust_spread

__all__: list[str] = []  # the package's own


def _mapping_residual(source: np.ndarray, target: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Per pixel and channel, signed: ``target`` less what the global colour mapping of
    ``source`` fitted over ``use`` predicts (the change detector's lookup table: any curve,
    grade or greyscale conversion, exactly what a global mapping can do). Both uint8."""
    return target.astype(np.float32) - global_colour_prediction(source, target, use)


def _clipped_flat(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Where ``source`` is flat at 0 or 255 in a channel and ``target`` is not flat there: a tone
    curve clipped what lay beyond the end of the scale (an overlay on a flat area is flat too)."""
    found = np.zeros(source.shape[:2], bool)
    spread = lambda x: np.sqrt(np.maximum(cv2.blur(x * x, (3, 3)) - cv2.blur(x, (3, 3)) ** 2, 0))
    for channel in range(3):
        mine, theirs = source[..., channel], target[..., channel]
        at_end = (mine >= 254.5) | (mine <= 0.5)
        found |= at_end & (spread(mine) < T.DERIVATION_CLIP_FLAT) & (spread(theirs) >= T.DERIVATION_CLIP_FLAT)
    return found


def locally_changed(a: np.ndarray, b: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Bool mask (``valid``'s shape) of the pixels where ``a`` and ``b`` (RGB float32, one grid,
    one resolution) differ locally beyond any global mapping of one to the other."""
    found = np.zeros(valid.shape, bool)
    if valid.sum() < T.DERIVATION_MIN_PIXELS:
        return found
    weight = cv2.GaussianBlur(valid.astype(np.float32), (0, 0), T.DERIVATION_ADDED_SIGMA) + 1e-6
    # The lookup table is fitted on whole levels: both pictures rounded once, for every round.
    a8, b8 = (np.clip(np.rint(x), 0, 255).astype(np.uint8) for x in (a, b))
    for (source, target), (source8, target8) in zip(((a, b), (b, a)), ((a8, b8), (b8, a8)), strict=True):
        mine = np.zeros(valid.shape, bool)
        # Where the source is clipped flat at the end of the scale and the target is not flat, a
        # tone curve merged what lay beyond: what the target shows there (a sky's gradient) is
        # lost detail, not added content.
        at_end = _clipped_flat(source, target).view(np.uint8)
        reach = int(np.ceil(T.DERIVATION_ADDED_SIGMA))
        clipped = cv2.dilate(at_end, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)).astype(bool)
        # Least squares bends toward an overlay's pixels and spreads its residual over the whole
        # picture: fit again without what the previous fit found (a few rounds settle it).
        # An overlay over a large share of the picture bends the fit so far that its own residual
        # is no outlier of the first round: the next fit also leaves out the pixels beyond
        # DERIVATION_ADDED_TRIM_K robust sd (trimmed least squares), flagged or not.
        trimmed = np.zeros(valid.shape, bool)
        for _ in range(T.DERIVATION_ADDED_ROUNDS):
            use = valid & ~mine
            if use.sum() < T.DERIVATION_MIN_PIXELS:
                break
            fit = use & ~trimmed
            residual = _mapping_residual(source8, target8, fit if fit.sum() >= T.DERIVATION_MIN_PIXELS else use) * valid[..., None]
            # The mean residual of the valid pixels around each pixel (a normalised low-pass).
            luma = residual @ np.array([0.299, 0.587, 0.114], np.float32)
            local = np.abs(cv2.GaussianBlur(luma, (0, 0), T.DERIVATION_ADDED_SIGMA) / weight)
            median, spread = robust_spread(local[use])
            now = valid & (local > max(T.DERIVATION_ADDED_FLOOR, median + T.DERIVATION_ADDED_K * spread)) & ~clipped
            was_trimmed, trimmed = trimmed, valid & (local > max(T.DERIVATION_ADDED_FLOOR, median + T.DERIVATION_ADDED_TRIM_K * spread))
            if np.array_equal(now, mine) and np.array_equal(trimmed, was_trimmed):
                break
            mine = now
        found |= mine
    if found.sum() > T.DERIVATION_ADDED_MAX_SHARE * valid.sum():
        found[:] = False
    # Colour laid over part of a grey picture's scene (a tinted band, a sticker) is content the
    # grey side lacks, however well a mapping of its grey levels explains it.
    for grey, other in ((a, b), (b, a)):
        if is_grey(grey, valid) and not is_grey(other, valid):
            laid = colour_in_places(other, valid)
            if laid is not None:
                found |= laid
    # Its edge too: the low-pass spreads the residual, and the edit's own edge is soft.
    margin = int(np.ceil(T.DERIVATION_ADDED_SIGMA))
    return cv2.dilate(found.view(np.uint8), np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)).astype(bool)
