"""The naive baseline, as frame-wise video hashing peers do it (vPDQ-like): PDQ of each sampled
frame against PDQ of each picture, a frame matching at Meta's distance of 31 or less (with PDQ
quality at least 50, as vPDQ requires); a span is a run of matching samples."""

from __future__ import annotations

import time

import av
import numpy as np
import pdqhash
from PIL import Image

from simforensics import thresholds as T

__all__ = ["baseline_spans"]


def _pdq(rgb: np.ndarray) -> tuple[np.ndarray, int]:
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb))
    return np.asarray(bits, bool), int(quality)


def baseline_spans(videos: list[str], pictures: dict[str, str],
                   sample_fps: float = T.VIDEO_SAMPLE_FPS) -> tuple[dict[str, list[tuple[str, float, float]]], float]:
    """Per video: (picture name, start, end) spans; and the seconds it took (pictures included)."""
    started = time.perf_counter()
    codes = {name: _pdq(np.asarray(Image.open(path).convert("RGB")))[0] for name, path in pictures.items()}
    found: dict[str, list[tuple[str, float, float]]] = {}
    step = 1.0 / sample_fps
    for video in videos:
        runs: dict[str, list[float]] = {}
        spans: list[tuple[str, float, float]] = []
        with av.open(video) as container:
            stream = container.streams.video[0]
            tick = 0.0
            for frame in container.decode(stream):
                t = float(frame.time or 0.0)
                if t < tick - 1e-9:
                    continue
                tick += step * (1 + int((t - tick) // step))
                bits, quality = _pdq(frame.to_ndarray(format="rgb24"))
                for name, code in codes.items():
                    hit = quality >= T.PDQ_MIN_QUALITY and int(np.count_nonzero(bits != code)) <= T.PDQ_SAME
                    if hit:
                        run = runs.setdefault(name, [t, t])
                        run[1] = t
                    elif name in runs:
                        first, last = runs.pop(name)
                        spans.append((name, first, last + step))
        spans.extend((name, first, last + step) for name, (first, last) in runs.items())
        found[video] = spans
    return found, time.perf_counter() - started
