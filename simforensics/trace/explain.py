"""The dense test: does the source, warped by a fitted transform, explain the picture's pixels there?

Both are compared in a working frame of the picture no finer than the change detector's
(CHANGE_SIDE). The source is drawn into that frame through the model's matrix (area-averaged
first when it is finer, as the change detector does), the compare engine's global colour mapping
is fitted from the warped source to the picture on the area inside the inliers' hull, and refitted
on what the first fit explained. A pixel is explained when neither its pattern nor its colour
differs visibly from that prediction (the change detector's floors, MIN_STRUCTURE_CHANGE and
MIN_COLOUR_CHANGE). The piece is the explained area connected to the inliers: its outline follows
the pixels, not the hull of the keypoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from scipy import ndimage

from .. import thresholds as T
from ..changes import fill_holes, global_colour_prediction, structure_change
from ..resample import scale_matrix
from .fit import Keypoints, PieceModel, fit_pieces, sift_keypoints

__all__ = ["Explanation", "PictureFrame", "explain", "picture_frame", "source_pieces"]


@dataclass(frozen=True)
class PictureFrame:
    """The picture in the working frame, prefiltered as the change detector prefilters."""

    rgb: np.ndarray = field(repr=False)  # float32 RGB, working size
    grey: np.ndarray = field(repr=False)  # uint8
    textured: np.ndarray = field(repr=False)  # bool: local grey variation of at least TRACE_MIN_TEXTURE
    scale: float  # working pixels per picture pixel
    full_shape: tuple[int, int]


@dataclass(frozen=True)
class Explanation:
    model: PieceModel
    cost: np.ndarray = field(repr=False)  # float32, working frame: 1 = at the floors; inf outside the piece
    colour_shift: float  # mean RGB distance, source to picture, over the piece, before the colour mapping
    residual: float  # mean RGB distance left after it
    warped: np.ndarray = field(repr=False)  # uint8 RGB: the source drawn into the working frame (for the report)
    covered: np.ndarray = field(repr=False)  # bool, working frame: where the warped source has pixels


def _disc(radius: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


def picture_frame(rgb: np.ndarray) -> PictureFrame:
    height, width = rgb.shape[:2]
    scale = min(1.0, T.CHANGE_SIDE / max(height, width))
    size = (max(8, round(width * scale)), max(8, round(height * scale)))
    small = rgb if size == (width, height) else cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    smooth = cv2.GaussianBlur(small, (0, 0), T.CHANGE_PREFILTER_SIGMA)
    grey = cv2.cvtColor(smooth, cv2.COLOR_RGB2GRAY)
    g = grey.astype(np.float32)
    mean = cv2.GaussianBlur(g, (0, 0), T.CHANGE_STRUCTURE_SIGMA)
    spread = np.sqrt(np.maximum(cv2.GaussianBlur(g * g, (0, 0), T.CHANGE_STRUCTURE_SIGMA) - mean * mean, 0))
    return PictureFrame(smooth.astype(np.float32), grey, spread >= T.TRACE_MIN_TEXTURE, size[0] / width, (height, width))


def _cost(predicted: np.ndarray, frame: PictureFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cost, fine cost, colour distance): the larger of the structure and colour differences, each
    in units of its change-detector floor, smoothed at the detection scale (an explained piece is a
    coherent area, a chance agreement of a few pixels is not) and at the outline's scale."""
    grey = cv2.cvtColor(np.clip(predicted, 0, 255).astype(np.uint8), cv2.COLOR_RGB2GRAY)
    structure = structure_change(grey, frame.grey)
    difference = cv2.GaussianBlur(frame.rgb - predicted, (0, 0), T.CHANGE_COLOUR_SIGMA)
    colour = np.sqrt((difference**2).sum(axis=2))
    cost = np.maximum(structure / T.MIN_STRUCTURE_CHANGE, colour / T.MIN_COLOUR_CHANGE).astype(np.float32)
    return (cv2.GaussianBlur(cost, (0, 0), T.CHANGE_DETECT_SIGMA), cv2.GaussianBlur(cost, (0, 0), T.CHANGE_OUTLINE_SIGMA),
            colour)


