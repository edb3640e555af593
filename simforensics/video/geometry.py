"""The geometric check of one frame against one picture: SIFT, Lowe's ratio test, RANSAC.

The compare engine's recipe (align.py) at video speed: CLAHE-equalised grey levels (so colour
grades and contrast changes look alike to SIFT), the picture at ``FEATURE_SIDE`` and the frame at
``VIDEO_FRAME_SIDE``, a similarity transform (scale, rotation, translation: what a zoom or pan
over a picture is) fitted by RANSAC, and the picture's mirror image tried as well. The result maps
a pixel of the full-size frame to its place in the full-size picture.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field

import cv2
import numpy as np

from .. import thresholds as T
from ..align import equalised, root_sift
from ..resample import scale_matrix, shrink_to_side

__all__ = ["FrameFit", "Keypoints", "PictureKeypoints", "fit_frame", "frame_keypoints", "picture_keypoints"]

_PER_THREAD = threading.local()


def _sift(count: int) -> cv2.SIFT:
    detectors = getattr(_PER_THREAD, "sift", None)
    if detectors is None:
        detectors = _PER_THREAD.sift = {}
    if count not in detectors:
        detectors[count] = cv2.SIFT_create(nfeatures=count)
    return detectors[count]


@dataclass(frozen=True)
class Keypoints:
    points: np.ndarray = field(repr=False)  # N x 2 float32, (x, y) in the full-size picture's pixels
    descriptors: np.ndarray | None = field(repr=False)  # N x 128 float32 (RootSIFT)


@dataclass(frozen=True)
class PictureKeypoints:
    plain: Keypoints
    mirrored: Keypoints  # of the mirror image, in the mirror image's pixels
    width: int
    height: int


def _detect(grey: np.ndarray, full_size: tuple[int, int], side: int, count: int) -> Keypoints:
    small = shrink_to_side(grey, side)
    small = equalised(small)
    keypoints, descriptors = _sift(count).detectAndCompute(small, None)
    if descriptors is None or not keypoints:
        return Keypoints(np.zeros((0, 2), np.float32), None)
    descriptors = root_sift(descriptors)
    points = cv2.KeyPoint_convert(keypoints).reshape(-1, 2).astype(np.float64)
    to_full = scale_matrix(full_size[0] / small.shape[1], full_size[1] / small.shape[0])
    points = points * to_full[[0, 1], [0, 1]] + to_full[:2, 2]
    return Keypoints(points.astype(np.float32), descriptors)


def picture_keypoints(grey: np.ndarray, width: int, height: int) -> PictureKeypoints:
    """Keypoints of a picture (``grey`` at any size; ``width`` x ``height`` is its full size) and of
    its mirror image."""
    plain = _detect(grey, (width, height), T.FEATURE_SIDE, T.VIDEO_PICTURE_FEATURES)
    flipped = _detect(np.ascontiguousarray(grey[:, ::-1]), (width, height), T.FEATURE_SIDE, T.VIDEO_PICTURE_FEATURES)
    return PictureKeypoints(plain, flipped, width, height)


def frame_keypoints(grey: np.ndarray, width: int, height: int) -> Keypoints:
    """Keypoints of a frame (``grey`` reduced for matching; ``width`` x ``height`` its full size)."""
    return _detect(grey, (width, height), T.VIDEO_FRAME_SIDE, T.VIDEO_FRAME_FEATURES)


@dataclass(frozen=True)
class FrameFit:
    """How one frame relates to one picture."""

    matches: int  # ratio-test matches of the better orientation
    inliers: int  # of one similarity transform
    matrix: np.ndarray | None = field(repr=False, compare=False)  # 3x3, full-size frame -> picture; None unfitted
    mirrored: bool = False

    @property
    def aligned(self) -> bool:
        """The compare engine's rule for a registration (MIN_INLIERS and MIN_INLIER_RATIO)."""
        return self.inliers >= T.MIN_INLIERS and self.inliers >= T.MIN_INLIER_RATIO * self.matches

    @property
    def scale(self) -> float:
        """Picture pixels per frame pixel."""
        return 0.0 if self.matrix is None else float(math.sqrt(abs(np.linalg.det(self.matrix[:2, :2]))))

    @property
    def rotation_degrees(self) -> float:
        if self.matrix is None:
            return 0.0
        m = self.matrix
        # A mirrored fit is flip @ rotation: undo the flip of x before reading the angle.
        cosine = -m[0, 0] if self.mirrored else m[0, 0]
        return float(math.degrees(math.atan2(m[1, 0], cosine)))


