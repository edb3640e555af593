"""Register COPY onto ORIGINAL: SIFT features, Lowe's ratio test, RANSAC, mirror detection.

The result maps a COPY pixel ``(x, y, 1)`` to its position in ORIGINAL (contract). A similarity
(scale, rotation, translation, optionally mirrored) is fitted first; a homography replaces it only
when it explains clearly more matches, or as many clearly more precisely; else a general affine
(width and height scaled apart: a resize to a set size that did not quite keep the aspect) does,
when it fits the similarity's matches significantly and visibly better. Failure is a value
(``aligned=False`` with a reason).

Flat, low-texture pictures (wallpapers, gradients) give SIFT too few keypoints. Only when the normal
path fails on such a pair are fallbacks tried, in order: SIFT with a lower contrast threshold,
AKAZE, and dense registration (template search over scale and mirror, refined by ECC). Every
fallback result passes the same checks as the normal path (inliers, scale, overlap) and, for the
dense one, agreement of the pictures' detail where they overlap.

A low-contrast picture keeps its low contrast through the equaliser (EQUALISE_CLIP_LIMIT), and a
copy that lost more (a tint, a fade) can lose its weak detail under SIFT's threshold while the
original keeps its keypoints (too many for the flat fallbacks). When nothing above aligned the pair
and either picture is low in contrast, SIFT runs once more on both pictures' grey levels stretched
to the full scale (a linear loss of contrast then no longer counts), judged like the fallbacks.
``Alignment.method`` says which aligned.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

import cv2
import numpy as np

from . import lens as lens_model
from . import thresholds as T
from .align_dense import detail_agreement, register_densely, whole_picture_agreement
from .resample import scale_matrix, shrink_to_side

__all__ = [
    "AlignModel", "Alignment", "PictureFeatures", "align", "box_in_copy", "content_box", "equalised", "overlap_mask",
    "root_sift", "stretch_matrix",
]


class AlignModel(str, enum.Enum):
    SIMILARITY = "similarity"
    AFFINE = "affine"  # width and height scaled apart (or sheared): a resize that did not keep the aspect
    HOMOGRAPHY = "homography"
    IDENTITY = "identity"  # identical size and pixels: nothing to estimate
    NONE = "none"  # not aligned; the matrix is a plain stretch, for alignment-free measures only


@dataclass(frozen=True)
class Alignment:
    aligned: bool
    model: AlignModel
    matrix: np.ndarray  # 3x3 float64, COPY -> ORIGINAL
    mirrored: bool
    scale: float  # ORIGINAL pixels per COPY pixel
    rotation_degrees: float
    matches: int  # ratio-test matches of the chosen orientation
    inliers: int
    reprojection_error: float  # median inlier residual, ORIGINAL pixels
    overlap_fraction: float  # share of ORIGINAL covered by COPY
    overlap_box: tuple[int, int, int, int]  # [x, y, w, h] in ORIGINAL
    reason: str
    # The part of COPY that is picture, [x, y, w, h] in COPY: uniform padding added around a crop
    # is not part of the original and is left out of every comparison.
    copy_content_box: tuple[int, int, int, int] = (0, 0, 0, 0)
    # What found the transform: "pixels" (identical), "sift", "sift-stretched" (grey levels
    # stretched), "sift-low-threshold", "akaze", "dense-ecc", "whole-picture", "sift-piece" (a piece
    # of the original set into another picture); "none" when not aligned.
    method: str = "sift"
    # Share of COPY's frame that shows the original's picture: below 1 when the copy set it into a
    # larger picture (a caption bar, borders, a collage).
    copy_fill_fraction: float = 1.0
    # How far the copy's footprint stops short of each side of ORIGINAL (ORIGINAL pixels, from
    # overlap_box): what a crop cut away, and where (a signature in a corner, a caption band).
    cut_margins: tuple[tuple[str, int], ...] = (("top", 0), ("bottom", 0), ("left", 0), ("right", 0))
    # ORIGINAL pixels per COPY pixel along the copy's width and height, at its centre: unequal when
    # the copy was stretched or squeezed (its aspect ratio changed); ``scale`` is the square root
    # of the area ratio.
    axis_scales: tuple[float, float] = (1.0, 1.0)
    # The copy is a photographic negative of the original (aligned, and compared, turned back).
    inverted: bool = False
    # Share of ORIGINAL's width and height that one pixel of the smaller picture spans. A resize
    # rounds the smaller picture's width and height to whole pixels, and a similarity (one scale)
    # then leaves up to that much of the frame uncovered, which is no crop: 2 % of a 48 x 31
    # thumbnail's area, under 0.5 % of a 500-px picture's (alignment's own error is larger there).
    rounding: tuple[float, float] = (0.0, 0.0)
    # The copy's bend by a camera lens that the matrix cannot follow (``lens.bend``); None: none
    # found. Compare straightens such a copy and aligns it again; the matrix then maps the
    # straightened copy.
    lens: lens_model.Bend | None = None
    # The block side (px) of a pixelated copy compared through its smoothed blocks (compare's
    # ``_compared_smoothed``); 0.0: compared as it is.
    pixelated: float = 0.0
    # The copy's margins outside ``copy_content_box`` are mostly transparent pixels: the copy hides
    # the original's picture there (a background removed) rather than cutting it away.
    transparent_margins: bool = False
    # Aligned on a piece ("sift-piece"): the share of COPY that the original explains through the
    # matrix, by the piece finder's dense test (``align_piece``); None for other alignments.
    piece_share: float | None = None

    @property
    def lens_bend(self) -> float:
        """The lens's bend at its radius (COPY pixels; positive barrel, negative pincushion), 0.0 none."""
        return 0.0 if self.lens is None else self.lens.pixels

    @property
    def rounding_share(self) -> float:
        """Share of ORIGINAL's area that the rounding of the smaller picture's size can leave out."""
        return self.rounding[0] + self.rounding[1]


