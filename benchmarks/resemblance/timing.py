"""What the resemblance profile adds to one 1-megapixel comparison, on one core.

The pair: scikit-image's astronaut enlarged to 1024 x 1024 against matplotlib's Grace Hopper
enlarged to 936 x 1092 (both about 1.05 megapixels, cubic): two portraits, so every dimension has
something to measure (faces, a body, a posture), the profile's dearest case. A fresh
``python -m benchmarks.resemblance.timing_child`` runs under ``taskset -c 0`` when available,
with OpenMP/BLAS threads 1 and ``cv2.setNumThreads(1)``; after one warm-up comparison (models
built, builtin reference read) it times

- ``compare_images(original, copy)`` as compare runs it, profile included (median of RUNS);
- the profile's own work, as ``compare_images`` does it: both pictures described
  (``resemblance.profile.describe(view_of(preview, people))``) and the pair placed in the
  builtin reference (``resemblance_profile``), the people found beforehand, since the regions
  need them anyway (median of PROFILE_RUNS).

The same work without the profile is the difference of the two.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["PROFILE_RUNS", "RUNS", "TARGET_SECONDS", "run"]

RUNS = 5
PROFILE_RUNS = 9
TARGET_SECONDS = 0.3


def run(repo_root: Path) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               NUMEXPR_NUM_THREADS="1", PYTHONPATH=str(repo_root))
    command = [sys.executable, "-m", "benchmarks.resemblance.timing_child", str(RUNS), str(PROFILE_RUNS)]
    pinned = shutil.which("taskset") is not None
    if pinned:
        command = ["taskset", "-c", "0", *command]
    done = subprocess.run(command, cwd=repo_root, env=env, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"error": f"child exited {done.returncode}: {tail}", "pinned_to_one_core": pinned}
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["pinned_to_one_core"] = pinned
    result["without_profile_seconds"] = result["compare_seconds"] - result["profile_seconds"]
    return result
