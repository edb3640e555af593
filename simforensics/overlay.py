"""A see-through mark laid over a picture of the pair: a stock photograph's watermark, a word
repeated in rows across the whole picture, or a grid of lines.

Such a mark blends each pixel it covers toward one ink colour: marked = (1 - a) P + a k, where
P is the other picture through the pair's global colour mapping, k the ink and a the mark's
opacity there (0 off the mark, the strokes' opacity inside them, between the two along their
soft edges). Dense marks cover a fifth to a half of the picture and are mostly edge: the change
detector, whose levels come from the pair's own differences, then finds too little of them and
reads the copy as re-rendered throughout.

The ink and the strokes' opacity are fitted on the inside of what differs (eroded, so that soft
edges do not weigh) by trimmed least squares: there marked = s P + b in every channel, with the
opacity 1 - s and the ink b / (1 - s). Each pixel's opacity is then the part of its difference
that points toward the ink, at most the strokes' opacity. The model holds when the opacity is a
see-through one and it explains nearly all that differs: a restyle's differences point every way,
a pasted object's are opaque. Written by hand: no library fits a blend toward one colour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from . import thresholds as T
from .robust import MAD_TO_SD, robust_spread

__all__ = ["Overlay", "fit_overlay"]


@dataclass(frozen=True)
class Overlay:
    ink: tuple[int, int, int]  # the mark's colour, RGB (the fit's, clipped to 0-255)
    opacity: float  # the strokes' opacity (a lower bound: soft edges and JPEG dilute the fit)
    mark: np.ndarray  # bool: where the mark moves the picture that carries it beyond the pair's noise
    explained: float  # the share of what differs that the mark explains
    on: str = "copy"  # the picture that carries it: "copy" or "original"


def _blend_fit(predicted: np.ndarray, copy: np.ndarray) -> tuple[float, np.ndarray]:
    """copy = s predicted + b over the given pixels (N x 3 each): (s, b), by least squares trimmed
    of residuals beyond OVERLAY_TRIM_SIGMAS robust sd (and OVERLAY_TRIM_FLOOR) OVERLAY_ROUNDS times."""
    keep = np.ones(len(predicted), bool)
    for _ in range(T.OVERLAY_ROUNDS):
        source, target = predicted[keep], copy[keep]
        design = np.zeros((3 * len(source), 4))
        design[:, 0] = source.ravel()
        for channel in range(3):
            design[channel::3, 1 + channel] = 1.0
        solution, *_ = np.linalg.lstsq(design, target.ravel(), rcond=None)
        residual = np.linalg.norm(copy - (solution[0] * predicted + solution[1:]), axis=1)
        median, sd = robust_spread(residual[keep])
        keep = residual <= max(T.OVERLAY_TRIM_FLOOR, median + T.OVERLAY_TRIM_SIGMAS * sd)
    return float(solution[0]), solution[1:]


def _toward_ink(difference: np.ndarray, toward: np.ndarray, reach: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """How far each pixel moved toward the ink beyond the noise of the pixels off the mark (levels;
    0 or less: not moved). Off the mark, pixels move either way by noise alone, around the
    commonest movement (what is left of the colour mapping's bend toward the mark); the noise's
    spread is read from those that moved less than that (a half-normal's), among the pixels at
    least MIN_COLOUR_CHANGE from the ink (nearer, a mark cannot move them visibly, and the many
    black pixels of a photograph under a black mark would make the commonest movement 0)."""
    along = (difference * toward).sum(axis=2) / np.sqrt(reach)
    telling = covered & (reach >= T.MIN_COLOUR_CHANGE**2)
    if telling.sum() < T.CHANGE_MIN_SAMPLE:
        return np.full(along.shape, -1.0, np.float32)
    counts, edges = np.histogram(along[telling], bins=256, range=(-128.0, 128.0))
    smoothed = np.convolve(counts, np.ones(5) / 5, mode="same")
    usual = float(edges[int(np.argmax(smoothed))] + 0.5)
    below = usual - along[telling & (along < usual)]
    noise = MAD_TO_SD * float(np.median(below)) if below.size else 0.0
    return along - usual - max(T.OVERLAY_MARK_FLOOR, T.OVERLAY_SIGMAS * noise)


def _differing(difference: np.ndarray, covered: np.ndarray) -> tuple[np.ndarray, float]:
    """The pixels that differ by more than OVERLAY_SIGMAS robust sd of the pair's differences (at
    least MIN_COLOUR_CHANGE), and that level."""
    distance = np.linalg.norm(difference, axis=2)
    median, sd = robust_spread(distance[covered])
    level = max(T.MIN_COLOUR_CHANGE, median + T.OVERLAY_SIGMAS * sd)
    return covered & (distance > level), level


def fit_overlay(other: np.ndarray, marked: np.ndarray, covered: np.ndarray,
                predict: Callable[[np.ndarray], np.ndarray], on: str = "copy") -> Overlay | None:
    """The see-through mark laid over ``marked`` (RGB); None when no such mark explains what
    differs from ``other`` (see the module's docstring). ``predict(use)``: ``marked`` as the
    pair's global colour mapping of ``other``, fitted on the pixels ``use`` (float RGB). Both
    pictures prefiltered as the change detector's; ``on`` names the picture passed as ``marked``.

    The mapping is fitted again without what differs: fitted with a dense mark in it, it is bent
    toward the ink (a black mark over a third of a photograph darkened its prediction elsewhere by
    about 14 levels), which then reads as noise and hides the mark's fainter parts."""
    differing, _ = _differing(marked.astype(np.float32) - predict(covered), covered)
    clean = covered & ~cv2.dilate(differing.view(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    if clean.sum() < T.CHANGE_MIN_SAMPLE:
        return None
    predicted = predict(clean)
    difference = marked.astype(np.float32) - predicted
    differing, level = _differing(difference, covered)
    inside = cv2.erode(differing.view(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    if inside.sum() < T.CHANGE_MIN_SAMPLE:
        return None
    scale, offset = _blend_fit(predicted[inside].astype(np.float64), marked[inside].astype(np.float64))
    opacity = 1.0 - scale
    if not T.OVERLAY_MIN_OPACITY <= opacity <= T.OVERLAY_MAX_OPACITY:
        return None
    ink = offset / opacity
    if np.any(ink < -T.OVERLAY_INK_SLACK) or np.any(ink > 255 + T.OVERLAY_INK_SLACK):
        return None
    toward = ink.astype(np.float32) - predicted
    reach = np.maximum((toward * toward).sum(axis=2), 1.0)
    alpha = np.clip((difference * toward).sum(axis=2) / reach, 0.0, opacity)
    left = np.linalg.norm(difference - alpha[..., None] * toward, axis=2)
    explained = float((left[differing] <= level).mean())
    if explained < T.OVERLAY_MIN_EXPLAINED:
        return None
    mark = covered & (_toward_ink(difference, toward, reach, covered) > 0)
    return Overlay(tuple(int(v) for v in np.clip(np.rint(ink), 0, 255)), round(opacity, 3), mark, round(explained, 3), on)
