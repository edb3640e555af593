"""The naive baseline measured beside the engine on the same pairs: colour histogram plus thumbnail.

Score = the mean of two correlations, each in [-1, 1]:

- the global colour histogram: 8 x 8 x 8 RGB bins, normalised to sum 1, compared by Pearson
  correlation over the 512 bins (what OpenCV's ``compareHist(HISTCMP_CORREL)`` computes, here in
  float64);
- the layout: both pictures reduced to 16 x 16 grey thumbnails (area-averaged, proportions
  ignored), compared by Pearson correlation.

No mirror, no crop, no notion of style. A pair is called related when its score exceeds the 99th
percentile of the baseline's own scores on the run's unrelated pairs (``threshold``): the same
false-positive budget as the engine's ``distinctive`` (1 % of unrelated pairs), and set in-sample,
which favours the baseline.
"""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["THUMBNAIL", "score", "threshold"]

BINS = 8
THUMBNAIL = 16
UNRELATED_QUANTILE = 99.0


def _histogram(rgb: np.ndarray) -> np.ndarray:
    hist = cv2.calcHist([np.ascontiguousarray(rgb)], [0, 1, 2], None, [BINS] * 3, [0, 256] * 3)
    return hist.astype(np.float64).ravel() / max(float(hist.sum()), 1.0)


def _thumbnail(rgb: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    return cv2.resize(grey, (THUMBNAIL, THUMBNAIL), interpolation=cv2.INTER_AREA).astype(np.float64).ravel()


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a - a.mean(), b - b.mean()
    norm = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / norm) if norm > 0 else 0.0


def score(original: np.ndarray, copy: np.ndarray) -> dict[str, float]:
    colour = _correlation(_histogram(original), _histogram(copy))
    layout = _correlation(_thumbnail(original), _thumbnail(copy))
    return {"score": (colour + layout) / 2, "colour": colour, "layout": layout}


def threshold(unrelated_scores: list[float]) -> float:
    """The score above which the baseline calls a pair related."""
    return float(np.percentile(unrelated_scores, UNRELATED_QUANTILE)) if unrelated_scores else float("inf")
