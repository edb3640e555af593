"""Where the change mask parts from the true mask, on one kind of local edit.

``python -m benchmarks.compare.misses --kind watermark [--seed 0] [--quick]`` runs the engine on
the compare corpus's locally-edited pairs of that kind and splits, per pair and in total:

- missed truth pixels by whether the copy shows any change there: the copy is brought into
  ORIGINAL's frame through the true matrix and compared with the original under the pair's
  global colour mapping (the fit the change detector makes, on the pixels well away from the
  edit); a pixel is *invisible* when its difference is within the pair's own noise (the 99th
  percentile of that difference away from the edit, at least 2 levels: JPEG, resampling);
- missed truth pixels inside a hole of the predicted mask (a letter's loop left open) or
  outside it (a stroke's outer edge, a stroke not found);
- predicted pixels outside the truth (extra).

The truth is the benchmark's own (``transforms.truth_mask``: the edit's difference smoothed,
thresholded, closed and hole-filled within the edit's support grown by 3 pixels); nothing here
changes it. What the figures show: how much of the IoU gap is truth no detector comparing the
two pictures can see, and how much is the detector's to win.
"""

from __future__ import annotations

import argparse
import sys

import cv2
import numpy as np

from simforensics.changes import fill_holes, global_colour_prediction

from . import corpus, metrics

# Pixels within this reach of the true mask are left out of the colour fit and of the noise
# estimate: an edit's soft edge is not noise.
_AWAY = 15
# Share of the difference away from the edit that is the pair's noise, and its floor in levels.
_NOISE_QUANTILE = 99.0
_NOISE_FLOOR = 2.0

_COUNTS = ("truth", "missed", "invisible", "in_loop", "in_loop_invisible", "visible_outside", "extra")


def split_misses(pair: corpus.Pair, mask: np.ndarray) -> dict[str, float]:
    """Pixel counts of ``_COUNTS`` and the IoU for one pair and its predicted ``mask``."""
    h, w = pair.original.shape[:2]
    coverage = metrics.true_coverage(pair.original.shape, pair.copy.shape, pair.matrix)
    valid = coverage & (mask != 128)
    truth, predicted = pair.mask & valid, (mask == 255) & valid
    warped = cv2.warpPerspective(pair.copy, np.asarray(pair.matrix, float), (w, h), flags=cv2.INTER_LINEAR)
    away = coverage & ~cv2.dilate(pair.mask.view(np.uint8), np.ones((2 * _AWAY + 1,) * 2, np.uint8)).astype(bool)
    difference = np.abs(warped.astype(np.float32) - global_colour_prediction(pair.original, warped, away)).max(axis=2)
    noise = max(_NOISE_FLOOR, float(np.percentile(difference[away], _NOISE_QUANTILE))) if away.any() else _NOISE_FLOOR
    invisible = difference <= noise
    in_loop = fill_holes(mask == 255) & ~(mask == 255)
    missed = truth & ~predicted
    counts = {
        "truth": truth, "missed": missed, "invisible": missed & invisible, "in_loop": missed & in_loop,
        "in_loop_invisible": missed & in_loop & invisible, "visible_outside": missed & ~in_loop & ~invisible,
        "extra": predicted & ~truth,
    }
    result: dict[str, float] = {name: int(np.count_nonzero(counts[name])) for name in _COUNTS}
    result["noise"] = noise
    result["iou"] = metrics.mask_iou(mask, pair.mask, coverage)
    # ... and with the truth the copy does not show left unscored (as not-covered pixels are).
    result["iou_visible"] = metrics.mask_iou(mask, pair.mask, coverage & ~(pair.mask & invisible))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare.misses", description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="watermark", help="edit kind: the family's first part (default watermark)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--quick", action="store_true", help="the quick corpus's pairs only")
    args = parser.parse_args(argv)
    from simforensics.compare import compare_images

    specs = [s for s in corpus.plan(args.quick) if s.category == "locally-edited" and s.family.split("+")[0] == args.kind]
    if not specs:
        print(f"no locally-edited pair of kind {args.kind!r}", file=sys.stderr)
        return 2
    totals = dict.fromkeys(_COUNTS, 0)
    ious, visible_ious = [], []
    print(f"{'pair':34s} {'IoU':>5s} {'truth':>6s} {'missed':>6s} {'invis.':>6s} {'loop':>6s} {'vis.out':>7s} "
          f"{'extra':>6s} {'noise':>5s} {'IoU vis.':>8s}")
    for spec in specs:
        pair = corpus.build(spec, args.seed)
        cv2.setRNGSeed(args.seed)
        mask = np.asarray(compare_images(pair.original, pair.copy).change_mask)
        r = split_misses(pair, mask)
        ious.append(r["iou"])
        visible_ious.append(r["iou_visible"])
        for name in _COUNTS:
            totals[name] += r[name]
        print(f"{spec.index:03d}-{spec.family:30s} {r['iou']:5.3f} {r['truth']:6d} {r['missed']:6d} {r['invisible']:6d} "
              f"{r['in_loop']:6d} {r['visible_outside']:7d} {r['extra']:6d} {r['noise']:5.1f} {r['iou_visible']:8.3f}")
    t, m = max(1, totals["truth"]), max(1, totals["missed"])
    print(f"\n{args.kind}, seed {args.seed}, {len(ious)} pairs: mean IoU {np.mean(ious):.3f}; "
          f"{np.mean(visible_ious):.3f} with the truth the copy does not show left unscored")
    print(f"  missed truth pixels: {totals['missed']} ({totals['missed'] / t:.1%} of the truth)")
    print(f"    invisible (copy = original within the pair's noise): {totals['invisible'] / m:.1%} of them")
    print(f"    inside a loop of the predicted mask: {totals['in_loop'] / m:.1%} "
          f"({totals['in_loop_invisible'] / m:.1%} invisible)")
    print(f"    visible, outside loops: {totals['visible_outside'] / m:.1%} ({totals['visible_outside'] / t:.1%} of the truth)")
    print(f"  extra predicted pixels: {totals['extra']} ({totals['extra'] / t:.1%} of the truth)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
