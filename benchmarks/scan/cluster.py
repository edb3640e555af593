"""Scan on a Dask cluster beside the local process pool: images per second and the overhead ratio.

    .venv/bin/python -m benchmarks.scan.cluster            # the scan benchmark's full corpus
    .venv/bin/python -m benchmarks.scan.cluster --quick    # its smaller corpus

Each scan runs in its own process (``cluster_child.py``). Both use the same two cores: the local pool with 2 worker processes, and a
``distributed.LocalCluster`` of 2 worker processes with one thread each on the loopback address
(scheduler and client share the cores with the workers, as the pool's parent does). Every run
starts without a cache, so each decodes every file and verifies every candidate. The two are
interleaved round by round (other work on the machine slows both alike) and each figure is the
median over rounds. The cluster is started once, before the first round, as a real one would be
running already; connecting the client is counted. Overhead ratio = cluster seconds / local
seconds: what batching, scheduling and moving results through the scheduler cost.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from simforensics import thresholds as T
from simforensics.scan.cluster import DaskRunner, batch_size

from . import corpus

WORKERS = 2


def _timed(folder: Path, scheduler: str | None) -> dict:
    """One scan in its own process (``cluster_child``): its seconds, counts and result digest."""
    command = [sys.executable, "-m", "benchmarks.scan.cluster_child", str(folder)] + ([scheduler] if scheduler else [])
    run = subprocess.run(command, capture_output=True, text=True, timeout=3600, check=True)
    return json.loads(run.stdout)


def _empty_task_ms(scheduler: str, tasks: int = 1000) -> float:
    """Milliseconds per task of tasks that do nothing: what scheduling alone costs, end to end."""
    runner = DaskRunner(scheduler)
    try:
        started = time.perf_counter()
        done = sum(1 for _ in runner.map(abs, list(range(tasks)), max_batch=1))
        assert done == tasks
        return 1000 * (time.perf_counter() - started) / tasks
    finally:
        runner.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scan.cluster", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the smaller corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="simforensics-cluster-bench-") as temporary:
        folder = Path(temporary) / "corpus"
        files = len(corpus.build(folder, seed=args.seed, quick=args.quick))
        # Loopback only; no dashboard, and the scheduler's health routes on a free port.
        with LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None,
                          scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"}) as cluster:
            runners = {"local": None, "cluster": cluster.scheduler_address}
            for scheduler in runners.values():  # warm the file cache and each worker's libraries
                _timed(folder, scheduler)
            runs: dict[str, list[dict]] = {name: [] for name in runners}
            for _ in range(args.rounds):
                for name, scheduler in runners.items():
                    runs[name].append(_timed(folder, scheduler))
            task_ms = _empty_task_ms(cluster.scheduler_address)

    digests = {run["digest"] for name in runs for run in runs[name]}
    first = runs["local"][0]
    extract_batch = batch_size(first["decoded"], WORKERS, T.SCAN_CLUSTER_EXTRACT_BATCH)
    verify_batch = batch_size(first["verified"], WORKERS, T.SCAN_CLUSTER_VERIFY_BATCH)
    tasks = math.ceil(first["decoded"] / extract_batch) + math.ceil(first["verified"] / verify_batch)
    local_s = statistics.median(run["seconds"] for run in runs["local"])
    cluster_s = statistics.median(run["seconds"] for run in runs["cluster"])
    # Each round's two runs are back to back: their ratio is the least disturbed by other work.
    round_ratios = [c["seconds"] / loc["seconds"] for loc, c in zip(runs["local"], runs["cluster"], strict=True)]
    print(f"corpus: {files} files, {first['images']} pictures, {first['verified']} candidates verified "
          f"(seed {args.seed}); median of {args.rounds} rounds, {WORKERS} workers each")
    print(f"{'runner':34} {'seconds':>8} {'images/s':>9}")
    print(f"{'local process pool':34} {local_s:8.2f} {files / local_s:9.1f}")
    print(f"{'Dask LocalCluster (2 processes)':34} {cluster_s:8.2f} {files / cluster_s:9.1f}")
    print(f"overhead ratio (cluster / local seconds, medians): {cluster_s / local_s:.3f}; "
          f"median of the rounds' ratios: {statistics.median(round_ratios):.3f}")
    print(f"Dask tasks: {tasks} ({extract_batch} files or {verify_batch} candidates each); "
          f"an empty task costs {task_ms:.1f} ms end to end, {task_ms * tasks / 1000:.2f} s for this scan's tasks")
    print(f"results identical in every run (pairs, scores, groups, errors): {'yes' if len(digests) == 1 else 'NO'}")
    print("all rounds, seconds: " + "; ".join(
        f"{name} " + ", ".join(f"{run['seconds']:.2f}" for run in runs[name]) for name in runs))


if __name__ == "__main__":
    main()