@dataclass(frozen=True)
class _Features:
    keypoints: np.ndarray  # N x 2, (x, y) in the full-size image
    descriptors: np.ndarray | None


@dataclass(frozen=True)
class _Fit:
    model: AlignModel
    matrix: np.ndarray
    matches: int
    inliers: int
    residual: float


def stretch_matrix(original_shape: tuple[int, ...], copy_shape: tuple[int, ...]) -> np.ndarray:
    """COPY -> ORIGINAL by resizing the whole picture (pixel centres aligned)."""
    return scale_matrix(original_shape[1] / copy_shape[1], original_shape[0] / copy_shape[0])


def _grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def equalised(grey: np.ndarray) -> np.ndarray:
    """Contrast-limited equalisation before SIFT: gamma, contrast and greyscale changes then look
    alike to it (align, trace and video all find their features this way)."""
    return cv2.createCLAHE(clipLimit=T.EQUALISE_CLIP_LIMIT, tileGridSize=(8, 8)).apply(grey)


def grey_range(grey: np.ndarray) -> tuple[float, float]:
    """The darkest and lightest grey levels, a few stray pixels left out (GREY_RANGE_PERCENTILES)."""
    low, high = np.percentile(grey, T.GREY_RANGE_PERCENTILES)
    return float(low), float(high)


def low_contrast(grey: np.ndarray) -> bool:
    """True when the grey levels span less of the scale than the equaliser can stretch to all of it
    (1 / EQUALISE_CLIP_LIMIT): such a picture stays low in contrast after ``equalised``."""
    low, high = grey_range(grey)
    return high - low < 255 / T.EQUALISE_CLIP_LIMIT


def stretched(grey: np.ndarray) -> np.ndarray:
    """Grey levels stretched linearly so that ``grey_range`` spans the whole scale: a tint or a
    fade (a linear loss of contrast) then no longer lowers the detail SIFT sees."""
    low, high = grey_range(grey)
    gain = 255.0 / max(high - low, 1.0)
    return cv2.convertScaleAbs(grey, alpha=gain, beta=-low * gain)


def root_sift(descriptors: np.ndarray) -> np.ndarray:
    """RootSIFT (Arandjelovic & Zisserman 2012): SIFT descriptors under the Hellinger kernel, unit
    length, so Euclidean distances match better (0 the same, sqrt(2) opposite); float32."""
    return np.sqrt(descriptors / (np.abs(descriptors).sum(axis=1, keepdims=True) + 1e-7)).astype(np.float32)


def _detector(method: str) -> cv2.Feature2D:
    if method in ("sift", "sift-stretched"):
        return cv2.SIFT_create(nfeatures=T.FEATURE_COUNT)
    if method == "sift-low-threshold":
        return cv2.SIFT_create(nfeatures=T.FEATURE_COUNT, contrastThreshold=T.FLAT_SIFT_CONTRAST)
    return cv2.AKAZE_create(threshold=T.FLAT_AKAZE_THRESHOLD)


# OpenCV's SIFT gives every keypoint a quarter of a pixel right of and below where it lies: on a
# picture and its exact 180-degree turn, matched keypoints summed to the turn's centre plus 0.5 px
# on both axes (three shipped photographs, about 600-1000 matches each, every octave 0.23-0.26;
# AKAZE's 0). A fit between pictures turned against each other then carries twice the offset, and
# a copy turned by 180 degrees was compared half a pixel off, its texture "redrawn" in 9 areas.
_SIFT_KEYPOINT_BIAS = 0.25


def _features(grey: np.ndarray, full_shape: tuple[int, ...] | None = None, method: str = "sift") -> _Features:
    """Features on a copy no larger than FEATURE_SIDE, keypoints returned in full-size pixels.

    ``full_shape``: the full picture's shape when ``grey`` is already a reduced copy of it;
    ``method``: "sift", "sift-stretched" (grey levels stretched first), "sift-low-threshold"
    (RootSIFT descriptors) or "akaze" (binary ones).
    """
    h, w = (full_shape or grey.shape)[:2]
    small = shrink_to_side(grey, T.FEATURE_SIDE)
    if method == "sift-stretched":
        small = stretched(small)
    small = equalised(small)
    keypoints, descriptors = _detector(method).detectAndCompute(small, None)
    if not keypoints:
        return _Features(np.zeros((0, 2)), None)
    points = np.array([k.pt for k in keypoints], np.float64)
    if method != "akaze":
        points -= _SIFT_KEYPOINT_BIAS
    # Back to full-size pixel coordinates (pixel centres).
    sx, sy = w / small.shape[1], h / small.shape[0]
    points = (points + 0.5) * [sx, sy] - 0.5
    return _Features(points, descriptors if method == "akaze" else root_sift(descriptors))


