"""Robust location and spread, shared by the change detector and the models it compares through
(local tone curves, see-through marks), which it imports and so cannot import back from it."""

from __future__ import annotations

import numpy as np

__all__ = ["MAD_TO_SD", "robust_spread"]

# 1.4826 x the median absolute deviation estimates a normal distribution's standard deviation.
MAD_TO_SD = 1.4826


def robust_spread(values: np.ndarray) -> tuple[float, float]:
    """Median and robust standard deviation (1.4826 x the median absolute deviation) of ``values``."""
    median = float(np.median(values))
    return median, float(np.median(np.abs(values - median))) * MAD_TO_SD
