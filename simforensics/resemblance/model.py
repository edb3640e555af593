"""The resemblance profile's vocabulary: what a dimension module gets, and what it gives back.

Every dimension (composition, palette, style, subject, pose) is a module with two functions:

- ``describe(view: PictureView) -> <its descriptor>``: what it needs of one picture, computed once
  (a frozen dataclass of numbers and small arrays; picklable, so a reference population of
  hundreds of pictures is described once and every pair scored from the descriptors);
- ``compare(a, b) -> DimensionScore``: how alike two pictures are on that dimension, in [0, 1]
  (1 = alike), with the reason in plain words; ``score=None`` when it cannot be measured.

Whether a score is remarkable is not the module's business: ``reference.py`` places it among
the scores of unrelated pairs (its percentile) and says whether the likeness is distinctive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from ..portrait import Portrait

__all__ = ["Dimension", "DimensionScore", "Likeness", "PictureView", "ReferenceInfo", "ResemblanceProfile"]


@dataclass(frozen=True)
class PictureView:
    """One picture as the dimension modules see it."""

    rgb: np.ndarray  # RGB uint8, longest side thresholds.RESEMBLANCE_SIDE (smaller pictures as they are)
    people: Portrait | None  # the portrait models' findings on the picture (None: not looked for)
    # What one dimension finds that another asks for too (the main figure: composition and
    # subject), found once per picture.
    found: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class DimensionScore:
    score: float | None  # [0, 1], 1 = alike; None = not measured
    why: str  # the evidence, in plain words ("both dark figures left of centre on a light ground")


class Likeness(StrEnum):
    """How a dimension's score stands among unrelated pairs (../shared/CONTRACT.md)."""

    DISTINCTIVE = "distinctive"  # rarer than almost all unrelated pairs
    COMMON = "common"  # as alike as unrelated works often are
    DIFFERENT = "different"  # less alike than a typical unrelated pair
    NOT_MEASURED = "not-measured"


@dataclass(frozen=True)
class Dimension:
    name: str
    score: float | None
    percentile: float | None  # share of the reference's unrelated pairs that are less alike
    finding: Likeness
    why: str
    # The reference's unrelated pairs per twentieth of the score range (0-0.05, ..., 0.95-1): what
    # a report draws to show where this pair falls. Empty when the reference has none.
    reference_histogram: tuple[int, ...] = ()


@dataclass(frozen=True)
class ReferenceInfo:
    """Which population the percentiles come from."""

    name: str  # "builtin", or the folder given with --reference
    pictures: int
    pairs: int
    kind: str  # what the pictures are, in words
    warning: str | None  # e.g. the small builtin reference


@dataclass(frozen=True)
class ResemblanceProfile:
    reference: ReferenceInfo
    dimensions: tuple[Dimension, ...]

    def dimension(self, name: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.name == name), None)