class PictureFeatures:
    """One picture's features, upright and mirrored, each found on first need and kept: a scan
    aligns one picture with several others, and its features do not depend on the other.

    ``preview``: the picture, or a reduced copy of it (no smaller than FEATURE_SIDE);
    ``full_shape``: the full picture's shape, in whose pixels the keypoints are given.
    """

    def __init__(self, preview: np.ndarray, full_shape: tuple[int, ...]) -> None:
        self._grey = _grey(preview)
        self._full_shape = full_shape
        self._found: dict[tuple[bool, str], _Features] = {}
        self._low_contrast: bool | None = None

    @property
    def grey(self) -> np.ndarray:
        """The preview in grey (dense registration works on it)."""
        return self._grey

    @property
    def low_contrast(self) -> bool:
        """``low_contrast`` of the preview, found on first need and kept."""
        if self._low_contrast is None:
            self._low_contrast = low_contrast(self._grey)
        return self._low_contrast

    def get(self, *, mirrored: bool, method: str = "sift") -> _Features:
        if (mirrored, method) not in self._found:
            grey = np.ascontiguousarray(self._grey[:, ::-1]) if mirrored else self._grey
            self._found[mirrored, method] = _features(grey, self._full_shape, method)
        return self._found[mirrored, method]


def _ratio_matches(copy: _Features, original: _Features) -> tuple[np.ndarray, np.ndarray]:
    """Each copy descriptor's nearest original descriptor, kept when it passes the ratio test.

    Exact brute force, as OpenCV's BFMatcher does it, but through one matrix product
    (|a - b|^2 = |a|^2 + |b|^2 - 2 a.b): the same matches at a fifth of the time.
    """
    if copy.descriptors is None or original.descriptors is None or len(original.keypoints) < 2:
        return np.zeros((0, 2)), np.zeros((0, 2))
    a, b = copy.descriptors, original.descriptors
    distances = a @ b.T  # becomes |a - b|^2 - |a|^2 in place: |a|^2 does not change a row's order
    distances *= -2
    distances += (b * b).sum(axis=1)
    rows = np.arange(len(a))
    nearest = distances.argmin(axis=1)
    best = distances[rows, nearest]
    distances[rows, nearest] = np.inf
    second = distances.min(axis=1)
    own = (a * a).sum(axis=1)
    best, second = np.maximum(best + own, 0), np.maximum(second + own, 0)
    good = best < T.RATIO_TEST**2 * second  # squared distances: the ratio squared
    return copy.keypoints[good].reshape(-1, 2), original.keypoints[nearest[good]].reshape(-1, 2)


def _hamming_ratio_matches(copy: _Features, original: _Features) -> tuple[np.ndarray, np.ndarray]:
    """The ratio test on binary (AKAZE) descriptors, by exact brute force under the Hamming distance."""
    if copy.descriptors is None or original.descriptors is None or len(original.keypoints) < 2:
        return np.zeros((0, 2)), np.zeros((0, 2))
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(copy.descriptors, original.descriptors, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < T.RATIO_TEST * p[1].distance]
    rows = np.array([m.queryIdx for m in good], int)
    columns = np.array([m.trainIdx for m in good], int)
    return copy.keypoints[rows].reshape(-1, 2), original.keypoints[columns].reshape(-1, 2)


