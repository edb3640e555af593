"""Peak memory: compare on two 12000 x 9000 pictures, and a scan of 10,000 pictures.

    .venv/bin/python -m benchmarks.memory [--scan-images 10000] [--workers 2]

Each run is the real command line in a child process; its peak resident memory is read from the
kernel (the largest of the process and its pool workers, ``RUSAGE_CHILDREN``). The pictures are
generated into a temporary folder from scikit-image's sample pictures (seeded) and deleted after.
Bounds (README, "Hostile input"): compare <= 2 GB for two 108-MP pictures; scan <= 1.5 GB for
10,000 pictures.
"""

from __future__ import annotations

import argparse
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
from skimage import data

COMPARE_BOUND_MB = 2048
SCAN_BOUND_MB = 1536


_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
    "sys.stderr.write(done.stderr[-2000:])\n"
)


def _run(command: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of ``command``. A fresh middle process runs it, so
    the kernel's "largest descendant" figure belongs to this command alone (its pool included)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak_kb, code = (int(v) for v in done.stdout.split())
    if code != 0:
        lines = done.stderr.strip().splitlines()
        print(lines[-1] if lines else "(no output)", file=sys.stderr)
    return seconds, peak_kb / 1024, code


def _huge_pair(folder: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(9)
    big = cv2.resize(data.astronaut(), (12000, 9000), interpolation=cv2.INTER_CUBIC)
    big = np.clip(big.astype(np.int16) + rng.integers(-6, 7, big.shape[:2], dtype=np.int16)[..., None], 0, 255).astype(np.uint8)
    original, copy = folder / "original-12000x9000.jpg", folder / "copy-12000x9000.jpg"
    Image.fromarray(big).save(original, quality=90)
    big[2000:3500, 4000:6000] = 255 - big[2000:3500, 4000:6000]
    Image.fromarray(big).save(copy, quality=85)
    return original, copy


def _many_pictures(folder: Path, count: int) -> None:
    """``count`` distinct small JPEGs (smoothed seeded noise, so the work is reading and indexing,
    as in a gallery of unrelated pictures), and one copy of every hundredth to match."""
    rng = np.random.default_rng(10)
    for i in range(count):
        noise = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)
        picture = cv2.resize(noise, (320, 240), interpolation=cv2.INTER_CUBIC)
        Image.fromarray(picture).save(folder / f"{i:05d}.jpg", quality=85)
        if i % 100 == 0:
            Image.fromarray(cv2.resize(picture, (256, 192), interpolation=cv2.INTER_AREA)).save(
                folder / f"{i:05d}-copy.jpg", quality=75)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__.splitlines()[0])
    parser.add_argument("--scan-images", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    cli = [sys.executable, "-m", "simforensics"]
    folder = Path(tempfile.mkdtemp(prefix="simforensics-memory-"))
    rows = []
    try:
        original, copy = _huge_pair(folder)
        seconds, peak, code = _run([*cli, "compare", str(original), str(copy), "--json", str(folder / "r.json"), "-q"])
        rows.append(("compare, two 12000 x 9000 JPEGs", seconds, peak, COMPARE_BOUND_MB, code))
        gallery = folder / "gallery"
        gallery.mkdir()
        started = time.perf_counter()
        _many_pictures(gallery, args.scan_images)
        print(f"({args.scan_images} pictures generated in {time.perf_counter() - started:.0f} s)", file=sys.stderr)
        seconds, peak, code = _run([*cli, "scan", str(gallery), "--no-cache", "--workers", str(args.workers),
                                    "--json", str(folder / "s.json"), "-q"])
        rows.append((f"scan, {args.scan_images} pictures, {args.workers} workers", seconds, peak, SCAN_BOUND_MB, code))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{'run':45s} {'seconds':>8s} {'peak MB':>8s} {'bound MB':>9s}  result")
    ok = True
    for name, seconds, peak, bound, code in rows:
        passed = code == 0 and peak <= bound
        ok &= passed
        print(f"{name:45s} {seconds:8.1f} {peak:8.0f} {bound:9d}  {'PASS' if passed else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
