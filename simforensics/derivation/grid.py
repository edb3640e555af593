"""Both pictures on one pixel grid: the frame the pixel cues (information loss, resampling, tone) read."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from .. import thresholds as T
from ..align import Alignment, overlap_mask
from ..resample import scale_matrix
from .added import locally_changed
from .model import Direction, _grey, _tone_fit_residual

__all__: list[str] = []  # the frame is the package's own


@dataclass(frozen=True)
class _CommonGrid:
    """Both pictures on the finer one's pixel grid, over their overlap (RGB float32)."""

    finer: np.ndarray
    coarser_up: np.ndarray  # the coarser picture warped onto the finer grid (bicubic)
    finer_down_up: np.ndarray  # the finer picture taken to the coarser grid (as ``reduced_by``) and back, the same way
    valid: np.ndarray  # bool: covered by both and unchanged
    scale: float  # finer pixels per coarser pixel (>= 1)
    finer_side: Direction
    coarser_to_finer: np.ndarray  # 3x3, full frames, refined on the pixels
    exact: bool  # the same pixel grid shifted by whole pixels: coarser_up holds the coarser picture's own values
    reduced_by: str = ""  # the reduction that best reproduced the coarser picture, in words ("": not reduced)


def _translation(x: float, y: float) -> np.ndarray:
    return np.array([[1.0, 0, x], [0, 1, y], [0, 0, 1]])


