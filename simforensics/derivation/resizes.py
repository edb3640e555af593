"""Resizes as the usual tools make them, and the cue they give: exact reproduction of a lossless file."""

from __future__ import annotations

import math
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from .. import thresholds as T
from ..align import overlap_mask
from ..resample import scale_matrix
from .grid import _CommonGrid, _mapped_bounds, _translation, _whole_pixel_shift
from .model import Cue, Direction, FileFacts, Strength, _no_vote, _side_words

__all__ = ["pillow_part", "reproduction"]


def _resampled_into(source: np.ndarray, source_to_target: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``source`` on the target's pixel grid: area-averaged first when shrunk, bicubic when
    enlarged (the usual reducer and enlarger)."""
    shrink = math.sqrt(abs(np.linalg.det(source_to_target[:2, :2])))
    if shrink < 0.95:
        h, w = source.shape[:2]
        size = (max(2, round(w * shrink)), max(2, round(h * shrink)))
        source_to_target = source_to_target @ np.linalg.inv(scale_matrix(size[0] / w, size[1] / h))
        source = _area_reduced_where_read(source, size, source_to_target, shape)
    flags = cv2.INTER_CUBIC if shrink > 1.05 else cv2.INTER_LINEAR
    return cv2.warpPerspective(np.ascontiguousarray(source), source_to_target, (shape[1], shape[0]), flags=flags,
                               borderMode=cv2.BORDER_REPLICATE)


def _area_reduced_where_read(source: np.ndarray, size: tuple[int, int], reduced_to_target: np.ndarray,
                             shape: tuple[int, ...]) -> np.ndarray:
    """``cv2.resize(source, size, interpolation=cv2.INTER_AREA)`` wherever a linear warp by
    ``reduced_to_target`` onto ``shape`` reads it, zero elsewhere: the target is a window of
    DERIVATION_SIDE x 2 at most, and the whole reduction of a 12-MP picture costs 0.06 s.

    A part of the reduction is computed from the matching part of ``source`` where its pixels are
    the whole reduction's own: OpenCV places output pixel x at x * (source / size) source pixels,
    the same in a part that starts on a whole source pixel when that ratio is a dyadic fraction
    (4000 -> 3200: 1.25), computed without rounding. Other ratios, or a part that would be most
    of the picture, are reduced whole."""
    corners = np.array([[0, 0, 1], [shape[1] - 1, 0, 1], [0, shape[0] - 1, 1], [shape[1] - 1, shape[0] - 1, 1]], np.float64)
    read = np.linalg.inv(reduced_to_target) @ corners.T
    spans = None
    if read[2].min() > 1e-9:
        xs, ys = read[0] / read[2], read[1] / read[2]
        # Bilinear reads the pixel at and after each position; a margin of 3 covers rounding.
        spans = [_exact_span(source.shape[1], size[0], math.floor(xs.min()) - 3, math.ceil(xs.max()) + 4),
                 _exact_span(source.shape[0], size[1], math.floor(ys.min()) - 3, math.ceil(ys.max()) + 4)]
    if spans is None or None in spans or (spans[0][1] - spans[0][0]) * (spans[1][1] - spans[1][0]) > size[0] * size[1] / 2:
        return cv2.resize(source, size, interpolation=cv2.INTER_AREA)
    (x0, x1, sx0, sx1), (y0, y1, sy0, sy1) = spans
    reduced = np.zeros((size[1], size[0], *source.shape[2:]), source.dtype)  # untouched pages cost nothing
    reduced[y0:y1, x0:x1] = cv2.resize(source[sy0:sy1, sx0:sx1], (x1 - x0, y1 - y0), interpolation=cv2.INTER_AREA)
    return reduced


def _exact_span(source: int, target: int, low: int, high: int) -> tuple[int, int, int, int] | None:
    """(target start, target end, source start, source end): a span of an area reduction of
    ``source`` pixels to ``target`` holding [low, high), one step of whole source pixels wider on
    each side (within the axis), whose pixels OpenCV computes exactly as in the whole reduction;
    None when the ratio (as OpenCV computes it, 1 / (target / source)) is no dyadic fraction."""
    step = target // math.gcd(source, target)
    scale = 1.0 / (target / source)
    if step & (step - 1) or scale != source / target:
        return None
    low = min(max(low, 0), target - 1)  # a read beyond the edge reads the edge (BORDER_REPLICATE)
    high = max(min(high, target), low + 1)
    start = max(0, (low // step - 1) * step)
    end = min(target, (-(-high // step) + 1) * step)
    return start, end, start // step * (source * step // target), end // step * (source * step // target)


# A resize, computed when called (the first that fits spares the rest) with the columns and rows
# read of it (the top-left part that must be right): it may leave out what lies beyond.
Resized = Callable[[int, int], np.ndarray]


def _usual_resizes(picture: np.ndarray, size: tuple[int, int]) -> list[Resized]:
    """``picture`` resized to ``size`` (width, height) as the usual tools do it: OpenCV's area
    average (reductions) or bicubic (enlargements), Pillow's bicubic (its default), OpenCV's
    bilinear (``cv2.resize``'s default, which samples a reduction without averaging), and Pillow's
    Lanczos, bilinear and, for reductions, box filters, these three up to a resize to
    DERIVATION_RESIZE_MORE_MAX_PIXELS."""
    picture = np.ascontiguousarray(picture)
    reducing = size[0] < picture.shape[1]
    opencv = cv2.INTER_AREA if reducing else cv2.INTER_CUBIC
    more = [Image.Resampling.LANCZOS, Image.Resampling.BILINEAR] + ([Image.Resampling.BOX] if reducing else [])
    if size[0] * size[1] > T.DERIVATION_RESIZE_MORE_MAX_PIXELS:
        more = []
    return [lambda columns, rows: cv2.resize(picture, size, interpolation=opencv),
            lambda columns, rows: pillow_part(picture, size, columns, rows, Image.Resampling.BICUBIC),
            lambda columns, rows: cv2.resize(picture, size, interpolation=cv2.INTER_LINEAR),
            *(lambda columns, rows, method=method: pillow_part(picture, size, columns, rows, method) for method in more)]


def pillow_part(picture: np.ndarray, size: tuple[int, int], columns: int, rows: int,
                method: Image.Resampling = Image.Resampling.BICUBIC) -> np.ndarray:
    """The top-left part, at least ``columns`` x ``rows``, of Pillow's resize of ``picture`` to
    ``size`` by ``method``, pixel for pixel: the cues read a window of a resize, and the whole of a
    12-MP one costs 0.3 s.

    Pillow resizes the source box (0, 0, bx, by) to (cx, cy) with the scale bx / cx and samples at
    (x + 0.5) * scale: when bx is a whole number of pixels and bx / cx = width / size[0] exactly,
    both are the whole resize's, and so are the weights and rows it uses (it reads the whole
    source, clipping its filter at the source's own edges). ``_exact_extent`` picks such a cx."""
    height, width = picture.shape[:2]
    extent = (_exact_extent(width, size[0], columns), _exact_extent(height, size[1], rows))
    box = (0, 0, extent[0] * width // size[0], extent[1] * height // size[1])
    return np.asarray(Image.fromarray(picture).resize(extent, method, box=box))


def _exact_extent(source: int, target: int, needed: int) -> int:
    """The least count of target pixels, at least ``needed`` (at most ``target``), that spans a
    whole number of source pixels (``source`` over ``target`` of them); ``target`` when the axis
    is not resized (Pillow then copies it)."""
    if source == target:
        return target
    step = target // math.gcd(source, target)
    return min(target, -(-max(1, needed) // step) * step)


def _snaps(m: np.ndarray, snapped: np.ndarray, size: tuple[int, int]) -> bool:
    """Whether two target -> source mappings place the corners of a ``size`` target within
    DERIVATION_RESIZE_SNAP_PX of each other."""
    width, height = size
    corners = np.array([[0, 0, 1], [width, 0, 1], [0, height, 1], [width, height, 1]], np.float64).T
    return bool(np.abs((snapped - m) @ corners).max() <= T.DERIVATION_RESIZE_SNAP_PX)


def _resized_crops(source: np.ndarray, source_to_target: np.ndarray, target_shape: tuple[int, ...]) -> list[Resized]:
    """When ``source_to_target`` is, within half a pixel, a whole-pixel crop of ``source`` resized
    to the target's full size, or ``source`` resized and then cropped on whole pixels, the target
    made that way (``_usual_resizes``): a resize computed as the tool computes it gives its very
    pixel values, where a warp along the fitted matrix is a tenth of a pixel off and rounds
    differently; each computed when called. Else (or when the pictures are larger than
    DERIVATION_RESIZE_MAX_PIXELS) an empty list."""
    m = np.linalg.inv(source_to_target)  # target -> source
    if (abs(m[0, 1]) + abs(m[1, 0]) > 1e-3 or abs(m[2, :2]).max() > 1e-6
            or _whole_pixel_shift(source_to_target) is not None):  # no resize: copied as it is
        return []
    height, width = target_shape[:2]
    found = []
    # Crop, then resize. Pixel centres: source_x = x0 + (target_x + 0.5) * crop_width / width - 0.5.
    crop_w, crop_h = round(m[0, 0] * width), round(m[1, 1] * height)
    x0, y0 = round(m[0, 2] - 0.5 * m[0, 0] + 0.5), round(m[1, 2] - 0.5 * m[1, 1] + 0.5)
    fits = x0 >= 0 and y0 >= 0 and x0 + crop_w <= source.shape[1] and y0 + crop_h <= source.shape[0]
    snapped = np.array([[crop_w / width, 0, x0 + 0.5 * crop_w / width - 0.5],
                        [0, crop_h / height, y0 + 0.5 * crop_h / height - 0.5], [0, 0, 1]])
    budget = T.DERIVATION_RESIZE_MAX_PIXELS
    if (fits and min(crop_w, crop_h) >= 8 and max(crop_w * crop_h, width * height) <= budget
            and _snaps(m, snapped, (width, height))):
        found += _usual_resizes(source[y0 : y0 + crop_h, x0 : x0 + crop_w], (width, height))
    # Resize the whole, then crop: source_x = (target_x + x0 + 0.5) * source_width / resized_width - 0.5.
    if x0 != 0 or y0 != 0 or crop_w != source.shape[1] or crop_h != source.shape[0]:
        sized_w, sized_h = round(source.shape[1] / m[0, 0]), round(source.shape[0] / m[1, 1])
        fx, fy = source.shape[1] / sized_w, source.shape[0] / sized_h
        x0, y0 = round((m[0, 2] + 0.5) / fx - 0.5), round((m[1, 2] + 0.5) / fy - 0.5)
        snapped = np.array([[fx, 0, (x0 + 0.5) * fx - 0.5], [0, fy, (y0 + 0.5) * fy - 0.5], [0, 0, 1]])
        if (x0 >= 0 and y0 >= 0 and x0 + width <= sized_w and y0 + height <= sized_h
                and max(source.shape[0] * source.shape[1], sized_w * sized_h) <= budget
                and _snaps(m, snapped, (width, height))):
            found += [lambda columns, rows, r=r, x0=x0, y0=y0: r(x0 + columns, y0 + rows)[y0 : y0 + height, x0 : x0 + width]
                      for r in _usual_resizes(source, (sized_w, sized_h))]
    return found


def _child_window(pictures: dict[Direction, np.ndarray], parent: Direction, to_other: dict[Direction, np.ndarray],
                  changed: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[int, int, int, int]] | None:
    """(window, parent -> window matrix, valid, (x0, y0, x1, y1)): a window of the child (the
    side other than ``parent``) where it shows the parent, cut at multiples of 16 (JPEG's largest
    block) so that its blocks are the file's own, at most DERIVATION_SIDE x 2 across; ``valid``
    where it shows the parent's unchanged pixels, away from the edges of both. None when too small."""
    child = parent.other
    child_picture = pictures[child]
    source_box = (0, 0, pictures[parent].shape[1], pictures[parent].shape[0])
    bx0, by0, bx1, by1 = _mapped_bounds(to_other[parent], source_box, child_picture.shape)
    side = 2 * T.DERIVATION_SIDE
    wx0 = max(bx0, (bx0 + bx1 - side) // 2) // 16 * 16
    wy0 = max(by0, (by0 + by1 - side) // 2) // 16 * 16
    wx1, wy1 = min(bx1, wx0 + side), min(by1, wy0 + side)
    if (wx1 - wx0) * (wy1 - wy0) < T.DERIVATION_MIN_PIXELS:
        return None
    to_window = _translation(-wx0, -wy0) @ to_other[parent]
    window = child_picture[wy0:wy1, wx0:wx1]
    valid = overlap_mask(to_window, source_box, window.shape)
    if changed is not None:
        original_to_window = _translation(-wx0, -wy0) @ (np.eye(3) if child is Direction.ORIGINAL
                                                          else to_other[Direction.ORIGINAL])
        valid &= cv2.warpPerspective(changed.view(np.uint8), original_to_window, (window.shape[1], window.shape[0]),
                                     flags=cv2.INTER_NEAREST) == 0
    valid = cv2.erode(valid.view(np.uint8), np.ones((17, 17), np.uint8)).astype(bool)
    if valid.sum() < T.DERIVATION_MIN_PIXELS:
        return None
    return window, to_window, valid, (wx0, wy0, wx1, wy1)


def _directions(original: np.ndarray, copy: np.ndarray, grid: _CommonGrid) -> tuple[dict, dict]:
    """The pictures by side, and each side's mapping onto the other's frame (refined on the pixels)."""
    copy_to_original = grid.coarser_to_finer if grid.finer_side is Direction.ORIGINAL else np.linalg.inv(grid.coarser_to_finer)
    pictures = {Direction.ORIGINAL: original, Direction.COPY: copy}
    to_other = {Direction.COPY: copy_to_original, Direction.ORIGINAL: np.linalg.inv(copy_to_original)}
    return pictures, to_other


def reproduction(original: np.ndarray, copy: np.ndarray, facts: tuple[FileFacts, FileFacts], grid: _CommonGrid | None,
                 changed: np.ndarray | None) -> Cue:
    """A lossless file that one picture, resized as the usual tools resize (of a whole-pixel crop,
    or cropped after), gives back pixel for pixel was made from it; the reverse cannot be done: a
    reduction averages away what no enlargement brings back exactly, and an enlargement
    interpolates values that no reduction of it undoes exactly."""
    name = "exact reproduction"
    if not (facts[0].full_size and facts[1].full_size):
        return _no_vote(name, "not tested on reduced pictures")
    if grid is None:
        return _no_vote(name, "too little overlap to compare")
    pictures, to_other = _directions(original, copy, grid)
    differences: dict[Direction, float] = {}  # parent candidate -> mean difference from the child
    for parent, child_facts in ((Direction.ORIGINAL, facts[1]), (Direction.COPY, facts[0])):
        if not child_facts.is_lossless:
            continue
        resized = _resized_crops(pictures[parent], to_other[parent], pictures[parent.other].shape)
        found = _child_window(pictures, parent, to_other, changed) if resized else None
        if found is None:
            continue
        window, _, valid, (wx0, wy0, wx1, wy1) = found
        # On every other pixel of every other row: an exact copy is exact on any of them.
        sample = valid[::2, ::2]
        target = window[::2, ::2][sample].astype(np.int16)
        differences[parent] = math.inf
        for resize in resized:
            candidate = resize(wx1, wy1)[wy0:wy1:2, wx0:wx1:2][sample].astype(np.int16)
            differences[parent] = min(differences[parent], float(np.mean(np.abs(candidate - target))))
            if differences[parent] <= T.DERIVATION_REPRODUCED:
                break
    if not differences:
        return _no_vote(name, "neither is a lossless file of the other's pixels resized")
    words = "; ".join(f"{_side_words(d)} resized differs from {_side_words(d.other)} by {v:.3f} levels"
                      for d, v in differences.items())
    exact = [d for d, v in differences.items() if v <= T.DERIVATION_REPRODUCED]
    if len(exact) != 1 or differences.get(exact[0].other, math.inf) < T.DERIVATION_NOT_REPRODUCED:
        return _no_vote(name, words + ": neither reproduces the other exactly while the other cannot")
    parent = exact[0]
    return Cue(name, parent, Strength.STRONG,
               words + f": {_side_words(parent.other)} is {_side_words(parent)} resized, pixel for pixel")
