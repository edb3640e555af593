"""The portfolio's retrieval features: SIFT keypoints of each picture, computed once, cached.

RootSIFT (contrast-limited equalisation first, as ``align`` does) at TRACE_INDEX_SIDE, spread over
a grid of cells. ORB, the scan's own local feature, was tried first and measured: on the trace
benchmark's collages it missed pieces that SIFT then fitted with hundreds of inliers (a hue-turned,
mirrored cat; a rescaled micrograph), and against 1,000 pictures it retrieved none of a collage's
three small pieces. ``extract`` runs on the scan's runners (a process pool), like the scan's job.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import cv2
import numpy as np

from .. import thresholds as T
from ..align import equalised, root_sift
from ..errors import EvidenceError, ImageTooLargeError
from ..scan.decode import read_reduced

__all__ = ["FEATURE_VERSION", "ExtractedCorners", "TraceFeatures", "enlargement", "extract", "grid_keypoints", "pack",
           "unpack"]

FEATURE_VERSION = (f"trace-features/6; short cells filled enlarged {T.TRACE_MOST_ENLARGEMENT}; rootsift uint8; side {T.TRACE_INDEX_SIDE}; grid {T.TRACE_INDEX_GRID}; {T.TRACE_INDEX_FEATURES}; "
                   f"contrast {T.TRACE_SIFT_CONTRAST}")


@dataclass(frozen=True)
class TraceFeatures:
    descriptors: np.ndarray = field(repr=False)  # M x 128 uint8: RootSIFT x 255
    points: np.ndarray = field(repr=False)  # M x 2 float32 (x, y) in the full-size picture's pixels


@dataclass(frozen=True)
class ExtractedCorners:
    path: str  # absolute, as the job gave it
    sha256: str | None
    width: int  # full size; 0 when unreadable; the header's when refused for --max-pixels
    height: int
    features: bytes | None
    error: str | None


def grid_keypoints(grey: np.ndarray, count: int, grid: int, enlarge: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(RootSIFT descriptors float32, points) of about ``count`` keypoints spread over a ``grid`` x ``grid``.

    Each cell gets its share: the strongest keypoints of a whole picture gather where its contrast
    is highest (a page of text), and a piece pasted from elsewhere would have none to be found by.
    Cells overlap, so no keypoint is lost at their borders; each is kept by the cell it lies in.
    A cell's share is filled down to TRACE_SIFT_CONTRAST, below SIFT's default: a low-contrast
    cell (sky, a wall) would leave it empty, and a piece cut from there could not be matched.
    A cell that still falls short of its share keeps what it has and fills the rest with keypoints
    found on it enlarged ``enlarge`` times (bicubic; at most TRACE_MOST_ENLARGEMENT, see there),
    brought back to ``grey``'s pixels; a cell that fills its share as it is is not enlarged.
    """
    grey = equalised(grey)
    height, width = grey.shape
    margin = 16  # SIFT's descriptor window at the finest scales
    descriptors, points = [], []
    for row in range(grid):
        for column in range(grid):
            y0, y1 = row * height // grid, (row + 1) * height // grid
            x0, x1 = column * width // grid, (column + 1) * width // grid
            top, left = max(0, y0 - margin), max(0, x0 - margin)
            cell = grey[top : min(height, y1 + margin), left : min(width, x1 + margin)]
            if min(cell.shape) < 16:
                continue
            share = max(8, count // (grid * grid))
            sift = cv2.SIFT_create(nfeatures=share, contrastThreshold=T.TRACE_SIFT_CONTRAST)
            keypoints, found = sift.detectAndCompute(cell, None)
            at = cv2.KeyPoint_convert(keypoints).reshape(-1, 2) if keypoints else np.zeros((0, 2), np.float32)
            if len(keypoints) < share and enlarge > 1:
                at, found = _fill_enlarged(cell, enlarge, share, sift, at, found)
            if found is None or len(at) == 0:
                continue
            at = at + [left, top]
            own = (at[:, 0] >= x0) & (at[:, 0] < x1) & (at[:, 1] >= y0) & (at[:, 1] < y1)
            descriptors.append(found[own])
            points.append(at[own])
    if not descriptors:
        return np.zeros((0, 128), np.float32), np.zeros((0, 2), np.float32)
    return root_sift(np.concatenate(descriptors)), np.concatenate(points).astype(np.float32)


def _fill_enlarged(cell: np.ndarray, factor: float, share: int, sift: cv2.SIFT, at: np.ndarray,
                   found: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """The cell's keypoints (``at``, ``found``) with its share filled by those found on it enlarged
    ``factor`` times, strongest first, away from the ones it has: they stay, since the enlarged
    picture would rank finer, weaker keypoints above some of them."""
    big = cv2.resize(cell, (round(cell.shape[1] * factor), round(cell.shape[0] * factor)), interpolation=cv2.INTER_CUBIC)
    more, described = sift.detectAndCompute(big, None)
    if described is None or not more:
        return at, found
    places = (cv2.KeyPoint_convert(more).reshape(-1, 2) + 0.5) / factor - 0.5
    strongest = np.argsort([-k.response for k in more], kind="stable")
    places, described = places[strongest], described[strongest]
    if len(at):
        # The same structure found again at twice its scale: within a pixel of one already kept.
        near = np.min(np.linalg.norm(places[:, None, :] - at[None, :, :], axis=2), axis=1) < 1.0
        places, described = places[~near], described[~near]
    places, described = places[: share - len(at)], described[: share - len(at)]
    if found is None or len(at) == 0:
        return places, described
    return np.concatenate([at, places]), np.concatenate([found, described])


def enlargement(shape: tuple[int, ...], side: int) -> float:
    """How much a cell of a picture of ``shape`` may be enlarged: up to ``side``, at most TRACE_MOST_ENLARGEMENT."""
    return max(1.0, min(side / max(shape[:2]), T.TRACE_MOST_ENLARGEMENT))


_HEAD = struct.Struct("<4sI")  # magic, M


def pack(features: TraceFeatures) -> bytes:
    count = len(features.descriptors)
    return (_HEAD.pack(b"STF3", count) + np.ascontiguousarray(features.descriptors, np.uint8).tobytes()
            + features.points.astype("<f4").tobytes())


def unpack(data: bytes) -> TraceFeatures:
    """What ``pack`` wrote; ``ValueError`` for anything else."""
    if len(data) < _HEAD.size or data[:4] != b"STF3":
        raise ValueError("trace features of an unknown layout")
    _, count = _HEAD.unpack_from(data)
    if len(data) != _HEAD.size + count * (128 + 8):
        raise ValueError("trace features damaged: wrong length")
    body = np.frombuffer(data, np.uint8, offset=_HEAD.size)
    return TraceFeatures(body[: 128 * count].reshape(count, 128),
                         body[128 * count :].view("<f4").reshape(count, 2).astype(np.float32))


def extract(job: tuple[str, int]) -> ExtractedCorners:
    """Retrieval features of one picture; ``job`` is ``(absolute path, max_pixels)``."""
    path, max_pixels = job
    try:
        picture = read_reduced(path, side=T.TRACE_INDEX_SIDE, max_pixels=max_pixels, grey=True)
    except ImageTooLargeError as exc:
        return ExtractedCorners(path, None, exc.width, exc.height, None, exc.reason)
    except EvidenceError as exc:
        return ExtractedCorners(path, None, 0, 0, None, exc.reason)
    grey = picture.pixels
    descriptors, points = grid_keypoints(grey, T.TRACE_INDEX_FEATURES, T.TRACE_INDEX_GRID,
                                         enlargement(grey.shape, T.TRACE_INDEX_SIDE))
    # Points in the full picture's pixels: the fit and the reports work in those.
    scale = np.array([picture.width / grey.shape[1], picture.height / grey.shape[0]], np.float32)
    full = (points + 0.5) * scale - 0.5
    quantised = np.clip(np.round(descriptors * 255), 0, 255).astype(np.uint8)
    return ExtractedCorners(path, picture.sha256, picture.width, picture.height,
                            pack(TraceFeatures(quantised, full.astype(np.float32))), None)
