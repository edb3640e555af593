"""Every piece of one source in the picture: robust fitting repeated on the matches that remain.

SIFT (RootSIFT, contrast-limited equalisation first, as ``align`` does; spread over a grid) on the
picture and on the source as is and mirrored; Lowe's ratio test; then RANSAC for a similarity
transform, its inliers removed and RANSAC run again on the rest, until too few matches agree. A
piece stretched to fit its slot (width and height scaled apart) is fitted by a general affine
transform instead when that gathers clearly more matches (TRACE_AFFINE_GAIN): a similarity covers
only a band of it. Each fit is one candidate piece: a picture -> source matrix. Whether it really
is a piece is the dense test's business (``explain.py``), not the keypoints'.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .. import thresholds as T
from ..resample import shrink_to_side
from .features import enlargement, grid_keypoints

__all__ = ["Keypoints", "PieceModel", "fit_pieces", "sift_keypoints"]


@dataclass(frozen=True)
class Keypoints:
    points: np.ndarray = field(repr=False)  # N x 2 (x, y) in full-size pixels
    descriptors: np.ndarray | None = field(repr=False)  # N x 128 float32 RootSIFT
    pixel_scale: float  # full-size pixels per pixel of the picture the features were found on


@dataclass(frozen=True)
class PieceModel:
    matrix: np.ndarray = field(repr=False)  # 3x3: picture pixel -> source pixel (full size)
    mirrored: bool
    inliers: int
    picture_points: np.ndarray = field(repr=False)  # the inliers' places in the picture (full size)


def sift_keypoints(rgb: np.ndarray, *, side: int, count: int, grid: int,
                   full_shape: tuple[int, ...] | None = None) -> Keypoints:
    """RootSIFT keypoints of ``rgb`` reduced to ``side``, spread over a ``grid`` x ``grid`` of cells
    (``features.grid_keypoints``: a textured piece must not take every keypoint of the picture);
    points in full-size pixels.

    ``full_shape``: the full picture's shape when ``rgb`` is already a reduced copy of it.
    """
    height, width = (full_shape or rgb.shape)[:2]
    grey = cv2.cvtColor(shrink_to_side(rgb, side), cv2.COLOR_RGB2GRAY)
    # A picture smaller than ``side`` counts as having it: cells short of keypoints are enlarged.
    descriptors, points = grid_keypoints(grey, count, grid, enlargement((height, width), side))
    scale = width / grey.shape[1]
    if len(points) == 0:
        return Keypoints(np.zeros((0, 2)), None, scale)
    points = (points.astype(np.float64) + 0.5) * [width / grey.shape[1], height / grey.shape[0]] - 0.5
    return Keypoints(points, descriptors, scale)


def _ratio_matches(query: Keypoints, train: Keypoints) -> tuple[np.ndarray, np.ndarray]:
    """(query points, train points) of the matches that pass Lowe's ratio test."""
    if query.descriptors is None or train.descriptors is None or len(train.points) < 2:
        return np.zeros((0, 2)), np.zeros((0, 2))
    pairs = cv2.BFMatcher(cv2.NORM_L2).knnMatch(query.descriptors, train.descriptors, k=2)
    good = [(m.queryIdx, m.trainIdx) for m, n in (p for p in pairs if len(p) == 2) if m.distance < T.RATIO_TEST * n.distance]
    if not good:
        return np.zeros((0, 2)), np.zeros((0, 2))
    q, t = np.array(good).T
    return query.points[q], train.points[t]


