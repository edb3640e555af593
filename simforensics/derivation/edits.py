"""Cue: local edits. A painted-out area is smoother, and quieter, than its surroundings."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .. import thresholds as T
from ..align import Alignment
from ..resample import scale_matrix, shrink_to_side
from .model import Cue, Direction, Strength, _grey, _no_vote, _side_words

if TYPE_CHECKING:
    from ..changes import ChangeMap


__all__ = ["local_edits"]


def _detail_map(grey: np.ndarray) -> np.ndarray:
    """Local fine detail and noise: the mean absolute Laplacian in 8 x 8 blocks (Immerkaer 1996's
    noise operator), one value per block."""
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = np.abs(cv2.filter2D(grey, cv2.CV_32F, kernel))
    h, w = response.shape
    return cv2.resize(response, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)


def _area_ratios(detail: np.ndarray, area: np.ndarray) -> tuple[float, float] | None:
    """(texture, noise): inside ``area`` (bool, block grid) against a ring around it, the median
    block detail (texture and noise together) and the low quantile DERIVATION_EDIT_NOISE_QUANTILE
    of it (the flattest blocks, where only the noise is left: a picture's noise is the camera's
    or the encoder's, the same all over one picture, whatever it shows)."""
    if area.sum() < T.DERIVATION_EDIT_MIN_BLOCKS:
        return None
    reach = max(2, round(math.sqrt(float(area.sum())) / 2))
    ring = cv2.dilate(area.view(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)).astype(bool) & ~area
    if ring.sum() < T.DERIVATION_EDIT_MIN_BLOCKS:
        return None
    q = 100 * T.DERIVATION_EDIT_NOISE_QUANTILE
    texture = (float(np.median(detail[area])) + 0.5) / (float(np.median(detail[ring])) + 0.5)
    noise = (float(np.percentile(detail[area], q)) + 0.5) / (float(np.percentile(detail[ring], q)) + 0.5)
    return texture, noise


def _smoothed_side(first: float, second: float) -> Direction:
    """The side (ORIGINAL = first picture) whose area is smoother than its surroundings (ratio at
    most DERIVATION_EDIT_CONSISTENT, and at most DERIVATION_EDIT_SMOOTH of the other side's ratio)
    while the other side's area keeps to its own (ratio at least DERIVATION_EDIT_CONSISTENT)."""
    kept, smooth = T.DERIVATION_EDIT_CONSISTENT, T.DERIVATION_EDIT_SMOOTH
    for edited, mine, theirs in ((Direction.ORIGINAL, first, second), (Direction.COPY, second, first)):
        if mine <= kept <= theirs and mine / theirs <= smooth:
            return edited
    return Direction.UNDETERMINED


def local_edits(original: np.ndarray, copy: np.ndarray, alignment: Alignment, changes: ChangeMap | None,
                previews: tuple[np.ndarray, np.ndarray] | None = None) -> Cue:
    """Inside each changed area, the side whose pixels are markedly smoother than their own
    surroundings (painted out, inpainted, generated), when the other side's area keeps to its
    surroundings, is the edited one: in its fine detail, or in its noise level (no grain where the
    rest of the picture has it). Both together (no detail and none of the picture's noise) weigh
    more than either alone: an object removed from a plain background leaves a plainer area, but
    the camera's grain stays on it. ``previews``: both pictures as ``shrink_to_side`` reduced them
    before (the comparison's), reused when they have the size wanted."""
    name = "local edits"
    if changes is None or not changes.areas:
        return _no_vote(name, "no changed area")
    changed = (changes.mask == 255).view(np.uint8)
    # Both pictures no larger than DERIVATION_SIDE x 2 (area-averaged): detail is compared between
    # an area and its own surroundings, at one scale per picture.
    made = previews or (None, None)
    small_original = shrink_to_side(original, 2 * T.DERIVATION_SIDE, made[0])
    small_copy = shrink_to_side(copy, 2 * T.DERIVATION_SIDE, made[1])
    original_detail = _detail_map(_grey(small_original))
    copy_detail = _detail_map(_grey(small_copy))
    to_small_copy = scale_matrix(small_copy.shape[1] / copy.shape[1], small_copy.shape[0] / copy.shape[0])
    in_copy = cv2.warpPerspective(changed, to_small_copy @ np.linalg.inv(alignment.matrix),
                                  (small_copy.shape[1], small_copy.shape[0]), flags=cv2.INTER_NEAREST)
    original_blocks = cv2.resize(changed, original_detail.shape[::-1], interpolation=cv2.INTER_AREA) > 0
    copy_blocks = cv2.resize(in_copy, copy_detail.shape[::-1], interpolation=cv2.INTER_AREA) > 0
    a, b = _area_ratios(original_detail, original_blocks), _area_ratios(copy_detail, copy_blocks)
    if a is None or b is None:
        return _no_vote(name, "the changed areas are too small to read their texture")
    words = (f"inside the changed areas, fine detail is {a[0]:.2f} x its surroundings' in the first picture "
             f"and {b[0]:.2f} x in the second, the noise level {a[1]:.2f} x and {b[1]:.2f} x")
    smoother, quieter = _smoothed_side(a[0], b[0]), _smoothed_side(a[1], b[1])
    if smoother is not Direction.UNDETERMINED and quieter is Direction.UNDETERMINED:
        # Smoother in detail only, while the other side's area is rougher than its own
        # surroundings even in its flattest blocks: that area holds content of its own (a logo, a
        # caption, a pasted object), which one side may have laid over a plain part of the
        # scene as well as the other have painted out.
        other_noise = (b if smoother is Direction.ORIGINAL else a)[1]
        if other_noise >= 1.0 / T.DERIVATION_EDIT_CONSISTENT:
            return _no_vote(name, f"{words}: {_side_words(smoother.other)}'s areas hold content rougher than their "
                                  "surroundings, which may have been added as well as removed")
    votes = {v for v in (smoother, quieter) if v is not Direction.UNDETERMINED}
    if len(votes) != 1:
        why = "they disagree" if votes else "neither side departs markedly from its surroundings"
        return _no_vote(name, f"{words}: {why}")
    edited = votes.pop()
    found = [w for v, w in ((smoother, "painted smooth"), (quieter, "without the picture's noise")) if v is edited]
    strength = Strength.STRONG if len(found) == 2 else Strength.MODERATE
    return Cue(name, edited.other, strength, f"{words}: {_side_words(edited)}'s areas are {' and '.join(found)}")
