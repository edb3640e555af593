"""Style on renderings the benchmark does not use: ``python -m benchmarks.resemblance.other_styles``.

The benchmark's style-only pairs are painted in three styles (``making.STYLES``). This check
paints the shipped pictures that the benchmark paints (``corpus.NOT_PAINTED`` left out) in eleven
other renderings, OpenCV's filters and simple print processes, and counts, for every pair of
pictures of different genres painted alike, whether the style dimension is ``distinctive``:
against the builtin reference (all pictures; in-sample) and against the held-out reference
(``heldout.py``: pairs of the benchmark half only). Controls, counted the same way: the same pairs
unpainted (unrelated works: about 1 % by construction of the distinctive level), and the pairs
painted in two different renderings (informative only: two renderings may share traits).
Only the style dimension is computed, on each picture reduced as ``compare`` reduces it.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import cv2
import numpy as np

from benchmarks.resemblance import heldout, making
from benchmarks.resemblance import sources as S
from benchmarks.resemblance.corpus import NOT_PAINTED
from simforensics import thresholds as T
from simforensics.resample import shrink_to_side
from simforensics.resemblance import style
from simforensics.resemblance.model import Likeness, PictureView
from simforensics.resemblance.reference import Reference, builtin_reference, place

SIDE = 448  # the benchmark's pictures are 384-512 px


def _halftone(rgb: np.ndarray, cell: int = 6) -> np.ndarray:
    """Black dots on white, each cell's dot as large as the cell is dark (a newspaper print)."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
    h, w = grey.shape
    cells = cv2.resize(grey, (max(1, w // cell), max(1, h // cell)), interpolation=cv2.INTER_AREA)
    darkness = cv2.resize(cells, (w, h), interpolation=cv2.INTER_NEAREST)
    yy, xx = np.mgrid[0:h, 0:w]
    offset_y, offset_x = yy % cell - cell / 2 + 0.5, xx % cell - cell / 2 + 0.5
    radius = np.sqrt(np.clip(1 - darkness, 0, 1)) * cell * 0.7
    out = np.where(offset_y**2 + offset_x**2 <= radius**2, 0, 255).astype(np.uint8)
    return np.repeat(out[:, :, None], 3, axis=2)


def _bgr_filter(rgb: np.ndarray, apply) -> np.ndarray:
    return cv2.cvtColor(apply(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)), cv2.COLOR_BGR2RGB)


def _mosaic(rgb: np.ndarray, cell: int = 8) -> np.ndarray:
    h, w = rgb.shape[:2]
    small = cv2.resize(rgb, (max(1, w // cell), max(1, h // cell)), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)


# Renderings the benchmark's corpus does not use (its styles are oil, stylised and cartoon).
RENDERINGS = {
    "pencil (colour)": lambda rgb: making.painted(rgb, "pencil"),
    "pencil (grey)": lambda rgb: _bgr_filter(rgb, lambda bgr: cv2.cvtColor(
        cv2.pencilSketch(bgr, sigma_s=60, sigma_r=0.07, shade_factor=0.05)[0], cv2.COLOR_GRAY2BGR)),
    "detail enhanced": lambda rgb: _bgr_filter(rgb, lambda bgr: cv2.detailEnhance(bgr, sigma_s=10, sigma_r=0.15)),
    "edge-preserving": lambda rgb: _bgr_filter(rgb, lambda bgr: cv2.edgePreservingFilter(bgr, flags=2, sigma_s=60, sigma_r=0.4)),
    "posterised": lambda rgb: (rgb // 64 * 64 + 32).astype(np.uint8),
    "halftone": _halftone,
    "watercolour": lambda rgb: _bgr_filter(rgb, lambda bgr: cv2.stylization(cv2.GaussianBlur(bgr, (0, 0), 2), sigma_s=120, sigma_r=0.3)),
    "mosaic": _mosaic,
    "heavy oil": lambda rgb: making.painted(rgb, "heavy-oil"),
    "poster": lambda rgb: making.painted(rgb, "poster"),
    "ink": lambda rgb: making.painted(rgb, "ink"),
}


def _describe(rgb: np.ndarray) -> style.StyleDescriptor:
    preview = shrink_to_side(np.ascontiguousarray(rgb), T.PREVIEW_SIDE)
    return style.describe(PictureView(shrink_to_side(preview, T.RESEMBLANCE_SIDE), None))


def _distinctive(a: style.StyleDescriptor, b: style.StyleDescriptor, reference: Reference) -> bool:
    situated = situated_in(reference)
    return place(style.NAME, style.compare(situated(a), situated(b)), reference).finding is Likeness.DISTINCTIVE


def situated_in(reference: Reference):
    """How a descriptor is placed in ``reference`` before it is compared, as ``profile.situated``
    does (an engine whose style has no ``situate`` compares the descriptors as they are)."""
    if not hasattr(style, "situate") or style.NAME not in reference.cohorts:
        return lambda descriptor: descriptor
    rows, works = reference.cohorts[style.NAME]
    return lambda descriptor: style.situate(descriptor, rows, works)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.resemblance.other_styles", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.parse_args(argv)
    pictures = [name for name in S.SOURCES if name not in NOT_PAINTED]
    benchmark_half, reference_half = S.split()
    print("held-out reference ...", file=sys.stderr, flush=True)
    references = {"builtin": builtin_reference(), "held-out": heldout.build(reference_half)}
    originals = {name: S.load(name, SIDE) for name in pictures}
    described = {(name, "unpainted"): _describe(rgb) for name, rgb in originals.items()}
    for how, render in RENDERINGS.items():
        for name, rgb in originals.items():
            described[(name, how)] = _describe(render(rgb))
    pairs = {"builtin": [(a, b) for a, b in itertools.combinations(pictures, 2) if S.genre_of(a) != S.genre_of(b)]}
    pairs["held-out"] = [(a, b) for a, b in pairs["builtin"] if a in benchmark_half and b in benchmark_half]

    def share(reference: str, first: str, second: str) -> tuple[int, int]:
        found = [_distinctive(described[(a, first)], described[(b, second)], references[reference])
                 for a, b in pairs[reference]
                 if described[(a, first)].statistics is not None and described[(b, second)].statistics is not None]
        return sum(found), len(found)

    def cell(counts: tuple[int, int]) -> str:
        return f"{counts[0]:3d}/{counts[1]:<3d} {counts[0] / max(counts[1], 1):5.2f}"

    print(f"\nstyle distinctive on pairs of different-genre pictures ({len(pictures)} pictures, {SIDE} px)")
    print(f"  {'rendering':20s} {'builtin (in-sample)':>20s} {'held-out':>16s}")
    totals = {name: [0, 0] for name in references}
    for how in RENDERINGS:
        row = {name: share(name, how, how) for name in references}
        for name, (hits, n) in row.items():
            totals[name][0] += hits
            totals[name][1] += n
        print(f"  {how:20s} {cell(row['builtin']):>20s} {cell(row['held-out']):>16s}")
    print(f"  {'all, painted alike':20s} {cell(tuple(totals['builtin'])):>20s} {cell(tuple(totals['held-out'])):>16s}")
    unpainted = {name: share(name, "unpainted", "unpainted") for name in references}
    print(f"  {'control: unpainted':20s} {cell(unpainted['builtin']):>20s} {cell(unpainted['held-out']):>16s}")
    otherwise = {name: [0, 0] for name in references}
    for first, second in itertools.combinations(RENDERINGS, 2):
        for name in references:
            hits, n = share(name, first, second)
            otherwise[name][0] += hits
            otherwise[name][1] += n
    print(f"  {'info: two renderings':20s} {cell(tuple(otherwise['builtin'])):>20s} {cell(tuple(otherwise['held-out'])):>16s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
