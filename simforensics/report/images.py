"""The pictures a report shows, derived from the result model and the decoded pixels it holds.

Pure functions: pixels in, pixels out, no measuring. A view is a picture reduced for display
(the measurements were made on the full decoded pixels); the aligned copy is the copy drawn
into the original's frame with the alignment's own matrix; the heat layer colours the change
detector's own strength map. ``data_uri`` encodes a picture for embedding in one HTML file.
"""

from __future__ import annotations

import base64
import io

import cv2
import numpy as np
from PIL import Image

from .. import thresholds as T
from ..align import Alignment
from ..changes import MASK_NOT_COVERED
from ..resample import scale_matrix, shrink_to_side

__all__ = [
    "CROP_SIDE", "MAP_SIDE", "THUMBNAIL_SIDE", "VIEW_SIDE", "aligned_copy_view", "crop_view", "data_uri",
    "heat_layer", "layout_map", "view_of",
]

# Longest side of the pictures in the viewers: enough to zoom 2-3x into a laptop-width figure
# before pixels show, while a 12-MP pair keeps the report to a few megabytes.
VIEW_SIDE = 1600
# Region crops in the identifying-parts table, and scan index thumbnails.
CROP_SIDE = 220
THUMBNAIL_SIDE = 200
# A composition map (a few dozen cells a side) drawn large enough to read, its cells kept square.
MAP_SIDE = 160
# A picture shown beside its EXIF preview (160 px as cameras write it): both drawn at this width.
PREVIEW_SIDE = 320

# Where the copy does not cover the original: light diagonal hatching, which no photograph has.
_HATCH_LIGHT, _HATCH_DARK, _HATCH_PERIOD = 232, 205, 12


def view_of(rgb: np.ndarray, side: int = VIEW_SIDE) -> np.ndarray:
    """The picture reduced (area-averaged) to at most ``side`` pixels on its longest side."""
    return shrink_to_side(rgb, side)


