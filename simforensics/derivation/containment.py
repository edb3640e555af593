"""Cue: containment. A crop lies inside its source; a uniform border is added to a picture."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from .. import thresholds as T
from ..align import Alignment, content_box, overlap_mask
from ..resample import shrunk_to_size
from .model import Cue, Direction, Strength, _no_vote

__all__ = ["containment"]


def _inside_share(matrix: np.ndarray, box: tuple[int, int, int, int], frame_shape: tuple[int, ...]) -> float:
    """Share of ``box`` of one picture that ``matrix`` lands inside the other picture's frame.
    Both by their pixels' outer edges (the matrix maps pixel centres; a pixel reaches half a pixel
    beyond its centre), so a thumbnail of the whole picture lies wholly inside it."""
    x, y, w, h = box
    corners = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float64).reshape(-1, 1, 2) - 0.5
    mapped = cv2.perspectiveTransform(corners, matrix).reshape(-1, 2).astype(np.float32)
    height, width = frame_shape[:2]
    frame = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32) - 0.5
    area = abs(cv2.contourArea(mapped))
    if area <= 0:
        return 0.0
    inside, _ = cv2.intersectConvexConvex(cv2.convexHull(mapped), frame)
    return float(min(1.0, inside / area))


def _padding_share(picture: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Share of ``picture`` outside ``box`` when that outside is a flat fill (padding), else 0:
    a sky or a backdrop along an edge is picture, not a border."""
    x, y, w, h = box
    if (x, y, w, h) == (0, 0, picture.shape[1], picture.shape[0]):
        return 0.0
    outside = np.ones(picture.shape[:2], bool)
    outside[y : y + h, x : x + w] = False
    if not outside.any():
        return 0.0
    values = picture[outside].astype(np.int16)
    flat = (np.abs(values - np.median(values, axis=0)).max(axis=1) <= T.DERIVATION_BORDER_LEVELS).mean()
    return float(outside.mean()) if flat >= T.DERIVATION_BORDER_FLAT_SHARE else 0.0


def _edges_share_fill(picture: np.ndarray, bordered: np.ndarray) -> bool:
    """Whether ``picture``'s outermost pixels are mostly the colour of ``bordered``'s border (its
    corner pixel): then the fill is the scene's own (a dark surround), reaching both pictures' edges."""
    fill = bordered[0, 0].astype(np.int16)
    edges = np.concatenate([picture[0], picture[-1], picture[:, 0], picture[:, -1]]).astype(np.int16)
    near = (np.abs(edges - fill).max(axis=1) <= 3 * T.DERIVATION_BORDER_LEVELS).mean()
    return bool(near >= 0.5)


