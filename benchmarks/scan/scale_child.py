"""One scale measurement in its own process: synthetic features for N pictures -> candidates.

``python -m benchmarks.scan.scale_child N`` prints one JSON line: seconds, peak memory (VmHWM, the
process's own high-water mark), candidate count and recall of the planted copies.

Synthetic features have the shapes and statistics the index sees: random 256-bit PDQ codes (8
rotations/mirrors each) and ORB-like descriptors with keypoints; 1 % of the pictures are planted
copies of another: PDQ with 12 % of bits flipped (a mild re-encode; mirrors are in the 8 variants)
and a third of the descriptors kept with 10 % of bits flipped, their keypoints moved by one
similarity transform (a crop/rescale/rotation), the rest new. Only as many descriptors per
picture are made as the index keeps (``SCAN_LOCAL_BUDGET`` / N, at most SCAN_LOCAL_FEATURES).
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from simforensics import thresholds as T
from simforensics.scan.index import LocalFeatures, find_candidates


def _peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _flip(codes: np.ndarray, share: float, rng: np.random.Generator) -> np.ndarray:
    bits = np.unpackbits(codes, axis=-1)
    flips = rng.random(bits.shape) < share
    return np.packbits(bits ^ flips, axis=-1)


def make(n: int, seed: int = 0) -> tuple[np.ndarray, list[LocalFeatures], set[tuple[int, int]]]:
    rng = np.random.default_rng(seed)
    per = max(1, min(T.SCAN_LOCAL_FEATURES, T.SCAN_LOCAL_BUDGET // n))
    pdq = rng.integers(0, 256, (n, 8, 32), dtype=np.uint8)
    descriptors = rng.integers(0, 256, (n, per, 32), dtype=np.uint8)
    points = rng.uniform(20, 236, (n, per, 2)).astype(np.float32)
    copies = rng.choice(n, size=max(1, n // 100), replace=False)
    sources = rng.integers(0, n, len(copies))
    planted = set()
    for copy, source in zip(copies.tolist(), sources.tolist(), strict=True):
        if copy == source:
            continue
        planted.add((min(copy, source), max(copy, source)))
        pdq[copy] = _flip(pdq[source], 0.12, rng)
        kept = rng.random(per) < 0.34
        descriptors[copy, kept] = _flip(descriptors[source, kept], 0.10, rng)
        angle, scale = rng.uniform(-0.26, 0.26), rng.uniform(0.7, 1.4)
        rotation = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        points[copy, kept] = (points[source, kept] - 128) @ rotation.T + 128 + rng.normal(0, 0.7, (kept.sum(), 2))
    mirrored = rng.integers(0, 256, (n, per, 32), dtype=np.uint8)
    local = [LocalFeatures(descriptors[i], mirrored[i], points[i], 256) for i in range(n)]
    return pdq, local, planted


def main() -> None:
    n = int(sys.argv[1])
    pdq, local, planted = make(n)
    started = time.perf_counter()
    candidates = find_candidates(pdq, local)
    seconds = time.perf_counter() - started
    found = {(c.a, c.b) for c in candidates}
    print(json.dumps({
        "n": n, "seconds": seconds, "peak_mb": _peak_mb(), "candidates": len(candidates),
        "planted": len(planted), "recall": len(found & planted) / max(1, len(planted)),
        "descriptors_per_picture": local[0].points.shape[0],
    }))


if __name__ == "__main__":
    main()
