"""One video against the portfolio: decode -> candidates (scan index) -> geometric check per
sampled frame -> spans (hysteresis, cuts) -> boundaries to the frame (seeking) -> the best frame
of each span compared with the picture by the compare engine.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import faiss
import numpy as np

from .. import thresholds as T
from ..compare import compare_images
from ..resample import shrink_to_side
from ..scan.decode import read_reduced
from ..scan.features import compute_features, unpack_features
from ..scan.index import LocalFeatures, find_candidates
from ..verdict import Label
from .decode import DecodedVideo, Sample, decode_video, frames_at
from .geometry import (
    FrameFit,
    PictureKeypoints,
    fit_frame,
    frame_keypoints,
    picture_keypoints,
)
from .model import (
    CurvePoint,
    FurthestFrame,
    PictureMatch,
    Span,
    TimelineFrame,
    VideoMatch,
)
from .portfolio import PortfolioPicture
from .spans import cut_frames, describe_motion, hysteresis_runs, shot_of

__all__ = ["TIMELINE_FRAMES", "analyse_video"]

# Thumbnails in the report's timeline strip (evenly spread over the sampled frames).
TIMELINE_FRAMES = 12

_NO_FIT = FrameFit(0, 0, None, False)


# --------------------------------------------------------------------------- pictures
@dataclass(frozen=True)
class _Picture:
    rgb: np.ndarray  # at most SCAN_VERIFY_SIDE, as scan's verification compares
    keypoints: PictureKeypoints


_PER_THREAD = threading.local()
_RECENT = 32  # pictures kept decoded per worker: a folder of videos meets the same few again


def _picture(entry: PortfolioPicture, max_pixels: int) -> _Picture:
    recent: OrderedDict[str, _Picture] | None = getattr(_PER_THREAD, "recent", None)
    if recent is None:
        recent = _PER_THREAD.recent = OrderedDict()
    if entry.sha256 in recent:
        recent.move_to_end(entry.sha256)
        return recent[entry.sha256]
    reduced = read_reduced(entry.absolute, side=T.SCAN_VERIFY_SIDE, max_pixels=max_pixels)
    grey = cv2.cvtColor(reduced.pixels, cv2.COLOR_RGB2GRAY)  # BT.601 luma, as the frames' Y plane
    picture = _Picture(reduced.pixels, picture_keypoints(grey, reduced.width, reduced.height))
    recent[entry.sha256] = picture
    if len(recent) > _RECENT:
        recent.popitem(last=False)
    return picture


# --------------------------------------------------------------------------- candidates
def _candidates(decoded: DecodedVideo, portfolio: Sequence[PortfolioPicture]) -> list[set[int]]:
    """For each sampled frame, the portfolio pictures the scan index proposes for it."""
    proposed: list[set[int]] = [set() for _ in decoded.samples]
    if not portfolio or not decoded.samples:
        return proposed
    frames = [compute_features(shrink_to_side(s.grey, T.SCAN_FEATURE_SIDE)) for s in decoded.samples]
    pictures = [unpack_features(p.features) for p in portfolio]
    everything = frames + pictures
    pdq = np.stack([f.pdq for f in everything])
    local = [LocalFeatures(f.local, f.local_mirrored, f.points, f.width) for f in everything]
    reference = np.r_[np.zeros(len(frames), bool), np.ones(len(pictures), bool)]
    # One FAISS thread: a video is already one task per core, and OpenMP threads waiting on busy
    # cores made one small search 200 times slower (2 s instead of 10 ms, on 2 shared cores).
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        candidates = find_candidates(pdq, local, reference=reference)
    finally:
        faiss.omp_set_num_threads(threads)
    for candidate in candidates:
        proposed[candidate.a].add(candidate.b - len(frames))
    return proposed


def _shot_candidates(proposed: list[set[int]], shots: list[int]) -> dict[int, list[int]]:
    """Per shot, the pictures proposed for most of its frames (at most VIDEO_SHOT_CANDIDATES)."""
    counts: dict[int, Counter[int]] = {}
    for found, shot in zip(proposed, shots, strict=True):
        counts.setdefault(shot, Counter()).update(found)
    return {shot: [p for p, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[: T.VIDEO_SHOT_CANDIDATES]]
            for shot, c in counts.items()}


def _first_frames_against_all(decoded: DecodedVideo, portfolio: Sequence[PortfolioPicture], shots: list[int],
                              by_shot: dict[int, list[int]], max_pixels: int) -> None:
    """A small portfolio: the first sampled frame of each shot is checked against every picture
    the index did not propose, and a picture that aligns there becomes a candidate of the shot
    (the index misses a picture that fills a small part of the frame)."""
    info = decoded.info
    for k, (sample, shot) in enumerate(zip(decoded.samples, shots, strict=True)):
        if k and shots[k - 1] == shot:
            continue
        keypoints = frame_keypoints(sample.grey, info.width, info.height)
        proposed = by_shot.setdefault(shot, [])
        for p in range(len(portfolio)):
            if p not in proposed and fit_frame(keypoints, _picture(portfolio[p], max_pixels).keypoints).aligned:
                proposed.append(p)


# --------------------------------------------------------------------------- spans
def _refine(path: str, decoded: DecodedVideo, picture: PictureKeypoints, first: int, last: int,
            direction: int, mirrored: bool) -> int:
    """Frames ``first``..``last`` lie between a span's outer sample and the next sample (or cut):
    decode them by seeking and move the boundary frame by frame while frames keep the picture.
    ``direction`` -1 walks back from ``last`` (a span's start), +1 forward from ``first``."""
    if first > last:
        return last + 1 if direction < 0 else first - 1
    width, height = decoded.info.width, decoded.info.height
    by_pts = {int(p): i for i, p in enumerate(decoded.pts)}
    grey = {by_pts[p]: g for p, g in frames_at(path, int(decoded.pts[first]), int(decoded.pts[last])) if p in by_pts}
    order = range(last, first - 1, -1) if direction < 0 else range(first, last + 1)
    boundary = last + 1 if direction < 0 else first - 1
    for frame in order:
        if frame not in grey:
            break
        fit = fit_frame(frame_keypoints(grey[frame], width, height), picture, mirrored_first=mirrored)
        if fit.inliers < T.VIDEO_STAY_INLIERS:
            break
        boundary = frame
    return boundary


def _span(path: str, decoded: DecodedVideo, entry: PortfolioPicture, picture: _Picture, cuts: np.ndarray,
          fits: list[FrameFit], run: tuple[int, int], regions: bool) -> Span | None:
    samples = decoded.samples
    i, j = run
    info = decoded.info
    shot_start = int(cuts[shot_of(samples[i].index, cuts) - 1]) if shot_of(samples[i].index, cuts) else 0
    shot_number = shot_of(samples[j].index, cuts)
    shot_end = int(cuts[shot_number]) - 1 if shot_number < len(cuts) else info.frames - 1
    before = max(samples[i - 1].index + 1 if i > 0 else 0, shot_start)
    after = min(samples[j + 1].index - 1 if j + 1 < len(samples) else info.frames - 1, shot_end)
    best = max(range(i, j + 1), key=lambda k: (fits[k].inliers, -k))
    mirrored = fits[best].mirrored
    start = _refine(path, decoded, picture.keypoints, before, samples[i].index - 1, -1, mirrored)
    end = _refine(path, decoded, picture.keypoints, samples[j].index + 1, after, +1, mirrored)
    best_frame = samples[best].index
    frame_view = _frame_view(path, decoded, best_frame)
    if frame_view is None:
        return None
    # Which side is the original is not asked of a frame: the picture came first.
    measurement = compare_images(picture.rgb, frame_view, with_people=regions, with_derivation=False,
                                 find_pieces=False)
    label = measurement.verdict.label
    if label == Label.UNRELATED:
        return None  # the compare engine has the last word: a geometric match alone is not a span
    motion, facts = describe_motion(fits[i : j + 1], (entry.width, entry.height), (info.width, info.height))
    frame_s = info.duration_s - float(decoded.times[-1]) if info.frames else 0.0
    end_s = float(decoded.times[end + 1]) if end + 1 < info.frames else float(decoded.times[end]) + frame_s
    fit = fits[best]
    to_full = entry.width / picture.rgb.shape[1]  # compared at SCAN_VERIFY_SIDE; reported in full pixels

    def full_box(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        x, y, w, h = box
        return (round(x * to_full), round(y * to_full), round(w * to_full), round(h * to_full))

    changes = measurement.changes.areas if measurement.changes is not None else ()
    furthest = _furthest(path, decoded, picture, fits, (i, j), best)
    return Span(
        start_s=round(float(decoded.times[start]), 6), end_s=round(end_s, 6), start_frame=start, end_frame=end,
        best_s=round(float(decoded.times[best_frame]), 6), best_frame=best_frame,
        similarity=round(float(measurement.verdict.similarity), 4), label=label, motion=motion, motion_facts=facts,
        inliers=fit.inliers, mirrored=fit.mirrored,
        matrix=fit.matrix if fit.matrix is not None else np.eye(3), summary=measurement.verdict.summary,
        changes=tuple((full_box(c.box), round(float(c.area_fraction), 5), c.kind) for c in changes),
        regions=tuple((r.name, r.verdict, full_box(r.box)) for r in measurement.regions),
        measurement=measurement, picture_view=picture.rgb, frame_view=frame_view, furthest=furthest,
    )


def _frame_view(path: str, decoded: DecodedVideo, frame: int) -> np.ndarray | None:
    """Frame ``frame`` in colour, reduced as scan's verification reduces a picture; None when it
    cannot be decoded again."""
    full = next((rgb for _, rgb in frames_at(path, int(decoded.pts[frame]), int(decoded.pts[frame]), colour=True)), None)
    return None if full is None else np.ascontiguousarray(shrink_to_side(full, T.SCAN_VERIFY_SIDE))


def _furthest(path: str, decoded: DecodedVideo, picture: _Picture, fits: list[FrameFit], run: tuple[int, int],
              best: int) -> FurthestFrame | None:
    """The span's sampled frame whose features agree least with the picture (the lowest share of
    inliers among its matches), compared with the picture when that share has fallen well below
    the best frame's (VIDEO_FURTHEST_SHARE): whether the clip keeps the picture as it is
    throughout, or animates it (the camera can stay still while a figure moves). None: every
    sampled frame agrees about as well as the best one."""
    i, j = run

    def share(k: int) -> float:
        return fits[k].inliers / max(1, fits[k].matches)

    furthest = min(range(i, j + 1), key=lambda k: (share(k), k))
    if furthest == best or share(furthest) >= T.VIDEO_FURTHEST_SHARE * share(best):
        return None
    frame = decoded.samples[furthest].index
    view = _frame_view(path, decoded, frame)
    if view is None:
        return None
    verdict = compare_images(picture.rgb, view, with_people=False, with_derivation=False, report_measures=False,
                             find_pieces=False)
    changed = verdict.changes.changed_fraction if verdict.changes is not None else 0.0
    return FurthestFrame(frame=frame, time_s=round(float(decoded.times[frame]), 6), label=verdict.verdict.label,
                         similarity=round(float(verdict.verdict.similarity), 4), changed_fraction=round(float(changed), 4),
                         summary=verdict.verdict.summary)


# --------------------------------------------------------------------------- one video
def analyse_video(path: str, portfolio: Sequence[PortfolioPicture], *, max_pixels: int,
                  regions: bool = True, sample_fps: float = T.VIDEO_SAMPLE_FPS) -> VideoMatch:
    """``path`` against ``portfolio``. Raises ``VideoError`` when the video cannot be decoded, an
    ``EvidenceError`` when a candidate picture has become unreadable."""
    started, cpu_started = time.perf_counter(), time.process_time()
    decoded = decode_video(path, sample_fps=sample_fps)
    info = decoded.info
    samples = decoded.samples
    cuts = cut_frames(decoded.cut_scores)
    shots = [shot_of(s.index, cuts) for s in samples]
    proposed = _candidates(decoded, portfolio)
    by_shot = _shot_candidates(proposed, shots)
    if len(portfolio) <= T.VIDEO_EXHAUSTIVE_PICTURES:
        _first_frames_against_all(decoded, portfolio, shots, by_shot, max_pixels)
    fits: dict[int, list[FrameFit]] = {}
    orientation: dict[tuple[int, int], bool] = {}  # (shot, picture) -> mirrored, once a frame aligned
    for k, (sample, shot) in enumerate(zip(samples, shots, strict=True)):
        # The shot's candidates, then those the index proposed for this frame alone: a cut after
        # fast motion is no spike, and the shot it leaves whole may end on another picture, proposed
        # by too few of its frames to be among the shot's (or crowded out by versions of the first).
        shot_candidates = by_shot.get(shot, [])
        checked = shot_candidates + sorted(proposed[k].difference(shot_candidates))
        if not checked:
            continue
        keypoints = frame_keypoints(sample.grey, info.width, info.height)  # not kept: 300 KB a frame
        for p in checked:
            picture = _picture(portfolio[p], max_pixels)
            fit = fit_frame(keypoints, picture.keypoints, mirrored_first=orientation.get((shot, p)))
            if fit.aligned:
                orientation[(shot, p)] = fit.mirrored
            fits.setdefault(p, [_NO_FIT] * len(samples))[k] = fit
    matches = []
    for p, picture_fits in fits.items():
        runs = hysteresis_runs(picture_fits, shots)
        if not runs:
            continue
        entry = portfolio[p]
        picture = _picture(entry, max_pixels)
        spans = [s for run in runs if (s := _span(path, decoded, entry, picture, cuts, picture_fits, run, regions))]
        if not spans:
            continue
        curve = tuple(CurvePoint(round(s.time_s, 6), f.inliers, round(min(1.0, f.inliers / T.DECISIVE_INLIERS), 4))
                      for s, f in zip(samples, picture_fits, strict=True))
        matches.append(PictureMatch(entry.path, entry.sha256, entry.width, entry.height, tuple(spans), curve))
    # In order of appearance; pictures that first appear together (a picture and a version of it
    # in the portfolio), the closer first.
    matches.sort(key=lambda m: (m.spans[0].start_s, -m.spans[0].similarity, m.picture))
    return VideoMatch(
        info=info, decoder=decoded.decoder, sample_fps=sample_fps, samples=len(samples),
        cuts=tuple(round(float(decoded.times[c]), 6) for c in cuts), matches=tuple(matches),
        timeline=_timeline(samples), seconds=round(time.perf_counter() - started, 3),
        cpu_seconds=round(time.process_time() - cpu_started, 3),
    )


def _timeline(samples: Sequence[Sample]) -> tuple[TimelineFrame, ...]:
    shown = [s for s in samples if s.thumbnail is not None]
    if not shown:
        return ()
    chosen = sorted({round(x) for x in np.linspace(0, len(shown) - 1, min(TIMELINE_FRAMES, len(shown)))})
    return tuple(TimelineFrame(round(shown[k].time_s, 6), shown[k].thumbnail) for k in chosen)
