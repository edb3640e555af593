"""The portfolio's retrieval features: ORB corners of each picture, computed once, cached.

The scan's ORB settings (patch, pyramid, FAST thresholds) at TRACE_INDEX_SIDE with
TRACE_INDEX_FEATURES corners: several times the scan's 128, since a piece may show a tenth of
its source. ``extract`` runs on the scan's runners (a process pool), like the scan's own job.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import cv2
import numpy as np

from .. import thresholds as T
from ..errors import EvidenceError
from ..scan.decode import read_reduced

__all__ = ["FEATURE_VERSION", "ExtractedCorners", "TraceFeatures", "extract", "orb_corners", "pack", "unpack"]

FEATURE_VERSION = (
    f"trace-features/1; grey; side {T.TRACE_INDEX_SIDE}; orb {T.TRACE_INDEX_FEATURES}/{T.SCAN_ORB_PATCH}/"
    f"{T.SCAN_ORB_LEVELS}/{T.SCAN_ORB_SCALE}/{T.SCAN_ORB_FAST_THRESHOLD}/{T.SCAN_ORB_FAINT_FAST_THRESHOLD}"
)


@dataclass(frozen=True)
class TraceFeatures:
    descriptors: np.ndarray = field(repr=False)  # M x 32 uint8
    points: np.ndarray = field(repr=False)  # M x 2 float32 (x, y) in the full-size picture's pixels


@dataclass(frozen=True)
class ExtractedCorners:
    path: str  # absolute, as the job gave it
    sha256: str | None
    width: int  # full size; 0 when unreadable
    height: int
    features: bytes | None
    error: str | None


def orb_corners(grey: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(descriptors, points) of the strongest ``count`` ORB corners; weaker ones too on a faint picture."""
    if min(grey.shape) <= 2 * T.SCAN_ORB_PATCH:
        return np.zeros((0, 32), np.uint8), np.zeros((0, 2), np.float32)
    found = None, None
    for fast in (T.SCAN_ORB_FAST_THRESHOLD, T.SCAN_ORB_FAINT_FAST_THRESHOLD):
        orb = cv2.ORB_create(nfeatures=count, scaleFactor=T.SCAN_ORB_SCALE, nlevels=T.SCAN_ORB_LEVELS,
                             edgeThreshold=T.SCAN_ORB_PATCH, patchSize=T.SCAN_ORB_PATCH, fastThreshold=fast)
        keypoints, descriptors = orb.detectAndCompute(grey, None)
        found = keypoints, descriptors
        if len(keypoints) >= count // 2:
            break
    keypoints, descriptors = found
    if descriptors is None or not keypoints:
        return np.zeros((0, 32), np.uint8), np.zeros((0, 2), np.float32)
    return descriptors, cv2.KeyPoint_convert(keypoints).reshape(-1, 2).astype(np.float32)


_HEAD = struct.Struct("<4sI")  # magic, M


def pack(features: TraceFeatures) -> bytes:
    count = len(features.descriptors)
    return (_HEAD.pack(b"STF1", count) + np.ascontiguousarray(features.descriptors, np.uint8).tobytes()
            + features.points.astype("<f4").tobytes())


def unpack(data: bytes) -> TraceFeatures:
    """What ``pack`` wrote; ``ValueError`` for anything else."""
    if len(data) < _HEAD.size or data[:4] != b"STF1":
        raise ValueError("trace features of an unknown layout")
    _, count = _HEAD.unpack_from(data)
    if len(data) != _HEAD.size + count * (32 + 8):
        raise ValueError("trace features damaged: wrong length")
    body = np.frombuffer(data, np.uint8, offset=_HEAD.size)
    return TraceFeatures(body[: 32 * count].reshape(count, 32),
                         body[32 * count :].view("<f4").reshape(count, 2).astype(np.float32))


def extract(job: tuple[str, int]) -> ExtractedCorners:
    """Retrieval features of one picture; ``job`` is ``(absolute path, max_pixels)``."""
    path, max_pixels = job
    try:
        picture = read_reduced(path, side=T.TRACE_INDEX_SIDE, max_pixels=max_pixels, grey=True)
    except EvidenceError as exc:
        return ExtractedCorners(path, None, 0, 0, None, exc.reason)
    descriptors, points = orb_corners(picture.pixels, T.TRACE_INDEX_FEATURES)
    # Points in the full picture's pixels: the fit and the reports work in those.
    scale = np.array([picture.width / picture.pixels.shape[1], picture.height / picture.pixels.shape[0]], np.float32)
    full = (points + 0.5) * scale - 0.5
    return ExtractedCorners(path, picture.sha256, picture.width, picture.height,
                            pack(TraceFeatures(descriptors, full.astype(np.float32))), None)
