"""Whole-picture measures: SSIM and the colour shift over the aligned overlap, and a colour-distribution distance."""

from __future__ import annotations

import cv2
import numpy as np
from skimage.metrics import structural_similarity

from . import thresholds as T
from .resemblance.colour import lab_of

__all__ = ["colour_distance", "colour_shift", "overlap_ssim"]

_SSIM_WINDOW = 11  # skimage's Gaussian window for sigma 1.5 (2 x int(3.5 sigma + 0.5) + 1)


def overlap_ssim(original: np.ndarray, copy: np.ndarray, covered: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean SSIM of the grey pictures over ``covered``, and the full SSIM map.

    Gaussian window sigma 1.5 and sample covariance off, as in Wang et al. 2004; the pictures
    are 8-bit, so ``data_range`` is 255.
    """
    grey_o = cv2.cvtColor(original, cv2.COLOR_RGB2GRAY)
    grey_c = cv2.cvtColor(copy, cv2.COLOR_RGB2GRAY)
    # The window is 11 x 11: a frame narrower than that (a thin banner at the working size) is
    # mirrored out to 11 pixels, and the map cut back to the frame.
    height, width = grey_o.shape
    pad_y, pad_x = max(0, _SSIM_WINDOW - height), max(0, _SSIM_WINDOW - width)
    if pad_y or pad_x:
        grey_o, grey_c = (cv2.copyMakeBorder(g, 0, pad_y, 0, pad_x, cv2.BORDER_REFLECT) for g in (grey_o, grey_c))
    _, ssim_map = structural_similarity(
        grey_o, grey_c, data_range=255, gaussian_weights=True, sigma=1.5,
        use_sample_covariance=False, full=True,
    )
    ssim_map = ssim_map[:height, :width]
    mean = float(ssim_map[covered].mean()) if covered.any() else 0.0
    return mean, ssim_map.astype(np.float32)


def colour_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Bhattacharyya distance (0 same, 1 disjoint) of hue-saturation histograms (30 x 32 bins).

    Hue and saturation only, so brightness changes and resizing leave it near 0.
    """
    histograms = []
    for rgb in (a, b):
        hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
        histogram = cv2.calcHist([hsv], [0, 1], None, [30, 32], [0, 180, 0, 256])
        histograms.append(cv2.normalize(histogram, None, alpha=1, norm_type=cv2.NORM_L1))
    return float(cv2.compareHist(histograms[0], histograms[1], cv2.HISTCMP_BHATTACHARYYA))


def colour_shift(original: np.ndarray, copy: np.ndarray, covered: np.ndarray) -> float | None:
    """Median colour difference (CIELAB Delta E 1976) between the aligned pictures (RGB uint8, the
    working frame) over ``covered``, both area-averaged to COLOUR_SHIFT_SIDE px first: how far a
    grade, tint or conversion moved the colours throughout. The averaging leaves out what moves
    pixels but not colours (noise, JPEG, blur, resampling), and a local edit moves few of the
    averaged cells, so it leaves the median. None when nothing is covered."""
    if not covered.any():
        return None
    height, width = covered.shape
    factor = min(1.0, T.COLOUR_SHIFT_SIDE / max(height, width))
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    shrink = lambda values: cv2.resize(values, size, interpolation=cv2.INTER_AREA)
    whole = shrink(covered.astype(np.float32)) >= 1.0 - 1e-3  # cells the copy covers entirely
    if not whole.any():
        return None
    # resemblance.colour's conversion, not OpenCV's: OpenCV builds its CIELAB tables on a
    # process's first conversion (70 ms, more than the rest of a thumbnail comparison's work).
    lab = [lab_of(shrink(picture.astype(np.float32) / 255.0))[whole] for picture in (original, copy)]
    return float(np.median(np.linalg.norm(lab[0] - lab[1], axis=1)))
