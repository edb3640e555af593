"""Run the compare benchmark: ``python -m benchmarks.compare [--quick] [--seed N] [--skip-large] [--skip-portraits]``.

For every pair of the seeded corpus (``corpus.py``) it runs the engine
(``simforensics.compare.compare_images``, imported lazily) and the naive SSIM baseline
(``baseline.py``), scores both against the known answers (``metrics.py``), prints the report
(``report.py``), and writes every pair's truth and predictions to
``benchmarks/out/compare-results.json``. ``--only-baseline`` runs without the engine.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import cv2
import numpy as np
from PIL import Image

from benchmarks import write_results
from benchmarks.compare import (
    baseline,
    corpus,
    figures,
    large,
    metrics,
    portraits,
    report,
)
from simforensics.environment import engine_fingerprint  # which engine was measured

OUT_DIR = REPO_ROOT / "benchmarks" / "out"


def load_engine():
    """``compare_images`` if the engine provides it, else (None, reason)."""
    try:
        from simforensics.compare import compare_images
    except ImportError as exc:
        return None, str(exc)
    return compare_images, "simforensics.compare.compare_images"


def _matrix(m) -> list[list[float]] | None:
    return None if m is None else np.asarray(m, float).round(6).tolist()


def _score_mask(mask: np.ndarray, pair: corpus.Pair, coverage: np.ndarray | None, out: dict) -> None:
    """Record the changed fraction and, on locally-edited pairs, IoU and lost coverage."""
    h, w = pair.original.shape[:2]
    if mask is None or mask.shape != (h, w):
        out["error"] = out.get("error") or f"change_mask shape {None if mask is None else mask.shape}, expected {(h, w)}"
        if pair.mask is not None:
            out["mask_iou"] = 0.0
        return
    known = mask != 128
    out["changed_fraction"] = float((mask == 255).sum() / max(1, known.sum()))
    if pair.mask is not None and coverage is not None:
        out["mask_iou"] = metrics.mask_iou(mask, pair.mask, coverage)
        out["lost_coverage"] = float(((mask == 128) & coverage).sum() / max(1, coverage.sum()))
        valid = coverage & known
        out["mask_fraction"] = float(((mask == 255) & valid).sum() / max(1, valid.sum()))


def _geometry(matrix, pair: corpus.Pair, out: dict) -> None:
    if pair.matrix is not None and pair.truth in ("near-duplicate", "locally-edited") and matrix is not None:
        out["corner_error"] = metrics.corner_error(matrix, pair.matrix, pair.copy.shape)


def evaluate(pair: corpus.Pair, engine, seed: int) -> tuple[dict, dict]:
    """Score one pair; returns (result dict for the JSON, masks for --save-failures)."""
    coverage = metrics.true_coverage(pair.original.shape, pair.copy.shape, pair.matrix) if pair.mask is not None else None
    result: dict = {
        "name": pair.name,
        "category": pair.truth,
        "family": pair.family,
        "transform": pair.transform,
        "original_size": [pair.original.shape[1], pair.original.shape[0]],
        "copy_size": [pair.copy.shape[1], pair.copy.shape[0]],
        "truth": {
            "label": pair.truth,
            "matrix": _matrix(pair.matrix),
            "mirrored": pair.mirrored,
            "global_only": pair.global_only,
            "mask_fraction": None if pair.mask is None else float(pair.mask.mean()),
        },
    }
    masks: dict = {"truth": pair.mask}

    start = time.perf_counter()
    b = baseline.compare(pair.original, pair.copy)
    base = {"label": b.label, "similarity": b.similarity, "seconds": time.perf_counter() - start,
            "aligned": True, "mirrored": False, "mirror_claimed": False, "matrix": _matrix(b.matrix)}
    _score_mask(b.mask, pair, coverage, base)
    _geometry(b.matrix, pair, base)
    result["baseline"] = base
    masks["baseline"] = b.mask

    if engine is None:
        result["ours"] = None
        return result, masks
    ours: dict = {"label": "error", "similarity": None}
    cv2.setRNGSeed(seed)  # in case the engine uses OpenCV's RNG (RANSAC): keep runs reproducible
    start = time.perf_counter()
    try:
        c = engine(pair.original, pair.copy)
        ours["seconds"] = time.perf_counter() - start
        ours["label"] = str(c.verdict.label)
        ours["similarity"] = float(c.verdict.similarity)
        aligned = bool(c.alignment.aligned)
        ours["aligned"] = aligned
        ours["mirrored"] = bool(c.alignment.mirrored)
        ours["mirror_claimed"] = aligned and ours["mirrored"]
        matrix = np.asarray(c.alignment.matrix, float) if aligned and c.alignment.matrix is not None else None
        ours["matrix"] = _matrix(matrix)
        _geometry(matrix, pair, ours)
        mask = None if c.change_mask is None else np.asarray(c.change_mask)
        _score_mask(mask, pair, coverage, ours)
        masks["ours"] = mask
    except Exception as exc:  # noqa: BLE001 - a crash is a wrong answer, not the end of the benchmark
        ours.setdefault("seconds", time.perf_counter() - start)
        ours["error"] = f"{type(exc).__name__}: {exc}"
        if pair.mask is not None:
            ours["mask_iou"] = 0.0
    result["ours"] = ours
    return result, masks


def _failed(result: dict) -> bool:
    ours = result["ours"]
    if ours is None:
        return False
    return (ours["label"] != result["truth"]["label"] or (ours.get("mask_iou") is not None and ours["mask_iou"] < 0.5)
            or (ours.get("corner_error") or 0) > 3 or bool(ours.get("error")))


def _save_failure(folder: Path, pair: corpus.Pair, masks: dict) -> None:
    target = folder / re.sub(r"[^A-Za-z0-9_.+-]+", "_", pair.name)
    target.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pair.original).save(target / "original.png")
    Image.fromarray(pair.copy).save(target / "copy.png")
    for key in ("truth", "ours", "baseline"):
        m = masks.get(key)
        if m is not None and m.ndim == 2:
            Image.fromarray(m.astype(np.uint8) * 255 if m.dtype == bool else m.astype(np.uint8)).save(target / f"mask-{key}.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.compare",
        description="Accuracy and speed benchmark of simforensics compare against known answers, "
                    "with a naive SSIM baseline beside it. Run from the repository root.")
    parser.add_argument("--quick", action="store_true", help="about 40 pairs instead of about 200")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--skip-large", action="store_true", help="skip the 12-megapixel timing")
    parser.add_argument("--skip-portraits", action="store_true", help="skip the portrait-regions and figures benchmarks")
    parser.add_argument("--only-baseline", action="store_true", help="run without the engine (baseline figures only)")
    parser.add_argument("--filter", metavar="TEXT", help="only pairs whose 'category/index-family' contains TEXT")
    parser.add_argument("--save-failures", action="store_true",
                        help="write pictures and masks of failing pairs to benchmarks/out/compare-failures/")
    parser.add_argument("--out", type=Path, default=OUT_DIR / "compare-results.json", help="per-pair results JSON")
    parser.add_argument("--from-json", type=Path, metavar="PATH", help="re-print the report of an earlier run")
    args = parser.parse_args(argv)

    if args.from_json:
        document = json.loads(args.from_json.read_text())
        summary = report.summarize(document["pairs"], document["summary"].get("large"))
        report.render(summary, document["pairs"], document["meta"])
        if document.get("portraits"):
            portraits.render(document["portraits"])
        if document.get("figures"):
            figures.render(document["figures"])
        return 0

    engine, engine_name = (None, "not run (--only-baseline)") if args.only_baseline else load_engine()
    if engine is None and not args.only_baseline:
        print(f"cannot import the engine ({engine_name}); use --only-baseline to run the baseline alone", file=sys.stderr)
        return 2

    specs = corpus.plan(args.quick)
    if args.filter:
        specs = [s for s in specs if args.filter in f"{s.category}/{s.index:03d}-{s.family}"]
        if not specs:
            print(f"no pair matches --filter {args.filter!r} (it is matched against 'category/index-family')",
                  file=sys.stderr)
            return 2
    failures_dir = OUT_DIR / "compare-failures"
    if args.save_failures and failures_dir.is_dir():
        shutil.rmtree(failures_dir)  # only this run's failures
    results = []
    started = time.perf_counter()
    interactive = sys.stderr.isatty()
    for i, spec in enumerate(specs, 1):
        pair = corpus.build(spec, args.seed)
        result, masks = evaluate(pair, engine, args.seed)
        results.append(result)
        if args.save_failures and _failed(result):
            _save_failure(failures_dir, pair, masks)
        if interactive:
            print(f"\r[{i:3d}/{len(specs)}] {pair.name[:70]:70s}", end="", file=sys.stderr, flush=True)
        elif i % 25 == 0 or i == len(specs):
            print(f"[{i:3d}/{len(specs)}] {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    if interactive:
        print(file=sys.stderr)

    large_results: dict[str, dict] = {}
    if not args.skip_large:
        print("12-MP timing ...", file=sys.stderr, flush=True)
        large_results["baseline"] = large.run(args.seed, "baseline", REPO_ROOT)
        if engine is not None:
            large_results["ours"] = large.run(args.seed, "engine", REPO_ROOT)

    portrait_summary = figure_summary = None
    if engine is not None and not args.skip_portraits and not args.filter:
        print("portrait regions ...", file=sys.stderr, flush=True)
        portrait_summary = portraits.run(args.seed)
        print("painted, drawn and non-human figures ...", file=sys.stderr, flush=True)
        figure_summary = figures.run(args.seed)

    meta = {"seed": args.seed, "quick": args.quick, "engine": engine_name, "filter": args.filter,
            "engine_sources_sha256": engine_fingerprint(),
            "pairs": len(results), "seconds_total": time.perf_counter() - started}
    summary = report.summarize(results, large_results)
    report.render(summary, results, meta)
    if portrait_summary is not None:
        portraits.render(portrait_summary)
    if figure_summary is not None:
        figures.render(figure_summary)
    document = {"schema": "simforensics.benchmark.compare/1", "meta": meta, "summary": summary, "pairs": results,
                "portraits": portrait_summary, "figures": figure_summary}
    write_results(args.out, document, meta["seconds_total"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
