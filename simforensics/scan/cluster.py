"""Scan work on a Dask distributed cluster: batches of jobs as tasks, results back as they finish.

Jobs are cut into batches (a task costs the scheduler about a millisecond, so each must carry
much more work than that) and only a window of batches is submitted at a time, so the scheduler
and the workers never hold more than a few results the client has not taken yet. Results come
back to the client as each batch finishes; only the client writes the cache.

A worker lost mid-scan is the scheduler's business: it runs that worker's batches again
elsewhere (a batch is a pure function of its jobs), and the client takes each batch's result
exactly once. Only a batch that keeps killing its workers, a cluster without workers, or a lost
scheduler stops the scan, with a ``ClusterError``; the client never waits without bound.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import math
import os
import queue
import re
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import distributed
import distributed.comm
from distributed import Client
from distributed.client import Future

from .. import thresholds as T
from .cache import ENGINE_VERSION
from .features import FEATURE_VERSION
from .jobs import ClusterError, use_one_thread

__all__ = ["DaskRunner", "WorkerMismatchError", "batch_size", "parse_scheduler_address", "run_batch"]

# What a worker must compute exactly as the client would: features and verdicts of this version.
ENGINE_IDENTITY = f"{FEATURE_VERSION}; {ENGINE_VERSION}"

_ADDRESS = re.compile(r"^(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(?P<port>\d+)/?$")


def parse_scheduler_address(text: str) -> tuple[str, str, int]:
    """``(address, host, port)`` of ``tcp://HOST:PORT`` (``HOST:PORT`` means tcp; ``tls://`` too).

    Raises ``ClusterError`` naming the expected form.
    """
    match = _ADDRESS.match(text.strip())
    scheme = (match.group("scheme") or "tcp") if match else ""
    port = int(match.group("port")) if match else 0
    if not match or scheme not in ("tcp", "tls") or not 1 <= port <= 65535:
        raise ClusterError(f"--scheduler {text}: not a scheduler address; expected tcp://HOST:PORT")
    host = match.group("host")
    return f"{scheme}://{host}:{port}", host.strip("[]"), port


class WorkerMismatchError(RuntimeError):
    """A worker runs another simforensics (features or verdicts would differ from the client's)."""


def run_batch(function: Callable[[Any], Any], jobs: list[Any], identity: str) -> list[Any]:
    """On a worker: ``function`` over one batch of jobs, after checking the worker computes alike."""
    if identity != ENGINE_IDENTITY:
        raise WorkerMismatchError(
            f"worker {socket.gethostname()} runs {ENGINE_IDENTITY!r}; the client runs {identity!r}: "
            "install the same simforensics on the client and every worker"
        )
    use_one_thread()
    return [function(job) for job in jobs]


def _missing_folders(folders: list[str]) -> list[str]:
    """On a worker: which of the client's folders it cannot see."""
    return [folder for folder in folders if not os.path.exists(folder)]


def batch_size(jobs: int, slots: int, max_batch: int) -> int:
    """Jobs per task: ``SCAN_CLUSTER_BATCHES_PER_SLOT`` batches for every worker thread, so the
    last batches end close together, but never more than ``max_batch`` jobs in one."""
    per_slot = T.SCAN_CLUSTER_BATCHES_PER_SLOT
    return max(1, min(max_batch, math.ceil(jobs / max(1, slots * per_slot))))


class DaskRunner:
    """Connects to the scheduler at ``address``; raises ``ClusterError`` when it cannot be used.

    ``folders``: the client's absolute folders; every worker must see them at the same path.
    """

    def __init__(self, address: str, folders: tuple[str, ...] = ()) -> None:
        self.address, host, port = parse_scheduler_address(address)
        _probe(self.address, host, port)
        self._quiet = _QuietDaskLog()
        try:
            self._client = Client(self.address, timeout=T.SCAN_SCHEDULER_CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            self._quiet.restore()
            raise ClusterError(f"--scheduler {self.address}: cannot connect ({exc})") from None
        try:
            self._wait_for_workers()
            missing = self._client.run(_missing_folders, list(folders)) if folders else {}
        except OSError as exc:
            self.close()
            raise self._lost(exc) from None
        except BaseException:
            self.close()
            raise
        blind = {worker: paths for worker, paths in missing.items() if paths}
        if blind:
            worker, paths = min(blind.items())
            self.close()
            raise ClusterError(
                f"--scheduler {self.address}: worker {worker} cannot see {paths[0]} "
                f"({len(blind)} of {len(missing)} workers): scan folders on storage every worker mounts at the same path"
            )

    def _slots(self) -> int:
        """Worker threads in the cluster now (each runs one batch at a time)."""
        return sum(self._client.nthreads().values())

    def slots(self) -> int:
        return max(1, self._live_slots())

    def _wait_for_workers(self) -> None:
        try:
            self._client.wait_for_workers(1, timeout=T.SCAN_CLUSTER_WORKER_WAIT_SECONDS)
        except TimeoutError:
            raise ClusterError(
                f"--scheduler {self.address}: no worker joined within {T.SCAN_CLUSTER_WORKER_WAIT_SECONDS} s "
                "(start some with: dask worker " + self.address + ")"
            ) from None

    def _lost(self, exc: BaseException) -> ClusterError:
        return ClusterError(f"--scheduler {self.address}: lost the scheduler ({exc})")

    def map(self, function: Callable[[Any], Any], jobs: list[Any], *, max_batch: int) -> Iterator[Any]:
        try:
            yield from self._map(function, jobs, max_batch)
        except OSError as exc:  # distributed's connection errors (CommClosedError is one)
            raise self._lost(exc) from None

    def _map(self, function: Callable[[Any], Any], jobs: list[Any], max_batch: int) -> Iterator[Any]:
        if not jobs:
            return
        slots = self._slots()
        size = batch_size(len(jobs), slots, max_batch)
        batches = [jobs[start : start + size] for start in range(0, len(jobs), size)]
        # Keys name the scan, so two clients scanning the same files never share a task.
        prefix = f"simforensics-{function.__name__.strip('_')}-{uuid.uuid4().hex[:12]}"
        pending: dict[Future, int] = {}
        finished: queue.SimpleQueue[Future] = queue.SimpleQueue()  # filled by the client's own thread
        submitted = 0
        idle_since: float | None = None
        slots_checked = time.monotonic()
        while submitted < len(batches) or pending:
            window = max(2, T.SCAN_CLUSTER_BATCHES_IN_FLIGHT_PER_SLOT * slots)
            while submitted < len(batches) and len(pending) < window:
                future = self._client.submit(run_batch, function, batches[submitted], ENGINE_IDENTITY,
                                             key=f"{prefix}-{submitted}", priority=-submitted)
                pending[future] = submitted
                future.add_done_callback(finished.put)  # also called when it errs or is cancelled
                submitted += 1
            try:
                future = finished.get(timeout=T.SCAN_CLUSTER_POLL_SECONDS)
            except queue.Empty:
                future = None
            # Workers come and go: re-read the cluster's size now and then, and give up only when
            # it has had none for a while.
            if future is None or time.monotonic() - slots_checked > T.SCAN_CLUSTER_POLL_SECONDS:
                slots, slots_checked = self._live_slots(), time.monotonic()
                if slots:
                    idle_since = None
                elif idle_since is None:
                    idle_since = time.monotonic()
                elif time.monotonic() - idle_since > T.SCAN_CLUSTER_WORKER_WAIT_SECONDS:
                    raise ClusterError(
                        f"--scheduler {self.address}: the cluster has had no workers for "
                        f"{T.SCAN_CLUSTER_WORKER_WAIT_SECONDS} s; {len(batches) - submitted + len(pending)} "
                        "batches were left undone"
                    )
            if future is None or future not in pending:
                continue
            number = pending.pop(future)
            results = self._result(future, batches[number])
            future.release()
            yield from results

    def _live_slots(self) -> int:
        try:
            return self._slots()
        except TimeoutError as exc:
            raise self._lost(exc) from None

    def _result(self, future: Future, batch: list[Any]) -> list[Any]:
        if future.status == "cancelled":
            raise ClusterError(f"--scheduler {self.address}: the scheduler cancelled a batch (it was lost or restarted)")
        try:
            # A result held by a worker lost since is computed again: wait for it, within bounds.
            return future.result(timeout=T.SCAN_CLUSTER_WORKER_WAIT_SECONDS)
        except TimeoutError:
            raise ClusterError(
                f"--scheduler {self.address}: a finished batch was lost with its worker and not computed again "
                f"within {T.SCAN_CLUSTER_WORKER_WAIT_SECONDS} s"
            ) from None
        except distributed.scheduler.KilledWorker:
            raise ClusterError(
                f"--scheduler {self.address}: the scheduler gave up on a batch of {len(batch)} jobs after it "
                f"killed the workers running it again and again; its first job: {batch[0]!r}"
            ) from None
        except WorkerMismatchError as exc:
            raise ClusterError(f"--scheduler {self.address}: {exc}") from None

    def close(self) -> None:
        # Closing the client releases its tasks: the cluster drops what this scan left undone.
        try:
            self._client.close(timeout=T.SCAN_SCHEDULER_CONNECT_SECONDS)
        except (OSError, TimeoutError):
            pass
        self._quiet.restore()


class _QuietDaskLog:
    """Mutes distributed's log handlers while a client is open, then gives them their levels back.

    The client's own lines (reconnection attempts with tracebacks, closing) are not for the user:
    every failure that matters reaches them as one ``ClusterError`` line. The handlers, not the
    loggers, are muted: distributed sets levels on its child loggers, whose records still reach
    the parent's handlers.
    """

    def __init__(self) -> None:
        self._levels = {handler: handler.level for handler in logging.getLogger("distributed").handlers}
        for handler in self._levels:
            handler.setLevel(logging.CRITICAL + 1)

    def restore(self) -> None:
        for handler, level in self._levels.items():
            handler.setLevel(level)


def _probe(address: str, host: str, port: int) -> None:
    """Fail fast, with the system's reason, when no Dask scheduler answers at the address.

    A plain connection first: a refusal or an unknown host is said at once (Dask would retry it
    until its timeout). Then Dask's own handshake, bounded here: distributed 2026.8 waits for the
    other side's handshake without a timeout, so a server that is not a scheduler (a web server on
    that port) would hang the client for ever.
    """
    seconds = T.SCAN_SCHEDULER_CONNECT_SECONDS
    try:
        socket.create_connection((host, port), timeout=seconds).close()
    except socket.gaierror as exc:
        raise ClusterError(f"--scheduler {address}: unknown host {host} ({exc.strerror or exc})") from None
    except TimeoutError:
        raise ClusterError(f"--scheduler {address}: no answer within {seconds} s") from None
    except OSError as exc:
        raise ClusterError(f"--scheduler {address}: cannot connect ({exc.strerror or exc})") from None

    async def handshake() -> None:
        comm = await distributed.comm.connect(address, timeout=seconds,
                                              **distributed.Security().get_connection_args("client"))
        await comm.close()

    def run_handshake() -> None:
        asyncio.run(asyncio.wait_for(handshake(), seconds))

    try:
        # In a thread of its own: asyncio.run refuses to start inside a thread that already runs
        # an event loop (a caller's, e.g. Playwright's in the test session).
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(run_handshake).result()
    except TimeoutError:
        raise ClusterError(f"--scheduler {address}: no Dask scheduler answered there within {seconds} s") from None
    except Exception as exc:  # noqa: BLE001 - whatever a stranger's reply makes the handshake raise
        raise ClusterError(f"--scheduler {address}: not a Dask scheduler ({type(exc).__name__}: {exc})") from None
