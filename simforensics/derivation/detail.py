"""Cues: information loss (each picture fitted to the other, both ways) and resampling traces
(the periodic interpolation an enlargement leaves)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from .. import blur
from .. import thresholds as T
from .grid import _CommonGrid
from .model import (
    Cue,
    Direction,
    FileFacts,
    Strength,
    _grey,
    _no_vote,
    _side_words,
    _tone_fit_residual,
)

__all__ = ["information_loss", "resampling"]


def _best_explanation(source: np.ndarray, target: np.ndarray, valid: np.ndarray) -> float:
    """The residual of the blur (thresholds.DERIVATION_BLUR_SIGMAS) and tone mapping of ``source``
    that best explain ``target``; when a blur helps, also of the averaging filter fitted to the
    pair (``blur.averaging_filter``: a motion blur's streaks, which no Gaussian follows). That
    filter cannot sharpen, so a blurred picture gains nothing from it towards a sharp one."""
    target_grey = _grey(np.clip(target, 0, 255).astype(np.uint8))
    # Every pixel of a regular sub-grid: the residual of a global fit is a mean over tens of
    # thousands of pixels, which a sample of them gives to a fraction of a per cent.
    step = T.DERIVATION_FIT_STEP
    sample = valid[::step, ::step]
    best = (math.inf, 0.0)
    for sigma in T.DERIVATION_BLUR_SIGMAS:
        blurred = source if sigma == 0 else cv2.GaussianBlur(source, (0, 0), sigma)
        best = min(best, (_tone_fit_residual(blurred[::step, ::step], target_grey[::step, ::step], sample), sigma))
    residual, sigma = best
    if sigma > 0:
        source_grey = _grey(np.clip(source, 0, 255).astype(np.uint8))
        # Fitted over the whole grid (the overlap's box), not only the valid pixels: those leave
        # out what differs locally, most edges of a streaked copy, where its filter shows.
        kernel = blur.averaging_filter(source_grey, target_grey, np.ones_like(valid))
        if kernel is not None:
            averaged = blur.filtered(source, kernel)
            residual = min(residual, _tone_fit_residual(averaged[::step, ::step], target_grey[::step, ::step], sample))
    return residual


def _reduced_and_back(picture: np.ndarray, scale: float) -> np.ndarray:
    """``picture`` taken to a grid ``scale`` times coarser (area average) and back (bicubic)."""
    if scale < 1.0 + 1e-3:
        return picture
    h, w = picture.shape[:2]
    small = cv2.resize(picture, (max(2, round(w / scale)), max(2, round(h / scale))), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


def _two_levels(picture: np.ndarray) -> bool:
    """Whether every channel of ``picture`` takes only its lowest and highest value: a black and
    white picture (a 1-bit dither, a halftone, line art)."""
    channels = picture.reshape(-1, picture.shape[-1]) if picture.ndim == 3 else picture.reshape(-1, 1)
    if any(len(np.unique(channel)) > 2 for channel in channels[::97].T):  # three values seen: no
        return False
    low, high = channels.min(axis=0), channels.max(axis=0)
    return not np.any((channels != low) & (channels != high))


def information_loss(grid: _CommonGrid | None, pictures: tuple[np.ndarray, np.ndarray] | None = None,
                     facts: tuple[FileFacts, FileFacts] | None = None) -> Cue:
    """Fit each picture to the other (resampling to the other's grid, blur, tone and colour) and
    compare what each leaves unexplained: the parent predicts the child better than the child
    predicts the parent, because reducing, blurring and clipping lose what cannot be invented.

    A black and white picture (``pictures``: the original and the copy, to tell) is never named
    the parent: it carries its tones in the density of its dots, which a blur turns back into any
    tone, while no picture predicts where the dots fall. A 1-bit dither of a photograph was named
    its parent, 17 x better, strong.

    Pictures decoded reduced by different factors (``facts``: a scan's reduced decodes) are not
    compared: the reduction, not their history, set which of them is the finer. A crop of a
    720-px photograph, kept at 540 px, was the finer beside the photograph reduced to 640, and
    was named its parent (moderate), which left the crop's order undetermined."""
    name = "information loss"
    if grid is None:
        return _no_vote(name, "too little overlap to compare")
    if facts is not None and abs(math.log(facts[0].reduction / facts[1].reduction)) > T.DERIVATION_REDUCTION_TOLERANCE:
        return _no_vote(name, f"the pictures were decoded reduced by different factors ({facts[0].reduction:.2f} and "
                              f"{facts[1].reduction:.2f} x): the reduction, not their history, set which is the finer")
    # The finer picture, put through the coarser one's resampling, explaining the coarser one ...
    from_finer = _best_explanation(grid.finer_down_up, grid.coarser_up, grid.valid)
    # ... and the coarser one explaining the finer one (it cannot add what it never had).
    from_coarser = _best_explanation(grid.coarser_up, grid.finer, grid.valid)
    floor = T.DERIVATION_RESIDUAL_FLOOR
    asymmetry = math.log((from_coarser + floor) / (from_finer + floor))
    finer, coarser = grid.finer_side, grid.finer_side.other
    resampled = f"reduced (likeliest by {grid.reduced_by})" if grid.reduced_by else "resampled"
    words = (f"{_side_words(finer).capitalize()}, {resampled}, blurred and tone-mapped, leaves {from_finer:.1f} grey levels "
             f"(RMS) of {_side_words(coarser)} unexplained; {_side_words(coarser)} leaves {from_coarser:.1f} of "
             f"{_side_words(finer)}")
    magnitude = abs(asymmetry)
    if max(from_finer, from_coarser) < T.DERIVATION_ROUNDING_RESIDUAL:
        return _no_vote(name, words + ": each explains the other to within 8-bit rounding")
    if magnitude < T.DERIVATION_LOSS_WEAK:
        return _no_vote(name, words + ": neither holds clearly more detail")
    strength = (Strength.STRONG if magnitude >= T.DERIVATION_LOSS_STRONG
                else Strength.MODERATE if magnitude >= T.DERIVATION_LOSS_MODERATE else Strength.WEAK)
    parent = finer if asymmetry > 0 else coarser
    if pictures is not None and _two_levels(pictures[0] if parent is Direction.ORIGINAL else pictures[1]):
        return _no_vote(name, f"{words}: {_side_words(parent)} predicts the other better, but it is black and "
                              "white only: blurred, its dots give any tone, so that names no parent")
    return Cue(name, parent, strength, f"{words}: {_side_words(parent)} predicts the other "
                                       f"{math.exp(magnitude):.2f} x better (floor included), as a parent predicts its child")


def _band_drop(grey: np.ndarray, scale: float) -> float:
    """Detail between the coarser grid's resolution and this grid's, against what the picture's
    own spectral slope one and two octaves lower predicts for it (1 = the slope continues, as in
    a picture at its native resolution; near 0 = the band is empty, as in an enlargement). NaN when
    the picture is too small for the octave four times coarser (under 8 px), whose band would be
    empty for want of pixels, not of detail (a 451-px picture against a 48-px thumbnail)."""
    h, w = grey.shape
    if min(h, w) / (scale * 4) < 8:
        return float("nan")
    levels = [grey] + [_reduced_and_back(grey, scale * factor) for factor in (1, 2, 4)]
    m = 8
    energy = [float(np.mean((levels[i] - levels[i + 1])[m:-m, m:-m] ** 2)) + 1e-6 for i in range(3)]
    return (energy[0] / energy[1]) / (energy[1] / energy[2])


# Kirchner's fixed linear predictor (2008): an interpolated pixel is a weighted mean of its
# neighbours, so its prediction error is small, and periodically so along the resampling grid.
_PREDICTOR = np.array([[-0.25, 0.5, -0.25], [0.5, 0.0, 0.5], [-0.25, 0.5, -0.25]], np.float32)


def _interpolation_period(grey: np.ndarray, scale: float) -> float:
    """How strongly the predictor's error repeats with the period an enlargement by ``scale``
    gives (``scale`` pixels of this grid per source pixel): the spectral peak of the error's row
    and column profiles at that frequency over the median of its neighbourhood (the weaker of
    the two axes). JPEG's 8-pixel harmonics are left out of the neighbourhood."""
    error = np.abs(grey - cv2.filter2D(grey, cv2.CV_32F, _PREDICTOR))[2:-2, 2:-2]
    frequency = (1.0 / scale) % 1.0
    frequency = min(frequency, 1.0 - frequency)
    peaks = []
    for axis in (0, 1):
        profile = error.mean(axis=axis)
        n = len(profile)
        spectrum = np.abs(np.fft.rfft((profile - profile.mean()) * np.hanning(n)))
        offset = np.abs(np.fft.rfftfreq(n) - frequency)
        target = offset <= 1.5 / n
        around = (offset <= T.DERIVATION_PERIOD_BAND) & (offset > 3.0 / n)
        for k in range(1, 5):
            around &= np.abs(np.fft.rfftfreq(n) - k / 8) > 2.0 / n
        if not target.any() or around.sum() < 5:
            return 0.0
        peaks.append(float(spectrum[target].max() / max(float(np.median(spectrum[around])), 1e-9)))
    return min(peaks)


def resampling(grid: _CommonGrid | None, rotation_degrees: float = 0.0) -> Cue:
    """An enlarged picture carries its interpolation: a periodic pattern in how predictable its
    pixels are from their neighbours (Popescu and Farid 2005, Kirchner 2008), and no detail above
    the resolution it was enlarged from. A picture at its native resolution has neither."""
    name = "resampling traces"
    if grid is None:
        return _no_vote(name, "too little overlap to compare")
    if grid.scale < T.DERIVATION_RESAMPLE_MIN_SCALE:
        return _no_vote(name, f"the pictures' resolutions differ by {grid.scale:.2f} x: too little to test")
    finer = grid.finer_side
    grey = _grey(np.clip(grid.finer, 0, 255).astype(np.uint8))
    period = _interpolation_period(grey, grid.scale) if abs(rotation_degrees) <= T.SUMMARY_MIN_ROTATION else 0.0
    drop = _band_drop(grey, grid.scale)
    band = (f"it has {drop:.2f} of the detail its spectral slope predicts above {_side_words(finer.other)}'s resolution"
            if not math.isnan(drop) else "it is too small to measure its detail above the other's resolution")
    words = (f"{_side_words(finer)}'s pixels are predictable from their neighbours with a period of {grid.scale:.2f} px "
             f"at {period:.1f} x the background, and {band}")
    if period >= T.DERIVATION_PERIOD_STRONG or drop <= T.DERIVATION_ENLARGED_DROP_STRONG:
        strength = Strength.STRONG
    elif period >= T.DERIVATION_PERIOD or drop <= T.DERIVATION_ENLARGED_DROP:
        strength = Strength.MODERATE
    else:
        return _no_vote(name, words + ": no sign of an enlargement")
    return Cue(name, finer.other, strength,
               words + f": it was enlarged from a picture of {_side_words(finer.other)}'s resolution")
