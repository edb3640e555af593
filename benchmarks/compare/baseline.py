"""The naive baseline run beside the engine: resize + grey SSIM, no alignment.

COPY is resized to ORIGINAL's size (INTER_AREA when shrinking, INTER_LINEAR when enlarging), both
are turned grey, and ``skimage.metrics.structural_similarity(full=True, data_range=255)`` gives a
mean SSIM and an SSIM map. Mask: map < 0.5, cleaned with a 5x5 morphological open (255 changed,
0 same; the baseline has no notion of coverage, so never 128). Verdict: ``identical`` when the
pixels are equal; mean SSIM > 0.9 and < 0.5 % changed -> ``near-duplicate``; > 0.9 with more
changed -> ``locally-edited``; 0.5-0.9 -> ``similar``; below -> ``unrelated``. Similarity: mean
SSIM clipped to [0, 1]. Mirror: never; matrix: the plain resize.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from skimage.metrics import structural_similarity

MAP_THRESHOLD = 0.5


@dataclass
class BaselineResult:
    label: str
    similarity: float
    matrix: np.ndarray
    mask: np.ndarray  # uint8, ORIGINAL's HxW, 255 changed / 0 same


def compare(original: np.ndarray, copy: np.ndarray) -> BaselineResult:
    h, w = original.shape[:2]
    ch, cw = copy.shape[:2]
    matrix = np.array([[w / cw, 0, 0.5 * w / cw - 0.5], [0, h / ch, 0.5 * h / ch - 0.5], [0, 0, 1]])
    if original.shape == copy.shape and np.array_equal(original, copy):
        return BaselineResult("identical", 1.0, matrix, np.zeros((h, w), np.uint8))
    shrinking = cw * ch > w * h
    resized = cv2.resize(copy, (w, h), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    grey_o = cv2.cvtColor(original, cv2.COLOR_RGB2GRAY)
    grey_c = cv2.cvtColor(resized, cv2.COLOR_RGB2GRAY)
    score, ssim_map = structural_similarity(grey_o, grey_c, data_range=255, full=True)
    changed = (ssim_map < MAP_THRESHOLD).astype(np.uint8)
    changed = cv2.morphologyEx(changed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5)))
    fraction = float(changed.mean())
    if score > 0.9:
        label = "near-duplicate" if fraction < 0.005 else "locally-edited"
    elif score >= 0.5:
        label = "similar"
    else:
        label = "unrelated"
    return BaselineResult(label, float(np.clip(score, 0, 1)), matrix, changed * 255)
