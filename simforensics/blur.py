"""How one picture is blurred relative to another: the averaging filter that best takes it there.

A blur averages each pixel with its neighbours, by non-negative weights summing to one: a lens out
of focus (a disc), a moving camera (a streak), resampling. A Gaussian is one such filter; a motion
blur's streak or a defocus's disc is not, and at its best Gaussian a copy blurred along 9 px still
differs from the original in pattern along every edge. The filter is estimated from the pair: the
two pictures' cross-spectrum over the source's power spectrum (a Wiener estimate, regularised by
BLUR_FILTER_REGULARISATION of its mean power), each picture less its mean and tapered to its edges,
cut to BLUR_FILTER_RADIUS, its negative weights dropped. Without negative weights no frequency is
amplified (the filter's response is at most its sum, 1): it can soften a picture but never
sharpen one, so fitted the other way, from a blurred picture to a sharp one, it cannot give back
what the blur took (the derivation's information loss relies on that). OpenCV and scikit-image
deconvolve with a known filter; none estimates one from a pair, hence this module.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import thresholds as T

__all__ = ["averaging_filter", "filtered"]


def averaging_filter(source: np.ndarray, target: np.ndarray, where: np.ndarray) -> np.ndarray | None:
    """The averaging filter ((2 BLUR_FILTER_RADIUS + 1)^2, float32) that best takes the grey
    picture ``source`` to ``target`` over ``where`` (bool: the pixels both pictures show); None
    when they are too small for its reach or too flat to estimate it. Pixels left out inside
    ``where``'s box count as flat in both: an estimate on a mask with many holes (the cut edges
    shared) leans towards no blur, never towards more."""
    side = 2 * T.BLUR_FILTER_RADIUS + 1
    if not where.any():
        return None
    # On the bounding box of ``where`` (a crop's footprint is one): the pixels outside it, the same
    # constant in both pictures, would draw a shared sharp edge that only an identity follows.
    rows, columns = np.flatnonzero(where.any(axis=1)), np.flatnonzero(where.any(axis=0))
    box = slice(rows[0], rows[-1] + 1), slice(columns[0], columns[-1] + 1)
    source, target, where = source[box], target[box], where[box]
    if min(source.shape[:2]) < 4 * side or where.sum() < side * side:
        return None

    def tapered(grey: np.ndarray) -> np.ndarray:
        centred = np.where(where, grey - float(grey[where].mean()), 0.0)
        return centred * np.outer(np.hanning(grey.shape[0]), np.hanning(grey.shape[1]))

    spectrum_source, spectrum_target = np.fft.rfft2(tapered(source)), np.fft.rfft2(tapered(target))
    power = np.abs(spectrum_source) ** 2
    if power.mean() <= 0:
        return None
    response = spectrum_target * np.conj(spectrum_source) / (power + T.BLUR_FILTER_REGULARISATION * power.mean())
    impulse = np.fft.fftshift(np.fft.irfft2(response, s=source.shape[:2]))
    radius = T.BLUR_FILTER_RADIUS
    cy, cx = source.shape[0] // 2, source.shape[1] // 2
    kernel = np.maximum(impulse[cy - radius : cy + radius + 1, cx - radius : cx + radius + 1], 0.0)
    total = kernel.sum()
    return (kernel / total).astype(np.float32) if total > 0 else None


def filtered(picture: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``picture`` (grey or RGB) through ``kernel`` (edges mirrored): 8-bit rounded to 8-bit,
    anything else in float32."""
    out = cv2.filter2D(picture.astype(np.float32), -1, kernel, borderType=cv2.BORDER_REFLECT)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8) if picture.dtype == np.uint8 else out