@dataclass(frozen=True)
class _Surround:
    """A picture read at most DERIVATION_FILL_SIDE across (area averaging keeps a fill flat and
    the tests' cost fixed), with the other picture's footprint on it."""

    small: np.ndarray  # the picture, reduced
    covered: np.ndarray  # bool: the other picture's footprint
    margin: int  # pixels kept away from the footprint's edge (interpolation and JPEG ringing mix there)

    @functools.cached_property
    def spread(self) -> np.ndarray:
        """The grey levels' spread over each pixel's 5 x 5 neighbourhood (largest of the channels);
        made only when some pixel outside the footprint is asked about."""
        values = self.small.astype(np.float32)
        mean = cv2.blur(values, (5, 5))
        variance = np.maximum(cv2.blur(values * values, (5, 5)) - mean * mean, 0)
        # The square root of the largest is the largest square root; numpy's max along a last axis
        # of three is several times slower than two element-wise maxima.
        return np.sqrt(np.maximum(np.maximum(variance[..., 0], variance[..., 1]), variance[..., 2]))

    @functools.cached_property
    def nearest(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(distance, rows, columns): each pixel's distance to the footprint and its nearest
        footprint pixel (scipy's exact Euclidean distance transform gives the pixel, OpenCV's
        labelled one only a label); made once for the fill and seam tests."""
        distance, (rows, columns) = ndimage.distance_transform_edt(~self.covered, return_indices=True)
        return distance, rows, columns

    @functools.cached_property
    def flat(self) -> np.ndarray:
        """Bool: no texture around the pixel (local spread <= DERIVATION_FILL_SPREAD)."""
        return self.spread <= T.DERIVATION_FILL_SPREAD

    def extended(self, asked: np.ndarray) -> np.ndarray:
        """Bool, for the pixels ``asked`` (a bool mask) in their raster order: the pixel repeats the
        footprint's edge (an editor's "replicate" or "reflect" fill of a turned or
        perspective-corrected copy's empty corners: streaks or a mirror image running out from the
        edge). Its colour lies within the range of the 5 x 5 pixels around the nearest footprint
        pixel, or around the one mirrored across it, widened by DERIVATION_EXTENDED_LEVELS (the
        fill repeats a pixel a little along the edge from the nearest one when the turn or
        perspective slants the streaks). Only the pixels asked about are compared (a few of a
        megapixel's, usually)."""
        _, rows, cols = self.nearest
        window = np.ones((5, 5), np.uint8)
        low = cv2.erode(self.small, window).astype(np.int16) - T.DERIVATION_EXTENDED_LEVELS
        high = cv2.dilate(self.small, window).astype(np.int16) + T.DERIVATION_EXTENDED_LEVELS
        height, width = self.covered.shape
        at_rows, at_cols = np.nonzero(asked)
        values = self.small[at_rows, at_cols].astype(np.int16)
        rows, cols = rows[at_rows, at_cols], cols[at_rows, at_cols]
        mirror_rows = np.clip(2 * rows - at_rows, 0, height - 1)
        mirror_cols = np.clip(2 * cols - at_cols, 0, width - 1)
        within = lambda r, c: ((values >= low[r, c]) & (values <= high[r, c])).all(axis=1)
        return within(rows, cols) | within(mirror_rows, mirror_cols)


def _surround(picture: np.ndarray, other_to_picture: np.ndarray, other_box: tuple[int, int, int, int],
              preview: np.ndarray | None = None) -> _Surround:
    """``preview``: ``picture`` area-averaged before (the comparison's), used when of the size wanted."""
    h, w = picture.shape[:2]
    factor = min(1.0, T.DERIVATION_FILL_SIDE / max(h, w))
    size = (max(8, round(w * factor)), max(8, round(h * factor)))
    small = shrunk_to_size(picture, size, preview) if factor < 1.0 else picture
    to_small = np.diag([size[0] / w, size[1] / h, 1.0])
    covered = overlap_mask(to_small @ other_to_picture, other_box, small.shape)
    return _Surround(small, covered, max(2, round(T.DERIVATION_FILL_MARGIN * max(size))))


def _grown(mask: np.ndarray, radius: int) -> np.ndarray:
    return cv2.dilate(mask.view(np.uint8), np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)).astype(bool)


def _fill_share_outside(seen: _Surround, shape: tuple[int, ...], box: tuple[int, int, int, int]) -> float:
    """Share of a picture's area (``shape``; ``seen``: its surround) inside ``box`` but outside the
    other picture's footprint that is fill, not content: a turned copy's canvas corners, flat or
    repeating the picture's edge, a border, a blank margin. Only content the other picture lacks tells which one shows more of
    the scene."""
    h, w = shape[:2]
    size_y, size_x = seen.small.shape[:2]
    x, y, bw, bh = box
    inside = np.zeros((size_y, size_x), bool)
    inside[int(y * size_y / h) : int(np.ceil((y + bh) * size_y / h)), int(x * size_x / w) : int(np.ceil((x + bw) * size_x / w))] = True
    # Away from the footprint's edge only (the box's own edge is the picture's edge: no mixing there).
    outside = inside & ~_grown(seen.covered, seen.margin)
    if not outside.any():
        return 0.0
    flat = float(seen.flat[outside].mean())
    if flat >= T.DERIVATION_BORDER_FLAT_SHARE:
        return flat
    # Or a repeated edge, judged where the outside carries detail (an untextured dark sky next to
    # a dark edge is close to its colours too, and says nothing): there, the detail must be the
    # edge's. One kind of fill or the other, not a mix of the two tests' pixels.
    detailed = outside & (seen.spread > T.DERIVATION_EXTENDED_DETAIL)
    return max(flat, float(seen.extended(detailed).mean()) if detailed.any() else 0.0)


