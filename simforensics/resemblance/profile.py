"""A pair's resemblance profile: every dimension described, scored and placed in a reference."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import thresholds as T
from ..portrait import Portrait
from ..resample import shrink_to_side
from . import composition, palette, pose, style, subject
from .model import (
    DimensionScore,
    PictureView,
    ResemblanceProfile,
)
from .reference import Reference, place

__all__ = ["DIMENSIONS", "Description", "describe", "resemblance_profile", "score_pair", "view_of"]

# In the order a report lists them: the picture as a whole, then what is in it.
DIMENSIONS = (composition, palette, style, subject, pose)

Description = dict[str, Any]  # dimension name -> that dimension's descriptor of one picture


def view_of(rgb: np.ndarray, people: Portrait | None) -> PictureView:
    return PictureView(shrink_to_side(rgb, T.RESEMBLANCE_SIDE), people)


def describe(view: PictureView) -> Description:
    """Every dimension's descriptor of one picture."""
    return {module.NAME: module.describe(view) for module in DIMENSIONS}


def score_pair(a: Description, b: Description) -> dict[str, DimensionScore]:
    return {module.NAME: module.compare(a[module.NAME], b[module.NAME]) for module in DIMENSIONS}


def resemblance_profile(a: Description, b: Description, reference: Reference) -> ResemblanceProfile:
    """Each dimension's score, placed in ``reference``."""
    scores = score_pair(a, b)
    return ResemblanceProfile(reference.info, tuple(place(name, score, reference) for name, score in scores.items()))
