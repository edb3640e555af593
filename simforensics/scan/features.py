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

import struct
import threading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
import pdqhash

from .. import thresholds as T
from ..align import content_box
from ..resample import shrink_to_side

__all__ = [
    "FEATURE_VERSION", "ScanFeatures", "compute_features", "dihedral_variants", "local_descriptors", "orb_detector",
    "pack_features", "pdq_dihedral", "spread_over", "unpack_features",
]

# Bump when what compute_features returns changes: cached features of another version are
# recomputed, never mixed.
FEATURE_VERSION = (
    f"scan-features/5; grey; side {T.SCAN_FEATURE_SIDE}; orb {T.SCAN_LOCAL_FEATURES} of {T.SCAN_LOCAL_CANDIDATES} "
    f"over {T.SCAN_LOCAL_GRID}/{T.SCAN_ORB_PATCH}/"
    f"{T.SCAN_ORB_LEVELS}/{T.SCAN_ORB_SCALE}/{T.SCAN_ORB_FAST_THRESHOLD}/{T.SCAN_ORB_FAINT_FAST_THRESHOLD}"
)

# One detector per thread (creating it costs more than running it on a 256-px picture; a Dask
# worker runs several tasks at once in threads, and a detector is not shared between them).
_PER_THREAD = threading.local()


