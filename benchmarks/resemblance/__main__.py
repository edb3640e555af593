"""Run the resemblance benchmark: ``python -m benchmarks.resemblance [--quick] [--seed N] [--skip-timing]``.

Makes the held-out reference (``heldout.py``), then for every pair of the seeded corpus
(``corpus.py``) runs ``simforensics.compare.compare_images`` against each reference of its run
(pairs of all pictures: the builtin reference; pairs of the benchmark half: the held-out and the
builtin reference) and the baseline (``baseline.py``), times the profile on one core
(``timing.py``), prints the report (``report.py``) and writes every pair's results to
``benchmarks/out/resemblance-results.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import cv2

from benchmarks import write_results
from benchmarks.resemblance import __doc__ as PACKAGE_DOC
from benchmarks.resemblance import baseline, corpus, heldout, report, timing
from benchmarks.resemblance import sources as S
from simforensics import thresholds as T
from simforensics.compare import compare_images
from simforensics.environment import engine_fingerprint
from simforensics.resemblance.reference import Reference, builtin_reference

OUT_DIR = REPO_ROOT / "benchmarks" / "out"
METHODOLOGY = (
    "The builtin reference is made from the same shipped pictures as the pairs, so results are reported twice:",
    "(a) builtin reference, pairs from all 21 pictures: IN-SAMPLE (every picture is in the reference);",
    "(b) held-out: the pictures split by a fixed rule (sorted by genre and name, dealt alternately), a",
    "    reference made from one half as the builtin one is made (each picture whole and in 3 crops), the",
    "    pairs made only from the other half; (b-control): (b)'s pairs against the builtin reference.",
    "No simforensics threshold is tuned to these pictures.",
)


def distinctive_above(reference: Reference) -> dict[str, float | None]:
    """Per dimension, the score a pair must reach to be distinctive among all of ``reference``'s
    pairs (its percentile reaching RESEMBLANCE_DISTINCTIVE; the percentile rises with the score,
    so it is found by bisection)."""
    floors = {}
    for name in report.DIMENSIONS:
        if reference.percentile(name, 1.0) is None or reference.percentile(name, 1.0) < T.RESEMBLANCE_DISTINCTIVE:
            floors[name] = None
            continue
        low, high = 0.0, 1.0
        for _ in range(30):
            middle = (low + high) / 2
            low, high = (middle, high) if reference.percentile(name, middle) < T.RESEMBLANCE_DISTINCTIVE else (low, middle)
        floors[name] = high
    return floors


def _profile(measurement) -> dict:
    return {d.name: {"score": d.score, "percentile": d.percentile, "finding": str(d.finding)}
            for d in measurement.resemblance.dimensions}


def evaluate(pair: corpus.Pair, pair_set: str, references: dict[str, Reference | None], seed: int) -> dict:
    result = {
        "name": pair.name, "set": pair_set, "kind": pair.kind, "group": pair.group, "shared": pair.shared,
        "sources": [S.short(n) for n in pair.sources], "recipe": pair.recipe,
        "original_size": [pair.original.shape[1], pair.original.shape[0]],
        "copy_size": [pair.copy.shape[1], pair.copy.shape[0]],
        "baseline": baseline.score(pair.original, pair.copy), "ours": {},
    }
    for name, reference in references.items():
        cv2.setRNGSeed(seed)  # in case the engine uses OpenCV's RNG (RANSAC): keep runs reproducible
        start = time.perf_counter()
        m = compare_images(pair.original, pair.copy, reference=reference)
        result["ours"][name] = {
            "seconds": time.perf_counter() - start, "label": str(m.verdict.label),
            "similarity": float(m.verdict.similarity), "aligned": bool(m.alignment.aligned),
            "dimensions": _profile(m),
        }
    return result


def _progress(done: int, total: int, name: str, started: float, interactive: bool) -> None:
    if interactive:
        print(f"\r[{done:3d}/{total}] {name[:70]:70s}", end="", file=sys.stderr, flush=True)
    elif done % 25 == 0 or done == total:
        print(f"[{done:3d}/{total}] {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.resemblance",
        description="Resemblance benchmark of simforensics compare: related, unrelated and one-dimension pairs of "
                    "shipped pictures, against the builtin and a held-out reference, with a naive baseline beside "
                    "it. Run from the repository root.",
        epilog=PACKAGE_DOC.split("Methodology.")[1].split("Metrics")[0].strip() if PACKAGE_DOC else None,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="about 140 comparisons instead of about 380 (under 1.5 min on 2 cores)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--skip-timing", action="store_true", help="skip the 1-megapixel profile timing")
    parser.add_argument("--out", type=Path, default=OUT_DIR / "resemblance-results.json", help="per-pair results JSON")
    parser.add_argument("--from-json", type=Path, metavar="PATH", help="re-print the report of an earlier run")
    args = parser.parse_args(argv)

    if args.from_json:
        document = json.loads(args.from_json.read_text())
        report.render(report.summarize(document["pairs"], document["meta"].get("timing")), document["pairs"],
                      document["meta"])
        return 0

    started = time.perf_counter()
    benchmark_half, reference_half = S.split()
    print("held-out reference ...", file=sys.stderr, flush=True)
    held_out = heldout.build(reference_half)
    runs = [("all", S.SOURCES, {"builtin": None}), ("half", benchmark_half, {"held-out": held_out, "builtin": None})]
    plans = [(pair_set, pictures, references, corpus.plan(pictures, args.quick))
             for pair_set, pictures, references in runs]
    total = sum(len(specs) for *_, specs in plans)
    results, done, interactive = [], 0, sys.stderr.isatty()
    for pair_set, pictures, references, specs in plans:
        for spec in specs:
            pair = corpus.build(spec, args.seed, pictures)
            results.append(evaluate(pair, pair_set, references, args.seed))
            done += 1
            _progress(done, total, pair.name, started, interactive)
    if interactive:
        print(file=sys.stderr)

    timed = None
    if not args.skip_timing:
        print("1-MP profile timing ...", file=sys.stderr, flush=True)
        timed = timing.run(REPO_ROOT)

    meta = {
        "seed": args.seed, "quick": args.quick, "engine_sources_sha256": engine_fingerprint(),
        "methodology": list(METHODOLOGY),
        "benchmark_half": [S.short(n) for n in benchmark_half], "reference_half": [S.short(n) for n in reference_half],
        "held_out_reference": {"pictures": held_out.info.pictures, "pairs": held_out.info.pairs,
                               "measured": {name: len(v) for name, v in held_out.scores.items()}},
        "distinctive_above": {"builtin": distinctive_above(builtin_reference()),
                              "held-out": distinctive_above(held_out)},
        "timing": timed, "pairs": len(results), "seconds_total": time.perf_counter() - started,
    }
    summary = report.summarize(results, timed)
    report.render(summary, results, meta)
    document = {"schema": "simforensics.benchmark.resemblance/1", "meta": meta, "summary": summary, "pairs": results}
    write_results(args.out, document, meta["seconds_total"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
