"""``simforensics video``: the portfolio indexed once (scan's cache), then each video on its own
worker process, all cores by default."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from .. import thresholds as T
from ..evidence import DEFAULT_MAX_PIXELS
from ..scan.cache import ScanCache
from ..scan.engine import Progress
from ..scan.runners import open_runner
from ..scan.walk import walk_folders
from .decode import VideoError, check_video
from .jobs import analyse
from .model import VideoMatch, VideoRun
from .portfolio import index_portfolio

__all__ = ["VideoOptions", "run_videos"]


@dataclass(frozen=True)
class VideoOptions:
    video: str  # one video file, or a folder of them
    against: tuple[str, ...]  # portfolio folders or pictures
    workers: int = 1
    cache_path: str | None = None  # None: nothing persists
    max_pixels: int = DEFAULT_MAX_PIXELS
    regions: bool = True  # the portrait models on each span's best frame (named regions)
    sample_fps: float = T.VIDEO_SAMPLE_FPS
    command_line: tuple[str, ...] = ()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _is_cache_file(path: str, cache_path: str | None) -> bool:
    if cache_path is None:
        return False
    base = os.path.realpath(cache_path)
    return os.path.realpath(path) in (base, base + "-wal", base + "-shm", base + "-journal")


def run_videos(options: VideoOptions, progress: Progress | None = None) -> VideoRun:
    """Match one video, or every video of a folder, against the portfolio.

    One video that cannot be decoded raises ``VideoError`` before any other work; in a folder,
    such files are listed under ``errors`` and the rest are matched.
    """
    progress = progress or Progress()
    started = _now()
    single = not os.path.isdir(options.video)
    errors: list[tuple[str, str]] = []
    if single:
        check_video(options.video)  # refuse a file that is no video before indexing anything
        videos = [options.video]
    else:
        walked = walk_folders([options.video])
        errors.extend(walked.skipped)
        videos = [p for p in walked.files if not _is_cache_file(p, options.cache_path)]
    runner = open_runner(options.workers, None)
    try:
        cache = ScanCache.open(options.cache_path)
        try:
            progress.stage("reading the portfolio", None)
            portfolio = index_portfolio(list(options.against), cache, runner, max_pixels=options.max_pixels,
                                        skip=lambda path: _is_cache_file(path, options.cache_path),
                                        advance=progress.advance)
        finally:
            cache.close()
        errors.extend(portfolio.errors)
        progress.stage("matching videos", len(videos))
        jobs = [(n, path, portfolio.pictures, options.max_pixels, options.regions, options.sample_fps)
                for n, path in enumerate(videos)]
        found: dict[int, VideoMatch] = {}
        for result in runner.map(analyse, jobs, max_batch=1):
            progress.advance()
            if result.match is not None:
                found[result.number] = result.match
                continue
            if single and result.error_path == options.video:
                raise VideoError(options.video, result.error or "cannot be decoded")
            errors.append((result.error_path or videos[result.number], result.error or "unreadable"))
    finally:
        runner.close()
    warnings = (cache.warning,) if cache.warning else ()
    return VideoRun(
        videos=tuple(found[n] for n in sorted(found)), portfolio=options.against, pictures=len(portfolio.pictures),
        errors=tuple(sorted(errors)), single=single, started_at=started, finished_at=_now(),
        command_line=options.command_line, from_cache=portfolio.from_cache, warnings=warnings,
    )
