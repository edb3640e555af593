"""What a worker runs for ``simforensics video``: one video against the portfolio.

A module-level function of plain arguments and a frozen result, so it runs in this process or
in a pool process alike (scan/runners.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import EvidenceError
from .analyse import analyse_video
from .model import VideoMatch
from .portfolio import PortfolioPicture

__all__ = ["AnalysedVideo", "analyse"]


@dataclass(frozen=True)
class AnalysedVideo:
    """One video's result, or why it could not be read: exactly one of ``match`` and ``error``."""

    number: int  # the job's position in the engine's list of videos
    match: VideoMatch | None
    error_path: str | None
    error: str | None


def analyse(job: tuple[int, str, tuple[PortfolioPicture, ...], int, bool, float]) -> AnalysedVideo:
    """``job``: (number, video path as given, portfolio, max_pixels, regions, sample_fps)."""
    number, path, portfolio, max_pixels, regions, sample_fps = job
    try:
        match = analyse_video(path, portfolio, max_pixels=max_pixels, regions=regions, sample_fps=sample_fps)
    except EvidenceError as exc:
        return AnalysedVideo(number, None, exc.path, exc.reason)
    return AnalysedVideo(number, match, None, None)
