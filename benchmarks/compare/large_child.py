"""Child process of the 12-MP timing (see ``large.py``): ``MODE ORIGINAL COPY`` -> one JSON line.

MODE ``engine`` times ``simforensics.compare.compare_files`` (reads and decodes both files);
``baseline`` times reading both files with Pillow plus the naive SSIM baseline. Imports are not
timed. Output: ``{"seconds", "peak_rss_mb", "label"}``.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import cv2


def main() -> None:
    mode, original, copy = sys.argv[1:4]
    cv2.setNumThreads(1)
    if mode == "engine":
        # Modules the engine imports lazily (portrait models, metadata readers and C2PA, wavelets
        # for wHash, Pillow's format plugins): imports are not timed.
        import c2pa  # noqa: F401
        import pywt  # noqa: F401
        import scipy.fftpack  # noqa: F401
        from mediapipe.python.solutions import (  # noqa: F401
            face_detection,
            face_mesh,
            pose,
            selfie_segmentation,
        )
        from PIL import Image

        Image.init()

        import simforensics.provenance  # noqa: F401
        from simforensics.compare import compare_files
        from simforensics.options import CompareOptions

        start = time.perf_counter()
        result = compare_files(CompareOptions(original=original, copy=copy))
        seconds = time.perf_counter() - start
        verdict = getattr(result, "verdict", None)
        label = getattr(verdict, "label", None)
    else:
        import numpy as np
        from PIL import Image

        from benchmarks.compare import baseline

        start = time.perf_counter()
        a = np.asarray(Image.open(original).convert("RGB"))
        b = np.asarray(Image.open(copy).convert("RGB"))
        label = baseline.compare(a, b).label
        seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_rss_mb": _peak_rss_kb() / 1024, "label": label}))


def _peak_rss_kb() -> int:
    """This program's peak resident memory. ru_maxrss would not do: Linux carries it across
    exec, so a child started by a large parent reports the parent's peak. VmHWM belongs to the
    address space, which exec replaces."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    main()
