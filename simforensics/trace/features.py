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
    f"trace-features/2; grey; side {T.TRACE_INDEX_SIDE}; grid {T.TRACE_INDEX_GRID}; orb {T.TRACE_INDEX_FEATURES}/{T.SCAN_ORB_PATCH}/"
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


def _detect(grey: np.ndarray, count: int) -> tuple[tuple, np.ndarray | None]:
    found: tuple = ((), None)
    for fast in (T.SCAN_ORB_FAST_THRESHOLD, T.SCAN_ORB_FAINT_FAST_THRESHOLD):  # weaker corners on a faint area
        orb = cv2.ORB_create(nfeatures=count, scaleFactor=T.SCAN_ORB_SCALE, nlevels=T.SCAN_ORB_LEVELS,
                             edgeThreshold=T.SCAN_ORB_PATCH, patchSize=T.SCAN_ORB_PATCH, fastThreshold=fast)
        found = orb.detectAndCompute(grey, None)
        if len(found[0]) >= count // 2:
            break
    return found


def orb_corners(grey: np.ndarray, count: int, grid: int) -> tuple[np.ndarray, np.ndarray]:
    """(descriptors, points) of about ``count`` ORB corners, spread over a ``grid`` x ``grid`` of cells.

    Each cell gets its share of the corners: the strongest corners of a whole picture gather where
    its contrast is highest (a page of text), and a piece elsewhere would have none to be found by.
    Cells overlap by the ORB patch, so no corner is lost at their borders.
    """
    height, width = grey.shape
    margin = T.SCAN_ORB_PATCH + 2
    descriptors, points = [], []
    for row in range(grid):
        for column in range(grid):
            y0, y1 = row * height // grid, (row + 1) * height // grid
            x0, x1 = column * width // grid, (column + 1) * width // grid
            top, left = max(0, y0 - margin), max(0, x0 - margin)
            cell = grey[top : min(height, y1 + margin), left : min(width, x1 + margin)]
            if min(cell.shape) <= 2 * T.SCAN_ORB_PATCH:
                continue
            keypoints, found = _detect(np.ascontiguousarray(cell), max(8, count // (grid * grid)))
            if found is None or not keypoints:
                continue
            at = cv2.KeyPoint_convert(keypoints).reshape(-1, 2) + [left, top]
            own = (at[:, 0] >= x0) & (at[:, 0] < x1) & (at[:, 1] >= y0) & (at[:, 1] < y1)  # each corner once
            descriptors.append(found[own])
            points.append(at[own])
    if not descriptors:
        return np.zeros((0, 32), np.uint8), np.zeros((0, 2), np.float32)
    return np.concatenate(descriptors), np.concatenate(points).astype(np.float32)


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
    descriptors, points = orb_corners(picture.pixels, T.TRACE_INDEX_FEATURES, T.TRACE_INDEX_GRID)
    # Points in the full picture's pixels: the fit and the reports work in those.
    scale = np.array([picture.width / picture.pixels.shape[1], picture.height / picture.pixels.shape[0]], np.float32)
    full = (points + 0.5) * scale - 0.5
    return ExtractedCorners(path, picture.sha256, picture.width, picture.height,
                            pack(TraceFeatures(descriptors, full.astype(np.float32))), None)
