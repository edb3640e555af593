"""The 12-megapixel timing: one big pair, compared from files in a child process on one core.

ORIGINAL: ``motorcycle_left`` cropped to 4:3, upscaled to 4000x3000 with INTER_CUBIC, plus seeded
multi-scale luminance noise (so the upscale has fine texture and features), saved as PNG. COPY: a
feathered patch of ``astronaut`` pasted into it (about 2 % of the area), scaled by 0.8 with
INTER_AREA, saved as JPEG quality 85. Both go to a temporary folder that is deleted afterwards.

Each of the three runs is a fresh ``python -m benchmarks.compare.large_child`` under
``taskset -c 0`` (when available) with OMP/OpenBLAS/MKL thread counts 1; the child calls
``cv2.setNumThreads(1)``, times ``compare_files`` (decoding included, imports excluded) and reports
peak resident memory (VmHWM). We report the median call time, the median process wall time and the peak RSS.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from fixtures import make_fixtures as F

from . import sources
from . import transforms as T

SIZE = (4000, 3000)
RUNS = 3


def make_pair(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng([seed, 12])
    base = sources.load("motorcycle_left")
    h, w = base.shape[:2]
    cw = min(w, h * 4 // 3)
    base = base[:, (w - cw) // 2 : (w - cw) // 2 + cw]
    big = cv2.resize(base, SIZE, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    texture = F.film_grain(big.shape[:2], rng)
    original = np.clip(big + texture[:, :, None], 0, 255).round().astype(np.uint8)
    donor = cv2.resize(sources.load("astronaut"), (700, 700), interpolation=cv2.INTER_CUBIC)
    x, y = int(rng.integers(800, 2800)), int(rng.integers(600, 1800))
    alpha = np.zeros(original.shape[:2], np.float32)
    cv2.ellipse(alpha, (x + 280, y + 250), (280, 250), 0, 0, 360, 1.0, -1)
    alpha = cv2.GaussianBlur(alpha, (0, 0), 6)
    layer = original.copy()
    layer[y : y + 700, x : x + 700] = donor
    edited = T.blend(original, layer, alpha)
    copy = cv2.resize(edited, (round(SIZE[0] * 0.8), round(SIZE[1] * 0.8)), interpolation=cv2.INTER_AREA)
    return original, copy


def run(seed: int, mode: str, repo_root: Path) -> dict[str, object]:
    """Time ``mode`` ("engine" or "baseline") on the 12-MP pair; returns a summary dict."""
    original, copy = make_pair(seed)
    folder = Path(tempfile.mkdtemp(prefix="simforensics-bench-"))
    try:
        original_path, copy_path = folder / "original.png", folder / "copy.jpg"
        Image.fromarray(original).save(original_path, "PNG")
        Image.fromarray(copy).save(copy_path, "JPEG", quality=85)
        del original, copy
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   NUMEXPR_NUM_THREADS="1", PYTHONPATH=str(repo_root))
        command = [sys.executable, "-m", "benchmarks.compare.large_child", mode, str(original_path), str(copy_path)]
        pinned = shutil.which("taskset") is not None
        if pinned:
            command = ["taskset", "-c", "0", *command]
        runs = []
        for _ in range(RUNS):
            start = time.perf_counter()
            done = subprocess.run(command, cwd=repo_root, env=env, capture_output=True, text=True, timeout=600, check=False)
            wall = time.perf_counter() - start
            if done.returncode != 0:
                tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
                return {"mode": mode, "error": f"child exited {done.returncode}: {tail}"}
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result["process_seconds"] = wall
            runs.append(result)
        return {
            "mode": mode,
            "pinned_to_one_core": pinned,
            "original": {"path": "original.png", "width": SIZE[0], "height": SIZE[1],
                         "bytes": original_path.stat().st_size},
            "copy": {"path": "copy.jpg", "width": round(SIZE[0] * 0.8), "height": round(SIZE[1] * 0.8),
                     "bytes": copy_path.stat().st_size},
            "seconds": float(np.median([r["seconds"] for r in runs])),
            "process_seconds": float(np.median([r["process_seconds"] for r in runs])),
            "peak_rss_mb": float(max(r["peak_rss_mb"] for r in runs)),
            "label": runs[-1].get("label"),
            "runs": runs,
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
