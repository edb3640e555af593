"""Dense registration, for flat pictures that give local features too little to match.

The smaller picture is searched for inside the larger one by normalised cross-correlation of their
detail (a band-pass: the smooth shading of a gradient would otherwise match anything), over a
ladder of sizes and both orientations, on small copies; the best few positions are refined by
ECC (Evangelidis & Psarakis 2008, ``cv2.findTransformECC``), which tolerates gain and offset (a
tint, a grey copy), and the result is kept only when the refined pictures' detail agrees where
they overlap. An unrelated pair of flat pictures finds some best position too: the agreement
threshold (thresholds.DENSE_MIN_CORRELATION) is what keeps it apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import thresholds as T
from .resample import scale_matrix, shrink_to_side

__all__ = ["DenseFit", "detail_agreement", "register_densely"]


@dataclass(frozen=True)
class DenseFit:
    matrix: np.ndarray  # COPY -> ORIGINAL in full-size pixels, a similarity (mirrored or not)
    correlation: float  # of the two pictures' detail where they overlap
    overlap: float  # share of the copy that lies inside the original


@dataclass(frozen=True)
class _Hypothesis:
    score: float  # correlation of the detail at the best position
    significance: float  # how far that correlation lies above chance for the template's size (_significance)
    mirrored: bool
    copy_inside: bool  # the copy lies inside the original (else the original inside the copy)
    matrix: np.ndarray  # inner -> outer picture, in working pixels (the copy's side mirrored)


def _detail(grey: np.ndarray, coarse: float, inside: np.ndarray | None = None) -> np.ndarray:
    """Band-pass (difference of Gaussians, DENSE_DETAIL_FINE to ``coarse`` px): pixel noise and the
    smooth shading both removed. ``inside`` (float 0/1): blur only over these pixels (normalised
    convolution), so a warped picture's empty surround does not leak into its edge."""
    def blur(values: np.ndarray, sigma: float) -> np.ndarray:
        if inside is None:
            return cv2.GaussianBlur(values, (0, 0), sigma)
        weight = cv2.GaussianBlur(inside, (0, 0), sigma)
        return cv2.GaussianBlur(values * inside, (0, 0), sigma) / np.maximum(weight, 1e-3)

    return blur(grey, T.DENSE_DETAIL_FINE) - blur(grey, coarse)


def _mirror(width: int) -> np.ndarray:
    return np.array([[-1.0, 0, width - 1], [0, 1, 0], [0, 0, 1]])