def _on_a_canvas(seen: _Surround) -> bool:
    """Whether the other picture sits in a picture (``seen``: its surround) on a canvas: what lies just beyond its
    footprint is flat fill nearly all along (DERIVATION_BORDER_FLAT_SHARE) and of another colour
    than the picture's own edge just within (a frame with a caption, a meme's text band, an
    app's screen around it). A crop's source shows the scene going on across the crop's edge;
    a canvas was added around the picture, or a margin was cut away from around it, and nothing
    here tells which. A fill of the picture's own edge colour (an object on a studio backdrop,
    cropped looser or tighter) may be the scene's: not a canvas."""
    near, ring = seen.margin, 3 * seen.margin
    beyond = _grown(seen.covered, ring) & ~_grown(seen.covered, near)
    # At least a band as long as the side of DERIVATION_MIN_PIXELS' square (a caption band may
    # run along one side only).
    if (beyond.sum() < np.sqrt(T.DERIVATION_MIN_PIXELS) * (ring - near)
            or seen.flat[beyond].mean() < T.DERIVATION_BORDER_FLAT_SHARE):
        return False
    shrunk = lambda radius: ~_grown(~seen.covered, radius)
    within = shrunk(near) & ~shrunk(ring) & _grown(beyond, 2 * ring)
    if not within.any():
        return False
    fill = np.median(seen.small[beyond], axis=0)
    unlike_fill = np.abs(seen.small[within].astype(np.float32) - fill).max(axis=1) > 3 * T.DERIVATION_BORDER_LEVELS
    return bool(unlike_fill.mean() >= T.DERIVATION_CANVAS_EDGE_SHARE)


def _at_a_seam(seen: _Surround) -> bool:
    """Whether the other picture meets the rest of this one (``seen``: its surround) at a seam: a
    panel of a collage or a diptych, whose neighbours are other pictures. A crop's edge cuts a scene
    that goes on across it, so the grey levels a few pixels apart across the footprint's edge differ
    as much as those as far apart just within it; at a seam they differ DERIVATION_SEAM_RATIO times
    as much or more (medians along the edge). Each pixel just beyond the edge's mixing margin is
    paired with the pixel as deep inside (mirrored across its nearest footprint pixel), and that one
    with the pixel deeper again by the same step."""
    covered, margin = seen.covered, seen.margin
    height, width = covered.shape
    distance, near_rows, near_columns = seen.nearest
    rows, columns = np.nonzero((distance >= margin + 1) & (distance < margin + 2))
    step_rows, step_columns = near_rows[rows, columns] - rows, near_columns[rows, columns] - columns
    in_rows, in_columns = near_rows[rows, columns] + step_rows, near_columns[rows, columns] + step_columns
    deep_rows, deep_columns = in_rows + 2 * step_rows, in_columns + 2 * step_columns
    inside = ((deep_rows >= 0) & (deep_rows < height) & (deep_columns >= 0) & (deep_columns < width)
              & (in_rows >= 0) & (in_rows < height) & (in_columns >= 0) & (in_columns < width))
    rows, columns, in_rows, in_columns, deep_rows, deep_columns = (
        v[inside] for v in (rows, columns, in_rows, in_columns, deep_rows, deep_columns))
    inside = covered[in_rows, in_columns] & covered[deep_rows, deep_columns]
    if inside.sum() < np.sqrt(T.DERIVATION_MIN_PIXELS):  # an edge shorter than a small picture's side
        return False
    grey = cv2.cvtColor(seen.small, cv2.COLOR_RGB2GRAY).astype(np.float32)
    across = np.abs(grey[rows, columns] - grey[in_rows, in_columns])[inside]
    within = np.abs(grey[in_rows, in_columns] - grey[deep_rows, deep_columns])[inside]
    return bool(np.median(across) >= T.DERIVATION_SEAM_RATIO * max(float(np.median(within)), 1.0))


