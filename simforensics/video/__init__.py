"""Video as evidence: which spans of a video come from which pictures of a portfolio.

``decode`` (PyAV: exact timestamps, sampled frames, seeking), ``portfolio`` (scan's features and
cache), ``geometry`` (one frame against one picture), ``spans`` (cuts, hysteresis, motion),
``analyse`` (one video), ``engine`` (a video or a folder of them, on all cores), ``model`` (the
result every report renders).
"""

from .decode import VideoError, VideoInfo
from .engine import VideoOptions, run_videos
from .model import (
    CurvePoint,
    FurthestFrame,
    PictureMatch,
    Span,
    TimelineFrame,
    VideoMatch,
    VideoRun,
)

__all__ = [
    "CurvePoint", "FurthestFrame", "PictureMatch", "Span", "TimelineFrame", "VideoError", "VideoInfo", "VideoMatch", "VideoOptions",
    "VideoRun", "run_videos",
]
