"""A camera lens's bending of a copy: found from the alignment's matches, and taken out.

A photograph of a print or a screen adds the camera lens's radial distortion to the copy: straight
lines bow outwards or inwards, more the further they lie from the centre. No homography can follow
it, so after the best one the copy's corners still lie a few pixels off, and the change detector
reads them as redrawn (a copy bent by 2-4 px at its corners: 1-6 false areas on four shipped
photographs). The one-parameter radial model of Brown (1966) and OpenCV's ``undistort``, about the
copy's centre, explains it:

    u = c + (p - c) (1 + k r^2),   r = |p - c| / R,

where p is a pixel of the copy, u where it lies once straightened, c the centre and R the
half-diagonal, so that ``k R`` is the bend at the corners in copy pixels (positive: barrel, the
copy's corners drawn in; negative: pincushion). One parameter for the whole picture cannot follow
a local warp (a face slimmed, an object moved), so an edit is never explained away as a lens.

``bend`` is fitted by a one-dimensional search with the homography refitted by least squares at
each step, on the matches that agree loosely with the alignment, and kept only when it explains
those far from the centre clearly better (LENS_*). Written here: OpenCV calibrates a lens from a
chessboard, not from matches between two pictures.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import thresholds as T

__all__ = ["Bend", "bend", "straightened"]


def _geometry(shape: tuple[int, ...]) -> tuple[np.ndarray, float]:
    """The picture's centre (pixel centres) and half-diagonal."""
    height, width = shape[:2]
    return np.array([(width - 1) / 2, (height - 1) / 2]), float(np.hypot(width, height) / 2)


def _straighten_points(points: np.ndarray, k: float, centre: np.ndarray, radius: float) -> np.ndarray:
    offsets = points - centre
    r2 = np.sum((offsets / radius) ** 2, axis=1, keepdims=True)
    return centre + offsets * (1 + k * r2)


def _residual(points: np.ndarray, target: np.ndarray, far: np.ndarray) -> float:
    """Median distance of the ``far`` points of ``target`` from ``points`` mapped by the
    least-squares homography of them all: a bend shows far from the centre, while SIFT's noise
    (up to a pixel on a blurred, noisy photograph of a screen) is everywhere."""
    homography, _ = cv2.findHomography(points, target, 0)
    if homography is None:
        return np.inf
    mapped = cv2.perspectiveTransform(points[far].reshape(-1, 1, 2), homography).reshape(-1, 2)
    return float(np.median(np.linalg.norm(mapped - target[far], axis=1)))


@dataclass(frozen=True)
class Bend:
    """A radial bend of the copy about ``centre`` (copy pixels): ``k R`` is ``pixels`` at the
    distance ``radius``; positive: barrel, negative: pincushion."""

    pixels: float
    centre: tuple[float, float]
    radius: float

    @property
    def k(self) -> float:
        return self.pixels / self.radius


def bend(matrix: np.ndarray, source: np.ndarray, target: np.ndarray, copy_shape: tuple[int, ...],
         original_shape: tuple[int, ...], scale: float, threshold: float) -> Bend | None:
    """The copy's bend (``Bend``), or None when there is none worth taking out. ``source``,
    ``target``: matched copy and original points; ``matrix``: the alignment's fit (COPY ->
    ORIGINAL), ``scale`` its ORIGINAL pixels per COPY pixel and ``threshold`` its RANSAC distance
    (ORIGINAL pixels).

    Two centres are tried: the copy's own (a photograph of the original), and the original's
    centre seen in the copy, with the original's half-diagonal (the photograph given as the
    original: a straight picture bent as the inverse of its lens, about the lens's centre, is
    bent radially the other way to first order)."""
    if len(source) < T.LENS_MIN_POINTS:
        return None
    mapped = cv2.perspectiveTransform(source.reshape(-1, 1, 2), matrix).reshape(-1, 2)
    # A bend of a few pixels pushes the corners' matches past RANSAC's distance: take them in.
    agree = np.linalg.norm(mapped - target, axis=1) < T.LENS_LOOSE_THRESHOLD * threshold
    source, target = source[agree], target[agree]
    if len(source) < T.LENS_MIN_POINTS:
        return None
    centre, radius = _geometry(copy_shape)
    original_centre, original_radius = _geometry(original_shape)
    found = [_search(source, target, centre, radius, scale)]
    if abs(np.linalg.det(matrix)) > 1e-12:  # an accepted fit is invertible; a degenerate one is not tried
        seen = cv2.perspectiveTransform(original_centre.reshape(1, 1, 2), np.linalg.inv(matrix)).reshape(2)
        found.append(_search(source, target, seen, original_radius / scale, scale))
    kept = [b for b in found if b is not None]
    return max(kept, key=lambda b: b[1])[0] if kept else None


