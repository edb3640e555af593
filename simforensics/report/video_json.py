"""The ``simforensics.video/1`` document (../shared/CONTRACT.md), built from the result model only.

One video: the contract's document. A folder of videos: the same document per video under
``videos``, with the run's ``errors`` (unreadable videos and portfolio files) once.
"""

from __future__ import annotations

from typing import Any

from .. import thresholds as T
from ..video import PictureMatch, Span, VideoMatch, VideoRun
from .json_report import TOOL, dumps

__all__ = ["SCHEMA", "dumps", "video_document", "video_run_document"]

SCHEMA = "simforensics.video/1"


def _span(s: Span) -> dict[str, Any]:
    m = s.measurement
    return {
        "start_s": s.start_s, "end_s": s.end_s, "best_s": s.best_s, "similarity": s.similarity, "label": s.label.value,
        "motion": s.motion,
        "start_frame": s.start_frame, "end_frame": s.end_frame, "best_frame": s.best_frame,
        "motion_facts": s.motion_facts,
        "inliers": s.inliers, "mirrored": s.mirrored,
        "matrix": [[round(float(v), 6) for v in row] for row in s.matrix.tolist()],
        "summary": s.summary,
        # The span's sampled frame furthest from the picture, compared as the best frame is: a
        # clip that animates the picture has a still camera but frames that are no longer copies.
        "furthest_frame": None if s.furthest is None else {
            "frame": s.furthest.frame, "time_s": s.furthest.time_s, "label": s.furthest.label.value,
            "similarity": s.furthest.similarity, "changed_fraction": s.furthest.changed_fraction,
            "departs": s.furthest.departs, "summary": s.furthest.summary,
        },
        "compare": {
            "label": m.verdict.label.value, "similarity": round(float(m.verdict.similarity), 4),
            "aligned": m.alignment.aligned, "overlap_fraction": round(float(m.alignment.overlap_fraction), 4),
            "ssim": None if m.ssim is None else round(float(m.ssim), 4),
            "changes": [{"box": list(box), "area_fraction": share, "kind": kind} for box, share, kind in s.changes],
            "regions": [{"name": name, "verdict": verdict, "box": list(box)} for name, verdict, box in s.regions],
            "compared_at": {"picture": [int(s.picture_view.shape[1]), int(s.picture_view.shape[0])],
                            "frame": [int(s.frame_view.shape[1]), int(s.frame_view.shape[0])]},
        },
    }


def _match(p: PictureMatch) -> dict[str, Any]:
    return {
        "picture": p.picture, "sha256": p.sha256, "width": p.width, "height": p.height,
        "spans": [_span(s) for s in p.spans],
        "curve": [[c.time_s, c.inliers] for c in p.curve],
    }


def video_document(v: VideoMatch, errors: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    i = v.info
    return {
        "schema": SCHEMA,
        "tool": TOOL,
        "video": {"path": i.path, "sha256": i.sha256, "duration_s": i.duration_s, "fps": i.fps, "width": i.width,
                  "height": i.height, "frames": i.frames, "file_size": i.file_size, "container": i.container,
                  "codec": i.codec, "keyframes": i.keyframes, "declared_frames": i.declared_frames},
        "decoding": {"decoder": v.decoder, "sample_fps": v.sample_fps, "samples": v.samples,
                     "sampling": "every keyframe, and the first frame at or after each tick of the sample rate",
                     "cuts_s": list(v.cuts), "seconds": v.seconds, "cpu_seconds": v.cpu_seconds},
        "matches": [_match(p) for p in v.matches],
        "thresholds": {"enter_inliers": T.MIN_INLIERS, "enter_inlier_ratio": T.MIN_INLIER_RATIO,
                       "stay_inliers": T.VIDEO_STAY_INLIERS, "curve_full_at_inliers": T.DECISIVE_INLIERS},
        "errors": [{"path": path, "error": reason} for path, reason in errors],
    }


def video_run_document(run: VideoRun) -> dict[str, Any]:
    """The contract's document for one video; for a folder, one per video under ``videos``."""
    portfolio = {"against": list(run.portfolio), "pictures": run.pictures, "from_cache": run.from_cache}
    if run.single and run.videos:
        document = video_document(run.videos[0], run.errors)
        document["portfolio"] = portfolio
        return document
    return {
        "schema": SCHEMA,
        "tool": TOOL,
        "videos": [video_document(v) for v in run.videos],
        "portfolio": portfolio,
        "errors": [{"path": path, "error": reason} for path, reason in run.errors],
    }
