"""A pair's resemblance profile: every dimension described, scored and placed in a reference."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import thresholds as T
from ..portrait import Portrait
from ..region_findings import joined_names
from ..resample import shrink_to_side
from . import composition, palette, pose, style, subject
from .cohort import Neighbours
from .model import DimensionScore, Likeness, PictureView, ResemblanceProfile
from .reference import Reference, place

__all__ = [
    "DIMENSIONS", "Description", "cohorts_of", "describe", "describe_resemblance", "neighbours_of", "resemblance_profile",
    "score_pair", "situated", "strata", "view_of",
]

# In the order a report lists them: the picture as a whole, then what is in it.
DIMENSIONS = (composition, palette, style, subject, pose)

Description = dict[str, Any]  # dimension name -> that dimension's descriptor of one picture


def view_of(rgb: np.ndarray, people: Portrait | None) -> PictureView:
    return PictureView(shrink_to_side(rgb, T.RESEMBLANCE_SIDE), people)


def describe(view: PictureView) -> Description:
    """Every dimension's descriptor of one picture."""
    return {module.NAME: module.describe(view) for module in DIMENSIONS}


def cohorts_of(descriptions: list[Description], works: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """What a reference keeps of its pictures for the dimensions that place a picture among them
    (a module's ``cohort_row``): per dimension, the rows of the pictures it measured and their works."""
    cohorts = {}
    for module in DIMENSIONS:
        if not hasattr(module, "cohort_row"):
            continue
        rows = [(module.cohort_row(d[module.NAME]), work) for d, work in zip(descriptions, works)]
        rows = [(row, work) for row, work in rows if row is not None]
        if rows:
            cohorts[module.NAME] = (np.array([row for row, _ in rows]), np.array([work for _, work in rows], np.int64))
    return cohorts


def neighbours_of(description: Description, cohorts: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, Neighbours | None]:
    """Each work's distance to the picture, for each dimension that has a ``situate``: found once,
    it places the picture with any works left out (``situated``)."""
    return {module.NAME: module.neighbours(description[module.NAME], *cohorts[module.NAME])
            for module in DIMENSIONS if hasattr(module, "situate") and module.NAME in cohorts}


def situated(description: Description, cohorts: dict[str, tuple[np.ndarray, np.ndarray]],
              leave_out: tuple[int, ...] = (), neighbours: dict[str, Neighbours | None] | None = None) -> Description:
    """The description with each dimension that has a ``situate`` placed among a reference's
    pictures (the works ``leave_out`` left out: a pair of the reference's own among the others).
    ``neighbours``: the picture's ``neighbours_of`` the same cohorts, when already found."""
    near = neighbours_of(description, cohorts) if neighbours is None else neighbours
    placed = dict(description)
    for module in DIMENSIONS:
        if module.NAME in near:
            placed[module.NAME] = module.placed(description[module.NAME], near[module.NAME], leave_out)
    return placed


def score_pair(a: Description, b: Description) -> dict[str, DimensionScore]:
    return {module.NAME: module.compare(a[module.NAME], b[module.NAME]) for module in DIMENSIONS}


def strata(a: Description, b: Description) -> dict[str, str | tuple[str, ...] | None]:
    """Among which of the reference's pairs each dimension's likeness is placed: a dimension whose
    module has a ``stratum(a, b)`` compares like with like (grey pictures with grey ones, for
    palettes; a tuple: its own kind, then wider kinds, reference.place); None: among all of them."""
    return {module.NAME: module.stratum(a[module.NAME], b[module.NAME]) if hasattr(module, "stratum") else None
            for module in DIMENSIONS}


def resemblance_profile(a: Description, b: Description, reference: Reference) -> ResemblanceProfile:
    """Each dimension's score, placed in ``reference``."""
    a, b = situated(a, reference.cohorts), situated(b, reference.cohorts)
    scores, kinds = score_pair(a, b), strata(a, b)
    return ResemblanceProfile(reference.info, tuple(place(name, score, reference, kinds[name])
                                                    for name, score in scores.items()))


def describe_resemblance(profile: ResemblanceProfile) -> str:
    """One sentence in counsel's words: which likenesses are rare among unrelated works, which are
    common, which are not shared, and against what reference."""
    by_finding: dict[Likeness, list[str]] = {}
    for d in profile.dimensions:
        by_finding.setdefault(d.finding, []).append(d.name)
    r = profile.reference
    parts = []
    if names := by_finding.get(Likeness.DISTINCTIVE):
        rare = round(100 * (1 - T.RESEMBLANCE_DISTINCTIVE))
        parts.append(f"alike in {joined_names(names)} as fewer than {rare} in 100 unrelated pairs are")
    if names := by_finding.get(Likeness.COMMON):
        parts.append(f"alike in {joined_names(names)} as unrelated works commonly are")
    if names := by_finding.get(Likeness.DIFFERENT):
        parts.append(f"less alike in {joined_names(names)} than most unrelated works")
    if names := by_finding.get(Likeness.NOT_MEASURED):
        parts.append(f"{joined_names(names)} not measured")
    return (f"Against the {r.name} reference ({r.pairs} unrelated pairs): " + "; ".join(parts) + ".") if parts else ""