def _made_from_inside(seen: _Surround) -> bool:
    """Whether what lies around the other picture's footprint in this picture (``seen``: its
    surround) is that footprint's content enlarged to cover the frame and blurred: the fill a
    story, a reel or an image-to-video clip puts around a picture of another shape, made from the
    picture itself. A scene a crop cut away goes on beyond the crop, not back over it."""
    height, width = seen.small.shape[:2]
    factor = min(1.0, T.DERIVATION_SELF_FILL_SIDE / max(height, width))
    size = (max(8, round(width * factor)), max(8, round(height * factor)))
    grey = cv2.cvtColor(cv2.resize(seen.small, size, interpolation=cv2.INTER_AREA), cv2.COLOR_RGB2GRAY).astype(np.float32)
    covered = cv2.resize(seen.covered.view(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
    outside = ~_grown(covered, 2)  # the footprint's edge mixes both
    if not covered.any() or outside.sum() < T.CHANGE_MIN_SAMPLE:
        return False
    surround = grey[outside]
    if float(surround.std()) < T.DERIVATION_SELF_FILL_SPREAD:
        return False
    # The fill is blurred: a scene around a crop has detail like the picture's own.
    fine = np.abs(grey - cv2.GaussianBlur(grey, (0, 0), 1.0))
    within = ~_grown(~covered, 2)
    if not within.any() or float(fine[outside].mean()) > T.DERIVATION_SELF_FILL_DETAIL * float(fine[within].mean()):
        return False
    rows, columns = np.nonzero(covered)
    inside = grey[rows.min() : rows.max() + 1, columns.min() : columns.max() + 1]
    scale = max(size[0] / inside.shape[1], size[1] / inside.shape[0])
    if scale < T.DERIVATION_SELF_FILL_MIN_SCALE:  # the picture's own edge carried on (``extended``)
        return False
    enlarged = cv2.resize(inside, (max(size[0], round(inside.shape[1] * scale)), max(size[1], round(inside.shape[0] * scale))),
                          interpolation=cv2.INTER_LINEAR)
    top, left = (enlarged.shape[0] - size[1]) // 2, (enlarged.shape[1] - size[0]) // 2
    enlarged = enlarged[top : top + size[1], left : left + size[0]]
    for sigma in T.DERIVATION_SELF_FILL_BLURS:
        fill = (cv2.GaussianBlur(enlarged, (0, 0), sigma) if sigma else enlarged)[outside]
        if float(fill.std()) >= T.DERIVATION_SELF_FILL_SPREAD and float(np.corrcoef(fill, surround)[0, 1]) >= T.DERIVATION_SELF_FILL_R:
            return True
    return False


def containment(alignment: Alignment, original: np.ndarray, copy: np.ndarray,
                previews: tuple[np.ndarray, np.ndarray] | None = None) -> Cue:
    """A crop lies inside its source, which shows more around it; a uniform border is added to a
    picture, and the picture without it is the earlier one. ``previews``: both pictures as
    ``resample.shrink_to_side`` reduced them (the comparison's), reused for their surrounds."""
    name = "containment"
    # Less than this share missing is no crop: the alignment's error, or the rounding of the
    # smaller picture's width and height to whole pixels (a thumbnail's pixel is a wide strip).
    crop_min = max(T.DERIVATION_CROP_MIN, alignment.rounding_share)
    # Each picture's flat border, if any (the alignment keeps a border that lies outside the
    # original as picture: it has nothing there to compare it with).
    original_padding = _padding_share(original, content_box(original))
    copy_box = content_box(copy)
    copy_padding = _padding_share(copy, copy_box)
    # A fill that reaches the edges of both pictures is the scene's own (a dark surround), not
    # padding: the other picture's edges have its colour, or the bordered picture lies within the
    # other's frame, fill and all (the other has the fill too, recoloured perhaps).
    frame_of = lambda picture: (0, 0, picture.shape[1], picture.shape[0])
    within = 1 - crop_min
    if copy_padding and (_edges_share_fill(original, copy)
                         or _inside_share(alignment.matrix, frame_of(copy), original.shape) >= within):
        copy_padding = 0.0
    if original_padding and (_edges_share_fill(copy, original)
                             or _inside_share(np.linalg.inv(alignment.matrix), frame_of(original), copy.shape) >= within):
        original_padding = 0.0
    if copy_padding == 0.0:
        copy_box = (0, 0, copy.shape[1], copy.shape[0])
    covered = float(overlap_mask(alignment.matrix, copy_box, original.shape, edges=True).mean())  # share of ORIGINAL covered
    inside = _inside_share(alignment.matrix, copy_box, original.shape)  # share of the copy's picture inside ORIGINAL
    if original_padding >= T.DERIVATION_BORDER_MIN and inside >= 1 - crop_min:
        # The second picture covers exactly the first one's content: no less (a crop into it) and no more.
        content_only = abs(covered - (1 - original_padding)) <= crop_min
        if content_only and copy_padding < T.DERIVATION_BORDER_MIN and not _edges_share_fill(copy, original):
            return Cue(name, Direction.COPY, Strength.MODERATE,
                       f"the first picture is the second with a uniform border added ({original_padding:.0%} of its area)")
    # The second picture's content is exactly the first picture: covers all of it, and no more.
    if (copy_padding >= T.DERIVATION_BORDER_MIN and covered >= 1 - crop_min
            and inside >= 1 - crop_min and original_padding < T.DERIVATION_BORDER_MIN
            and not _edges_share_fill(original, copy)):
        return Cue(name, Direction.ORIGINAL, Strength.MODERATE,
                   f"the second picture is the first with a uniform border added ({copy_padding:.0%} of its area)")
    # What lies outside the other picture counts only where it is content: the fill of a turned
    # copy's grown canvas, or a flat border the tests above could not call padding (the scene has
    # a dark surround of its colour), is not more of the scene.
    # Fill only when nearly all of it is flat (as a border is, DERIVATION_BORDER_FLAT_SHARE): a
    # cropped-away sky is flat in places, but the rest of what was cut away is scene.
    original_box = (0, 0, original.shape[1], original.shape[0])
    made = previews or (None, None)
    # Each picture's surround, made once: the fill and canvas tests both read it.
    surround_of_original = functools.cache(lambda: _surround(original, alignment.matrix, copy_box, made[0]))
    surround_of_copy = functools.cache(lambda: _surround(copy, np.linalg.inv(alignment.matrix), original_box, made[1]))
    self_fill = "the {} picture is the {} set on an enlarged, blurred copy of itself (a story or reel's fill)"
    if 1.0 - inside >= crop_min and _made_from_inside(surround_of_copy()):
        return Cue(name, Direction.ORIGINAL, Strength.MODERATE, self_fill.format("second", "first"))
    if 1.0 - covered >= crop_min and _made_from_inside(surround_of_original()):
        return Cue(name, Direction.COPY, Strength.MODERATE, self_fill.format("first", "second"))
    fill = T.DERIVATION_BORDER_FLAT_SHARE
    # A share below crop_min counts as nothing missing whatever the fill test says
    # (every test below reads it against that bound), so the test runs only above it.
    missing_in_copy = 1.0 - covered
    if (missing_in_copy >= crop_min
            and _fill_share_outside(surround_of_original(), original.shape, original_box) >= fill):
        missing_in_copy = 0.0
    missing_in_original = 1.0 - inside
    if (missing_in_original >= crop_min
            and _fill_share_outside(surround_of_copy(), copy.shape, copy_box) >= fill):
        missing_in_original = 0.0
    canvas = ("it lies on a canvas in the {} picture (flat fill just beyond its edges, with a caption or marks "
              "or not): a canvas added around it, or a margin cut away, and nothing here tells which")
    if missing_in_copy >= crop_min and _on_a_canvas(surround_of_original()):
        return _no_vote(name, "the second picture shows less than the first, but " + canvas.format("first"))
    if missing_in_original >= crop_min and _on_a_canvas(surround_of_copy()):
        return _no_vote(name, "the first picture shows less than the second, but " + canvas.format("second"))
    seam = ("it meets the rest of the {} picture at a seam (a panel of a collage or a diptych): pasted into it, "
            "or cut out of it, and nothing here tells which")
    if missing_in_copy >= crop_min and missing_in_original < crop_min and _at_a_seam(surround_of_original()):
        return _no_vote(name, "the second picture shows less than the first, but " + seam.format("first"))
    if missing_in_original >= crop_min and missing_in_copy < crop_min and _at_a_seam(surround_of_copy()):
        return _no_vote(name, "the first picture shows less than the second, but " + seam.format("second"))
    if missing_in_copy >= crop_min and missing_in_original < crop_min:
        strength = Strength.STRONG if missing_in_copy >= T.DERIVATION_CROP_STRONG else Strength.MODERATE
        return Cue(name, Direction.ORIGINAL, strength,
                   f"the second picture shows {covered:.0%} of the first picture's area and nothing outside it (a crop)")
    if missing_in_original >= crop_min and missing_in_copy < crop_min:
        strength = Strength.STRONG if missing_in_original >= T.DERIVATION_CROP_STRONG else Strength.MODERATE
        return Cue(name, Direction.COPY, strength,
                   f"the first picture shows {inside:.0%} of the second picture's area and nothing outside it (a crop)")
    if missing_in_copy >= crop_min:
        return _no_vote(name, f"each picture shows parts the other lacks ({covered:.0%} and {inside:.0%} shared): "
                              "both may be crops of a larger picture")
    if max(1.0 - covered, 1.0 - inside) >= crop_min:
        return _no_vote(name, "both pictures show the same scene: what one shows outside the other is flat fill "
                              "(a turned picture's canvas, a border), not more of the scene")
    return _no_vote(name, "both pictures show the same area")
