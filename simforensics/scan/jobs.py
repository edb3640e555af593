"""The work a runner does for a scan, wherever it runs (here, in a pool process or on a Dask
worker): read one file's features, verify one candidate pair.

What the local runners (``runners.py``) and the Dask runner (``cluster.py``) share lives here,
so cluster.py needs nothing from runners.py, which opens it for a cluster scan. Jobs carry
absolute paths, because a worker on another machine has its own working folder; results carry
them back, and the engine maps them to the paths as given. Each result is a frozen dataclass of
plain values: it pickles across a process pool and Dask.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
from threadpoolctl import threadpool_limits

from .. import thresholds as T
from ..errors import EvidenceError, ImageTooLargeError
from ..evidence import load_evidence
from .decode import read_reduced
from .features import compute_features, pack_features
from .verify import PairVerdict, verify_pair

__all__ = ["ClusterError", "DescribedFile", "ExtractedFile", "VerifiedPair", "describe", "extract", "use_one_thread",
           "verify", "verify_batch"]


class ClusterError(Exception):
    """The Dask cluster named by ``--scheduler`` cannot be used. ``str()`` is the one line to show."""


def use_one_thread() -> None:
    """One task per core already: OpenCV and numpy's BLAS must not start threads of their own on top.

    It also keeps results independent of the machine: some OpenCV detectors list what each
    thread found in the order the threads finish. BLAS (OpenBLAS, a thread per core by default)
    runs the colour fits' and the derivation's least squares: with one thread per worker the scan
    benchmark took 103-104 s end to end instead of 114-117 s (2 workers, idle, alternated).
    """
    cv2.setNumThreads(1)
    threadpool_limits(1)


@dataclass(frozen=True)
class ExtractedFile:
    """One file's scan features, or why it could not be read: exactly one of ``features`` and
    ``error`` is set."""

    path: str  # absolute, as the job gave it
    sha256: str | None
    width: int  # 0 when unreadable; the header's when refused for --max-pixels
    height: int
    features: bytes | None  # packed ScanFeatures (``features.pack_features``)
    error: str | None  # the reason the file was refused


@dataclass(frozen=True)
class VerifiedPair:
    """One candidate pair's verdict, or which of its two files could not be read and why."""

    candidate_number: int  # the job's own number: its candidate's position in the engine's list
    verdict: PairVerdict | None  # None when a file could not be read
    unreadable_path: str | None  # absolute, as the job gave it
    error: str | None  # the reason that file was refused


@dataclass(frozen=True)
class DescribedFile:
    """One picture's resemblance description (``scan --related``), or why it could not be read."""

    path: str  # absolute, as the job gave it
    description: dict | None  # resemblance.profile.Description
    error: str | None


def describe(job: tuple[str, int]) -> DescribedFile:
    """The resemblance description of one picture; ``job`` is ``(absolute path, max_pixels)``."""
    from ..resemblance.population import (
        describe_rgb,  # the portrait models load only when asked for
    )

    path, max_pixels = job
    try:
        rgb = load_evidence(path, max_pixels=max_pixels).rgb
    except EvidenceError as exc:
        return DescribedFile(path, None, exc.reason)
    return DescribedFile(path, describe_rgb(rgb)[0], None)


def extract(job: tuple[str, int]) -> ExtractedFile:
    """Scan features of one picture; ``job`` is ``(absolute path, max_pixels)``."""
    path, max_pixels = job
    try:
        picture = read_reduced(path, side=T.SCAN_FEATURE_SIDE, max_pixels=max_pixels, grey=True)
    except ImageTooLargeError as exc:
        return ExtractedFile(path, None, exc.width, exc.height, None, exc.reason)
    except EvidenceError as exc:
        return ExtractedFile(path, None, 0, 0, None, exc.reason)
    features = pack_features(compute_features(picture.pixels))
    return ExtractedFile(path, picture.sha256, picture.width, picture.height, features, None)


def verify(job: tuple[int, str, str, int]) -> VerifiedPair:
    """The verdict on one candidate pair; ``job`` is ``(candidate number, absolute path of the
    original, of the copy, max_pixels)``."""
    number, original, copy, max_pixels = job
    try:
        return VerifiedPair(number, verify_pair(original, copy, max_pixels=max_pixels), None, None)
    except EvidenceError as exc:
        return VerifiedPair(number, None, exc.path, exc.reason)


def verify_batch(jobs: list[tuple[int, str, str, int]]) -> list[VerifiedPair]:
    """``verify`` over pairs that share pictures, in one worker: each picture is decoded there once."""
    return [verify(job) for job in jobs]
