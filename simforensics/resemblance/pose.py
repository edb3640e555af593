"""Posture as a dimension of resemblance: the body keypoints compared as geometry.

The comparison itself is the one `compare` reports for the `pose` region
(``region_findings.compare_pose``: the median keypoint offset after a least-median similarity
fit, mirrors tried both ways); here its offset becomes a score.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import thresholds as T
from ..portrait import Portrait
from ..region_findings import compare_pose
from .model import DimensionScore, PictureView

__all__ = ["NAME", "PoseDescriptor", "compare", "describe"]

NAME = "pose"


@dataclass(frozen=True)
class PoseDescriptor:
    people: Portrait | None  # None: the portrait models were not run on this picture


def describe(view: PictureView) -> PoseDescriptor:
    return PoseDescriptor(view.people)


def compare(a: PoseDescriptor, b: PoseDescriptor) -> DimensionScore:
    if a.people is None or b.people is None:
        return DimensionScore(None, "the body model was not run")
    if a.people.body is None or b.people.body is None:
        missing = "either picture" if a.people.body is None and b.people.body is None else (
            "the first picture" if a.people.body is None else "the second picture")
        return DimensionScore(None, f"no body found in {missing}")
    # The fit maps the second posture onto the first; both mirrorings are tried.
    posture = compare_pose(a.people, b.people, None)
    if posture is None or posture.distance is None:
        return DimensionScore(None, posture.reason if posture is not None else "no body found")
    score = min(1.0, max(0.0, 1.0 - posture.distance / T.RESEMBLANCE_POSE_SCALE))
    return DimensionScore(score, posture.reason)