def _residuals(matrix: np.ndarray, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    projected = cv2.perspectiveTransform(source.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    return np.linalg.norm(projected - target, axis=1)


def _fit(source: np.ndarray, target: np.ndarray, pixel_scale: float, beyond_similarity: bool = True) -> _Fit | None:
    """Similarity first; a homography only when it explains clearly more matches, or as many
    clearly more precisely; else an affine when it fits the similarity's matches significantly and
    visibly better (the last two only when ``beyond_similarity``). The homography is weighed
    against the similarity, as its thresholds were measured."""
    if len(source) < 4:
        return None
    threshold = T.RANSAC_THRESHOLD_PX * pixel_scale
    affine, mask = cv2.estimateAffinePartial2D(
        source, target, method=cv2.RANSAC, ransacReprojThreshold=threshold,
        maxIters=5000, confidence=0.999, refineIters=10,
    )
    best: _Fit | None = None
    if affine is not None and mask is not None:
        matrix = np.vstack([affine, [0, 0, 1]])
        inliers = mask.ravel().astype(bool)
        best = _Fit(AlignModel.SIMILARITY, matrix, len(source), int(inliers.sum()),
                    float(np.median(_residuals(matrix, source[inliers], target[inliers]))) if inliers.any() else np.inf)
    if not beyond_similarity:
        return best
    homography, hmask = cv2.findHomography(source, target, cv2.USAC_MAGSAC, threshold, maxIters=5000, confidence=0.999)
    if homography is not None and hmask is not None:
        inliers = hmask.ravel().astype(bool)
        count = int(inliers.sum())
        residual = float(np.median(_residuals(homography, source[inliers], target[inliers]))) if count else np.inf
        more = best is None or (count >= T.HOMOGRAPHY_GAIN * best.inliers and count - best.inliers >= T.HOMOGRAPHY_MIN_EXTRA)
        # ... or as many, many, and clearly more precisely: a photograph at a slight angle whose
        # every match lies within RANSAC's distance of a similarity, but a pixel or more off it.
        precise = (best is not None and count >= max(best.inliers, T.HOMOGRAPHY_PRECISE_INLIERS)
                   and best.residual >= T.HOMOGRAPHY_PRECISE_FROM * pixel_scale
                   and residual <= T.HOMOGRAPHY_PRECISE_RATIO * best.residual)
        if more or precise:
            return _Fit(AlignModel.HOMOGRAPHY, homography / homography[2, 2], len(source), count, residual)
    return best if best is None else _stretched(best, source, target, pixel_scale)


def _least_squares(source: np.ndarray, target: np.ndarray, similarity: bool) -> np.ndarray:
    """The 3 x 3 similarity (4 parameters) or affine (6) minimising the squared distances.
    Written out because OpenCV's estimators are robust ones (RANSAC, LMedS) whose optimum is not
    the least squares that the F-test in ``_stretched`` compares."""
    x, y = source[:, 0], source[:, 1]
    one, zero = np.ones_like(x), np.zeros_like(x)
    if similarity:  # x' = a x - b y + c, y' = b x + a y + d
        design = np.vstack([np.column_stack([x, -y, one, zero]), np.column_stack([y, x, zero, one])])
        (a, b, c, d), *_ = np.linalg.lstsq(design, np.concatenate([target[:, 0], target[:, 1]]), rcond=None)
        return np.array([[a, -b, c], [b, a, d], [0, 0, 1]])
    coefficients, *_ = np.linalg.lstsq(np.column_stack([x, y, one]), target, rcond=None)
    return np.vstack([coefficients.T, [0, 0, 1]])


def _stretched(fit: _Fit, source: np.ndarray, target: np.ndarray, pixel_scale: float) -> _Fit:
    """``fit`` (a similarity), or the affine of its inliers when the two parameters it adds (width
    and height scaled apart, a shear) reduce the squared residuals significantly (an F-test) and
    move some matched point visibly (thresholds.AFFINE_*): a copy resized to a set width and height
    that did not keep the aspect by half a percent lies 1-2 px off any similarity at its edges,
    where the change detector then found "redrawn" strips along strong edges."""
    threshold = T.RANSAC_THRESHOLD_PX * pixel_scale
    inliers = _residuals(fit.matrix, source, target) < threshold
    count = int(inliers.sum())
    if count < T.AFFINE_MIN_INLIERS:
        return fit
    kept_source, kept_target = source[inliers], target[inliers]
    similarity, affine = (_least_squares(kept_source, kept_target, similarity=flag) for flag in (True, False))
    squares_similarity = float((_residuals(similarity, kept_source, kept_target) ** 2).sum())
    squares_affine = float((_residuals(affine, kept_source, kept_target) ** 2).sum())
    if squares_affine <= 0:
        return fit
    f_statistic = (squares_similarity - squares_affine) / 2 / (squares_affine / (2 * count - 6))
    moved = float(_residuals(similarity, kept_source, cv2.perspectiveTransform(
        kept_source.reshape(-1, 1, 2), affine).reshape(-1, 2)).max()) / pixel_scale
    if f_statistic < T.AFFINE_MIN_F or moved < T.AFFINE_MIN_MOVE_PX:
        return fit
    residuals = _residuals(affine, source, target)
    agreeing = residuals < threshold
    return _Fit(AlignModel.AFFINE, affine, len(source), int(agreeing.sum()), float(np.median(residuals[agreeing])))


def _polish(fit: _Fit, source: np.ndarray, target: np.ndarray) -> _Fit:
    """Refit on the inliers of the chosen model by least squares (RANSAC's estimate is noisier)."""
    inliers = _residuals(fit.matrix, source, target) < max(1.0, 2.0 * fit.residual)
    if inliers.sum() < 4:
        return fit
    if fit.model in (AlignModel.SIMILARITY, AlignModel.AFFINE):
        estimate = cv2.estimateAffinePartial2D if fit.model is AlignModel.SIMILARITY else cv2.estimateAffine2D
        affine, _ = estimate(source[inliers], target[inliers], method=cv2.LMEDS, refineIters=20)
        if affine is None:
            return fit
        matrix = np.vstack([affine, [0, 0, 1]])
    else:
        homography, _ = cv2.findHomography(source[inliers], target[inliers], 0)
        if homography is None:
            return fit
        matrix = homography / homography[2, 2]
    residual = _residuals(matrix, source[inliers], target[inliers])
    if np.median(residual) > fit.residual * 1.5:
        return fit
    return _Fit(fit.model, matrix, fit.matches, fit.inliers, float(np.median(residual)))


def _mirror_x(width: int) -> np.ndarray:
    return np.array([[-1.0, 0, width - 1], [0, 1, 0], [0, 0, 1]])


def overlap_mask(matrix: np.ndarray, copy_box: tuple[int, int, int, int], original_shape: tuple[int, ...],
                 *, edges: bool = False) -> np.ndarray:
    """Boolean mask of ORIGINAL pixels covered by ``copy_box`` ([x, y, w, h] of COPY) under ``matrix``.

    The polygon joins the centres of the box's corner pixels: filling it marks exactly the
    original pixels that lie within it (fillConvexPoly includes the boundary). ``edges``: reach
    out to what the copy's pixels show, which is half a pixel beyond their centres. A reduced
    copy's pixel spans many of the original's, and between its outermost centres and the
    original's edge lie 7 px of a 451-px picture shown 32 px wide: not cut away. The box grows by
    half a copy pixel less the half original pixel the filling's boundary already takes in, so
    at one scale or larger (an enlarged copy) the mask is the centres' one.
    """
    x, y, w, h = copy_box
    corners = np.array([[x, y], [x + w - 1, y], [x + w - 1, y + h - 1], [x, y + h - 1]], np.float64)
    if edges:
        scale = float(np.sqrt(abs(np.linalg.det(matrix[:2, :2]))))  # original pixels per copy pixel
        reach = max(0.0, 0.5 - 0.5 / scale) if scale > 0 else 0.0
        corners += reach * np.array([[-1.0, -1.0], [1.0, -1.0], [1.0, 1.0], [-1.0, 1.0]])
    projected = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    mask = np.zeros(original_shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(projected * 16).astype(np.int32), 1, lineType=cv2.LINE_8, shift=4)
    return mask.astype(bool)


def box_in_copy(
    box: tuple[int, int, int, int], copy_to_original: np.ndarray, copy_shape: tuple[int, ...]
) -> tuple[int, int, int, int] | None:
    """Where ``box`` ([x, y, w, h] of ORIGINAL) lies in COPY: the bounding box of its mapped corners,
    clipped to the copy; None when none of it is in the copy."""
    x, y, w, h = box
    corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], np.float64).T
    mapped = np.linalg.inv(copy_to_original) @ corners
    mapped = mapped[:2] / mapped[2]
    x0, y0 = np.floor(mapped.min(axis=1))
    x1, y1 = np.ceil(mapped.max(axis=1))
    height, width = copy_shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return None
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def _local_linear(matrix: np.ndarray, at: tuple[float, float]) -> np.ndarray:
    """The Jacobian of ``matrix`` at the point ``at`` (COPY pixels): for a similarity or affine
    matrix the same everywhere; a homography's changes over the picture, so it is read where
    ``at`` says (the copy's centre), not at its corner, where a perspective is furthest off."""
    point = matrix @ np.array([at[0], at[1], 1.0])
    weight = point[2]
    return (matrix[:2, :2] - np.outer(point[:2] / weight, matrix[2, :2])) / weight