def _to(small: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Matrix from a reduced picture's pixels to ``shape``'s pixels."""
    return scale_matrix(shape[1] / small.shape[1], shape[0] / small.shape[0])


def _search(original: np.ndarray, copy: np.ndarray) -> list[_Hypothesis]:
    """Template search of the smaller picture inside the larger one, sizes and orientations."""
    o_small = shrink_to_side(original, T.DENSE_SEARCH_SIDE)
    c_small = shrink_to_side(copy, T.DENSE_SEARCH_SIDE)
    o_up, c_up = _to(o_small, original.shape), _to(c_small, copy.shape)
    found: list[_Hypothesis] = []
    for mirrored in (False, True):
        c_view = np.ascontiguousarray(c_small[:, ::-1]) if mirrored else c_small
        for copy_inside in (True, False):
            outer, inner = (o_small, c_view) if copy_inside else (c_view, o_small)
            coarse = max(outer.shape) * T.DENSE_DETAIL_COARSE
            outer_detail = _detail(outer, coarse)
            fit = min(outer.shape[1] / inner.shape[1], outer.shape[0] / inner.shape[0])
            for share in np.geomspace(T.DENSE_MIN_SIDE_SHARE, 1.0, T.DENSE_SIZE_STEPS):
                tw, th = round(inner.shape[1] * fit * share), round(inner.shape[0] * fit * share)
                if min(tw, th) < T.DENSE_MIN_TEMPLATE or tw > outer.shape[1] or th > outer.shape[0]:
                    continue
                template = _detail(cv2.resize(inner, (tw, th), interpolation=cv2.INTER_AREA), coarse)
                if template.std() < T.DENSE_MIN_DETAIL:
                    continue  # no detail at this size: any position scores alike
                scores = cv2.matchTemplate(outer_detail, template, cv2.TM_CCOEFF_NORMED)
                _, score, _, (x, y) = cv2.minMaxLoc(np.nan_to_num(scores, nan=0.0, posinf=0.0, neginf=0.0))
                shrink = np.linalg.inv(scale_matrix(inner.shape[1] / tw, inner.shape[0] / th))
                matrix = np.array([[1.0, 0, x], [0, 1, y], [0, 0, 1]]) @ shrink  # inner -> outer, search pixels
                # To full-size pixels (the copy's side as seen, mirrored or not).
                inner_up, outer_up = (c_up, o_up) if copy_inside else (o_up, c_up)
                matrix = outer_up @ matrix @ np.linalg.inv(inner_up)
                found.append(_Hypothesis(float(score), _significance(float(score), tw * th, coarse),
                                         mirrored, copy_inside, matrix))
    # The best by correlation, and the best by significance: a small template holds few blobs of
    # detail and finds a high correlation somewhere by chance (a gradient's mirrored third: 0.92 at
    # a quarter of the side, at a wrong place, above the true size's 0.82), while ranking by
    # significance alone favours the largest sizes, which can overshoot. ECC and the agreement
    # judge both sets.
    by_correlation = sorted(found, key=lambda h: -h.score)[: T.DENSE_HYPOTHESES]
    by_significance = sorted(found, key=lambda h: -h.significance)[: T.DENSE_HYPOTHESES]
    return by_correlation + [h for h in by_significance if not any(h is k for k in by_correlation)]


def _significance(correlation: float, area: float, coarse: float) -> float:
    """A correlation's Fisher z-score over the independent samples of a template of ``area``
    pixels whose detail is band-passed up to ``coarse`` px: about one per coarse x coarse cell (the
    band's blobs), so a larger template's correlation counts for more (Fisher 1921: atanh(r) has
    standard deviation 1 / sqrt(n - 3) for n independent samples)."""
    samples = area / (coarse * coarse)
    return float(np.arctanh(min(correlation, T.DENSE_MAX_CORRELATION)) * np.sqrt(max(samples - 3.0, 1.0)))


def _similarity(affine: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """The similarity closest to ``affine`` over a grid on ``shape``; None when the affine shears
    or stretches beyond what a resize's rounding explains (no copy of a picture does that)."""
    singular = np.linalg.svd(affine[:2, :2], compute_uv=False)
    if singular[1] <= 0 or singular[0] / singular[1] > T.DENSE_MAX_ANISOTROPY:
        return None
    h, w = shape[:2]
    grid = np.stack(np.meshgrid(np.linspace(0, w - 1, 5), np.linspace(0, h - 1, 5)), -1).reshape(-1, 2)
    mapped = grid @ affine[:2, :2].T + affine[:2, 2]
    partial, _ = cv2.estimateAffinePartial2D(grid, mapped, method=cv2.LMEDS)
    return None if partial is None else np.vstack([partial, [0, 0, 1]])


def _refine(template: np.ndarray, image: np.ndarray, start: np.ndarray) -> np.ndarray | None:
    """ECC from ``start`` (template -> image, working pixels); None when it does not converge."""
    warp = start[:2].astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, T.DENSE_ECC_ITERATIONS, 1e-5)
    try:
        _, warp = cv2.findTransformECC(template, image, warp, cv2.MOTION_AFFINE, criteria, None, 5)
    except cv2.error:
        return None
    return np.vstack([warp.astype(np.float64), [0, 0, 1]])


def _refined_similarity(view: np.ndarray, original: np.ndarray, hypothesis: _Hypothesis) -> np.ndarray | None:
    """ECC from the hypothesis (its template, the smaller picture, into the larger), as the
    nearest similarity view -> original; None when ECC fails or the result is no similarity."""
    if hypothesis.copy_inside:
        refined = _refine(view, original, hypothesis.matrix)
    else:
        inverse = _refine(original, view, hypothesis.matrix)
        refined = None if inverse is None else np.linalg.inv(inverse)
    return None if refined is None else _similarity(refined, view.shape)


def _weakest_direction(detail: np.ndarray, valid: np.ndarray) -> tuple[float, np.ndarray]:
    """The detail's structure tensor summed over ``valid``: its smaller over larger eigenvalue (0 when
    all its edges run one way, a linear ramp's banding; up to 1 when they run every way) and the
    unit vector (x, y) along which it varies least."""
    gx, gy = cv2.Sobel(detail, cv2.CV_32F, 1, 0)[valid], cv2.Sobel(detail, cv2.CV_32F, 0, 1)[valid]
    tensor = np.array([[(gx * gx).sum(), (gx * gy).sum()], [(gx * gy).sum(), (gy * gy).sum()]], np.float64)
    (low, high), vectors = np.linalg.eigh(tensor)
    return (float(low / high) if high > 0 else 0.0), vectors[:, 0]


def _overlap(original: np.ndarray, copy: np.ndarray, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """COPY warped onto ORIGINAL by ``matrix`` (working pixels), where it lands (float 0/1), and the
    share of the copy that overlaps ORIGINAL."""
    h, w = original.shape[:2]
    warped = cv2.warpPerspective(copy, matrix, (w, h), flags=cv2.INTER_LINEAR)
    inside = cv2.warpPerspective(np.ones(copy.shape[:2], np.float32), matrix, (w, h), flags=cv2.INTER_NEAREST)
    copy_area = abs(np.linalg.det(matrix[:2, :2])) * copy.shape[0] * copy.shape[1]
    return warped, inside, float(inside.sum() / max(copy_area, 1.0))


def _correlation(original_detail: np.ndarray, warped: np.ndarray, inside: np.ndarray, valid: np.ndarray,
                 coarse: float) -> float:
    """Correlation over ``valid`` of the original's detail (made over ``inside``) and the warped
    copy's, made the same way."""
    a, b = original_detail[valid], _detail(warped, coarse, inside)[valid]
    a, b = a - a.mean(), b - b.mean()
    return float((a * b).sum() / (np.sqrt((a * a).sum() * (b * b).sum()) + 1e-9))


def _trusted(inside: np.ndarray) -> np.ndarray:
    """Where the warped copy lands, its interpolated edge pixels left out."""
    return cv2.erode(inside, np.ones((5, 5), np.uint8), borderValue=0).astype(bool)


def _agreement(original: np.ndarray, copy: np.ndarray, matrix: np.ndarray) -> tuple[float, float]:
    """Correlation of the detail of ORIGINAL and of COPY mapped onto it by ``matrix`` (working
    pixels) where they overlap, and the share of the copy that overlaps. 0 when the detail does not
    fix the position: it runs one way only (DENSE_MIN_ISOTROPY) and moving the copy along it by the
    band's coarse scale costs under DENSE_MIN_SHIFT_LOSS of the correlation (a linear ramp's
    banding agrees anywhere along it; a flag's stripes are fixed along them by its emblem)."""
    h, w = original.shape[:2]
    warped, inside, overlap = _overlap(original, copy, matrix)
    valid = _trusted(inside)
    if valid.sum() < T.DENSE_MIN_PIXELS:
        return 0.0, overlap
    coarse = max(h, w) * T.DENSE_DETAIL_COARSE
    original_detail = _detail(original, coarse, inside)
    correlation = _correlation(original_detail, warped, inside, valid, coarse)
    isotropy, weakest = _weakest_direction(original_detail, valid)
    if isotropy < T.DENSE_MIN_ISOTROPY:
        moved = []
        for step in (-coarse, coarse):
            shift = np.array([[1.0, 0, step * weakest[0]], [0, 1, step * weakest[1]], [0, 0, 1]])
            warped_there, inside_there, _ = _overlap(original, copy, shift @ matrix)
            there = _trusted(inside_there)
            moved.append(_correlation(_detail(original, coarse, inside_there), warped_there, inside_there, there, coarse)
                         if there.sum() >= T.DENSE_MIN_PIXELS else correlation)
        if correlation - max(moved) < T.DENSE_MIN_SHIFT_LOSS:
            return 0.0, overlap
    return correlation, overlap


def detail_agreement(original_grey: np.ndarray, copy_grey: np.ndarray, original_shape: tuple[int, ...],
                     copy_shape: tuple[int, ...], matrix: np.ndarray) -> float:
    """Correlation of the pictures' detail where COPY, mapped by ``matrix`` (COPY -> ORIGINAL, full
    pixels), overlaps ORIGINAL; arguments as for ``register_densely``."""
    original = shrink_to_side(original_grey, T.DENSE_SIDE).astype(np.float32)
    copy = shrink_to_side(copy_grey, T.DENSE_SIDE).astype(np.float32)
    working = np.linalg.inv(_to(original, original_shape)) @ matrix @ _to(copy, copy_shape)
    return _agreement(original, copy, working)[0]


def register_densely(original_grey: np.ndarray, copy_grey: np.ndarray, original_shape: tuple[int, ...],
                     copy_shape: tuple[int, ...]) -> DenseFit | None:
    """COPY -> ORIGINAL by dense registration, or None when no position makes the detail agree
    (a correlation of at least DENSE_MIN_CORRELATION).

    ``*_grey``: grey previews (uint8) of the pictures whose full shapes are ``*_shape``.
    """
    original = shrink_to_side(original_grey, T.DENSE_SIDE).astype(np.float32)
    copy = shrink_to_side(copy_grey, T.DENSE_SIDE).astype(np.float32)
    best: DenseFit | None = None
    coarse = max(original.shape) * T.DENSE_DETAIL_COARSE
    original_detail = _detail(original, coarse)
    for hypothesis in _search(original, copy):
        view = np.ascontiguousarray(copy[:, ::-1]) if hypothesis.mirrored else copy
        flip = _mirror(copy.shape[1]) if hypothesis.mirrored else np.eye(3)  # copy -> view, its own inverse
        # ECC maps its template (the smaller picture) into its image.
        matrix = _refined_similarity(view, original, hypothesis)
        if matrix is None or _agreement(original, view, matrix)[0] < T.DENSE_MIN_CORRELATION:
            # ECC on the grey follows the smooth shading, and where the detail runs mostly one way
            # leaves the other direction free: then once more on the detail alone, its band
            # scaled to the copy's size.
            scale = float(np.sqrt(abs(np.linalg.det(hypothesis.matrix[:2, :2]))))
            view_detail = _detail(view, coarse / scale if hypothesis.copy_inside else coarse * scale)
            matrix = _refined_similarity(view_detail, original_detail, hypothesis)
        if matrix is None:
            continue
        matrix = matrix @ flip
        correlation, overlap = _agreement(original, copy, matrix)
        if correlation >= T.DENSE_MIN_CORRELATION and (best is None or correlation > best.correlation):
            full = _to(original, original_shape) @ matrix @ np.linalg.inv(_to(copy, copy_shape))
            best = DenseFit(full, correlation, overlap)
    return best


def whole_picture_agreement(original_grey: np.ndarray, copy_grey: np.ndarray, mirrored: bool) -> float:
    """Correlation of the pictures' detail when COPY is the whole of ORIGINAL resized (and mirrored
    when ``mirrored``), compared at the smaller picture's size: a thumbnail too small for local
    features is judged as a whole. ``*_grey``: grey previews (uint8) of the whole pictures.

    Detail from DENSE_DETAIL_FINE px to THUMBNAIL_DETAIL_COARSE of the side: at a thumbnail's size
    the dense search's DENSE_DETAIL_COARSE (1/24 of the side) is under two pixels, too narrow a band.
    """
    copy = copy_grey[:, ::-1] if mirrored else copy_grey
    small, large = (copy, original_grey) if copy.size <= original_grey.size else (original_grey, copy)
    height, width = small.shape[:2]
    reduced = cv2.resize(large, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32)
    coarse = max(height, width) * T.THUMBNAIL_DETAIL_COARSE

    def detail(grey: np.ndarray) -> np.ndarray:
        grey = grey.astype(np.float32)
        return cv2.GaussianBlur(grey, (0, 0), T.DENSE_DETAIL_FINE) - cv2.GaussianBlur(grey, (0, 0), coarse)

    a, b = detail(reduced).ravel(), detail(small).ravel()
    a, b = a - a.mean(), b - b.mean()
    spread = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / spread) if spread > 0 else 0.0
