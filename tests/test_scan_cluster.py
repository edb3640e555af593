"""Scan on a real Dask cluster (``distributed.LocalCluster``: 2 worker processes on the loopback
address): the same result as the local pool, a worker killed mid-scan without loss, and clear
one-line refusals of an unusable scheduler."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import cv2
import distributed
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from fixtures import make_fixtures as fx
from simforensics import thresholds as T
from simforensics.cli import app
from simforensics.report.json_report import scan_document
from simforensics.scan import ClusterError, ScanOptions, scan_folders
from simforensics.scan.cluster import (
    ENGINE_IDENTITY,
    DaskRunner,
    WorkerMismatchError,
    batch_size,
    parse_scheduler_address,
    run_batch,
)
from simforensics.scan.engine import Progress


def _loopback_cluster(workers: int, **options: object) -> distributed.LocalCluster:
    """A cluster on 127.0.0.1 only. Without a dashboard the scheduler still serves its health
    routes over HTTP, on port 8787 unless told: a random loopback port, so that another cluster
    on the machine never makes it warn."""
    return distributed.LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                                    scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"}, **options)


@pytest.fixture(scope="module")
def cluster() -> Iterator[distributed.LocalCluster]:
    with _loopback_cluster(2, processes=True) as local_cluster:
        yield local_cluster


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copies of two pictures, unrelated pictures, bad files, and enough distinct pictures that
    the reading stage runs as several batches on each worker."""
    folder = tmp_path_factory.mktemp("cluster-gallery")
    astronaut, cat = fx.source_image("astronaut"), fx.source_image("chelsea")
    Image.fromarray(astronaut).save(folder / "original.png")
    Image.fromarray(fx.mirrored(astronaut).rgb).save(folder / "mirror.jpg", quality=90)
    Image.fromarray(fx.scaled(astronaut, 0.5).rgb).save(folder / "small.jpg", quality=80)
    Image.fromarray(fx.rotated(astronaut, 12).rgb).save(folder / "rotated.webp")
    Image.fromarray(cat).save(folder / "cat.png")
    Image.fromarray(fx.cropped(cat, (20, 10, 240, 180)).rgb).save(folder / "cat-crop.jpg", quality=85)
    rocket = fx.source_image("rocket")
    Image.fromarray(rocket).save(folder / "rocket.webp")
    # More copies, so that verification runs as several batches on each worker and one is still
    # running when the first comes back (the killed-worker test needs one to kill).
    Image.fromarray(fx.mirrored(rocket).rgb).save(folder / "rocket-mirror.jpg", quality=85)
    Image.fromarray(fx.scaled(rocket, 0.6).rgb).save(folder / "rocket-small.jpg", quality=80)
    Image.fromarray(fx.cropped(rocket, (30, 20, 300, 250)).rgb).save(folder / "rocket-crop.png")
    Image.fromarray(fx.rotated(rocket, -8).rgb).save(folder / "rocket-rotated.jpg", quality=90)
    (folder / "truncated.jpg").write_bytes(fx.jpeg_bytes(astronaut, 90)[:2000])
    (folder / "notes.png").write_text("a text file named like a picture")
    noise = folder / "noise"
    noise.mkdir()
    rng = np.random.default_rng(8)
    for i in range(200):
        picture = cv2.resize(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8), (256, 192), interpolation=cv2.INTER_CUBIC)
        Image.fromarray(picture).save(noise / f"{i:03d}.jpg", quality=85)
    return folder


