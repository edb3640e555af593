"""Whole-picture measures: SSIM over the aligned overlap, and a colour-distribution distance."""

from __future__ import annotations

import cv2
import numpy as np
from skimage.metrics import structural_similarity

__all__ = ["colour_distance", "overlap_ssim"]


def overlap_ssim(original: np.ndarray, copy: np.ndarray, covered: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean SSIM of the grey pictures over ``covered``, and the full SSIM map.

    Gaussian window sigma 1.5 and sample covariance off, as in Wang et al. 2004; the pictures
    are 8-bit, so ``data_range`` is 255.
    """
    grey_o = cv2.cvtColor(original, cv2.COLOR_RGB2GRAY)
    grey_c = cv2.cvtColor(copy, cv2.COLOR_RGB2GRAY)
    _, ssim_map = structural_similarity(
        grey_o, grey_c, data_range=255, gaussian_weights=True, sigma=1.5,
        use_sample_covariance=False, full=True,
    )
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
