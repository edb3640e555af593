"""The result of ``simforensics video``: every report (terminal, JSON, HTML) renders these."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..compare import Measurement
from ..verdict import Label
from .decode import VideoInfo

__all__ = ["CurvePoint", "FurthestFrame", "PictureMatch", "Span", "TimelineFrame", "VideoMatch", "VideoRun"]


@dataclass(frozen=True)
class CurvePoint:
    """One sampled frame against one candidate picture."""

    time_s: float
    inliers: int  # of one similarity transform; 0 when not checked or no fit
    strength: float  # inliers / DECISIVE_INLIERS, at most 1: the curve the report draws


@dataclass(frozen=True)
class FurthestFrame:
    """The span's sampled frame that departs most from the picture (the lowest share of agreeing
    features), compared with it as the best frame is: a clip that animates the picture (a figure that moves,
    a face that turns) keeps a still camera while its frames stop being copies of the picture."""

    frame: int
    time_s: float
    label: Label  # the compare engine's, this frame against the picture
    similarity: float
    changed_fraction: float  # of the compared area, 0 when not aligned
    summary: str

    @property
    def departs(self) -> bool:
        """The frame is no longer a copy of the picture as it is: edited in places, or re-rendered."""
        return self.label not in (Label.IDENTICAL, Label.NEAR_DUPLICATE)


@dataclass(frozen=True)
class Span:
    start_s: float  # presentation time of the first frame of the span
    end_s: float  # end of the last frame of the span (its time plus one frame)
    start_frame: int
    end_frame: int  # last frame inside the span
    best_s: float  # the frame compared with the picture
    best_frame: int
    similarity: float  # the compare engine's, best frame against the picture
    label: Label
    motion: str  # still, pan, zoom, other
    motion_facts: dict[str, float]
    inliers: int  # at the best frame
    mirrored: bool
    matrix: np.ndarray = field(repr=False, compare=False)  # 3x3 full-size best frame -> picture
    summary: str  # the compare engine's summary of the best frame
    # The compare engine's findings on the best frame, boxes in the full-size picture's pixels:
    # changed areas (box, area_fraction, kind) and named regions (name, verdict, box).
    changes: tuple[tuple[tuple[int, int, int, int], float, str], ...]
    regions: tuple[tuple[str, str, tuple[int, int, int, int]], ...]
    measurement: Measurement = field(repr=False, compare=False)  # best frame (copy) vs picture (original)
    picture_view: np.ndarray = field(repr=False, compare=False)  # the RGB pictures compared
    frame_view: np.ndarray = field(repr=False, compare=False)
    furthest: FurthestFrame | None = None  # None: every sampled frame agrees about as well as the best (analyse._furthest)


@dataclass(frozen=True)
class PictureMatch:
    picture: str  # path as given (the folder joined with the path below it)
    sha256: str
    width: int
    height: int
    spans: tuple[Span, ...]
    curve: tuple[CurvePoint, ...]


@dataclass(frozen=True)
class TimelineFrame:
    time_s: float
    thumbnail: np.ndarray = field(repr=False, compare=False)


@dataclass(frozen=True)
class VideoMatch:
    """One video against the portfolio."""

    info: VideoInfo
    decoder: str
    sample_fps: float
    samples: int  # frames matched (keyframes and the sampled rate)
    cuts: tuple[float, ...]  # times of the first frame of each new shot
    matches: tuple[PictureMatch, ...]  # pictures with at least one span, earliest span first
    timeline: tuple[TimelineFrame, ...]
    seconds: float  # wall time spent on this video
    cpu_seconds: float  # processor time of this video's worker (all its threads, FFmpeg's included)


@dataclass(frozen=True)
class VideoRun:
    """One run of the command: each video read, and what could not be."""

    videos: tuple[VideoMatch, ...]
    portfolio: tuple[str, ...]  # the --against arguments
    pictures: int  # pictures indexed
    errors: tuple[tuple[str, str], ...]  # (path, reason): pictures of the portfolio, videos of a folder
    single: bool  # VIDEO named one file (the contract's document), not a folder
    started_at: str
    finished_at: str
    command_line: tuple[str, ...] = ()
    from_cache: int = 0
    warnings: tuple[str, ...] = ()
