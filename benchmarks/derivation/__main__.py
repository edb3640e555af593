"""Run the derivation benchmark: ``python -m benchmarks.derivation [--seed N] [--quick] [--skip-timing]``.

Builds the pairs (``corpus.py``) from the development and the held-out pictures, runs
``simforensics.compare.compare_images`` on every pair in both argument orders with each file's
facts (format, JPEG tables), applies the naive baseline (``baseline.py``) to the same pairs, times
the derivation on a 1-megapixel pair, prints the table (``report.py``) and writes every result to
``benchmarks/out/derivation-results.json``. The portrait models are left out of the comparisons
(``with_people=False``): the derivation does not read them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import cv2

from benchmarks import write_results
from benchmarks.derivation import baseline, corpus, report
from simforensics.compare import compare_images
from simforensics.derivation import derive, facts_from_bytes
from simforensics.environment import engine_fingerprint

OUT_DIR = REPO_ROOT / "benchmarks" / "out"


def _evaluate(pair: corpus.Pair, half: str, seed: int) -> list[dict]:
    files = {"parent": pair.parent, "child": pair.child}
    pixels = {name: corpus.decode(data) for name, data in files.items()}
    facts = {name: facts_from_bytes(data) for name, data in files.items()}
    rows = []
    for first, second in (("parent", "child"), ("child", "parent")):
        cv2.setRNGSeed(seed)  # RANSAC: reproducible runs
        m = compare_images(pixels[first], pixels[second], with_people=False, facts=(facts[first], facts[second]))
        d = m.derivation
        truth = "undetermined" if pair.family == "identical" else ("original" if first == "parent" else "copy")
        sizes = [(pixels[n].shape[0] * pixels[n].shape[1], len(files[n])) for n in (first, second)]
        rows.append({
            "name": pair.name, "family": pair.family, "half": half, "order": f"{first}-{second}", "truth": truth,
            "ours": str(d.likely_original), "confidence": d.confidence, "score": d.score,
            "cues": [{"name": c.name, "points_to": str(c.points_to), "strength": str(c.strength), "detail": c.detail}
                     for c in d.cues],
            "label": str(m.verdict.label), "baseline": baseline.decide(*sizes),
        })
    return rows


def _timing(seed: int, runs: int = 5) -> dict:
    """The derivation's cost on a 1-MP pair (astronaut enlarged to 1024 x 1024, against a reduced
    JPEG of it), one OpenCV thread: derive() alone, and the comparison it is part of."""
    cv2.setNumThreads(1)
    base = cv2.resize(corpus.sources.load("astronaut"), (1024, 1024), interpolation=cv2.INTER_CUBIC)
    parent = corpus.encode(base, "PNG")
    child = corpus.encode(cv2.resize(base, (800, 800), interpolation=cv2.INTER_AREA), "JPEG", 85)
    a, b = corpus.decode(parent), corpus.decode(child)
    facts = (facts_from_bytes(parent), facts_from_bytes(child))
    cv2.setRNGSeed(seed)
    m = compare_images(a, b, with_people=False, facts=facts)  # warm-up, and the measurement derive() reads
    derivation_times, compare_times = [], []
    for _ in range(runs):
        start = time.perf_counter()
        derive(a, b, alignment=m.alignment, changes=m.changes, identical=False, facts=facts)
        derivation_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        compare_images(a, b, with_people=False, facts=facts)
        compare_times.append(time.perf_counter() - start)
    d, c = statistics.median(derivation_times), statistics.median(compare_times)
    cv2.setNumThreads(-1)
    return {"megapixels": a.shape[0] * a.shape[1] / 1e6, "runs": runs, "derivation_seconds": d,
            "compare_seconds": c, "share": d / c}


def _timing_in_a_child(seed: int) -> dict:
    """``_timing`` in a fresh process on one core (``taskset -c 0`` when available) with BLAS and
    OpenMP threads 1, as the resemblance benchmark times its profile."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               NUMEXPR_NUM_THREADS="1", PYTHONPATH=str(REPO_ROOT))
    command = [sys.executable, "-m", "benchmarks.derivation", "--timing-child", "--seed", str(seed)]
    if shutil.which("taskset"):
        command = ["taskset", "-c", "0", *command]
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.derivation", description=__doc__.split("\n\n")[1],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--quick", action="store_true", help="two pictures of each half instead of five")
    parser.add_argument("--skip-timing", action="store_true", help="skip the 1-megapixel timing")
    parser.add_argument("--timing-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=OUT_DIR / "derivation-results.json", help="per-pair results JSON")
    args = parser.parse_args(argv)
    if args.timing_child:
        print(json.dumps(_timing(args.seed)))
        return 0
    started = time.perf_counter()
    halves = {"development": corpus.DEVELOPMENT, "held-out": corpus.HELD_OUT}
    if args.quick:
        halves = {half: names[:2] for half, names in halves.items()}
    results: list[dict] = []
    for half, names in halves.items():
        pairs = corpus.build(names, args.seed)
        for number, pair in enumerate(pairs, start=1):
            results += _evaluate(pair, half, args.seed)
            print(f"\r[{half} {number:3d}/{len(pairs)}] {pair.name[:60]:60s}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
    identical = [r for r in results if r["family"] == "identical"]
    related = [r for r in results if r["family"] != "identical"]
    meta = {
        "seed": args.seed, "quick": args.quick, "engine_sources_sha256": engine_fingerprint(),
        "development": list(halves["development"]), "held_out": list(halves["held-out"]),
        "identical": {"n": len(identical), "ours": sum(r["ours"] == "undetermined" for r in identical),
                      "baseline": sum(r["baseline"] == "undetermined" for r in identical)},
    }
    timing = None if args.skip_timing else _timing_in_a_child(args.seed)
    summary = report.summarize(related)
    report.render(summary, ("development", "held-out", "both"), timing, meta)
    wrong = [r for r in related if r["ours"] not in ("undetermined", r["truth"])]
    for r in wrong:
        print(f"wrong: {r['name']} ({r['order']}): {r['ours']}; " + "; ".join(
            f"{c['name']} -> {c['points_to']} ({c['strength']})" for c in r["cues"] if c["points_to"] != "undetermined"))
    meta["seconds_total"] = time.perf_counter() - started
    document = {"schema": "simforensics.benchmark.derivation/1", "meta": meta, "timing": timing, "summary": summary,
                "pairs": results}
    write_results(args.out, document, meta["seconds_total"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
