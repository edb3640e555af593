"""A 1-megapixel picture against a 1,000-picture portfolio, the portfolio already cached.

The portfolio is the benchmark's works plus seeded synthetic pictures (smooth colour fields with
shapes drawn on them, so each has corners of its own); the picture is a collage of the works. The
command line runs twice with the same cache: the first run reads the portfolio, the second is timed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image


def _synthetic(rng: np.random.Generator, side: int) -> np.ndarray:
    h, w = side, int(side * rng.uniform(0.6, 1.4))
    field = cv2.resize(rng.integers(0, 256, (6, 6, 3), dtype=np.uint8), (w, h), interpolation=cv2.INTER_CUBIC)
    for _ in range(int(rng.integers(8, 20))):
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        centre = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        if rng.random() < 0.5:
            axes = (int(rng.integers(5, w // 4)), int(rng.integers(5, h // 4)))
            cv2.ellipse(field, centre, axes, float(rng.uniform(0, 180)), 0, 360, colour, -1)
        else:
            end = (int(rng.integers(0, w)), int(rng.integers(0, h)))
            cv2.line(field, centre, end, colour, int(rng.integers(1, 6)))
    noise = rng.normal(0, 6, field.shape)
    return np.clip(field + noise, 0, 255).astype(np.uint8)


def add_distractors(folder: Path, count: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    for number in range(count):
        Image.fromarray(_synthetic(rng, int(rng.integers(320, 640)))).save(folder / f"synthetic-{number:04d}.jpg", quality=88)


def timed_trace(picture: Path, portfolio: Path, cache: Path, workers: int = 2) -> tuple[float, float, str]:
    """(seconds of the first run, which reads the portfolio; seconds of the second, cached; its stderr)."""
    command = [sys.executable, "-m", "simforensics", "trace", str(picture), "--against", str(portfolio),
               "--cache", str(cache), "--workers", str(workers), "--quiet"]
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, text=True, check=False)
    first = time.perf_counter() - started
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return first, time.perf_counter() - started, done.stderr
