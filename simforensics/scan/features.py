"""Per-picture scan features: cheap, computed once per file, kept in the cache.

Two kinds, each for the copies the other misses:

- ``pdq``: PDQ hashes (Meta, 256 bits) of the picture with uniform borders trimmed, in all 8
  rotations/mirrors. Survives rescaling, re-encoding, colour changes, mirrors, borders, overlays
  and local redraws; a crop or a rotation of more than a few degrees moves it towards chance.
- ``local`` / ``local_mirrored``: ORB descriptors (256 bits) of the strongest corners, of the
  picture and of its mirror image. A copy cropped to half the area, rotated or mirrored still
  shares dozens of them with its original.

Both are bit vectors compared by Hamming distance, so one kind of index (FAISS binary) serves both.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field

import cv2
import numpy as np
import pdqhash

from .. import thresholds as T
from ..align import content_box
from ..resample import shrink_to_side

__all__ = ["FEATURE_VERSION", "ScanFeatures", "compute_features", "pack_features", "unpack_features"]

# Bump when what compute_features returns changes: cached features of another version are
# recomputed, never mixed.
FEATURE_VERSION = (
    f"scan-features/2; side {T.SCAN_FEATURE_SIDE}; orb {T.SCAN_LOCAL_FEATURES}/{T.SCAN_ORB_PATCH}/"
    f"{T.SCAN_ORB_LEVELS}/{T.SCAN_ORB_SCALE}"
)

# One detector per thread (creating it costs more than running it on a 256-px picture; a Dask
# worker runs several tasks at once in threads, and a detector is not shared between them).
_PER_THREAD = threading.local()


def _orb() -> cv2.ORB:
    orb = getattr(_PER_THREAD, "orb", None)
    if orb is None:
        orb = _PER_THREAD.orb = cv2.ORB_create(
            nfeatures=T.SCAN_LOCAL_FEATURES, scaleFactor=T.SCAN_ORB_SCALE, nlevels=T.SCAN_ORB_LEVELS,
            edgeThreshold=T.SCAN_ORB_PATCH, patchSize=T.SCAN_ORB_PATCH, fastThreshold=10,
        )
    return orb


@dataclass(frozen=True)
class ScanFeatures:
    pdq: np.ndarray = field(repr=False)  # 8 x 32 uint8: PDQ of the 8 rotations/mirrors, [0] as is
    pdq_quality: int  # PDQ's own confidence, 0-100 (flat pictures score low)
    local: np.ndarray = field(repr=False)  # M x 32 uint8 ORB descriptors, strongest first
    local_mirrored: np.ndarray = field(repr=False)  # the same for the mirror image
    points: np.ndarray = field(repr=False)  # M x 2 float32 (x, y) of each keypoint, in pixels
    width: int  # of the picture the features were computed on (the mirror maps x to width-1-x)


_NO_DESCRIPTORS = np.zeros((0, 32), np.uint8)


def _local_descriptors(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ORB descriptors of ``grey`` and of its mirror image, strongest keypoints first.

    The mirror image's keypoints are the same corners mirrored (x -> w - 1 - x, angle -> 180 -
    angle), so only the descriptors are computed again: the result equals detecting on the
    mirrored picture, at a third of the cost.
    """
    keypoints, descriptors = _orb().detectAndCompute(grey, None)
    if descriptors is None or not keypoints:
        return _NO_DESCRIPTORS, _NO_DESCRIPTORS, np.zeros((0, 2), np.float32)
    order = np.argsort([-k.response for k in keypoints], kind="stable")
    keypoints = [keypoints[i] for i in order]
    width = grey.shape[1]
    # class_id carries each keypoint's rank: compute() returns keypoints grouped by pyramid level.
    mirrored = [
        cv2.KeyPoint(width - 1 - k.pt[0], k.pt[1], k.size, (180.0 - k.angle) % 360.0, k.response, k.octave, rank)
        for rank, k in enumerate(keypoints)
    ]
    kept, computed = _orb().compute(np.ascontiguousarray(grey[:, ::-1]), mirrored)
    mirrored_descriptors = np.zeros((len(keypoints), 32), np.uint8)
    if computed is not None:
        mirrored_descriptors[[k.class_id for k in kept]] = computed
    points = np.array([k.pt for k in keypoints], np.float32).reshape(-1, 2)
    return np.ascontiguousarray(descriptors[order]), np.ascontiguousarray(mirrored_descriptors), points


def compute_features(rgb: np.ndarray) -> ScanFeatures:
    """Features of one picture already reduced to at most ``SCAN_FEATURE_SIDE`` pixels."""
    # PDQ reduces every picture to 64 x 64 samples itself; handing it 128 px costs a quarter.
    small = shrink_to_side(rgb, 2 * 64)
    x, y, w, h = content_box(small)
    content = np.ascontiguousarray(small[y : y + h, x : x + w]) if w >= 16 and h >= 16 else small
    hashes, quality = pdqhash.compute_dihedral(content)
    pdq = np.packbits(np.asarray(hashes, np.uint8).reshape(8, 256), axis=1)
    local, local_mirrored, points = _local_descriptors(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY))
    return ScanFeatures(pdq=pdq, pdq_quality=int(quality), local=local, local_mirrored=local_mirrored,
                        points=points, width=int(rgb.shape[1]))


def pack_features(features: ScanFeatures) -> bytes:
    """Bytes for the cache (numpy's own format: no pickle, readable anywhere)."""
    buffer = io.BytesIO()
    np.savez(buffer, pdq=features.pdq, quality=np.array([features.pdq_quality]),
             local=features.local, local_mirrored=features.local_mirrored,
             points=features.points.astype(np.float16), width=np.array([features.width]))
    return buffer.getvalue()


def unpack_features(data: bytes) -> ScanFeatures:
    with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
        return ScanFeatures(pdq=arrays["pdq"], pdq_quality=int(arrays["quality"][0]),
                            local=arrays["local"], local_mirrored=arrays["local_mirrored"],
                            points=arrays["points"].astype(np.float32), width=int(arrays["width"][0]))