def _describe(matrix: np.ndarray, at: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float, bool]:
    """Scale, rotation (degrees) and mirroring of ``matrix`` around the point ``at`` (COPY pixels)."""
    linear = _local_linear(matrix, at)
    determinant = float(np.linalg.det(linear))
    mirrored = determinant < 0
    unmirrored = linear @ np.diag([-1.0, 1.0]) if mirrored else linear
    scale = float(np.sqrt(abs(determinant)))
    rotation = float(np.degrees(np.arctan2(unmirrored[1, 0], unmirrored[0, 0])))
    return scale, rotation, mirrored


def _box(mask: np.ndarray) -> tuple[int, int, int, int]:
    if not mask.any():
        return (0, 0, 0, 0)
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    return (int(x), int(y), int(w), int(h))


def _failed(original: np.ndarray, copy: np.ndarray, reason: str, fit: _Fit | None = None) -> Alignment:
    matrix = stretch_matrix(original.shape, copy.shape)
    scale, _, _ = _describe(matrix)
    return Alignment(
        aligned=False, model=AlignModel.NONE, matrix=matrix, mirrored=False, scale=scale,
        rotation_degrees=0.0, matches=fit.matches if fit else 0, inliers=fit.inliers if fit else 0,
        reprojection_error=float("nan"), overlap_fraction=0.0, overlap_box=(0, 0, 0, 0), reason=reason,
        copy_content_box=(0, 0, copy.shape[1], copy.shape[0]), method="none",
    )