def orb_detector(fast_threshold: int) -> cv2.ORB:
    """This thread's ORB detector of the scan's settings, at ``fast_threshold`` (made once per thread)."""
    detectors = getattr(_PER_THREAD, "orb", None)
    if detectors is None:
        detectors = _PER_THREAD.orb = {}
    orb = detectors.get(fast_threshold)
    if orb is None:
        orb = detectors[fast_threshold] = cv2.ORB_create(
            nfeatures=T.SCAN_LOCAL_CANDIDATES, scaleFactor=T.SCAN_ORB_SCALE, nlevels=T.SCAN_ORB_LEVELS,
            edgeThreshold=T.SCAN_ORB_PATCH, patchSize=T.SCAN_ORB_PATCH, fastThreshold=fast_threshold,
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


def spread_over(keypoints: Sequence[cv2.KeyPoint], shape: tuple[int, ...]) -> list[cv2.KeyPoint]:
    """SCAN_LOCAL_FEATURES of ``keypoints``, taken in turns from the cells of a SCAN_LOCAL_GRID x
    SCAN_LOCAL_GRID grid (each cell's strongest first, then each one's second, ...), strongest
    first. The strongest alone gather where the picture is busiest: a copy with a busy texture
    laid over part of it (grass for a replaced background) had nearly all of them there, few left
    in common with its original (grid buckets, as ORB-SLAM's, Mur-Artal et al. 2015, for the same
    reason)."""
    if len(keypoints) <= T.SCAN_LOCAL_FEATURES:
        return list(keypoints)
    grid = T.SCAN_LOCAL_GRID
    height, width = shape[:2]
    points = cv2.KeyPoint_convert(keypoints).reshape(-1, 2)
    cells = (np.minimum(points[:, 1] * grid // height, grid - 1) * grid
             + np.minimum(points[:, 0] * grid // width, grid - 1)).astype(np.intp)
    response = np.array([k.response for k in keypoints])
    strongest = np.argsort(-response, kind="stable")
    # Each keypoint's rank among its cell's, by strength: the turn in which it is taken.
    turn = np.zeros(len(keypoints), np.intp)
    taken_in_cell = np.zeros(grid * grid, np.intp)
    for i in strongest:
        turn[i] = taken_in_cell[cells[i]]
        taken_in_cell[cells[i]] += 1
    chosen = np.lexsort((-response, turn))[: T.SCAN_LOCAL_FEATURES]
    return [keypoints[i] for i in chosen[np.argsort(-response[chosen], kind="stable")]]


def local_descriptors(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ORB descriptors of ``grey`` and of its mirror image, strongest keypoints first.

    The mirror image's keypoints are the same corners mirrored (x -> w - 1 - x, angle -> 180 -
    angle), so only the descriptors are computed again: the result equals detecting on the
    mirrored picture, at a third of the cost.
    """
    if min(grey.shape) <= 2 * T.SCAN_ORB_PATCH:
        # ORB keeps SCAN_ORB_PATCH pixels clear of every edge, so a strip this thin has no
        # keypoints (and its pyramid would shrink it to nothing: OpenCV refuses that).
        return _NO_DESCRIPTORS, _NO_DESCRIPTORS, np.zeros((0, 2), np.float32)
    orb = orb_detector(T.SCAN_ORB_FAST_THRESHOLD)
    keypoints = orb.detect(grey, None)
    if len(keypoints) < T.SCAN_LOCAL_FEATURES:  # a faint picture: look for weaker corners too
        orb = orb_detector(T.SCAN_ORB_FAINT_FAST_THRESHOLD)
        keypoints = orb.detect(grey, None)
    keypoints, descriptors = orb.compute(grey, spread_over(keypoints, grey.shape))
    if descriptors is None or not keypoints:
        return _NO_DESCRIPTORS, _NO_DESCRIPTORS, np.zeros((0, 2), np.float32)
    order = np.argsort([-k.response for k in keypoints], kind="stable")
    points = cv2.KeyPoint_convert(keypoints).reshape(-1, 2)
    # The detected keypoints become the mirrored ones in place (cheaper than new objects).
    # class_id carries each one's detection index: compute() returns them grouped by pyramid
    # level, so its rows are put back by that index, then ranked like the rest.
    mirrored_x = (grey.shape[1] - 1 - points[:, 0].astype(np.float64)).tolist()
    for i, (k, x) in enumerate(zip(keypoints, mirrored_x, strict=True)):
        k.pt, k.angle, k.class_id = (x, k.pt[1]), (180.0 - k.angle) % 360.0, i
    kept, computed = orb.compute(cv2.flip(grey, 1), keypoints)
    mirrored_descriptors = np.zeros((len(keypoints), 32), np.uint8)
    if computed is not None:
        mirrored_descriptors[[k.class_id for k in kept]] = computed
    return descriptors[order], mirrored_descriptors[order], points[order]


# PDQ (Meta's pdqhashing.cpp), computed here from grey levels because the binding costs three
# times as much on a scan's small pictures (its RGB intake, and a Python loop over each hash's
# bits). A test holds the quality, and every bit but those of median ties, equal to the
# binding's. For pictures of at most 128 pixels a side, PDQ's tent filter has a 1-pixel window
# (it leaves integer levels as they are), so its 64 x 64 downsample is a plain decimation at the
# cells' centres; the hash is the 16 x 16 low-frequency corner (without the DC row and column) of
# that downsample's DCT, thresholded at its median.
_PDQ_MAX_SIDE = 128
_LEVELS = np.arange(256, dtype=np.float64)
_PDQ_LUMA = (_LEVELS * 0.299 + _LEVELS * 0.587 + _LEVELS * 0.114).astype(np.float32)  # the binding's luma of (v, v, v)
_PDQ_DCT = (np.sqrt(2.0 / 64) * np.cos(np.pi / 128 * np.outer(np.arange(1, 17), 2 * np.arange(64) + 1))).astype(np.float32)

# PDQ's 8 rotations/mirrors are sign changes and transposes of one 16 x 16 DCT (pdqhashing.cpp,
# dct16OriginalTo*): variant[i][j] = +/- dct[i][j], or +/- dct[j][i] for the transposed ones, the
# sign set by the parity of the dct's row, column or both. Order: as is, rotated 90, 180 and 270
# degrees, flipped in x and in y, flipped about each diagonal (pdqhash.compute_dihedral's).
_DIHEDRAL = (  # (transposed, sign as a function of the dct's row parity r, column parity c)
    (False, lambda r, c: 1 + 0 * r), (True, lambda r, c: 2 * c - 1), (False, lambda r, c: 1 - 2 * (r ^ c)),
    (True, lambda r, c: 2 * r - 1), (False, lambda r, c: 2 * r - 1), (False, lambda r, c: 2 * c - 1),
    (True, lambda r, c: 1 + 0 * r), (True, lambda r, c: 1 - 2 * (r ^ c)),
)


def _dihedral_layout() -> tuple[np.ndarray, np.ndarray]:
    """For each variant and each position of its hash as the binding lists it (bit 255 first):
    the position in the flattened 16 x 16 DCT to read, and the sign to give it."""
    bit = 255 - np.arange(256)  # variant[i][j] is bit 16 i + j
    i, j = bit // 16, bit % 16
    sources, signs = [], []
    for transposed, sign in _DIHEDRAL:
        row, col = (j, i) if transposed else (i, j)  # the dct coefficient it comes from
        sources.append(16 * row + col)
        signs.append(sign(row & 1, col & 1))
    return np.stack(sources), np.stack(signs).astype(np.float32)


_DIHEDRAL_SOURCE, _DIHEDRAL_SIGN = _dihedral_layout()


def dihedral_variants(dct: np.ndarray) -> np.ndarray:
    """8 x 256: for each of PDQ's 8 rotations/mirrors, the coefficients its hash thresholds at
    their median, in the binding's bit order; from one picture's 16 x 16 DCT, flattened by rows."""
    return dct[_DIHEDRAL_SOURCE] * _DIHEDRAL_SIGN


def pdq_dihedral(grey: np.ndarray) -> tuple[np.ndarray, int]:
    """``pdqhash.compute_dihedral`` of the grey picture (as RGB), packed to 8 x 32 bytes, and PDQ's
    quality. At most 128 pixels a side (``ValueError`` beyond). A coefficient equal to the median (a flat
    picture's, or one a side of exactly 16 or 32 px makes) sets its bit by rounding, so that bit
    may differ from the binding's, whose sums run in another order."""
    h, w = grey.shape
    if max(h, w) > _PDQ_MAX_SIDE:
        raise ValueError(f"PDQ here takes pictures of at most {_PDQ_MAX_SIDE} px a side")
    if min(h, w) < 16:  # the binding's own rules for tiny pictures
        hashes, quality = pdqhash.compute_dihedral(np.repeat(grey[:, :, None], 3, axis=2))
        return np.packbits(np.asarray(hashes, np.uint8).reshape(8, 256), axis=1), int(quality)
    rows = ((np.arange(64) + 0.5) * h / 64).astype(np.intp)  # decimateFloat: the cells' centres
    cols = ((np.arange(64) + 0.5) * w / 64).astype(np.intp)
    small = _PDQ_LUMA[grey[rows[:, None], cols[None, :]]]
    # Quality: PDQ's sum of neighbour differences in percent of full range (truncated), over 90.
    down = np.trunc((small[:-1] - small[1:]) * np.float32(100) / np.float32(255))
    across = np.trunc((small[:, :-1] - small[:, 1:]) * np.float32(100) / np.float32(255))
    quality = min(100, int(np.abs(down).sum(dtype=np.int64) + np.abs(across).sum(dtype=np.int64)) // 90)
    dct = (_PDQ_DCT @ small @ _PDQ_DCT.T).ravel()
    variants = dihedral_variants(dct)
    return np.packbits(variants > np.partition(variants, 127, axis=1)[:, 127:128], axis=1), quality


def compute_features(grey: np.ndarray) -> ScanFeatures:
    """Features of one picture's grey levels (H x W uint8), already reduced to at most
    ``SCAN_FEATURE_SIDE`` pixels. Both kinds use brightness only: PDQ hashes luminance, ORB
    compares grey levels; a border is trimmed when its brightness is uniform."""
    # PDQ samples 64 x 64 points and, at 128 px or less, averages nothing itself: the 128-px area
    # average makes each sample the mean of a 2 x 2 block of the 256-px picture.
    small = shrink_to_side(grey, _PDQ_MAX_SIDE)
    x, y, w, h = content_box(small[:, :, None])
    content = small[y : y + h, x : x + w] if w >= 16 and h >= 16 else small
    pdq, quality = pdq_dihedral(content)
    local, local_mirrored, points = local_descriptors(grey)
    return ScanFeatures(pdq=pdq, pdq_quality=int(quality), local=local, local_mirrored=local_mirrored,
                        points=points, width=int(grey.shape[1]))


# The cache's bytes for one picture: a fixed header, then the arrays' raw bytes in a fixed order
# (pdq 8 x 32, local M x 32, local_mirrored M x 32, points M x 2 float16, little-endian). The
# magic names this layout (bytes of another are refused, never misread) and a CRC-32 of all the
# rest catches damaged bytes. Written and read in microseconds, where an .npz took 0.3 ms.
_MAGIC = b"SFF1"
_FIELDS = struct.Struct("<4sBxHI")  # magic, PDQ quality, (pad), M, width
_CRC = struct.Struct("<I")  # CRC-32 of the fields and of the arrays
_START = _FIELDS.size + _CRC.size
_PDQ_BYTES = 8 * 32


def pack_features(features: ScanFeatures) -> bytes:
    """Bytes for the cache (no pickle: nothing in them is executed when read)."""
    count = len(features.local)
    if not (features.pdq.shape == (8, 32) and features.local.shape == features.local_mirrored.shape == (count, 32)
            and features.points.shape == (count, 2) and features.pdq.dtype == features.local.dtype
            == features.local_mirrored.dtype == np.uint8):
        raise ValueError("scan features of unexpected shapes or types")
    fields = _FIELDS.pack(_MAGIC, features.pdq_quality, count, features.width)
    body = b"".join((features.pdq.tobytes(), features.local.tobytes(), features.local_mirrored.tobytes(),
                     features.points.astype("<f2").tobytes()))
    return fields + _CRC.pack(zlib.crc32(body, zlib.crc32(fields))) + body


def unpack_features(data: bytes) -> ScanFeatures:
    """The features ``pack_features`` wrote; ``ValueError`` for bytes that are not exactly that."""
    if len(data) < _START or data[:4] != _MAGIC:
        raise ValueError("scan features of an unknown layout")
    _, quality, count, width = _FIELDS.unpack_from(data)
    view = memoryview(data)
    if zlib.crc32(view[_START:], zlib.crc32(view[: _FIELDS.size])) != _CRC.unpack_from(data, _FIELDS.size)[0]:
        raise ValueError("scan features damaged: checksum mismatch")
    if len(data) != _START + _PDQ_BYTES + count * (32 + 32 + 4):
        raise ValueError("scan features damaged: wrong length")
    arrays = np.frombuffer(data, np.uint8, offset=_START)
    local_end = _PDQ_BYTES + 32 * count
    mirrored_end = local_end + 32 * count
    return ScanFeatures(
        pdq=arrays[:_PDQ_BYTES].reshape(8, 32), pdq_quality=quality,
        local=arrays[_PDQ_BYTES:local_end].reshape(count, 32),
        local_mirrored=arrays[local_end:mirrored_end].reshape(count, 32),
        points=arrays[mirrored_end:].view("<f2").reshape(count, 2).astype(np.float32), width=width,
    )