def explain(frame: PictureFrame, source: np.ndarray, source_shape: tuple[int, ...], model: PieceModel) -> Explanation | None:
    """The area of the picture the source explains through ``model``; None when it explains too little.

    ``source``: the source's pixels, possibly reduced; ``source_shape``: its full size.
    """
    height, width = round(frame.full_shape[0] * frame.scale), round(frame.full_shape[1] * frame.scale)
    to_working = scale_matrix(width / frame.full_shape[1], height / frame.full_shape[0])
    to_source = scale_matrix(source.shape[1] / source_shape[1], source.shape[0] / source_shape[0])
    working_to_source = to_source @ model.matrix @ np.linalg.inv(to_working)
    shrink = np.sqrt(abs(np.linalg.det(working_to_source[:2, :2])))  # source pixels per working pixel
    if shrink > 1 / 0.9:  # the source is finer than the frame: area-average it first, warping would alias
        small = (max(1, round(source.shape[1] / shrink)), max(1, round(source.shape[0] / shrink)))
        working_to_source = scale_matrix(small[0] / source.shape[1], small[1] / source.shape[0]) @ working_to_source
        source = cv2.resize(source, small, interpolation=cv2.INTER_AREA)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    warped = cv2.warpAffine(source, working_to_source[:2], (width, height), flags=flags, borderMode=cv2.BORDER_REPLICATE)
    inside = np.full(source.shape[:2], 255, np.uint8)
    covered = cv2.warpAffine(inside, working_to_source[:2], (width, height), flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP,
                             borderValue=0) == 255
    covered = cv2.erode(covered.astype(np.uint8), np.ones((2 * T.CHANGE_EDGE_MARGIN + 1,) * 2, np.uint8)).astype(bool)
    warped_f = cv2.GaussianBlur(warped, (0, 0), T.CHANGE_PREFILTER_SIGMA)

    points = model.picture_points * frame.scale
    hull = np.zeros((height, width), np.uint8)
    cv2.fillConvexPoly(hull, cv2.convexHull(np.round(points).astype(np.int32)), 1)
    hull = hull.astype(bool) & covered
    if (hull & frame.textured).sum() < T.CHANGE_MIN_SAMPLE:
        return None
    predicted = global_colour_prediction(warped_f, frame.rgb, hull)
    cost, fine, colour = _cost(predicted, frame)
    explained = (cost < 1) & covered
    if explained.sum() >= T.CHANGE_MIN_SAMPLE:  # refit on what the first fit explained, hull or not
        predicted = global_colour_prediction(warped_f, frame.rgb, explained)
        cost, fine, colour = _cost(predicted, frame)
        explained = (cost < 1) & covered
    evidence = hull & frame.textured  # flat pixels are explained by any flat source: no evidence
    if evidence.sum() < T.CHANGE_MIN_SAMPLE or explained[evidence].mean() < T.TRACE_MIN_HULL_EXPLAINED:
        return None
    region = _piece(explained, points)
    if region.sum() < T.TRACE_MIN_PIECE_AREA * region.size:
        return None
    # Grown to its outline as the change detector grows a change (hysteresis): the detection-scale
    # smoothing spreads the neighbour's difference a few pixels into the piece; the fine map, within
    # CHANGE_OUTLINE_REACH of the area, gives them back.
    reach = cv2.dilate(region.astype(np.uint8), _disc(T.CHANGE_OUTLINE_REACH)).astype(bool)
    # At the outline itself the pattern window straddles the piece's edge: there a pixel's own
    # colour, as the change detector tightens its outlines (MIN_PIXEL_CHANGE at CHANGE_PIXEL_SIGMA).
    own = cv2.GaussianBlur(np.abs(frame.rgb - predicted).max(axis=2), (0, 0), T.CHANGE_PIXEL_SIGMA)
    region = fill_holes(region | (reach & covered & ((fine < 1) | (own < T.MIN_PIXEL_CHANGE))))
    cost = np.where(region, np.minimum(cost, fine), np.inf).astype(np.float32)
    shift = np.sqrt(((frame.rgb - warped_f.astype(np.float32)) ** 2).sum(axis=2))
    return Explanation(model, cost, float(shift[region].mean()), float(colour[region].mean()), warped, covered)


def _piece(explained: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The explained areas that hold an inlier, opened (specks off), closed and hole-filled."""
    opened = cv2.morphologyEx(explained.astype(np.uint8), cv2.MORPH_OPEN, _disc(T.CHANGE_OPEN_RADIUS))
    closed = cv2.morphologyEx(opened, cv2.MORPH_CLOSE, _disc(T.CHANGE_CLOSE_RADIUS)).astype(bool)
    labels, count = ndimage.label(closed)
    if count == 0:
        return closed
    rows = np.clip(np.round(points[:, 1]).astype(int), 0, closed.shape[0] - 1)
    cols = np.clip(np.round(points[:, 0]).astype(int), 0, closed.shape[1] - 1)
    held = np.unique(labels[rows, cols])
    return fill_holes(np.isin(labels, held[held > 0]))


def source_pieces(frame: PictureFrame, keypoints: Keypoints, source: np.ndarray, source_shape: tuple[int, ...], *,
                  side: int = T.TRACE_SOURCE_SIDE) -> list[Explanation]:
    """Every piece of one source in the picture (``frame``, its ``keypoints``), each confirmed by
    the dense test. ``source``: the source's pixels read at ``side``; ``source_shape``: its full
    size. A source smaller than ``side`` has its cells short of keypoints enlarged up to it."""
    # The source's keypoints at the resolution it was read at (TRACE_SOURCE_SIDE), not reduced
    # further: an enlarged piece shows the source's fine detail, which a reduced copy has lost.
    plain = sift_keypoints(source, side=side, count=T.FEATURE_COUNT, grid=T.TRACE_INDEX_GRID, full_shape=source_shape)
    mirrored = sift_keypoints(np.ascontiguousarray(source[:, ::-1]), side=side, count=T.FEATURE_COUNT,
                              grid=T.TRACE_INDEX_GRID, full_shape=source_shape)
    found = (explain(frame, source, source_shape, model) for model in fit_pieces(keypoints, plain, mirrored, source_shape[1]))
    return [explanation for explanation in found if explanation is not None]