def _search(source: np.ndarray, target: np.ndarray, centre: np.ndarray, radius: float,
            scale: float) -> tuple[Bend, float] | None:
    """The bend about ``centre`` and its gain on the far matches, when it passes LENS_*."""
    far = np.linalg.norm(source - centre, axis=1) >= T.LENS_FAR * radius
    if far.sum() < T.LENS_MIN_FAR_POINTS:
        return None
    if len(source) > T.LENS_MAX_POINTS:  # a fixed sample: the search's cost, not its answer, grows with more
        shuffled = np.random.default_rng(0).permutation(len(source))
        keep = shuffled[np.argsort(~far[shuffled], kind="stable")][: T.LENS_MAX_POINTS]  # the far ones first
        source, target, far = source[keep], target[keep], far[keep]
    straight = _residual(source, target, far)
    if not np.isfinite(straight) or straight <= 0:
        return None
    # The bend is one number in a narrow range: a grid and a parabola through its best three steps.
    limit = T.LENS_MAX_BEND / radius
    ks = np.linspace(-limit, limit, T.LENS_SEARCH_STEPS)
    costs = np.array([_residual(_straighten_points(source, k, centre, radius), target, far) for k in ks])
    best = int(np.argmin(costs))
    k = float(ks[best])
    if 0 < best < len(ks) - 1:
        left, middle, right = costs[best - 1 : best + 2]
        curvature = left - 2 * middle + right
        if curvature > 0:
            k += 0.5 * (left - right) / curvature * (ks[1] - ks[0])
    gain = 1 - _residual(_straighten_points(source, k, centre, radius), target, far) / straight
    corners_px = abs(k) * radius * scale  # in ORIGINAL pixels, where the change detector looks
    if corners_px < T.LENS_MIN_BEND_PX or gain < T.LENS_MIN_GAIN:
        return None
    return Bend(k * radius, (float(centre[0]), float(centre[1])), radius), gain


def straightened(rgb: np.ndarray, found: Bend) -> np.ndarray:
    """The copy with its bend taken out, on a frame of its size, reduced about the bend's centre
    as far as needed for every pixel of the result to come from inside the copy (a barrel about
    the copy's centre needs none; a pincushion's corners meet the frame's)."""
    centre, radius, k = np.array(found.centre), found.radius, found.k
    height, width = rgb.shape[:2]

    def sources(wanted: np.ndarray) -> np.ndarray:
        # Where each straightened pixel comes from: u = c + (p - c)(1 + k r_p^2) solved for p by
        # fixed-point steps (|k| is a few hundredths, so each step gains two decimals).
        found_at = wanted.copy()
        for _ in range(T.LENS_INVERSE_STEPS):
            r2 = np.sum(((found_at - centre) / radius) ** 2, axis=1, keepdims=True)
            found_at = centre + (wanted - centre) / (1 + k * r2)
        return found_at

    def inside(points: np.ndarray) -> bool:
        return bool(np.all((points >= -0.5) & (points <= [width - 0.5, height - 0.5])))

    edge = np.linspace(0, 1, 33)
    perimeter = np.concatenate([np.stack([edge * (width - 1), np.zeros_like(edge)], 1),
                                np.stack([edge * (width - 1), np.full_like(edge, height - 1)], 1),
                                np.stack([np.zeros_like(edge), edge * (height - 1)], 1),
                                np.stack([np.full_like(edge, width - 1), edge * (height - 1)], 1)])
    reach, low = 1.0, 0.5  # the frame's reach about the centre: the largest that stays inside
    if not inside(sources(perimeter)):
        for _ in range(20):
            middle = (reach + low) / 2
            if inside(sources(centre + (perimeter - centre) * middle)):
                low = middle
            else:
                reach = middle
        reach = low
    x, y = np.meshgrid(np.arange(width, dtype=np.float64), np.arange(height, dtype=np.float64))
    wanted = centre + (np.stack([x.ravel(), y.ravel()], axis=1) - centre) * reach
    found_at = sources(wanted)
    map_x = found_at[:, 0].reshape(height, width).astype(np.float32)
    map_y = found_at[:, 1].reshape(height, width).astype(np.float32)
    return cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