def _mapped_bounds(matrix: np.ndarray, box: tuple[int, int, int, int], shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the bounding box of ``box`` mapped by ``matrix``, clipped to ``shape``."""
    x, y, w, h = box
    corners = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float64).reshape(-1, 1, 2)
    mapped = cv2.perspectiveTransform(corners, matrix).reshape(-1, 2)
    x0, y0 = np.floor(mapped.min(axis=0)).astype(int)
    x1, y1 = np.ceil(mapped.max(axis=0)).astype(int)
    return max(0, x0), max(0, y0), min(shape[1], x1), min(shape[0], y1)


def _common_grid(original: np.ndarray, copy: np.ndarray, alignment: Alignment,
                 changed: np.ndarray | None) -> _CommonGrid | None:
    """Both pictures on the finer one's grid over the central part of their overlap, the
    registration refined on the pixels; changed areas (``changed``, ORIGINAL's frame) left out.
    None when too little overlaps. Only that part is ever warped, so the memory needed does not
    grow with the pictures."""
    matrix = alignment.matrix  # copy -> original
    content = alignment.copy_content_box
    if alignment.scale >= 1.0:
        finer, coarser, to_finer, side, box_in_coarser = original, copy, matrix, Direction.ORIGINAL, content
    else:
        finer, coarser, to_finer, side = copy, original, np.linalg.inv(matrix), Direction.COPY
        box_in_coarser = (0, 0, original.shape[1], original.shape[0])
    # The central part of the overlap, at most DERIVATION_SIDE across: the cues are statistics.
    bx0, by0, bx1, by1 = _mapped_bounds(to_finer, box_in_coarser, finer.shape)
    if side is Direction.COPY:
        bx0, by0 = max(bx0, content[0]), max(by0, content[1])
        bx1, by1 = min(bx1, content[0] + content[2]), min(by1, content[1] + content[3])
    if (bx1 - bx0) * (by1 - by0) < T.DERIVATION_MIN_PIXELS:
        return None
    cx, cy, half = (bx0 + bx1) // 2, (by0 + by1) // 2, T.DERIVATION_SIDE // 2
    x0, x1, y0, y1 = max(bx0, cx - half), min(bx1, cx + half), max(by0, cy - half), min(by1, cy + half)
    shift = _translation(-x0, -y0)
    size = (x1 - x0, y1 - y0)
    covered = overlap_mask(shift @ to_finer, box_in_coarser, (size[1], size[0]))
    if side is Direction.COPY:
        inside = np.zeros(covered.shape, bool)
        inside[max(0, content[1] - y0) : content[1] + content[3] - y0, max(0, content[0] - x0) : content[0] + content[2] - x0] = True
        covered &= inside
    # Eroded from the frame's edges too: where the crop meets a picture's own edge, the copy shows
    # that edge against its canvas or border, resampled into both (coffee reduced by Lanczos into
    # a screenshot: its top and bottom rows left Lanczos's fit at 2.7 grey levels, 0.4 without).
    covered = cv2.erode(covered.astype(np.uint8), np.ones((9, 9), np.uint8), borderType=cv2.BORDER_CONSTANT,
                        borderValue=0).astype(bool)
    if covered.sum() < T.DERIVATION_MIN_PIXELS:
        return None

    def up(picture: np.ndarray, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
        """A picture of the coarser grid (from ``origin`` of it) onto the crop of the finer grid."""
        return cv2.warpPerspective(np.ascontiguousarray(picture), shift @ to_finer @ _translation(*origin), size,
                                   flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)

    # Covered by both and unchanged: changed areas (and a margin) do not count.
    valid = covered
    if changed is not None:
        changed_here = cv2.warpPerspective(changed.view(np.uint8), shift @ (np.eye(3) if side is Direction.ORIGINAL
                                                                            else np.linalg.inv(matrix)),
                                           size, flags=cv2.INTER_NEAREST)
        valid &= ~cv2.dilate(changed_here, np.ones((9, 9), np.uint8)).astype(bool)
    if valid.sum() < T.DERIVATION_MIN_PIXELS:
        return None
    # The alignment's matrix comes from features at 512 px; refine it on these pixels (a tenth of
    # a pixel of misregistration at an edge looks like lost detail), where they show the same.
    whole = _whole_pixel_shift(to_finer)
    if whole is not None:  # the same pixel grid (a crop, a re-encode): exact, nothing to refine
        to_finer = whole
    else:
        correction = _refine(finer[y0:y1, x0:x1], up(coarser), valid)
        to_finer = np.linalg.inv(shift) @ correction @ shift @ to_finer
    warped = up(coarser)
    # The finer crop taken to the coarser grid (with a margin for the interpolation) and back.
    cx0, cy0, cx1, cy1 = _mapped_bounds(np.linalg.inv(to_finer), (x0, y0, size[0], size[1]), coarser.shape)
    cx0, cy0 = max(0, cx0 - 4), max(0, cy0 - 4)
    cx1, cy1 = min(coarser.shape[1], cx1 + 4), min(coarser.shape[0], cy1 + 4)
    scale = alignment.scale if alignment.scale >= 1.0 else 1.0 / alignment.scale
    margin = int(8 + 4 * scale)
    fx0, fy0 = max(0, x0 - margin), max(0, y0 - margin)
    fx1, fy1 = min(finer.shape[1], x1 + margin), min(finer.shape[0], y1 + margin)
    reductions = _to_coarser_grid(finer[fy0:fy1, fx0:fx1], _translation(-fx0, -fy0) @ to_finer @ _translation(cx0, cy0),
                                  (cy1 - cy0, cx1 - cx0))
    warped = warped.astype(np.float32)
    # Where the finer crop is valid, on the coarser grid's window: the reductions are told apart
    # there, against the coarser picture's own pixels, and only the likeliest is taken back up.
    window = (cx1 - cx0, cy1 - cy0)
    valid_there = cv2.warpPerspective(valid.view(np.uint8), shift @ to_finer @ _translation(cx0, cy0), window,
                                      flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP).astype(bool)
    reduced_by, down = _likeliest(reductions, coarser[cy0:cy1, cx0:cx1], valid_there)
    finer_down_up = up(down, (cx0, cy0)).astype(np.float32)
    # Content one picture laid over an area that the change map missed is not compared either.
    valid = valid & ~locally_changed(finer_down_up, warped, valid)
    if valid.sum() < T.DERIVATION_MIN_PIXELS:
        return None
    return _CommonGrid(finer[y0:y1, x0:x1].astype(np.float32), warped, finer_down_up, valid,
                       scale, side, to_finer, whole is not None, reduced_by)


def _whole_pixel_shift(matrix: np.ndarray) -> np.ndarray | None:
    """``matrix`` as an exact shift by whole pixels when it is one within the alignment's error
    (thresholds.DERIVATION_SAME_GRID_*), else None."""
    shift = np.rint(matrix[:2, 2])
    if (float(np.abs(matrix[:2, :2] - np.eye(2)).max()) <= T.DERIVATION_SAME_GRID_SCALE
            and float(np.abs(matrix[:2, 2] - shift).max()) <= T.DERIVATION_SAME_GRID_PX and abs(matrix[2, :2]).max() < 1e-6):
        return np.array([[1.0, 0, shift[0]], [0, 1, shift[1]], [0, 0, 1]])
    return None


def _refine(finer: np.ndarray, coarser_up: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """3x3 affine correction that moves ``coarser_up`` onto ``finer`` (enhanced correlation
    coefficient, Evangelidis and Psarakis 2008: insensitive to brightness and contrast), found at
    half size; the identity when it does not converge."""
    half = lambda x: cv2.resize(x, (x.shape[1] // 2, x.shape[0] // 2), interpolation=cv2.INTER_AREA)
    template = half(_grey(finer.astype(np.uint8)))
    moving = half(_grey(np.clip(coarser_up, 0, 255).astype(np.uint8)))
    mask = half(valid.view(np.uint8) * 255)
    warp = np.eye(2, 3, dtype=np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, T.DERIVATION_REFINE_ITERATIONS, 1e-4)
    try:
        _, warp = cv2.findTransformECC(template, moving, warp, cv2.MOTION_AFFINE, criteria, mask, 3)
    except cv2.error:
        return np.eye(3)
    # findTransformECC's warp maps template pixels to moving ones; at full size the shift doubles
    # (pixel centres: x_full = 2 x_half + 0.5).
    to_half, from_half = scale_matrix(0.5, 0.5), scale_matrix(2.0, 2.0)
    template_to_moving = from_half @ np.vstack([warp, [0, 0, 1]]).astype(np.float64) @ to_half
    if np.abs(template_to_moving[:2, 2]).max() > T.DERIVATION_REFINE_MAX_PX:
        return np.eye(3)
    return np.linalg.inv(template_to_moving)


def _to_coarser_grid(finer: np.ndarray, to_finer: np.ndarray, coarser_shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """The finer picture resampled onto the coarser one's grid, as the usual tools would reduce it:
    area-averaged first when it is shrunk (as any reduction worth the name is), then warped; when
    it is shrunk, also sampled without averaging (OpenCV's default resize) and, when the grids are
    only scaled and shifted, as Pillow's box, bilinear, bicubic and Lanczos filters reduce it,
    sampled at the coarser grid's own positions.

    A reduction made with another filter than the one modelled leaves its difference as
    unexplained detail: Pillow's Lanczos reduction to 70 % of the motorcycle, as OpenCV's area
    average and a warp, left 5.2 grey levels (RMS), as good as the reverse fit (6.1), so a plain
    reduction read as no loss at all; with Lanczos modelled it leaves 0.4. The warp after an area
    average also interpolates between its pixels, a blur no copy made in one step has."""
    to_coarser = np.linalg.inv(to_finer)
    shrink = math.sqrt(abs(np.linalg.det(to_coarser[:2, :2])))

    def onto_coarser(source: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        return cv2.warpPerspective(np.ascontiguousarray(source), matrix, (coarser_shape[1], coarser_shape[0]),
                                   flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    if shrink >= 0.95:
        return {"": onto_coarser(finer, to_coarser)}
    h, w = finer.shape[:2]
    size = (max(2, round(w * shrink)), max(2, round(h * shrink)))
    averaged = onto_coarser(cv2.resize(finer, size, interpolation=cv2.INTER_AREA),
                            to_coarser @ np.linalg.inv(scale_matrix(size[0] / w, size[1] / h)))
    sampled = onto_coarser(finer, to_coarser)  # without averaging first, as ``cv2.resize`` does by default
    return {"an area average": averaged, "sampling without averaging (OpenCV's default)": sampled,
            **_pillow_reductions(finer, to_finer, coarser_shape)}


_PILLOW_REDUCTIONS = {"Pillow's box filter": Image.Resampling.BOX, "Pillow's bilinear filter": Image.Resampling.BILINEAR,
                      "Pillow's bicubic filter": Image.Resampling.BICUBIC, "Pillow's Lanczos filter": Image.Resampling.LANCZOS}


def _pillow_reductions(finer: np.ndarray, to_finer: np.ndarray, coarser_shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """``finer`` reduced onto the coarser grid by each of Pillow's usual filters, when
    ``to_finer`` (coarser pixel -> finer pixel) is a scale and a shift within
    DERIVATION_AXIS_ALIGNED_PX at the grid's corners; else none. Pillow samples output pixel x at
    box_x0 + (x + 0.5) * scale in pixel edges, which places it exactly where the fit puts it."""
    if finer.dtype != np.uint8:
        return {}
    h, w = coarser_shape[:2]
    corners = np.array([[0, w - 1, 0, w - 1], [0, 0, h - 1, h - 1], [1, 1, 1, 1]], np.float64)
    mapped = to_finer @ corners
    if mapped[2].min() <= 1e-9:
        return {}
    mapped = mapped[:2] / mapped[2]
    sx, sy = to_finer[0, 0] / to_finer[2, 2], to_finer[1, 1] / to_finer[2, 2]
    if min(sx, sy) <= 1.0:
        return {}
    # The scale and shift that agree with the fit at the grid's centre.
    centre = mapped.mean(axis=1)
    bx, by = centre[0] - sx * (w - 1) / 2, centre[1] - sy * (h - 1) / 2
    if np.abs(np.array([[sx], [sy]]) * corners[:2] + np.array([[bx], [by]]) - mapped).max() > T.DERIVATION_AXIS_ALIGNED_PX:
        return {}
    x0, y0 = bx + 0.5 - 0.5 * sx, by + 0.5 - 0.5 * sy
    box = (x0, y0, x0 + sx * w, y0 + sy * h)
    # Where the box reaches beyond the picture (the coarser grid's margin, a canvas around it),
    # and for the filter's support around it (3 output pixels for Lanczos), the edge is repeated,
    # as the warp's border is.
    beyond = max(0.0, -box[0], -box[1], box[2] - finer.shape[1], box[3] - finer.shape[0])
    pad = math.ceil(beyond + 3 * max(sx, sy)) + 2
    source = Image.fromarray(cv2.copyMakeBorder(np.ascontiguousarray(finer), pad, pad, pad, pad, cv2.BORDER_REPLICATE))
    box = (box[0] + pad, box[1] + pad, box[2] + pad, box[3] + pad)
    return {how: np.asarray(source.resize((w, h), method, box=box)) for how, method in _PILLOW_REDUCTIONS.items()}


def _likeliest(reductions: dict[str, np.ndarray], coarser: np.ndarray, valid: np.ndarray) -> tuple[str, np.ndarray]:
    """The reduction (on the coarser grid) that a global tone mapping best fits to ``coarser``
    (that grid's own pixels) over ``valid``: the filter the coarser picture was likeliest made
    with. Choosing the best of several only ever helps the finer side explain the coarser one, as
    the parent can; the coarser side, explaining the finer one, still cannot add the detail it
    lacks. Every other pixel of every other row is read: the coarser grid holds a quarter of the
    finer's pixels or fewer, and a global fit needs thousands."""
    if len(reductions) == 1 or valid[::2, ::2].sum() < 8:
        return next(iter(reductions.items()))
    sample, target = valid[::2, ::2], _grey(np.ascontiguousarray(coarser))[::2, ::2]
    return min(reductions.items(), key=lambda item: _tone_fit_residual(item[1][::2, ::2], target, sample))