def _twice_median(lines: np.ndarray) -> np.ndarray:
    """Twice ``np.median`` of each line's pixels (lines ... x L x 3), per channel: a whole number,
    the sum of the two middle values once sorted."""
    length = lines.shape[-2]
    middle = ((length - 1) // 2, length // 2)
    part = np.partition(lines, middle, axis=-2)
    return part[..., middle[0], :].astype(np.int16) + part[..., middle[1], :]


def _close_lines(lines: np.ndarray, twice_colour: np.ndarray) -> np.ndarray:
    """Which of ``lines`` (... x L x 3) have at least PADDING_LINE_SHARE of their pixels within PADDING_TOLERANCE
    of the colour in every channel. In integers, the colour doubled: |x - c| <= t is
    |2x - 2c| <= 2t; the share is the count over the length, as np.mean of booleans is."""
    near = (np.abs(2 * lines.astype(np.int16) - twice_colour) <= 2 * T.PADDING_TOLERANCE).all(axis=-1)
    return near.sum(axis=-1) / lines.shape[-2] >= T.PADDING_LINE_SHARE


def _uniform_run(lines: np.ndarray) -> int:
    """How many leading lines (rows of ``lines``) share the first line's colour, JPEG noise allowed.

    Scanned in blocks that stop at the first non-uniform line: most pictures have no border, and
    the first block settles it.
    """
    twice_colour = _twice_median(lines[0])
    run, block = 0, 8
    while run < len(lines):
        close = _close_lines(lines[run : run + block], twice_colour)
        if not close.all():
            run += int(np.argmin(close))
            break
        run += len(close)
        block *= 2
    return run if run >= 2 else 0


def content_box(rgb: np.ndarray) -> tuple[int, int, int, int]:
    """The box left after trimming uniform borders (at most PADDING_MAX_SHARE of each side)."""
    h, w = rgb.shape[:2]
    rows, cols = int(h * T.PADDING_MAX_SHARE), int(w * T.PADDING_MAX_SHARE)
    top = bottom = left = right = 0  # a border is at least 2 lines: none on a side under 5 px
    # A side's run is 0 unless its outermost line is uniform: that line of all four sides is
    # judged first, two at a time (on a picture without borders, most, that is all the work).
    if rows >= 2:
        outermost = rgb[[0, h - 1]]
        top_uniform, bottom_uniform = _close_lines(outermost, _twice_median(outermost)[:, None])
        top = min(_uniform_run(rgb[:rows]), rows) if top_uniform else 0
        bottom = min(_uniform_run(rgb[::-1][:rows]), rows) if bottom_uniform else 0
    if cols >= 2:
        columns = rgb.transpose(1, 0, 2)
        outermost = columns[[0, w - 1]]
        left_uniform, right_uniform = _close_lines(outermost, _twice_median(outermost)[:, None])
        left = min(_uniform_run(columns[:cols]), cols) if left_uniform else 0
        right = min(_uniform_run(columns[::-1][:cols]), cols) if right_uniform else 0
    return (left, top, w - left - right, h - top - bottom)


def _padding_is_content(original: np.ndarray, copy: np.ndarray, matrix: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """True when the copy's uniform border also appears in the original there (the original's own
    frame), in colour or in grey level: a grey copy of a flag keeps its top and bottom stripes, in
    the grey levels of the original's blue and red."""
    full = (0, 0, copy.shape[1], copy.shape[0])
    strip = overlap_mask(matrix, full, original.shape) & ~overlap_mask(matrix, box, original.shape)
    if strip.sum() < 16:
        return True  # the border lies outside the original: nothing to compare either way
    warped = cv2.warpPerspective(copy, matrix, (original.shape[1], original.shape[0]), flags=cv2.INTER_NEAREST)
    difference = np.abs(original.astype(np.int16) - warped).max(axis=2)[strip]
    grey_difference = np.abs(cv2.cvtColor(original, cv2.COLOR_RGB2GRAY).astype(np.int16)
                             - cv2.cvtColor(warped, cv2.COLOR_RGB2GRAY))[strip]
    return any(bool((d <= 3 * T.PADDING_TOLERANCE).mean() >= T.PADDING_IN_ORIGINAL_SHARE)
               for d in (difference, grey_difference))


def align(
    original: np.ndarray, copy: np.ndarray, *, previews: tuple[np.ndarray, np.ndarray] | None = None,
    identical: bool | None = None, features: tuple[PictureFeatures, PictureFeatures] | None = None,
) -> Alignment:
    """Find the transform that maps COPY onto ORIGINAL, or say why there is none.

    ``previews``: reduced copies of both pictures (no smaller than FEATURE_SIDE) to find features
    on, so a 12-MP picture is not shrunk once per detector; ``identical``: already known;
    ``features``: both pictures' features, kept from an earlier pair (scan).
    """
    if identical is None:
        identical = original.shape == copy.shape and np.array_equal(original, copy)
    if identical:
        full = (0, 0, original.shape[1], original.shape[0])
        return Alignment(True, AlignModel.IDENTITY, np.eye(3), False, 1.0, 0.0, 0, 0, 0.0, 1.0, full,
                         "the decoded pixels are identical", full, method="pixels")
    if features is None:
        source_original, source_copy = previews or (original, copy)
        features = PictureFeatures(source_original, original.shape), PictureFeatures(source_copy, copy.shape)
    result = _from_candidates(original, copy, _candidates(features, copy.shape, original.shape, "sift"), "sift")
    if result.aligned:
        return result
    grey = features[0].grey, features[1].grey
    tried = []
    if _is_thumbnail_pair(original.shape, copy.shape):
        tried.append("the whole picture resized (a thumbnail too small for local features)")
        fallback = _whole_picture(original, copy, features)
        if fallback is not None:
            return fallback
    if _fallbacks_apply(features):
        tried.append("the fallbacks for flat pictures (lower thresholds, AKAZE, dense registration)")
        fallback = _flat_fallbacks(original, copy, features)
        if fallback is not None:
            return fallback
    if any(f.low_contrast for f in features):
        # Not only when both pictures are flat: a copy whose contrast was cut can lose its
        # keypoints to SIFT's threshold while the original keeps its own, and that is no sign of
        # a restyle (a restyle keeps its contrast, and stretching changes nothing on it). Run
        # after the flat fallbacks, so what they align is aligned as it was.
        tried.append("SIFT on grey levels stretched")
        fallback = _from_candidates(original, copy, _candidates(features, copy.shape, original.shape, "sift-stretched"),
                                    "sift-stretched")
        if fallback.aligned and detail_agreement(*grey, original.shape, copy.shape, fallback.matrix) >= T.DENSE_MIN_CORRELATION:
            return fallback
    if not tried:
        return result
    return replace(result, reason=f"{result.reason}; nor did {' or '.join(tried)} align them")


def aligned_by(original: np.ndarray, copy: np.ndarray, matrix: np.ndarray, inliers: int, method: str,
               reason: str) -> Alignment | None:
    """The alignment of a COPY -> ORIGINAL ``matrix`` found by another way (``align_piece``), on
    the checks every fit passes (a plausible scale, an overlap); None when it fails them."""
    accepted = _accepted(original, copy, _Fit(AlignModel.SIMILARITY, matrix, inliers, inliers, float("nan")), method, reason)
    return accepted if accepted.aligned else None


def _flat_fallbacks(original: np.ndarray, copy: np.ndarray,
                    features: tuple[PictureFeatures, PictureFeatures]) -> Alignment | None:
    """The fallbacks for a flat pair, cheapest first, each judged by the same checks and then by
    the agreement of the pictures' detail under the transform found; None when none aligns."""
    grey = features[0].grey, features[1].grey
    for method in ("sift-low-threshold", "akaze"):
        fallback = _from_candidates(original, copy, _candidates(features, copy.shape, original.shape, method), method)
        if fallback.aligned and detail_agreement(*grey, original.shape, copy.shape, fallback.matrix) >= T.DENSE_MIN_CORRELATION:
            return fallback
    dense = register_densely(*grey, original.shape, copy.shape)
    if dense is not None:
        fit = _Fit(AlignModel.SIMILARITY, dense.matrix, 0, 0, float("nan"))
        reason = (f"dense registration: the pictures' detail agrees where they overlap "
                  f"(correlation {dense.correlation:.2f} over {dense.overlap:.0%} of the copy)")
        accepted = _accepted(original, copy, fit, "dense-ecc", reason)
        if accepted.aligned:
            return accepted
    return None


def _is_thumbnail_pair(original_shape: tuple[int, ...], copy_shape: tuple[int, ...]) -> bool:
    """True when the smaller picture is a thumbnail (longest side THUMBNAIL_MAX_SIDE px at most,
    shortest THUMBNAIL_MIN_SIDE at least) and the two have one aspect ratio, within the rounding
    of the thumbnail's width and height to whole pixels."""
    small, large = sorted((original_shape[:2], copy_shape[:2]), key=lambda shape: shape[0] * shape[1])
    if max(small) > T.THUMBNAIL_MAX_SIDE or min(small) < T.THUMBNAIL_MIN_SIDE:
        return False
    return abs(small[1] * large[0] / large[1] - small[0]) <= T.THUMBNAIL_ASPECT_PX


def _whole_picture(original: np.ndarray, copy: np.ndarray,
                   features: tuple[PictureFeatures, PictureFeatures]) -> Alignment | None:
    """The copy as the whole original resized (mirrored or not), when their detail agrees at the
    smaller picture's size; None otherwise. Local features cannot place a thumbnail (too few
    keypoints), but a thumbnail is nearly always of the whole picture."""
    grey = features[0].grey, features[1].grey
    agreement, mirrored = max((whole_picture_agreement(*grey, mirrored), mirrored) for mirrored in (False, True))
    if agreement < T.DENSE_MIN_CORRELATION:
        return None
    matrix = stretch_matrix(original.shape, copy.shape)
    if mirrored:
        matrix = matrix @ _mirror_x(copy.shape[1])
    small = min((original.shape, copy.shape), key=lambda shape: shape[0] * shape[1])
    reason = (f"the whole picture resized{', mirrored' if mirrored else ''}: at {small[1]} x {small[0]} px, too "
              f"small for local features, the detail agrees with the other picture's reduced to that size "
              f"(correlation {agreement:.2f})")
    return _accepted(original, copy, _Fit(AlignModel.SIMILARITY, matrix, 0, 0, float("nan")), "whole-picture", reason)


def _fallbacks_apply(features: tuple[PictureFeatures, PictureFeatures]) -> bool:
    """True when both pictures have too few SIFT keypoints for the normal path to be relied on,
    and both are large enough for the fallbacks (AKAZE's scale space and the dense search need
    FLAT_MIN_SIDE pixels). A copy of a flat picture is flat too; when only one side is, it may
    have lost the other's texture to a restyle (an oil painting of a photograph), which the
    fallbacks would align as well as a copy, and whose detail can agree as closely (the benchmark's
    oil-painted retina: 0.95)."""
    if min(min(f.grey.shape[:2]) for f in features) < T.FLAT_MIN_SIDE:
        return False
    return max(len(f.get(mirrored=False).keypoints) for f in features) < T.FLAT_KEYPOINTS


def _pixel_scale(original_shape: tuple[int, ...]) -> float:
    """Inlier distances are set in FEATURE_SIDE pixels: ORIGINAL pixels per such pixel."""
    return max(1.0, max(original_shape[:2]) / T.FEATURE_SIDE)


Candidate = tuple[_Fit, bool, np.ndarray, np.ndarray]  # fit, mirrored, matched copy and original points


def _candidates(features: tuple[PictureFeatures, PictureFeatures], copy_shape: tuple[int, ...],
                original_shape: tuple[int, ...], method: str) -> list[Candidate]:
    """The fitted transform of each orientation of the copy (the mirrored one only when needed)."""
    match = _hamming_ratio_matches if method == "akaze" else _ratio_matches
    original_features = features[0].get(mirrored=False, method=method)
    pixel_scale = _pixel_scale(original_shape)
    width = copy_shape[1]
    candidates: list[Candidate] = []
    for mirrored in (False, True):
        source, target = match(features[1].get(mirrored=mirrored, method=method), original_features)
        # The fallbacks' few matches on a flat picture let a homography's eight degrees of freedom
        # fit their noise (the corners of a cropped wallpaper moved 4.6 px): similarities only.
        fit = _fit(source, target, pixel_scale, beyond_similarity=method == "sift")
        if fit is not None:
            candidates.append(_candidate(fit, mirrored, source, target, width))
        if not mirrored and fit is not None and fit.inliers >= T.DECISIVE_INLIERS:
            break
    if method == "sift" and not any(fit.inliers >= T.MIN_INLIERS for fit, *_ in candidates):
        candidates += _repeated_in_original(features, width, pixel_scale)
    return candidates


def _repeated_in_original(features: tuple[PictureFeatures, PictureFeatures], width: int,
                          pixel_scale: float) -> list[Candidate]:
    """The candidates of the matches made the other way: each original keypoint's nearest in the
    copy. When the original holds the copy's content more than once (tiles, a sheet of the same
    picture), each copy keypoint has several equally near matches there and the ratio test drops
    them all (a 2 x 2 sheet of the astronaut, as the original of one of its tiles, aligned only
    through the piece search, which a scan does not run); matched the other way they pass.
    ``matches`` counts the copy keypoints matched, each once: the other repeats' matches are no
    noise to weigh the fit against."""
    candidates: list[Candidate] = []
    original_features = features[0].get(mirrored=False)
    for mirrored in (False, True):
        target, source = _ratio_matches(original_features, features[1].get(mirrored=mirrored))
        distinct = len(np.unique(source, axis=0))
        if distinct < T.MIN_INLIERS:  # too few to be accepted, whatever their fit
            continue
        # Repeats lie side by side, not in perspective: a similarity.
        fit = _fit(source, target, pixel_scale, beyond_similarity=False)
        if fit is None:
            continue
        fit = _Fit(fit.model, fit.matrix, distinct, min(fit.inliers, distinct), fit.residual)
        candidates.append(_candidate(fit, mirrored, source, target, width))
    return candidates


def _candidate(fit: _Fit, mirrored: bool, source: np.ndarray, target: np.ndarray, width: int) -> Candidate:
    """A fit of the copy (flipped when ``mirrored``: the fit then maps the flipped copy, and is
    composed with the flip itself, its points flipped back) as a candidate of the copy as it is."""
    if mirrored:
        fit = _Fit(fit.model, fit.matrix @ _mirror_x(width), fit.matches, fit.inliers, fit.residual)
        source = (_mirror_x(width)[:2, :2] @ source.T).T + [width - 1, 0]
    return fit, mirrored, source, target


def _from_candidates(original: np.ndarray, copy: np.ndarray, candidates: list[Candidate], method: str) -> Alignment:
    """The best candidate, if it passes the checks: enough inliers, and a share of the matches."""
    if not candidates:
        return _failed(original, copy, "fewer than 4 feature matches pass the ratio test")
    fit, _, source, target = max(candidates, key=lambda c: c[0].inliers)
    if fit.inliers < T.MIN_INLIERS:
        return _failed(original, copy, f"only {fit.inliers} consistent feature matches (need {T.MIN_INLIERS})", fit)
    if fit.inliers < T.MIN_INLIER_RATIO * fit.matches:
        return _failed(original, copy, f"only {fit.inliers} of {fit.matches} matches agree on one transform", fit)
    fit = _polish(fit, source, target)
    detector = {"sift": "", "sift-stretched": " (SIFT, grey levels stretched)",
                "sift-low-threshold": " (SIFT, lower contrast threshold)", "akaze": " (AKAZE)"}[method]
    article = "an" if fit.model is AlignModel.AFFINE else "a"
    reason = f"{fit.inliers} of {fit.matches} feature matches{detector} agree on {article} {fit.model.value}"
    accepted = _accepted(original, copy, fit, method, reason)
    if not accepted.aligned:
        return accepted
    bend = lens_model.bend(fit.matrix, source, target, copy.shape, original.shape, accepted.scale,
                           T.RANSAC_THRESHOLD_PX * _pixel_scale(original.shape))
    return accepted if bend is None else replace(accepted, lens=bend)


def _accepted(original: np.ndarray, copy: np.ndarray, fit: _Fit, method: str, reason: str) -> Alignment:
    """The alignment of ``fit`` when its scale is plausible and the copy overlaps the original."""
    centre = ((copy.shape[1] - 1) / 2, (copy.shape[0] - 1) / 2)
    scale, rotation, mirrored = _describe(fit.matrix, at=centre)
    axis_scales = np.linalg.norm(_local_linear(fit.matrix, centre), axis=0)  # a turn keeps each column's length
    if not 1 / T.MAX_SCALE_RATIO <= scale <= T.MAX_SCALE_RATIO:
        return _failed(original, copy, f"implausible scale {scale:.3g}", fit)
    box = content_box(copy)
    if box != (0, 0, copy.shape[1], copy.shape[0]) and _padding_is_content(original, copy, fit.matrix, box):
        box = (0, 0, copy.shape[1], copy.shape[0])
    covered = overlap_mask(fit.matrix, box, original.shape, edges=True)
    fraction = float(covered.mean())
    if fraction <= 0.0:
        return _failed(original, copy, "the copy does not overlap the original", fit)
    return Alignment(
        aligned=True, model=fit.model, matrix=fit.matrix, mirrored=mirrored, scale=scale,
        rotation_degrees=rotation, matches=fit.matches, inliers=fit.inliers,
        reprojection_error=fit.residual, overlap_fraction=fraction, overlap_box=_box(covered),
        reason=reason, copy_content_box=box, method=method,
        copy_fill_fraction=_copy_fill_fraction(fit.matrix, original.shape, copy.shape),
        cut_margins=_margins(_box(covered), original.shape),
        axis_scales=(float(axis_scales[0]), float(axis_scales[1])),
        rounding=_rounding(original.shape, copy.shape),
    )


def _rounding(original_shape: tuple[int, ...], copy_shape: tuple[int, ...]) -> tuple[float, float]:
    """Alignment.rounding: one pixel of the smaller picture, as a share of its width and height."""
    height, width = min(original_shape[:2], copy_shape[:2], key=lambda shape: shape[0] * shape[1])
    return 1.0 / width, 1.0 / height


def _margins(box: tuple[int, int, int, int], shape: tuple[int, ...]) -> tuple[tuple[str, int], ...]:
    """How far ``box`` ([x, y, w, h]) stops short of each side of a picture of ``shape``."""
    x, y, w, h = box
    return (("top", y), ("bottom", shape[0] - y - h), ("left", x), ("right", shape[1] - x - w))


def _copy_fill_fraction(matrix: np.ndarray, original_shape: tuple[int, ...], copy_shape: tuple[int, ...]) -> float:
    """Share of COPY's frame onto which ORIGINAL's frame maps (``matrix``: COPY -> ORIGINAL)."""
    # Frames by their pixels' outer edges, half a pixel beyond the centres the matrix maps.
    height, width = original_shape[:2]
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float64).reshape(-1, 1, 2) - 0.5
    mapped = cv2.perspectiveTransform(corners, np.linalg.inv(matrix)).reshape(-1, 2).astype(np.float32)
    copy_height, copy_width = copy_shape[:2]
    frame = np.array([[0, 0], [copy_width, 0], [copy_width, copy_height], [0, copy_height]], np.float32) - 0.5
    if cv2.contourArea(mapped, oriented=True) < 0:  # a mirror turns the polygon round
        mapped = mapped[::-1].copy()
    area, _ = cv2.intersectConvexConvex(mapped, frame)
    return float(min(1.0, max(0.0, area / (copy_width * copy_height))))
