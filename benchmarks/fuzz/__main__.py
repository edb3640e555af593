"""Bounded fuzzing of image intake and the metadata readers.

    .venv/bin/python -m benchmarks.fuzz [--seconds 120] [--seed 0]

Hypothesis draws a seed file (``fixtures/fuzz_inputs.py``: pictures with EXIF, XMP, PNG text,
AI-generation records, ICC, C2PA, …) and up to four byte mutations, writes the result to a file
and reads it the way ``compare``/``inspect`` do (pixels and provenance) and the way ``scan`` does
(reduced decode). Anything raised other than a one-line refusal (``EvidenceError``) is a crash:
Hypothesis shrinks it, and the smallest input is saved under ``benchmarks/out/fuzz-crashes/``
with its traceback, to become a regression test. Runs rounds of examples until the time is up.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
import traceback
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from hypothesis import HealthCheck, given, seed, settings

from fixtures.fuzz_inputs import MAX_PIXELS, apply_mutations, mutations, seed_files
from simforensics import thresholds as T
from simforensics.errors import EvidenceError
from simforensics.evidence import load_evidence
from simforensics.scan.decode import read_reduced
from simforensics.scan.jobs import extract

OUT = REPO_ROOT / "benchmarks" / "out" / "fuzz-crashes"


def read_like_the_tool(path: Path) -> str:
    """'ok' or 'refused'; raises on a crash."""
    outcome = "ok"
    try:
        load_evidence(path, max_pixels=MAX_PIXELS, with_provenance=True)
    except EvidenceError:
        outcome = "refused"
    extract((str(path), MAX_PIXELS))  # scan's feature path: a bad file comes back as an error
    try:
        read_reduced(path, side=T.SCAN_VERIFY_SIDE, max_pixels=MAX_PIXELS)  # scan's verification
    except EvidenceError:
        pass
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    seeds = seed_files()
    counts = {"ok": 0, "refused": 0}
    crashes: dict[str, str] = {}
    folder = Path(tempfile.mkdtemp(prefix="simforensics-fuzz-"))
    target = folder / "input"

    @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=mutations())
    def property_reads_never_crash(case: tuple[str, list[tuple]]) -> None:
        name, ops = case
        target.write_bytes(apply_mutations(seeds[name], ops))
        counts[read_like_the_tool(target)] += 1

    started, rounds = time.monotonic(), 0
    while time.monotonic() - started < args.seconds:
        try:
            seed(args.seed * 100_003 + rounds)(property_reads_never_crash)()
        except Exception as exc:  # noqa: BLE001 - a crash: keep the shrunk input and go on
            data = target.read_bytes()
            key = hashlib.sha256(data).hexdigest()[:16]
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / f"{key}.bin").write_bytes(data)
            (OUT / f"{key}.txt").write_text("".join(traceback.format_exception(exc)))
            crashes[key] = f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
        rounds += 1
    seconds = time.monotonic() - started
    total = counts["ok"] + counts["refused"]
    print(f"fuzzed image intake and metadata readers for {seconds:.0f} s, {len(seeds)} seed files")
    print(f"  examples read: {total} ({total / max(seconds, 1e-9):.0f}/s); read {counts['ok']}, refused in one line {counts['refused']}")
    print(f"  crashes: {len(crashes)}")
    for key, message in crashes.items():
        print(f"    {OUT.relative_to(REPO_ROOT)}/{key}.bin  {message}")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