def _scan_command(gallery: Path, out: Path, *options: str) -> dict:
    """``simforensics scan`` run from the gallery's parent with a relative path (the workers run
    in another folder): the JSON document. Its own process, as the local pool forks and this
    one has already used OpenCV's thread pool."""
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    run = subprocess.run([sys.executable, "-m", "simforensics", "scan", gallery.name, "--json", str(out), "-q", *options],
                         cwd=gallery.parent, env=environment, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def local(gallery: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The reference: the local process pool, as a scan runs without --scheduler."""
    return _scan_command(gallery, tmp_path_factory.mktemp("local") / "scan.json", "--workers", "2", "--no-cache")


def _found(document: dict) -> dict:
    """Everything a scan finds (its counts of work done aside, which a cache changes)."""
    return {key: value for key, value in document.items() if key != "run"}


def test_the_local_reference_scan_finds_the_copies(local: dict) -> None:
    groups = {tuple(Path(p).name for p in g) for g in local["groups"]}
    assert groups == {("mirror.jpg", "original.png", "rotated.webp", "small.jpg"), ("cat-crop.jpg", "cat.png"),
                      ("rocket-crop.png", "rocket-mirror.jpg", "rocket-rotated.jpg", "rocket-small.jpg", "rocket.webp")}
    assert {Path(e["path"]).name for e in local["errors"]} == {"truncated.jpg", "notes.png"}


def test_a_cluster_scan_gives_the_local_result_and_fills_the_cache(
    cluster: distributed.LocalCluster, gallery: Path, local: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIMFORENSICS_SCHEDULER", cluster.scheduler_address)  # the environment variable names it
    cache = tmp_path / "scan.sqlite"
    document = _scan_command(gallery, tmp_path / "scan.json", "--cache", str(cache))
    assert document == local  # pairs, scores, labels, summaries, groups, errors, and the work done
    # The client wrote every file's features and every verdict into the cache, each once.
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == document["run"]["files"]
        assert db.execute("SELECT COUNT(*) FROM pairs").fetchone()[0] == document["run"]["verified"]
    again = _scan_command(gallery, tmp_path / "again.json", "--cache", str(cache))
    assert again["run"]["decoded"] == 0 and again["run"]["verified"] == 0
    assert _found(again) == _found(local)


class _KillOneWorkerPerStage(Progress):
    """Kills (SIGKILL) a worker process that is running batches, once in each stage, as soon as
    the first result of that stage has come back; counts every result the engine takes."""

    def __init__(self, cluster: distributed.LocalCluster, client: distributed.Client) -> None:
        self._cluster, self._client = cluster, client
        self.taken: dict[str, int] = {}
        self.totals: dict[str, int | None] = {}
        self.killed: list[tuple[str, int, int]] = []  # (stage, pid, batches it was running)
        self._stage = ""
        self._pids: dict[str, int] = {}

    def stage(self, name: str, total: int | None) -> None:
        self._stage, self.totals[name], self.taken[name] = name, total, 0
        if name in ("reading pictures", "verifying candidates"):
            self._client.wait_for_workers(2, timeout=60)  # the nanny restarts a killed worker
            self._pids = self._client.run(os.getpid)  # asked now: no batch of this stage runs yet

    def advance(self, steps: int = 1) -> None:
        self.taken[self._stage] += steps
        if self.taken[self._stage] == 1 and self._stage in ("reading pictures", "verifying candidates"):
            busy = [(len(w.processing), a) for a, w in list(self._cluster.scheduler.workers.items())
                    if w.processing and a in self._pids]
            if busy:
                running, address = max(busy)
                os.kill(self._pids[address], signal.SIGKILL)
                self.killed.append((self._stage, self._pids[address], running))


def test_a_worker_killed_mid_scan_loses_and_repeats_nothing(
    cluster: distributed.LocalCluster, gallery: Path, local: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "scan.sqlite"
    monkeypatch.chdir(gallery.parent)
    with distributed.Client(cluster, set_as_default=False) as client:
        progress = _KillOneWorkerPerStage(cluster, client)
        result = scan_folders(ScanOptions(folders=(gallery.name,), cache_path=str(cache),
                                          scheduler=cluster.scheduler_address), progress)
        assert [stage for stage, _, _ in progress.killed] == ["reading pictures", "verifying candidates"]
        client.wait_for_workers(2, timeout=60)  # the nanny restarts the killed workers, for later tests
    assert scan_document(result) == local
    # Each job's result was taken exactly once: none lost, none twice.
    for stage in ("reading pictures", "verifying candidates"):
        assert progress.taken[stage] == progress.totals[stage], stage
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM files").fetchone()[0] == result.stats.files


def test_a_bad_scheduler_is_one_line_and_exit_2(tmp_path: Path, gallery: Path) -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    for address, expected in ((f"tcp://127.0.0.1:{port}", "cannot connect"), ("http://127.0.0.1:80", "expected tcp://HOST:PORT"),
                              ("tcp://127.0.0.1:70000", "expected tcp://HOST:PORT"), ("nonsense", "expected tcp://HOST:PORT")):
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "simforensics", "scan", str(gallery / "cat.png"), "--no-cache",
                              "--scheduler", address], capture_output=True, text=True, timeout=60, check=False)
        assert run.returncode == 2, (address, run.stderr)
        assert run.stderr.count("\n") == 1 and expected in run.stderr and "Traceback" not in run.stderr, run.stderr
        assert time.monotonic() - started < 30


def test_workers_given_with_a_scheduler_are_said_to_be_unused(gallery: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    run = subprocess.run([sys.executable, "-m", "simforensics", "scan", str(gallery / "cat.png"), "--no-cache",
                          "--workers", "2", "--scheduler", f"tcp://127.0.0.1:{port}"],
                         capture_output=True, text=True, timeout=60, check=False)
    first, second = run.stderr.splitlines()
    assert first.startswith("simforensics: warning: --workers is not used with --scheduler")
    assert "cannot connect" in second and run.returncode == 2


def test_a_server_that_is_not_a_scheduler_is_refused_within_the_timeout(
    monkeypatch: pytest.MonkeyPatch, gallery: Path
) -> None:
    """A listener that accepts and never answers: Dask's own handshake would wait for ever."""
    monkeypatch.setattr(T, "SCAN_SCHEDULER_CONNECT_SECONDS", 1)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        run = CliRunner().invoke(app, ["scan", str(gallery / "cat.png"), "--no-cache", "--scheduler", address])
    assert run.exit_code == 2
    assert "no Dask scheduler answered" in run.output and time.monotonic() - started < 10


def test_a_cluster_without_workers_is_said_not_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(T, "SCAN_CLUSTER_WORKER_WAIT_SECONDS", 1)
    with _loopback_cluster(0, processes=True) as empty, pytest.raises(ClusterError, match="no worker joined"):
        DaskRunner(empty.scheduler_address)


def test_workers_that_cannot_see_the_folders_are_refused(cluster: distributed.LocalCluster, tmp_path: Path) -> None:
    with pytest.raises(ClusterError, match="cannot see"):
        DaskRunner(cluster.scheduler_address, (str(tmp_path / "only-on-the-client"),))


def test_a_worker_with_another_engine_refuses_its_batch() -> None:
    with pytest.raises(WorkerMismatchError, match="install the same simforensics"):
        run_batch(len, [[1]], "scan-features/0")
    assert run_batch(len, [[1], [1, 2]], ENGINE_IDENTITY) == [1, 2]


@pytest.mark.parametrize(("jobs", "slots", "expected"), [(1, 2, 1), (40, 2, 5), (1000, 2, 32), (1000, 100, 3)])
def test_batches_are_small_for_few_jobs_and_bounded_for_many(jobs: int, slots: int, expected: int) -> None:
    assert batch_size(jobs, slots, 32) == expected


@pytest.mark.parametrize(("text", "address"), [("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
                                               ("scheduler.local:8786", "tcp://scheduler.local:8786"),
                                               ("tls://[::1]:8786", "tls://[::1]:8786")])
def test_scheduler_addresses(text: str, address: str) -> None:
    assert parse_scheduler_address(text)[0] == address