def _residuals(matrix: np.ndarray, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    return np.linalg.norm(source @ matrix[:2, :2].T + matrix[:2, 2] - target, axis=1)


def _ransac(estimate, picture: np.ndarray, source: np.ndarray, threshold: float) -> tuple[np.ndarray | None, np.ndarray]:
    """One robust fit (``cv2.estimateAffinePartial2D`` or ``cv2.estimateAffine2D``), then least
    squares on its inliers (RANSAC's minimal-sample estimate is noisier): (2x3 matrix picture ->
    source or None, inlier mask)."""
    affine, _ = estimate(picture, source, method=cv2.RANSAC, ransacReprojThreshold=threshold, maxIters=5000,
                         confidence=0.999, refineIters=10)
    if affine is None:
        return None, np.zeros(len(picture), bool)
    inliers = _residuals(affine, picture, source) < threshold
    if inliers.sum() >= 3:
        refined, _ = estimate(picture[inliers], source[inliers], method=cv2.LMEDS, refineIters=20)
        if refined is not None:
            better = _residuals(refined, picture, source) < threshold
            if better.sum() >= inliers.sum():
                affine, inliers = refined, better
    return affine, inliers


def _plausible_stretch(affine: np.ndarray) -> bool:
    """A general affine fit stands for a stretched piece only when its two axis scales stay within
    TRACE_MAX_STRETCH of each other, and it does not mirror (mirrors are fitted on the mirrored
    source, so that a piece's ``mirrored`` says what was done)."""
    singular = np.linalg.svd(affine[:, :2], compute_uv=False)
    return np.linalg.det(affine[:, :2]) > 0 and singular[0] / singular[1] <= T.TRACE_MAX_STRETCH


def _sequential(picture: np.ndarray, source: np.ndarray, threshold: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Fits found one after another, each on the matches the earlier ones left: (2x3 matrix
    picture -> source, inlier mask over all matches). Each is a similarity, or a general affine
    transform where that gathers clearly more matches."""
    remaining = np.arange(len(picture))
    fits = []
    while len(remaining) >= T.TRACE_MIN_INLIERS and len(fits) < T.TRACE_MAX_PIECES_PER_SOURCE:
        points, partners = picture[remaining], source[remaining]
        affine, inliers = _ransac(cv2.estimateAffinePartial2D, points, partners, threshold)
        stretched, stretched_inliers = _ransac(cv2.estimateAffine2D, points, partners, threshold)
        if (stretched is not None and stretched_inliers.sum() >= max(T.TRACE_MIN_INLIERS, T.TRACE_AFFINE_GAIN * inliers.sum())
                and _plausible_stretch(stretched)):
            affine, inliers = stretched, stretched_inliers
        if affine is None or inliers.sum() < T.TRACE_MIN_INLIERS:
            break
        mask = np.zeros(len(picture), bool)
        mask[remaining[inliers]] = True
        fits.append((affine, mask))
        remaining = remaining[~inliers]
    return fits


def _scale(matrix: np.ndarray) -> float:
    return float(np.sqrt(abs(np.linalg.det(matrix[:2, :2]))))


def fit_pieces(picture: Keypoints, source: Keypoints, source_mirrored: Keypoints, source_width: int) -> list[PieceModel]:
    """Every similarity (or stretch, ``_sequential``) transform, mirrors included, under which
    enough matches agree.

    ``source_mirrored``: the keypoints of the source flipped left-right (in the flipped picture's
    pixels); its fits are composed with the flip, so every matrix maps into the source as it is.
    """
    # RANSAC_THRESHOLD_PX is set in pixels at FEATURE_SIDE; here in the source's full-size pixels.
    threshold = T.RANSAC_THRESHOLD_PX * max(1.0, source.pixel_scale)
    flip = np.array([[-1.0, 0, source_width - 1], [0, 1, 0], [0, 0, 1]])
    models = []
    for mirrored, target in ((False, source), (True, source_mirrored)):
        points, partners = _ratio_matches(picture, target)
        for affine, inliers in _sequential(points, partners, threshold):
            matrix = np.vstack([affine, [0, 0, 1]])
            if mirrored:
                matrix = flip @ matrix
            # _scale: source pixels per picture pixel; a piece enlarged m times has 1 / m.
            if not 1 / T.TRACE_MAX_PIECE_ENLARGEMENT <= _scale(matrix) <= T.MAX_SCALE_RATIO:
                continue
            models.append(PieceModel(matrix, mirrored, int(inliers.sum()), points[inliers]))
    return models