def _hatch(height: int, width: int) -> np.ndarray:
    rows, cols = np.mgrid[0:height, 0:width]
    light = ((rows + cols) // (_HATCH_PERIOD // 2)) % 2 == 0
    grey = np.where(light, _HATCH_LIGHT, _HATCH_DARK).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def aligned_copy_view(copy: np.ndarray, alignment: Alignment, view_size: tuple[int, int],
                      original_size: tuple[int, int]) -> np.ndarray:
    """The copy drawn into the original's frame at ``view_size`` (width, height) by the alignment's
    COPY -> ORIGINAL matrix; hatched where the copy's picture (without padding) does not reach."""
    view_w, view_h = view_size
    to_view = scale_matrix(view_w / original_size[0], view_h / original_size[1]) @ alignment.matrix
    source = copy
    x, y, w, h = alignment.copy_content_box or (0, 0, copy.shape[1], copy.shape[0])
    inside = np.zeros(copy.shape[:2], np.uint8)
    inside[y : y + h, x : x + w] = 255
    shrink = float(np.sqrt(abs(np.linalg.det(to_view[:2, :2]) / to_view[2, 2] ** 2)))
    if shrink < 0.9:  # the copy is finer than the view: area-average first, warping alone would alias
        ch, cw = copy.shape[:2]
        small = (max(1, round(cw * shrink)), max(1, round(ch * shrink)))
        source = cv2.resize(copy, small, interpolation=cv2.INTER_AREA)
        inside = cv2.resize(inside, small, interpolation=cv2.INTER_NEAREST)
        to_view = to_view @ np.linalg.inv(scale_matrix(small[0] / cw, small[1] / ch))
    warped = cv2.warpPerspective(source, to_view, (view_w, view_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    covered = cv2.warpPerspective(inside, to_view, (view_w, view_h), flags=cv2.INTER_NEAREST, borderValue=0) == 255
    return np.where(covered[:, :, None], warped, _hatch(view_h, view_w))


def heat_layer(strength_map: np.ndarray, change_mask: np.ndarray) -> np.ndarray:
    """RGBA at the change detector's working resolution: clear below the outline level, then
    yellow at the outline level through orange at the detection threshold to deep red at three
    times it; grey where the copy does not cover the original."""
    height, width = strength_map.shape
    level = np.clip((strength_map - T.OUTLINE_FRACTION) / (3.0 - T.OUTLINE_FRACTION), 0.0, 1.0)
    # yellow (255, 214, 0) -> orange (245, 124, 0) -> deep red (178, 0, 24)
    stops = np.array([[255, 214, 0], [245, 124, 0], [178, 0, 24]], np.float32)
    position = level * 2.0
    lower = np.minimum(position.astype(np.int32), 1)
    fraction = (position - lower)[..., None]
    colour = stops[lower] * (1 - fraction) + stops[lower + 1] * fraction
    alpha = np.where(strength_map >= T.OUTLINE_FRACTION, 0.45 + 0.4 * level, 0.0)
    not_covered = cv2.resize(change_mask, (width, height), interpolation=cv2.INTER_NEAREST) == MASK_NOT_COVERED
    colour[not_covered] = (120, 120, 120)
    alpha[not_covered] = 0.55
    rgba = np.dstack([colour, alpha[..., None] * 255.0])
    return np.clip(np.rint(rgba), 0, 255).astype(np.uint8)


def crop_view(rgb: np.ndarray, box: tuple[int, int, int, int], side: int = CROP_SIDE) -> np.ndarray | None:
    """The part of ``rgb`` inside ``box`` ([x, y, w, h], clipped to the picture), reduced to ``side``."""
    x, y, w, h = box
    height, width = rgb.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(width, x + w), min(height, y + h)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return None
    return shrink_to_side(rgb[y0:y1, x0:x1], side)


def layout_map(values: np.ndarray, inside: np.ndarray, *, figure: np.ndarray | None = None) -> np.ndarray:
    """A composition map as a picture: ``values`` in [0, 1] as grey, outside the picture hatched,
    and ``figure`` (the same cells) tinted blue. Each cell becomes a square block of pixels."""
    grey = (255 * np.clip(values, 0, 1)).astype(np.uint8)
    rgb = np.repeat(grey[..., None], 3, axis=2)
    if figure is not None:
        tint = np.array([11, 99, 201], np.float32)  # the report's part-outline blue
        share = np.clip(figure, 0, 1)[..., None] * 0.6
        rgb = (rgb * (1 - share) + tint * share).astype(np.uint8)
    block = max(1, MAP_SIDE // max(values.shape))
    rgb = np.repeat(np.repeat(rgb, block, axis=0), block, axis=1)
    outside = np.repeat(np.repeat(~inside, block, axis=0), block, axis=1)
    hatch = _hatch(*outside.shape)
    rgb[outside] = hatch[outside]
    return rgb


def outlined(rgb: np.ndarray, boxes: tuple[tuple[int, int, int, int], ...], side: int = PREVIEW_SIDE) -> np.ndarray:
    """The picture reduced to ``side`` with each box ([x, y, w, h] of ``rgb``) outlined in red."""
    view = np.ascontiguousarray(view_of(rgb, side))
    scale = view.shape[1] / rgb.shape[1]
    for x, y, w, h in boxes:
        cv2.rectangle(view, (int(x * scale), int(y * scale)), (int((x + w) * scale), int((y + h) * scale)), (220, 0, 0), 2)
    return view


def data_uri(pixels: np.ndarray, *, lossless: bool = False) -> str:
    """A ``data:`` URI of the picture: JPEG quality 90 without chroma subsampling for photographs
    (a tenth of PNG's size, no visible loss), PNG for layers with transparency or when asked."""
    image = Image.fromarray(pixels)
    buffer = io.BytesIO()
    if lossless or image.mode == "RGBA":
        image.save(buffer, "PNG", optimize=True)
        kind = "image/png"
    else:
        image.save(buffer, "JPEG", quality=90, subsampling=0, optimize=True)
        kind = "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"