NO_FIT = FrameFit(0, 0, None, False)

_MATCHER = cv2.BFMatcher(cv2.NORM_L2)  # exact and deterministic, as align.py


def _fit_one(frame: Keypoints, picture: Keypoints, picture_side: float) -> FrameFit:
    if frame.descriptors is None or picture.descriptors is None or len(frame.points) < 2 or len(picture.points) < 2:
        return NO_FIT
    pairs = _MATCHER.knnMatch(frame.descriptors, picture.descriptors, k=2)
    good = [(m.queryIdx, m.trainIdx) for m, *rest in (p for p in pairs if p) if rest and m.distance < T.RATIO_TEST * rest[0].distance]
    if len(good) < 3:
        return FrameFit(len(good), 0, None)
    index = np.array(good)
    source = frame.points[index[:, 0]].reshape(-1, 1, 2)
    target = picture.points[index[:, 1]].reshape(-1, 1, 2)
    # RANSAC's distance in picture pixels: RANSAC_THRESHOLD_PX at align's FEATURE_SIDE.
    threshold = T.RANSAC_THRESHOLD_PX * picture_side / T.FEATURE_SIDE
    matrix, mask = cv2.estimateAffinePartial2D(source, target, method=cv2.RANSAC, ransacReprojThreshold=threshold,
                                               maxIters=1000, confidence=0.995, refineIters=10)
    if matrix is None or mask is None:
        return FrameFit(len(good), 0, None)
    full = np.vstack([matrix, [0.0, 0.0, 1.0]])
    scale = math.sqrt(abs(np.linalg.det(full[:2, :2])))
    if not (1 / T.MAX_SCALE_RATIO <= scale <= T.MAX_SCALE_RATIO):
        return FrameFit(len(good), 0, None)
    # Distinct places only: SIFT can put several keypoints (orientations) on one corner.
    inlier_points = np.round(source[mask.ravel().astype(bool)].reshape(-1, 2)).astype(np.int64)
    inliers = len(np.unique(inlier_points[:, 0] * 100_003 + inlier_points[:, 1]))
    return FrameFit(len(good), inliers, full)


def _mirrored_fit(frame: Keypoints, picture: PictureKeypoints, side: float) -> FrameFit:
    fit = _fit_one(frame, picture.mirrored, side)
    if fit.matrix is None:
        return FrameFit(fit.matches, fit.inliers, None, True)
    # Fitted to the mirror image: then mirror back (x -> width - 1 - x) into the picture.
    flip = np.array([[-1.0, 0.0, picture.width - 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    return FrameFit(fit.matches, fit.inliers, flip @ fit.matrix, True)


def fit_frame(frame: Keypoints, picture: PictureKeypoints, *, mirrored_first: bool | None = None) -> FrameFit:
    """The better of the frame against the picture and against its mirror image.

    ``mirrored_first``: the orientation the frames before this one aligned in (None: unknown).
    A fit in that orientation that aligns is kept without trying the other; with none known, a
    plain fit of DECISIVE_INLIERS rules the mirror out, as in align.py (SIFT is not mirror
    invariant: the wrong orientation gets chance-level inliers only).
    """
    side = max(picture.width, picture.height)
    if mirrored_first:
        first = _mirrored_fit(frame, picture, side)
        if first.aligned:
            return first
        second = _fit_one(frame, picture.plain, side)
    else:
        first = _fit_one(frame, picture.plain, side)
        if first.inliers >= T.DECISIVE_INLIERS or (mirrored_first is False and first.aligned):
            return first
        second = _mirrored_fit(frame, picture, side)
    return second if second.inliers > first.inliers else first
