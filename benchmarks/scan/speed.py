"""Feature-extraction speed on 3-megapixel JPEGs, beside imagehash's default path and the decode.

All three are timed in this process, on one core, on the same files, interleaved round by round
(other work on the machine slows all three alike); each figure is the median over rounds, each
ratio the median of the rounds' ratios.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import imagehash
import numpy as np
from PIL import Image

from benchmarks.compare import sources
from simforensics import thresholds as T
from simforensics.evidence import DEFAULT_MAX_PIXELS
from simforensics.scan.jobs import extract

SIZE = (2048, 1536)  # 3.1 megapixels


def make_photos(folder: Path, count: int, seed: int) -> list[Path]:
    """Camera-like 3-MP JPEGs: shipped pictures enlarged, with sensor-like grain, quality 90."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for i in range(count):
        name = sources.ORIGINALS[i % len(sources.ORIGINALS)]
        big = cv2.resize(sources.load(name), SIZE, interpolation=cv2.INTER_CUBIC).astype(np.float32)
        big += rng.normal(0, 3.0, big.shape).astype(np.float32)
        path = folder / f"photo-{i:03d}.jpg"
        Image.fromarray(np.clip(big, 0, 255).astype(np.uint8)).save(path, quality=90)
        paths.append(path)
    return paths


def _imagehash_default(path: Path) -> None:
    imagehash.phash(Image.open(path))


def _reduced_decode(path: Path) -> None:
    image = Image.open(path)
    w, h = image.size
    factor = T.SCAN_FEATURE_SIDE / max(w, h)
    image.draft(None, (int(w * factor), int(h * factor)))
    image.load()


def _ours(path: Path) -> None:
    extracted = extract((str(path), DEFAULT_MAX_PIXELS))
    assert extracted.features is not None, extracted.error


def measure(paths: list[Path], rounds: int) -> dict[str, float]:
    """Files per second of each path (median over rounds), and ours as a multiple of imagehash's
    and of the decode's rate: the median of the rounds' own ratios (a round times all three
    back to back, so a slow spell of the machine falls on all three alike)."""
    cv2.setNumThreads(1)
    timings: dict[str, list[float]] = {"imagehash": [], "decode": [], "ours": []}
    functions = {"imagehash": _imagehash_default, "decode": _reduced_decode, "ours": _ours}
    for path in paths[:2]:  # warm the file cache and the libraries
        for function in functions.values():
            function(path)
    for _ in range(rounds):
        for name, function in functions.items():
            started = time.perf_counter()
            for path in paths:
                function(path)
            timings[name].append(len(paths) / (time.perf_counter() - started))
    rates = {name: float(np.median(values)) for name, values in timings.items()}
    ours = np.array(timings["ours"])
    rates["to_imagehash"] = float(np.median(ours / np.array(timings["imagehash"])))
    rates["to_decode"] = float(np.median(ours / np.array(timings["decode"])))
    return rates
