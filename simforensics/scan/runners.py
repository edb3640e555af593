"""Where a scan's work runs: in this process, in a local process pool, or on a Dask cluster.

The engine hands a runner a function and its jobs and takes back one result per job, in any
order. Each result names the job it answers, and the engine orders everything itself, so every
runner gives the same scan: the runner decides only where and in what batches the work is done.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from .jobs import use_one_thread

__all__ = ["InProcessRunner", "PoolRunner", "Runner", "open_runner"]


class Runner(Protocol):
    def map(self, function: Callable[[Any], Any], jobs: list[Any], *, max_batch: int) -> Iterator[Any]:
        """``function(job)`` for every job, yielded as they finish (any order).

        ``max_batch``: the most jobs one remote task may carry; the function's cost decides it.
        """
        ...

    def slots(self) -> int:
        """How many jobs run at once."""
        ...

    def close(self) -> None: ...


class InProcessRunner:
    """Runs every job here, one after the other (``--workers 1``)."""

    def map(self, function: Callable[[Any], Any], jobs: list[Any], *, max_batch: int) -> Iterator[Any]:
        return map(function, jobs)

    def slots(self) -> int:
        return 1

    def close(self) -> None:
        pass


class PoolRunner:
    """A local process pool."""

    def __init__(self, workers: int) -> None:
        # Not a plain fork of this process: a caller may already run threads (OpenCV's pool, a
        # progress bar, FAISS), and a fork copies their locks held (a benchmark process hung that
        # way). A fork server is a clean single-threaded process that loads the jobs' code once and
        # forks the workers from itself.
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["simforensics.scan.jobs"])
        else:
            context = multiprocessing.get_context("spawn")
        self._pool = context.Pool(workers, initializer=use_one_thread)
        self._workers = workers

    def map(self, function: Callable[[Any], Any], jobs: list[Any], *, max_batch: int) -> Iterator[Any]:
        # Chunks of at most 16 jobs, and at least 64 chunks when there are enough jobs: the pool's
        # own batching, cheap enough on one machine that max_batch (for remote tasks) is not needed.
        return self._pool.imap_unordered(function, jobs, chunksize=max(1, min(16, len(jobs) // 64)))

    def slots(self) -> int:
        return self._workers

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


def open_runner(workers: int, scheduler: str | None, folders: tuple[str, ...] = ()) -> Runner:
    """The Dask cluster at ``scheduler`` when given, else ``workers`` local processes.

    ``folders`` (absolute) must be visible to every worker of the cluster: raises ``ClusterError``
    when one cannot see them, or the cluster cannot be used.
    """
    if scheduler is not None:
        # distributed is imported only for a cluster scan.
        from .cluster import DaskRunner

        return DaskRunner(scheduler, folders)
    if workers > 1:
        return PoolRunner(workers)
    return InProcessRunner()
