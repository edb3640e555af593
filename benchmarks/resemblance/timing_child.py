"""Child process of the profile timing (see ``timing.py``): ``RUNS PROFILE_RUNS`` -> one JSON line."""

from __future__ import annotations

import json
import sys
import time

import cv2
import numpy as np


def _median_seconds(work, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), times


def main() -> None:
    runs, profile_runs = int(sys.argv[1]), int(sys.argv[2])
    cv2.setNumThreads(1)
    from simforensics import thresholds as T
    from simforensics.compare import compare_images
    from simforensics.portrait import find_people
    from simforensics.resample import shrink_to_side
    from simforensics.resemblance.profile import describe, resemblance_profile, view_of
    from simforensics.resemblance.reference import builtin_reference

    from . import sources as S

    original = cv2.resize(S.load("skimage:astronaut"), (1024, 1024), interpolation=cv2.INTER_CUBIC)
    copy = cv2.resize(S.load("matplotlib:grace_hopper.jpg"), (936, 1092), interpolation=cv2.INTER_CUBIC)
    label = str(compare_images(original, copy).verdict.label)  # warm-up: models built, reference read
    compare_seconds, compare_runs = _median_seconds(lambda: compare_images(original, copy), runs)

    previews = [shrink_to_side(rgb, T.PREVIEW_SIDE) for rgb in (original, copy)]
    people = [find_people(preview, (rgb.shape[1], rgb.shape[0])) for preview, rgb in zip(previews, (original, copy))]
    reference = builtin_reference()

    def profile() -> None:
        descriptions = [describe(view_of(preview, found)) for preview, found in zip(previews, people)]
        resemblance_profile(*descriptions, reference)

    profile_seconds, profile_times = _median_seconds(profile, profile_runs)
    print(json.dumps({
        "megapixels": [original.shape[0] * original.shape[1] / 1e6, copy.shape[0] * copy.shape[1] / 1e6],
        "label": label, "compare_seconds": compare_seconds, "compare_runs": compare_runs,
        "profile_seconds": profile_seconds, "profile_runs": profile_times,
    }))


if __name__ == "__main__":
    main()
