"""Pure functions over a video's per-frame measures: cuts, hysteresis spans, motion words."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .. import thresholds as T
from .geometry import FrameFit

__all__ = ["Motion", "cut_frames", "describe_motion", "hysteresis_runs", "shot_of"]


def cut_frames(cut_scores: np.ndarray) -> np.ndarray:
    """Frame numbers that begin a new shot (a hard cut from the frame before), ascending.

    A cut is a change of at least VIDEO_CUT_MIN_CHANGE that is also a spike: VIDEO_CUT_SPIKE times
    the median change of the VIDEO_CUT_WINDOW frames on either side (sustained motion is not a cut).
    """
    scores = np.asarray(cut_scores, np.float64)
    cuts = []
    for i in np.flatnonzero(scores >= T.VIDEO_CUT_MIN_CHANGE):
        if i == 0:
            continue
        around = np.r_[scores[max(1, i - T.VIDEO_CUT_WINDOW) : i], scores[i + 1 : i + 1 + T.VIDEO_CUT_WINDOW]]
        background = float(np.median(around)) if len(around) else 0.0
        if scores[i] >= T.VIDEO_CUT_SPIKE * background:
            cuts.append(int(i))
    return np.array(cuts, np.int64)


def shot_of(frame: int, cuts: np.ndarray) -> int:
    """The shot a frame belongs to: how many cuts come at or before it."""
    return int(np.searchsorted(cuts, frame, side="right"))


def hysteresis_runs(fits: Sequence[FrameFit], shots: Sequence[int]) -> list[tuple[int, int]]:
    """(first, last) positions of the runs of samples that form spans, in order.

    A run starts at a sample that aligns (the compare engine's rule) and goes on, forward and
    backward, through samples keeping VIDEO_STAY_INLIERS inliers, never across a cut.
    """
    staying = [f.inliers >= T.VIDEO_STAY_INLIERS for f in fits]
    runs: list[tuple[int, int]] = []
    i = 0
    n = len(fits)
    while i < n:
        if not staying[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and staying[j + 1] and shots[j + 1] == shots[i]:
            j += 1
        if any(fits[k].aligned for k in range(i, j + 1)):
            runs.append((i, j))
        i = j + 1
    return runs


class Motion:
    STILL = "still"
    PAN = "pan"
    ZOOM = "zoom"
    OTHER = "other"


def describe_motion(fits: Sequence[FrameFit], picture_size: tuple[int, int], frame_size: tuple[int, int]) -> tuple[str, dict[str, float]]:
    """The span's motion word and what it was read from: the scale (picture pixels per frame
    pixel), the frame centre's place in the picture, and the rotation, at the span's quiet ends."""
    fitted = [f for f in fits if f.matrix is not None and f.inliers >= T.VIDEO_STAY_INLIERS]
    if not fitted:
        return Motion.STILL, {}
    centre = np.array([(frame_size[0] - 1) / 2, (frame_size[1] - 1) / 2, 1.0])
    scales = np.array([f.scale for f in fitted])
    places = np.array([(f.matrix @ centre)[:2] for f in fitted])
    turns = np.array([f.rotation_degrees for f in fitted])
    low, high = np.percentile(scales, [10, 90])
    zoom = float(high / low - 1) if low > 0 else 0.0
    diagonal = math.hypot(*picture_size)
    spread = np.percentile(places, 90, axis=0) - np.percentile(places, 10, axis=0)
    shift = float(np.hypot(*spread) / diagonal)
    turn = float(np.percentile(turns, 90) - np.percentile(turns, 10))
    facts = {"scale_from": round(float(scales[0]), 4), "scale_to": round(float(scales[-1]), 4),
             "zoom_change": round(zoom, 4), "centre_shift": round(shift, 4), "rotation_change_degrees": round(turn, 2)}
    if turn > T.VIDEO_TURN_MIN_DEGREES:
        return Motion.OTHER, facts
    if zoom > T.VIDEO_ZOOM_MIN_CHANGE:
        return Motion.ZOOM, facts
    if shift > T.VIDEO_PAN_MIN_SHIFT:
        return Motion.PAN, facts
    return Motion.STILL, facts
