"""Where the copy differs locally from the original, ignoring what global operations explain.

The copy is warped into ORIGINAL's frame at a working resolution no finer than either picture.
A *global* colour mapping, a 3-D lookup table fitted to the pair itself (roughly first, each
rough fit made again without its own outliers, then without what the rough fits could not
explain), predicts the copy from the original. Any global recolouring (gamma, curves, hue,
saturation, greyscale) is such a mapping; a local edit is not. A brightness that varies smoothly
over the picture (a vignette, a graduated filter) is taken out of the copy first, when a tone
curve and a quadratic gain explain it (``_brightness_field``).
Three difference maps against that prediction:

* structure: 1 - the contrast-structure term of SSIM (Wang et al. 2004, eq. 9 without the
  luminance term) on grey levels: a redrawn, pasted or painted-out area changes the pattern;
* structure loss: the share of the original's finest detail the copy lacks, beyond what it
  lacks over the whole picture (a global blur, JPEG or downscale): a painted-out object leaves a
  smooth patch in its surroundings' colours;
* colour: the distance from the predicted colour, at a coarser scale, weighed down where the
  original has much detail (where JPEG and resampling err most), its chromatic part weighed up
  where both pictures are dark or nearly grey (a recoloured dark cloak moves its values little):
  a recoloured area. When either picture is grey, the lightness difference alone, unless the
  grey original's copy has colour in places only (colour laid over part of it).

Thresholds adapt to each pair: a pixel is changed when it is an outlier (median + k robust sd)
of its own pair's distribution and above a fixed floor. Detected areas are grown to their
outline with a lower threshold (hysteresis), closed, hole-filled (unless a hole is unchanged and
an area's size: a letter's loop), size-filtered, and finally tightened to the pixels that differ
themselves, and those whose pattern changed more than the differing pixels' own change explains
(a painted-out grain as light as its patch; not a halo of the comparison windows). The global
colour mapping is not let to explain colours found in one place only that the copy changed
unlike the rest and lost the detail of (a mark painted out).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image
from scipy import ndimage
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from . import blur
from . import thresholds as T
from .align import Alignment, box_in_copy, overlap_mask
from .local_tone import LocalTone, local_tone
from .overlay import Overlay, fit_overlay
from .resample import scale_matrix
from .robust import MAD_TO_SD, robust_spread

__all__ = ["ChangeMap", "ChangedArea", "WorkingFrame", "colour_in_places", "global_colour_prediction", "is_grey",
           "localise_changes", "refined_lattice", "structure_change", "warp_to_working_frame"]

MASK_SAME, MASK_NOT_COVERED, MASK_CHANGED = 0, 128, 255

# SSIM constants for 8-bit data (Wang et al. 2004): K2 = 0.03, L = 255.
_C2 = (0.03 * 255) ** 2


# Warping samples the copy without averaging: shrunk by more than a tenth, it would alias.
_ALIASING_SHRINK = 0.9


def _square(radius: int) -> np.ndarray:
    """Structuring element reaching ``radius`` pixels along the axes and diagonals."""
    return np.ones((2 * radius + 1, 2 * radius + 1), np.uint8)


def _disc(radius: int) -> np.ndarray:
    """Structuring element reaching ``radius`` pixels in every direction."""
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))


@dataclass(frozen=True)
class ChangedArea:
    box: tuple[int, int, int, int]  # [x, y, w, h] in ORIGINAL
    area_fraction: float  # share of ORIGINAL's area
    structure_change: float  # mean 1 - contrast-structure similarity inside the area
    colour_change: float  # mean RGB distance from the globally predicted colour
    kind: str  # "redrawn" when the pattern changed, "recoloured" when only colour did
    copy_box: tuple[int, int, int, int] | None = None  # where the area lies in COPY ([x, y, w, h])


@dataclass(frozen=True)
class ChangeMap:
    mask: np.ndarray  # uint8, ORIGINAL's size: 255 changed, 0 same, 128 not covered
    areas: tuple[ChangedArea, ...]
    changed_fraction: float  # share of the covered area that changed
    working_scale: float  # working-frame pixels per ORIGINAL pixel
    structure_threshold: float
    colour_threshold: float
    colour_compared: bool  # False when either picture is greyscale: only structure can be compared
    unchanged_structure: float  # mean contrast-structure similarity outside changed areas
    # Median colour distance from the global colour mapping's prediction outside changed areas (the
    # colour map's units; 0 when colour is not compared): a copy's colours follow one mapping.
    unchanged_colour: float
    structure_map: np.ndarray  # float32, working frame, 1 - contrast-structure similarity
    colour_map: np.ndarray  # float32, working frame
    # float32, working frame: how strongly each pixel differs, as a multiple of this pair's own
    # detection threshold (the larger of structure and colour; 1 = detected, OUTLINE_FRACTION =
    # enough to extend an outline), 0 where not covered. What a heatmap of the changes shows.
    strength_map: np.ndarray
    # The smooth brightness field taken out of the copy before comparing (a vignette, a graduated
    # filter): its largest gain over its smallest, minus 1; 0 when none was.
    brightness_field: float = 0.0
    # The local tone curves the copy was compared through (local contrast enhancement, as CLAHE;
    # local_tone.py): the share of the picture's tiles where they explain the copy better than
    # the global colour mapping; 0 when none were.
    local_tone: float = 0.0
    # The see-through mark found laid over the copy or the original (overlay.py: a watermark),
    # beside which the pair was measured; None when none was.
    overlay: Overlay | None = None


@dataclass(frozen=True)
class WorkingFrame:
    original: np.ndarray  # RGB uint8, working size
    copy: np.ndarray  # RGB uint8, the copy warped into the working frame
    covered: np.ndarray  # bool, where the warped copy has trustworthy pixels
    scale: float
    fill: np.ndarray | None = None  # bool: canvas fill of a rotated copy (not picture), when found
    # The copy's JPEG encoding, when it is a JPEG: its quantisation tables (as Pillow reads them)
    # and chroma subsampling code; and the copy's pixels per working-frame pixel (along a side).
    copy_jpeg: tuple[tuple[tuple[int, ...], ...], int | None] | None = None
    copy_density: float = 1.0


def _shrunk(full: np.ndarray, preview: np.ndarray | None, size: tuple[int, int]) -> np.ndarray:
    """``full`` area-averaged to ``size`` (width, height), from its preview when that is large
    enough: a 12-MP picture is then averaged once, not twice (the geometry is the same, as every
    resize keeps pixel centres aligned)."""
    if size == (full.shape[1], full.shape[0]):
        return full
    source = preview if preview is not None and preview.shape[1] >= size[0] and preview.shape[0] >= size[1] else full
    return source if size == (source.shape[1], source.shape[0]) else cv2.resize(source, size, interpolation=cv2.INTER_AREA)


def warp_to_working_frame(
    original: np.ndarray, copy: np.ndarray, matrix: np.ndarray, copy_scale: float,
    copy_box: tuple[int, int, int, int] | None = None, previews: tuple[np.ndarray, np.ndarray] | None = None,
) -> WorkingFrame:
    """Bring both pictures to a common frame no finer than the coarser of the two.

    Only ``copy_box`` (the copy's picture, without padding) counts as covering the original.
    ``previews``: reduced copies of both pictures, used where they are fine enough.
    """
    height, width = original.shape[:2]
    # copy_scale is ORIGINAL pixels per COPY pixel: a small copy caps the useful resolution.
    scale = min(1.0, T.CHANGE_SIDE / max(height, width), 1.0 / max(copy_scale, 1e-6))
    size = (max(8, round(width * scale)), max(8, round(height * scale)))
    to_working = scale_matrix(size[0] / width, size[1] / height)
    original_preview, copy_preview = previews or (None, None)
    base = _shrunk(original, original_preview, size)

    copy_to_working = to_working @ matrix
    shrink = np.sqrt(abs(np.linalg.det(copy_to_working[:2, :2]) / copy_to_working[2, 2] ** 2))
    source = copy
    box = copy_box or (0, 0, copy.shape[1], copy.shape[0])
    inside = np.zeros(copy.shape[:2], np.uint8)
    inside[box[1] : box[1] + box[3], box[0] : box[0] + box[2]] = 255
    if shrink < _ALIASING_SHRINK:  # the copy is finer than the frame: area-average first, warping would alias
        ch, cw = copy.shape[:2]
        small = (max(1, round(cw * shrink)), max(1, round(ch * shrink)))
        source = _shrunk(copy, copy_preview, small)
        inside = cv2.resize(inside, small, interpolation=cv2.INTER_NEAREST)
        copy_to_working = copy_to_working @ np.linalg.inv(scale_matrix(small[0] / cw, small[1] / ch))
    fill = _rotation_fill(source, matrix, _box_in(box, copy.shape, source.shape))
    warped_fill = None
    if fill is not None:
        inside[fill] = 0
        warped_fill = cv2.warpPerspective(fill.view(np.uint8), copy_to_working, size, flags=cv2.INTER_NEAREST,
                                          borderValue=0).astype(bool)
    warped = cv2.warpPerspective(source, copy_to_working, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    covered = cv2.warpPerspective(inside, copy_to_working, size, flags=cv2.INTER_NEAREST, borderValue=0) == 255
    # Interpolated edge pixels mix in the border: keep a margin out of the comparison.
    covered = cv2.erode(covered.astype(np.uint8), _square(T.CHANGE_EDGE_MARGIN)).astype(bool)
    density = 1.0 / shrink if shrink < _ALIASING_SHRINK else 1.0
    return WorkingFrame(original=base, copy=warped, covered=covered, scale=size[0] / width, fill=warped_fill,
                        copy_density=float(density))


def _rotation_fill(copy: np.ndarray, matrix: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """The canvas fill of a copy turned by other than a right angle onto a larger canvas.

    Turning a picture leaves its canvas's corners empty, filled with one colour; a crop before
    the turn puts that fill over what the original shows there. Where at least three of the
    corners of ``box`` (the copy's picture, padding trimmed) share a colour, the regions of that
    colour (JPEG noise allowed) connected to them inside the canvas's corner triangles are fill,
    not picture, and are left out of the comparison. Only inside the triangles: a picture's own
    background of that colour (a night sky, a studio backdrop) stays compared, edits in it found.
    None when the copy is not turned or its corners do not agree (one uniform corner may be an edit).
    """
    degrees = np.degrees(np.arctan2(matrix[1, 0], matrix[0, 0])) % 90
    if min(degrees, 90 - degrees) < T.FILL_MIN_ROTATION or min(copy.shape[:2]) < 3:
        return None
    triangles = _corner_triangles(copy.shape[:2], matrix, box)
    if triangles is None:
        return None
    x, y, w, h = box
    ys, xs = [y, y, y + h - 1, y + h - 1], [x, x + w - 1, x, x + w - 1]
    corners = copy[ys, xs].astype(np.int16)
    colour = np.median(corners, axis=0)
    agree = np.abs(corners - colour).max(axis=1) <= T.PADDING_TOLERANCE
    if agree.sum() < 3:
        return None
    near = (np.abs(copy.astype(np.int16) - colour).max(axis=2) <= T.PADDING_TOLERANCE) & triangles
    labels, _ = ndimage.label(near)
    corner_labels = labels[ys, xs][agree]
    fill = np.isin(labels, corner_labels[corner_labels > 0])
    return fill if fill.any() else None


def _box_in(box: tuple[int, int, int, int], full: tuple[int, ...], shrunk: tuple[int, ...]) -> tuple[int, int, int, int]:
    """``box`` of a picture of shape ``full``, in the same picture resized to shape ``shrunk``."""
    sx, sy = shrunk[1] / full[1], shrunk[0] / full[0]
    x0, y0 = int(box[0] * sx), int(box[1] * sy)
    x1, y1 = min(shrunk[1], int(np.ceil((box[0] + box[2]) * sx))), min(shrunk[0], int(np.ceil((box[1] + box[3]) * sy)))
    return x0, y0, max(1, x1 - x0), max(1, y1 - y0)


def _corner_triangles(shape: tuple[int, int], matrix: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """Where a turned picture's canvas can have fill: inside ``box``, outside the rectangle turned
    like the original's axes that touches all four sides of the box (a turned picture's canvas is
    its bounding box), widened by FILL_EDGE_TOLERANCE. None when no such rectangle fits."""
    inverse = np.linalg.inv(matrix)
    angle = np.arctan2(inverse[1, 0], inverse[0, 0])  # the original's x axis, in the copy
    c, s = abs(np.cos(angle)), abs(np.sin(angle))
    x, y, box_w, box_h = box
    # Sides (along, across) with box_w = along c + across s and box_h = along s + across c; at 45
    # degrees any split fits, and a square is taken.
    if abs(c * c - s * s) < 0.02:
        along = across = (box_w + box_h) / (2 * (c + s))
    else:
        along = (box_w * c - box_h * s) / (c * c - s * s)
        across = (box_h * c - box_w * s) / (c * c - s * s)
    if along <= 0 or across <= 0:
        return None
    u = np.array([np.cos(angle), np.sin(angle)])
    v = np.array([-u[1], u[0]])
    centre = np.array([x + (box_w - 1) / 2, y + (box_h - 1) / 2])
    corners = [centre + su * along / 2 * u + sv * across / 2 * v for su, sv in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
    picture = np.zeros(shape, np.uint8)
    cv2.fillConvexPoly(picture, np.round(np.array(corners) * 16).astype(np.int32), 1, cv2.LINE_8, 4)
    reach = int(np.ceil(2 + T.FILL_EDGE_TOLERANCE * max(box_w, box_h)))
    picture = cv2.erode(picture, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1)))
    triangles = np.zeros(shape, bool)
    triangles[y : y + box_h, x : x + box_w] = picture[y : y + box_h, x : x + box_w] == 0
    return triangles


def _structure_change(grey_a: np.ndarray, grey_b: np.ndarray) -> np.ndarray:
    """1 - contrast-structure similarity, in SSIM's Gaussian window (Wang et al. 2004)."""
    a, b = grey_a.astype(np.float32), grey_b.astype(np.float32)

    def blur(x: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(x, (0, 0), T.CHANGE_STRUCTURE_SIGMA)

    mu_a, mu_b = blur(a), blur(b)
    var_a = np.maximum(blur(a * a) - mu_a * mu_a, 0)
    var_b = np.maximum(blur(b * b) - mu_b * mu_b, 0)
    cov = blur(a * b) - mu_a * mu_b
    return (1.0 - (2 * cov + _C2) / (var_a + var_b + _C2)).astype(np.float32)


def _detail_energy(grey: np.ndarray) -> np.ndarray:
    """Local energy of the finest detail: the picture less its CHANGE_DETAIL_SIGMA blur, squared,
    averaged in SSIM's window."""
    grey = grey.astype(np.float32)
    fine = grey - cv2.GaussianBlur(grey, (0, 0), T.CHANGE_DETAIL_SIGMA)
    return cv2.GaussianBlur(fine * fine, (0, 0), T.CHANGE_STRUCTURE_SIGMA)


def _coarse_energy(grey: np.ndarray) -> np.ndarray:
    """Local energy of the band from CHANGE_DETAIL_SIGMA to CHANGE_COARSE_SIGMA, which a blur
    hardly touches and a contrast change scales as it scales the finest detail."""
    band = cv2.GaussianBlur(grey, (0, 0), T.CHANGE_DETAIL_SIGMA) - cv2.GaussianBlur(grey, (0, 0), T.CHANGE_COARSE_SIGMA)
    return cv2.GaussianBlur(band * band, (0, 0), T.CHANGE_COARSE_SIGMA)


def _detail_loss(grey_original: np.ndarray, grey_copy: np.ndarray, covered: np.ndarray) -> np.ndarray:
    """Per pixel, the share of the original's fine detail missing from the copy (0-1): what
    painting out leaves (a smooth patch in its surroundings' colours), which neither colour nor
    lightness may show.

    Only loss counts (detail the copy adds is the structure map's business), relative to the
    local level, with SSIM's constant as the floor of what is detail at all. A global blur,
    JPEG or resampling takes detail from the whole copy: the copy's detail is first divided by
    the share it keeps over the picture (median over the original's detailed pixels), so only
    detail lost more than elsewhere stands out.
    """
    original, copy = _detail_energy(grey_original), _detail_energy(grey_copy)
    detailed = covered & (original > _C2)
    kept = 1.0
    if detailed.sum() >= T.CHANGE_MIN_SAMPLE:
        kept = float(np.clip(np.median(copy[detailed] / original[detailed]), T.DETAIL_MIN_KEPT, 1.0))
    return np.clip((original - copy / kept) / (original + _C2), 0.0, 1.0).astype(np.float32)


def _lattice_position(colours: np.ndarray) -> np.ndarray:
    """Where a colour level (0-255) lies along a lattice axis (0-1): the square root spaces the
    nodes closer in the dark, where tone curves are steepest (a gamma of 0.5 takes levels 0-8 to
    0-45: nodes 8 levels apart could not follow it, and a dark, colourful fold of a flag was
    marked recoloured), and 16 levels apart at white."""
    return np.sqrt(np.clip(colours, 0, 255) * np.float32(1 / 255.0))


def _lattice_level(position: np.ndarray) -> np.ndarray:
    """The colour level at a lattice position (0-1): ``_lattice_position``'s inverse."""
    return 255.0 * position * position


def _corners(colours: np.ndarray, nodes: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Trilinear (lattice index, weight) pairs of each colour in a nodes^3 RGB lattice.

    Each weight is (red weight x green weight) x blue weight, each index the lower corner's plus
    an offset: the products of the red and green weights are shared by the two blue corners, and
    each channel is worked on as one contiguous array (the same values with a third of the work)."""
    position = _lattice_position(colours) * (nodes - 1)
    base = np.minimum(np.floor(position).astype(np.int64), nodes - 2)
    fraction = position - base
    upper = [np.ascontiguousarray(fraction[:, k]) for k in range(3)]
    weights = [(1 - f, f) for f in upper]  # per channel: (lower corner's weight, upper corner's)
    lower_index = (base[:, 0] * nodes + base[:, 1]) * nodes + base[:, 2]
    result = []
    for dr in (0, 1):
        for dg in (0, 1):
            red_green = weights[0][dr] * weights[1][dg]
            for db in (0, 1):
                result.append((lower_index + ((dr * nodes + dg) * nodes + db), red_green * weights[2][db]))
    return result


def refined_lattice(table: np.ndarray, fine_index: np.ndarray) -> np.ndarray:
    """Values of an n^3 lattice refined to (2n-1)^3 (new nodes are midpoints of old ones: what a
    corner-aligned linear zoom gives), at the refined nodes ``fine_index`` (flat) only.

    Only the nodes some pixel looks up are made: a whole 65^3 table cost more than the rest of
    the colour fit. Midpoints are taken along the first axis, then the second, then the third,
    so each value is the one the whole refined table would hold; an even node is its coarse node
    itself (0.5 * (x + x) is exactly x).
    """
    nodes = table.shape[0]
    fine_nodes = 2 * nodes - 1
    i, rest = np.divmod(fine_index, fine_nodes * fine_nodes)
    j, k = np.divmod(rest, fine_nodes)
    (i0, j0, k0), (i1, j1, k1) = (i // 2, j // 2, k // 2), ((i + 1) // 2, (j + 1) // 2, (k + 1) // 2)
    along_i = {(jj, kk): 0.5 * (table[i0, js, ks] + table[i1, js, ks])
               for jj, js in enumerate((j0, j1)) for kk, ks in enumerate((k0, k1))}
    along_j = [0.5 * (along_i[(0, kk)] + along_i[(1, kk)]) for kk in (0, 1)]
    return 0.5 * (along_j[0] + along_j[1])


def _predict_colours(original: np.ndarray, copy: np.ndarray, use: np.ndarray, nodes: int = T.COLOUR_TABLE_NODES) -> np.ndarray:
    """The copy as a *global* colour mapping of the original would make it.

    The mapping is a 3-D lookup table (``nodes``^3, trilinear, the usual model of colour grading)
    of the colour *difference* copy - original, averaged from the pixels in ``use``; modelling the
    difference keeps an unchanged colour exactly unchanged. Nodes no pixel reaches fall back to a
    global affine colour fit. It is fitted on every other pixel and applied through a (2 nodes - 1)^3 table
    resampled from it (one lookup per pixel, within 2 levels of the trilinear value).
    """
    table = _fit_table(original, copy, use, nodes)
    return original.astype(np.float32) if table is None else _apply_table(original, table)


def _fit_table(original: np.ndarray, copy: np.ndarray, use: np.ndarray, nodes: int,
               prior: np.ndarray | None = None) -> np.ndarray | None:
    """The lookup table of ``_predict_colours`` (nodes^3 x 3, the colour difference at each node);
    None when ``use`` has too few pixels. Nodes no pixel reaches take ``prior`` (a table of the
    same size) when given, else a global affine colour fit."""
    sample = np.zeros_like(use)
    sample[::2, ::2] = True
    chosen = (use & sample).ravel()
    if chosen.sum() < 16:
        return None
    fit_source = original.reshape(-1, 3)[chosen].astype(np.float64)
    fit_target = copy.reshape(-1, 3)[chosen].astype(np.float64) - fit_source
    if prior is None:
        design = np.hstack([fit_source, np.ones((len(fit_source), 1))])
        affine, *_ = np.linalg.lstsq(design, fit_target, rcond=None)
        lattice = np.stack(np.meshgrid(*[_lattice_level(np.linspace(0, 1, nodes))] * 3, indexing="ij"), -1).reshape(-1, 3)
        prior = np.hstack([lattice, np.ones((nodes**3, 1))]) @ affine
    prior_weight = 1e-3  # only decides nodes that no pixel reaches
    weight_sum = np.full(nodes**3, prior_weight)
    accumulated = prior_weight * prior
    targets = [np.ascontiguousarray(fit_target[:, k]) for k in range(3)]
    for index, weight in _corners(fit_source, nodes):
        weight_sum += np.bincount(index, weight, nodes**3)
        for k in range(3):
            accumulated[:, k] += np.bincount(index, weight * targets[k], nodes**3)
    return accumulated / weight_sum[:, None]


def _apply_table(original: np.ndarray, table: np.ndarray) -> np.ndarray:
    """``original`` (RGB) mapped through a fitted ``table``, as float32 RGB."""
    nodes = round(len(table) ** (1 / 3))
    fine_nodes = 2 * nodes - 1
    if original.dtype == np.uint8:  # each level's node looked up in a table of the 256 (the same arithmetic)
        levels = np.rint(_lattice_position(np.arange(256, dtype=np.float32)) * (fine_nodes - 1)).astype(np.int32)
        flat = (levels[original[..., 0]] * fine_nodes + levels[original[..., 1]]) * fine_nodes + levels[original[..., 2]]
    else:
        nearest = np.rint(_lattice_position(original.astype(np.float32)) * (fine_nodes - 1)).astype(np.int32)
        flat = (nearest[..., 0] * fine_nodes + nearest[..., 1]) * fine_nodes + nearest[..., 2]
    looked_up = np.zeros(fine_nodes**3, bool)
    looked_up[flat] = True
    used = np.flatnonzero(looked_up)
    position = np.zeros(fine_nodes**3, np.int32)
    position[used] = np.arange(len(used), dtype=np.int32)
    fine = refined_lattice(table.reshape(nodes, nodes, nodes, 3), used).astype(np.float32)
    return original.astype(np.float32) + fine[position[flat]]


def _trimmed_prediction(original: np.ndarray, copy: np.ndarray, use: np.ndarray, nodes: int) -> np.ndarray:
    """The copy as the colour table fitted on ``use`` predicts it (float32 RGB), the table fitted
    again without the areas (CHANGE_TRIM_MIN_AREA) whose residual (RGB distance, smoothed as the
    rough fits' residuals are) lies beyond CHANGE_TRIM_SIGMAS robust sd of the pair's own and
    CHANGE_TRIM_FLOOR (trimmed least squares):
    an edit over a large share of the picture bends the first fit toward itself until its
    residual is no outlier, and is left out of the second.

    The residual trimmed on is the one the fit minimises, not the detector's darkness-weighted
    distance: that one weighs up the dark colours a strong tone curve moves steeply, and would trim
    them all. Nodes whose pixels were all trimmed keep the first fit's value, not the affine
    fallback: a colour found only inside a trimmed area has no other evidence, and an affine fit
    cannot follow a strong tone curve there (a dark picture's shadows under a gamma of 1.5).
    """
    table = _fit_table(original, copy, use, nodes)
    if table is None:
        return original.astype(np.float32)
    predicted = _apply_table(original, table)
    residual = cv2.GaussianBlur(_channel_norm(copy - predicted), (0, 0), T.CHANGE_PIXEL_SIGMA)
    median, sd = robust_spread(residual[use])
    outliers = use & (residual > max(T.CHANGE_TRIM_FLOOR, median + T.CHANGE_TRIM_SIGMAS * sd))
    labels, count = ndimage.label(outliers)
    if count == 0:
        return predicted
    large = np.bincount(labels.ravel()) >= T.CHANGE_TRIM_MIN_AREA * use.sum()
    large[0] = False
    if not large.any():
        return predicted
    trimmed = _fit_table(original, copy, use & ~large[labels], nodes, prior=table)
    return predicted if trimmed is None else _apply_table(original, trimmed)


def _colours_from_one_place(original: np.ndarray, copy: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Pixels (of ``use``) whose colour the original shows in one place only, which the copy
    maps unlike the rest of the picture and where it lost their detail: a mark painted out that
    a lookup table fitted to the pair would explain away (a white signature on a black margin,
    its colours found nowhere else, "mapped" to black).

    A global colour mapping shows itself wherever a colour occurs; a colour found only inside a
    small part of the picture is no evidence of one. Colours are binned to the rough table's
    nodes (ROUGH_TABLE_NODES, on every other pixel); a bin's spatial extent is the area of the box
    with its pixels' spread (12 sd_x sd_y, the area of a uniform rectangle), and a bin under
    CONSISTENT_COLOUR_EXTENT of the picture is from one place. Such a bin is left out of the
    final fit when (1) its mean change departs from what the well-spread bins of nearby colours
    say (``_trend_of_spread_bins``, CONSISTENT_COLOUR_SIGMA) by more than those bins depart from it themselves (an outlier
    of their pixels' departures: OUTLIER_SIGMAS, floor MIN_COLOUR_CHANGE), and (2) the copy kept
    under half of its pixels' fine detail (MIN_DETAIL_LOSS), beyond what the copy keeps overall,
    as in ``_detail_loss``: a global grade may move a rare, extreme colour further than the
    trend (a bright spot made more saturated), but keeps its contrast with its surroundings.
    """
    nodes = T.ROUGH_TABLE_NODES
    step = 256 // (nodes - 1)  # 16 levels: the nearest node of the rough lattice, in integers
    nearest = ((np.arange(256) + step // 2) // step).astype(np.uint8)

    def bins_of(picture: np.ndarray) -> np.ndarray:
        near = cv2.LUT(picture, nearest).astype(np.int16)
        return (near[..., 0] * nodes + near[..., 1]) * nodes + near[..., 2]  # under 17^3: int16 will do

    # Statistics on every other pixel (as the colour fits are made), the verdict on all of them.
    chosen = use[::2, ::2]
    if chosen.sum() < T.CHANGE_MIN_SAMPLE:
        return np.zeros_like(use)
    index = bins_of(original[::2, ::2])[chosen]
    size = nodes**3
    ys, xs = np.nonzero(chosen)
    x, y = xs / chosen.shape[1], ys / chosen.shape[0]
    count = np.bincount(index, minlength=size).astype(np.float64)
    safe = np.maximum(count, 1)
    mean_x, mean_y = np.bincount(index, x, size) / safe, np.bincount(index, y, size) / safe
    var_x = np.maximum(np.bincount(index, x * x, size) / safe - mean_x**2, 0)
    var_y = np.maximum(np.bincount(index, y * y, size) / safe - mean_y**2, 0)
    occupied = np.flatnonzero(count)
    spread = 12 * np.sqrt(var_x[occupied] * var_y[occupied]) >= T.CONSISTENT_COLOUR_EXTENT
    weight = count[occupied]
    if weight[spread].sum() < T.CHANGE_MIN_SAMPLE:
        return np.zeros_like(use)
    source = original[::2, ::2][chosen]
    change = copy[::2, ::2][chosen].astype(np.int16) - source
    mean_source = np.stack([np.bincount(index, source[:, k], size)[occupied] for k in range(3)], 1) / weight[:, None]
    mean_change = np.stack([np.bincount(index, change[:, k], size)[occupied] for k in range(3)], 1) / weight[:, None]
    departure = _channel_norm(mean_change - _trend_of_spread_bins(occupied, spread, weight, mean_source, mean_change, nodes))
    level = _weighted_robust_threshold(departure[spread], weight[spread], T.MIN_COLOUR_CHANGE)
    candidates = ~spread & (departure > level)
    if not candidates.any():
        return np.zeros_like(use)
    # ... and only where the copy lost the detail those pixels had (a mark painted out): a global
    # grade of a colour of one place (the bright centre of an optic disc made more saturated) may
    # depart from the others' trend, but keeps its contrast with its surroundings.
    energy = [_detail_energy(cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY))[::2, ::2][chosen] for picture in (original, copy)]
    detail_original = np.bincount(index, energy[0], size)[occupied]
    detail_copy = np.bincount(index, energy[1], size)[occupied]
    kept_overall = float(np.clip(detail_copy[spread].sum() / max(detail_original[spread].sum(), 1e-6), T.DETAIL_MIN_KEPT, 1.0))
    lost = (detail_original > _C2 * weight) & (detail_copy < (1 - T.MIN_DETAIL_LOSS) * kept_overall * detail_original)
    inconsistent = np.zeros(size, bool)
    inconsistent[occupied[candidates & lost]] = True
    if not inconsistent.any():
        return np.zeros_like(use)
    return inconsistent[bins_of(original)] & use


def _trend_of_spread_bins(occupied: np.ndarray, spread: np.ndarray, weight: np.ndarray, mean_source: np.ndarray,
                          mean_change: np.ndarray, nodes: int) -> np.ndarray:
    """What the well-spread bins say each occupied bin's colour should change by: their mean
    changes averaged over nearby colours (a Gaussian, CONSISTENT_COLOUR_SIGMA, reaching twice), each
    spread bin's own left out; where few spread pixels are that near, their global affine trend.
    A colour grade is smooth in colour: near colours change alike."""
    size = nodes**3
    root = np.sqrt(weight[spread])[:, None]
    design = np.hstack([mean_source, np.ones((len(occupied), 1))])
    affine, *_ = np.linalg.lstsq(design[spread] * root, mean_change[spread] * root, rcond=None)
    sums = np.zeros((4, size))
    sums[0, occupied[spread]] = weight[spread]
    sums[1:, occupied[spread]] = (mean_change[spread] * weight[spread][:, None]).T
    sigma = T.CONSISTENT_COLOUR_SIGMA
    blurred = ndimage.gaussian_filter(sums.reshape(4, nodes, nodes, nodes), (0, sigma, sigma, sigma), mode="constant",
                                      truncate=2.0).reshape(4, size)[:, occupied]
    reach = int(2 * sigma + 0.5)  # scipy's kernel radius at truncate 2
    centre = ndimage.gaussian_filter(np.pad([[[1.0]]], reach), sigma, mode="constant", truncate=2.0)[reach, reach, reach]
    blurred -= centre * sums[:, occupied]  # leave each bin's own pixels out of its trend
    prior = centre * T.CHANGE_MIN_SAMPLE  # as many pixels as a median needs, at the bin itself
    return (blurred[1:].T + prior * (design @ affine)) / (blurred[0] + prior)[:, None]


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, 0.5 * cumulative[-1])])


def _weighted_robust_threshold(values: np.ndarray, weights: np.ndarray, floor: float) -> float:
    """``_robust_threshold`` of values that stand for ``weights`` pixels each (a bin's mean)."""
    median = _weighted_median(values, weights)
    mad = _weighted_median(np.abs(values - median), weights) * MAD_TO_SD
    return max(floor, median + T.OUTLIER_SIGMAS * mad)


def _robust_threshold(values: np.ndarray, floor: float) -> float:
    median, sd = robust_spread(values)
    return max(floor, median + T.OUTLIER_SIGMAS * sd)


def _background(mask: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """The 4-connected parts of what ``mask`` leaves out (labels from 1; 0 is the mask itself),
    their count, and which of them reach the picture's border (indexed by label)."""
    labels, count = ndimage.label(~mask)
    reaches_border = np.zeros(count + 1, bool)
    reaches_border[np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]])] = True
    reaches_border[0] = False
    return labels, count, reaches_border


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """``scipy.ndimage.binary_fill_holes`` (4-connected background), by labelling the background
    once instead of growing it from the border one pixel layer per pass (a tenth of the time)."""
    labels, count, reaches_border = _background(mask)
    return ~reaches_border[labels] if count else mask.copy()


def _fill_changed_holes(mask: np.ndarray, unchanged: np.ndarray, min_pixels: int) -> np.ndarray:
    """``fill_holes``, except a hole large enough to be an area of its own (``min_pixels``) of
    which most pixels are ``unchanged``: the inside of a letter's loop (a watermark's O) or a
    ring's middle stays out of the mask, a pinhole or a speck that only looks alike is filled."""
    labels, count, reaches_border = _background(mask)
    if count == 0:
        return mask.copy()
    size = np.bincount(labels.ravel(), minlength=count + 1)
    candidate = ~reaches_border & (size >= min_pixels)
    candidate[0] = False  # label 0 is the mask itself
    if candidate.any():
        candidate &= 2 * np.bincount(labels.ravel(), unchanged.ravel(), minlength=count + 1) > size
    if candidate.any():
        # ... and only inside strokes: the mask around the hole is thin (the outside is within
        # STROKE_RING_WIDTH of it); a hole deep inside a solid area (a badge on a recoloured
        # tank) is part of that area. Unless the hole is larger than all the mask: then it is the
        # untouched picture inside an edit all around it (a figure kept on a new background).
        outside = labels > 0
        outside[labels > 0] = ~candidate[labels[labels > 0]]
        distance = cv2.distanceTransform((~outside).view(np.uint8), cv2.DIST_L2, 3)
        holes = np.flatnonzero(candidate)
        ring = ndimage.minimum(distance, labels, holes)
        candidate[holes] = (np.asarray(ring) <= T.STROKE_RING_WIDTH) | (size[holes] > int(mask.sum()))
    return ~(reaches_border | candidate)[labels]


def _fill_holes_and_filter(mask: np.ndarray, min_pixels: int, unchanged: np.ndarray | None = None) -> np.ndarray:
    return _size_filter(fill_holes(mask) if unchanged is None else _fill_changed_holes(mask, unchanged, min_pixels),
                        min_pixels)


def _size_filter(mask: np.ndarray, min_pixels: int) -> np.ndarray:
    """``mask`` without its connected parts (4-connected) of fewer than ``min_pixels`` pixels."""
    labels, count = ndimage.label(mask)
    if count == 0:
        return mask
    sizes = np.bincount(labels.ravel())
    keep = sizes >= min_pixels
    keep[0] = False
    return keep[labels]


def _pixel_outline(changed: np.ndarray, difference: np.ndarray, covered: np.ndarray, min_pixels: int,
                   pattern: np.ndarray, unexplained: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Tighten each found area to the pixels that differ themselves, and those whose own pattern changed.

    Detection windows reach a few pixels past an edit, which doubles the area of thin strokes
    (a signature, a faint watermark). Inside each area, keep the pixels whose own difference
    from the predicted colour is clear, closed and hole-filled (but for unchanged holes of an
    area's size: the loops of a watermark's letters, the gaps between them), and the pixels whose
    pattern changed by more than those differing pixels' change explains.

    ``unexplained(tight)`` says where: the structure and detail maps made again with the
    original given the copy's values at ``tight`` (at the detection level, and at the outline's),
    so that the halo those pixels cast through the comparison windows is gone. Above the first
    are the pixels of an edit that match in value (a painted-out grain's pixels as light as the
    smooth patch, between those that are not; texture redrawn in the same colours); a hole of
    pixels under both that do not differ by the outline's fraction of the level is unchanged (the
    gap between two letters of a removed watermark, inside a halo of both). The part of an area
    where ``pattern`` (the change in structure or detail, by itself above its detection level)
    reaches beyond the window's reach from the tightened pixels keeps its window outline (from
    those of them that form areas: a painted-out texture's scattered differing grains do not count).
    """
    smooth = cv2.GaussianBlur(difference, (0, 0), T.CHANGE_PIXEL_SIGMA)
    level = (_robust_threshold(smooth[covered], T.MIN_PIXEL_CHANGE) if covered.sum() >= T.CHANGE_MIN_SAMPLE
             else T.MIN_PIXEL_CHANGE)
    differing = smooth > level
    labels, _ = ndimage.label(changed)
    result = np.zeros_like(changed)
    kernel, reach = _disc(T.CHANGE_CLOSE_RADIUS), _disc(T.CHANGE_OUTLINE_REACH)
    room = max(T.CHANGE_CLOSE_RADIUS, T.CHANGE_OUTLINE_REACH) + 1
    height, width = changed.shape
    tightened = []  # (rows, cols, area, its differing pixels closed) of the areas that are tightened
    for index, found in enumerate(ndimage.find_objects(labels), start=1):
        if found is None:
            continue
        # Each area is worked on in its own box, with room for the closing kernel and the reach.
        rows = slice(max(0, found[0].start - room), min(height, found[0].stop + room))
        cols = slice(max(0, found[1].start - room), min(width, found[1].stop + room))
        area = labels[rows, cols] == index
        tight = area & differing[rows, cols]
        tightened.append((rows, cols, area, cv2.morphologyEx(tight.astype(np.uint8), cv2.MORPH_CLOSE, kernel).astype(bool) & area))
    if not tightened:
        return result
    all_tight = np.zeros_like(changed)
    for rows, cols, _, tight in tightened:
        all_tight[rows, cols] |= tight
    # The pattern a halo shows beside the differing pixels is their own change seen through the
    # comparison windows: what remains with those pixels given the copy's values is the pattern's own.
    own_pattern, own_weak = unexplained(all_tight)
    value_unchanged = ~(smooth > T.OUTLINE_FRACTION * level) & ~own_weak
    for rows, cols, area, tight in tightened:
        # Holes of pixels that neither differ in value nor changed in their own pattern stay
        # open; the area's pixels whose own pattern changed are part of the edit.
        tight = _fill_changed_holes(tight, value_unchanged[rows, cols], min_pixels) | (area & own_pattern[rows, cols])
        # What the tightening takes away beyond the detection window's reach is no halo: that
        # part changed in its pattern alone (texture painted out beside a removed object, in the
        # same grey), and keeps its detection outline, up to the tightened part. The reach is
        # measured from the tightened parts that are areas themselves (min_pixels): a texture
        # painted out leaves a scatter of specks that still differ by value (its darkest and
        # brightest grains), which do not outline the change and must not hide the rest of it.
        outline = _size_filter(tight, min_pixels)
        beyond = area & ~cv2.dilate(outline.view(np.uint8), reach).astype(bool) & pattern[rows, cols]
        far = _fill_holes_and_filter(beyond, min_pixels)
        result[rows, cols] |= tight | (cv2.dilate(far.view(np.uint8), reach).astype(bool) & area)
    return _fill_holes_and_filter(result, min_pixels, value_unchanged)


# Per-pixel maximum and length over the 3 colour channels: numpy's reductions along a short last
# axis are several times slower than the same arithmetic on the channel planes.
def _channel_max(image: np.ndarray) -> np.ndarray:
    return np.maximum(np.maximum(image[..., 0], image[..., 1]), image[..., 2])


def _channel_norm(image: np.ndarray) -> np.ndarray:
    return np.sqrt(image[..., 0] ** 2 + image[..., 1] ** 2 + image[..., 2] ** 2)


@dataclass(frozen=True)
class _DifferenceMaps:
    structure: np.ndarray  # 1 - contrast-structure similarity
    colour: np.ndarray  # distance from the predicted colour, detail-weighted
    pixel_difference: np.ndarray  # per-pixel max channel difference from the prediction
    colour_compared: bool
    detail_loss: np.ndarray  # share of the original's fine detail the copy lacks (0-1)
    grey_predicted: np.ndarray  # uint8: the grey levels compared, the prediction's and the copy's
    grey_copy: np.ndarray


def _chroma(rgb: np.ndarray) -> np.ndarray:
    """Per pixel, the largest channel minus the smallest, in levels (0 on a grey pixel)."""
    return _channel_max(rgb).astype(np.int16) - np.minimum(np.minimum(rgb[..., 0], rgb[..., 1]), rgb[..., 2])


def is_grey(rgb: np.ndarray, covered: np.ndarray) -> bool:
    """Whether a picture (RGB, float or uint8) is greyscale where ``covered`` (COLOUR_MIN_CHROMA)."""
    return not covered.any() or float(np.mean(_chroma(rgb)[covered])) < T.COLOUR_MIN_CHROMA


def colour_in_places(rgb: np.ndarray, covered: np.ndarray) -> np.ndarray | None:
    """Where a picture's colour lies, its coloured pixels grown by GREY_ORIGINAL_COLOUR_REACH, when
    that covers little of it (GREY_ORIGINAL_LOCAL_COLOUR); None when its colour is all over. Beside
    a grey picture of the same scene, that colour was laid over it (a tint, a banner, a sticker)."""
    radius = max(1, round(T.GREY_ORIGINAL_COLOUR_REACH * max(rgb.shape[:2])))
    coloured = (_chroma(np.clip(rgb, 0, 255)) > T.GREY_ORIGINAL_COLOUR_LEVEL) & covered
    grown = cv2.dilate(coloured.view(np.uint8), _disc(radius)).astype(bool) & covered
    return grown if covered.any() and float(grown[covered].mean()) <= T.GREY_ORIGINAL_LOCAL_COLOUR else None


def _grey_and_chroma(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grey level and chroma of an RGB picture (float or uint8; clipped to 0-255)."""
    rgb = np.clip(rgb, 0, 255).astype(np.uint8) if rgb.dtype != np.uint8 else rgb
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), _chroma(rgb)


def _weighted_distance(difference: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Length of an RGB difference with its chromatic part (off the grey axis: what a hue or
    chroma change moves) multiplied by ``gain``; its lightness part is not, as blur and
    resampling move lightness at a bright detail in a dark place (a star in a night sky)."""
    grey_part = difference.mean(axis=2)
    chromatic = _channel_norm(difference - grey_part[..., None])
    return np.sqrt(3.0 * grey_part * grey_part + (gain * chromatic) ** 2)


def _darkness_gain(grey_a: np.ndarray, chroma_a: np.ndarray, grey_b: np.ndarray, chroma_b: np.ndarray,
                   activity: np.ndarray) -> np.ndarray:
    """Per pixel, how much more a colour difference's chromatic part counts where both pictures
    are dark or nearly grey and the original is flat (DARK_REFERENCE and the others explain
    why): 1 at mid-grey and full colour, fading at detail (DARK_FLAT_ACTIVITY)."""
    def level(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(np.maximum(a, b).astype(np.float32), (0, 0), T.CHANGE_COLOUR_SIGMA)

    gain = ((T.DARK_REFERENCE + T.DARK_OFFSET) / (level(grey_a, grey_b) + T.DARK_OFFSET)
            * (T.LOW_CHROMA_REFERENCE + T.LOW_CHROMA_OFFSET) / (level(chroma_a, chroma_b) + T.LOW_CHROMA_OFFSET))
    gain = np.clip(gain, 1.0, T.DARK_MAX_GAIN)
    return 1.0 + (gain - 1.0) / (1.0 + activity / T.DARK_FLAT_ACTIVITY)


def _copy_softness(original: np.ndarray, copy: np.ndarray, covered: np.ndarray) -> float:
    """The blur (Gaussian sigma, working-frame pixels, among COPY_BLUR_STEPS) that takes the
    original's fine detail down to the copy's, over the whole picture; 0 when the copy is as
    sharp as the original. Detail is compared as the median of local ratios over the original's
    detailed pixels (a local edit does not count), relative to the same ratio of a coarser band
    (CHANGE_COARSE_SIGMA), which a blur hardly touches and a contrast change scales alike; from
    the least blur that matches, a stronger one is taken while the pattern agrees better with it."""
    grey_original = cv2.cvtColor(original, cv2.COLOR_RGB2GRAY).astype(np.float32)
    grey_copy = cv2.cvtColor(copy, cv2.COLOR_RGB2GRAY).astype(np.float32)
    energy, copy_energy = _detail_energy(grey_original), _detail_energy(grey_copy)
    detailed = covered & (energy > _C2)
    if detailed.sum() < T.CHANGE_MIN_SAMPLE:
        return 0.0

    coarse_original, coarse_copy = _coarse_energy(grey_original), _coarse_energy(grey_copy)
    contrast = float(np.median(coarse_copy[detailed] / np.maximum(coarse_original[detailed], 1e-3)))
    chosen = 0.0
    for sigma in T.COPY_BLUR_STEPS:
        if float(np.median(copy_energy[detailed] / energy[detailed])) >= T.COPY_BLUR_MATCH * contrast:
            break
        chosen = sigma
        energy = _detail_energy(cv2.GaussianBlur(grey_original, (0, 0), sigma))
    if chosen == 0.0:
        return chosen

    def disagreement(sigma: float) -> float:
        return _trimmed_disagreement(cv2.GaussianBlur(grey_original, (0, 0), sigma), grey_copy, detailed)

    # The least blur that matches the detail, then more while the pattern agrees clearly better.
    best = disagreement(chosen)
    for sigma in (s for s in T.COPY_BLUR_STEPS if s > chosen):
        value = disagreement(sigma)
        if value > T.COPY_BLUR_GAIN * best:
            break
        chosen, best = sigma, value
    return chosen


def _blurred_as_the_copy(original: np.ndarray, copy: np.ndarray, covered: np.ndarray, sigma: float) -> np.ndarray:
    """The original blurred as the copy is: by the Gaussian of ``sigma`` (``_copy_softness``), or
    by the averaging filter fitted to the pair (``blur.averaging_filter``) when that explains the
    copy's pattern clearly better (COPY_FILTER_GAIN): a motion blur's streaks, a defocused lens's
    disc, which no Gaussian follows (a copy blurred along 9 px kept 3-6 "redrawn" areas at its
    best Gaussian)."""
    gaussian = cv2.GaussianBlur(original, (0, 0), sigma)
    inner = _inside(covered, 2 * T.BLUR_FILTER_RADIUS + 1)
    if inner.sum() < T.CHANGE_MIN_SAMPLE:
        return gaussian
    grey_copy = cv2.cvtColor(copy, cv2.COLOR_RGB2GRAY).astype(np.float32)
    by_gaussian = _trimmed_disagreement(cv2.cvtColor(gaussian, cv2.COLOR_RGB2GRAY), grey_copy, inner)
    if by_gaussian <= T.COPY_FILTER_TRY:
        return gaussian
    grey_original = cv2.cvtColor(original, cv2.COLOR_RGB2GRAY).astype(np.float32)
    kernel = blur.averaging_filter(grey_original, grey_copy, covered)
    if kernel is None or (_trimmed_disagreement(blur.filtered(grey_original, kernel), grey_copy, inner)
                          > T.COPY_FILTER_GAIN * by_gaussian):
        return gaussian
    return blur.filtered(original, kernel)


def _trimmed_disagreement(grey_a: np.ndarray, grey_b: np.ndarray, where: np.ndarray) -> float:
    """Mean structure change of two grey pictures over ``where``, its top COPY_BLUR_TRIM left out
    (a local edit's own, which no blur explains)."""
    change = np.sort(_structure_change(grey_a, grey_b)[where])
    return float(change[: max(1, int(len(change) * (1 - T.COPY_BLUR_TRIM)))].mean()) if len(change) else 0.0


def _more_detail_throughout(grey_original: np.ndarray, grey_copy: np.ndarray, covered: np.ndarray) -> bool:
    """Whether the copy has more fine detail than its original over the covered pixels, relative to
    the coarser band's (a contrast change scales both alike): COPY_NOISE_EXCESS or more."""
    def ratio(energy: Callable[[np.ndarray], np.ndarray]) -> float:
        return float(energy(grey_copy)[covered].sum() / max(float(energy(grey_original)[covered].sum()), 1e-6))

    return ratio(_detail_energy) >= T.COPY_NOISE_EXCESS * ratio(_coarse_energy)


def _above_the_copys_excess(original: np.ndarray, copy: np.ndarray,
                            covered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pair compared above a copy's excess of fine detail throughout (noise or grain added,
    strong sharpening, or the original is the blurred one): both pictures blurred by the least of
    COPY_NOISE_STEPS at which their pattern agrees as a copy's does (COPY_NOISE_AGREEMENT), or the
    copy through the averaging filter fitted from it to the original (a motion-blurred original,
    which no Gaussian follows), when that agrees and does clearly better (COPY_FILTER_GAIN). As
    they were when the copy has no such excess, or when neither brings it there (a restyle's
    strokes and lines differ at every scale, and are no blur of the photograph)."""
    if covered.sum() < T.CHANGE_MIN_SAMPLE:
        return original, copy
    grey_original = cv2.cvtColor(original, cv2.COLOR_RGB2GRAY).astype(np.float32)
    grey_copy = cv2.cvtColor(copy, cv2.COLOR_RGB2GRAY).astype(np.float32)
    if not _more_detail_throughout(grey_original, grey_copy, covered):
        return original, copy
    gaussian, by_gaussian = 0.0, np.inf
    for sigma in T.COPY_NOISE_STEPS:
        blurred = [cv2.GaussianBlur(grey, (0, 0), sigma) for grey in (grey_original, grey_copy)]
        if (disagreement := _trimmed_disagreement(*blurred, covered)) <= T.COPY_NOISE_AGREEMENT:
            gaussian, by_gaussian = sigma, disagreement
            break
    inner = _inside(covered, 2 * T.BLUR_FILTER_RADIUS + 1)
    kernel = (blur.averaging_filter(grey_copy, grey_original, covered)
              if by_gaussian > T.COPY_FILTER_TRY and inner.sum() >= T.CHANGE_MIN_SAMPLE else None)
    if kernel is not None:
        by_filter = _trimmed_disagreement(grey_original, blur.filtered(grey_copy, kernel), inner)
        if by_filter <= T.COPY_NOISE_AGREEMENT and by_filter <= T.COPY_FILTER_GAIN * by_gaussian:
            return original, blur.filtered(copy, kernel)
    if gaussian:
        return cv2.GaussianBlur(original, (0, 0), gaussian), cv2.GaussianBlur(copy, (0, 0), gaussian)
    return original, copy


def _inside(covered: np.ndarray, margin: int) -> np.ndarray:
    """The covered pixels at least ``margin`` from the frame's edge (a filter reads beyond it)."""
    inner = covered.copy()
    inner[:margin], inner[-margin:], inner[:, :margin], inner[:, -margin:] = False, False, False, False
    return inner


def _colour_activity(rgb: np.ndarray) -> np.ndarray:
    """How much the colour varies around each pixel: the steepest channel's gradient, in levels
    per pixel, averaged at the colour scale."""
    gradients = [np.hypot(cv2.Sobel(rgb[..., k], cv2.CV_32F, 1, 0), cv2.Sobel(rgb[..., k], cv2.CV_32F, 0, 1))
                 for k in range(3)]
    steepest = np.maximum(np.maximum(gradients[0], gradients[1]), gradients[2]) / 8.0  # Sobel weights sum to 8
    return cv2.GaussianBlur(steepest, (0, 0), T.CHANGE_COLOUR_SIGMA)


def as_the_copy_encodes(frame: WorkingFrame, rgb: np.ndarray) -> np.ndarray:
    """``rgb`` (a part of the working frame, uint8) as the copy's own JPEG encoding shows it: at
    the copy's pixel density, encoded with its tables and chroma subsampling, decoded and brought
    back to the working frame's size. ``frame.copy_jpeg`` must be set."""
    return _encoded_at_copy_density(frame, rgb)[0]


def _encoded_at_copy_density(frame: WorkingFrame, rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(encoded, plain): ``rgb`` at the copy's pixel density encoded with its JPEG tables and
    decoded, and the same not encoded, both brought back to ``rgb``'s size."""
    height, width = rgb.shape[:2]
    density = max(1.0, frame.copy_density)
    size = (max(8, round(width * density)), max(8, round(height * density)))
    dense = rgb if size == (width, height) else cv2.resize(rgb, size, interpolation=cv2.INTER_LINEAR)
    tables, subsampling = frame.copy_jpeg
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(dense)).save(buffer, "JPEG", qtables=[list(t) for t in tables],
                                                      subsampling=subsampling if subsampling is not None else 2)
    encoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    if size != (width, height):
        encoded = cv2.resize(encoded, (width, height), interpolation=cv2.INTER_AREA)
        dense = cv2.resize(dense, (width, height), interpolation=cv2.INTER_AREA)
    return encoded, dense


def _jpeg_noise(frame: WorkingFrame, original: np.ndarray, table: np.ndarray) -> np.ndarray:
    """What the copy's own JPEG encoding does to the colours the global mapping predicts: the
    original (``original``: the frame's, through its tone curves) mapped through ``table`` (at
    full sharpness, as the copy was before its encoding), encoded with the copy's tables at the
    copy's own pixel density, decoded, less the same unencoded (both smoothed as the compared
    pictures are), float32 RGB in the working frame."""
    sharp = np.clip(np.rint(_apply_table(original, table)), 0, 255).astype(np.uint8)
    encoded, plain = _encoded_at_copy_density(frame, sharp)
    encoded_f = cv2.GaussianBlur(encoded, (0, 0), T.CHANGE_PREFILTER_SIGMA).astype(np.float32)
    plain_f = cv2.GaussianBlur(plain, (0, 0), T.CHANGE_PREFILTER_SIGMA).astype(np.float32)
    return encoded_f - plain_f


def _tone_curves(original: np.ndarray, copy: np.ndarray, use: np.ndarray) -> np.ndarray:
    """Per channel, the copy's level for each of the original's 256 levels (3 x 256, uint8): the
    median over the pixels of ``use`` at that level; a level with fewer than CHANGE_CURVE_PIXELS
    pixels takes the line between the nearest levels that have them (the colours of one small
    object do not make their own curve). The median, where the derivation's curves
    (``derivation.compression._channel_curves``) take the mean of a pair already known to be one
    picture: here a local edit shares the levels, and must not pull them."""
    curves = np.empty((3, 256), np.uint8)
    levels = np.arange(256)
    for k in range(3):
        pairs = original[..., k][use].astype(np.int64) * 256 + copy[..., k][use]
        counts = np.bincount(pairs, minlength=256 * 256).reshape(256, 256)
        at_level = counts.sum(axis=1)
        median = np.argmax(np.cumsum(counts, axis=1) >= (at_level[:, None] + 1) // 2, axis=1)
        known = at_level >= T.CHANGE_CURVE_PIXELS
        curves[k] = (levels if not known.any() else
                     np.rint(np.interp(levels, levels[known], median[known]))).astype(np.uint8)
    return curves


def _saturation_gain(original: np.ndarray, copy: np.ndarray, use: np.ndarray) -> float | None:
    """How much farther from its grey (luma) each colour of the copy lies than the original's:
    the median, over the pixels of ``use`` with colour enough to measure (SATURATION_MIN_CHROMA)
    and no channel clipped in the copy, of the copy's chroma vector projected on the original's,
    over the original's length. None when too few such pixels. On every fourth pixel of every
    fourth row: a median needs no more (on twelve saturated copies the gain moved by under 0.01
    from that of every other pixel of every other row)."""
    original, copy, use = original[::4, ::4], copy[::4, ::4], use[::4, ::4]
    unclipped = use & (copy.min(axis=2) > T.SATURATION_CLIPPED) & (copy.max(axis=2) < 255 - T.SATURATION_CLIPPED)
    original_f, copy_f = original[unclipped].astype(np.float32), copy[unclipped].astype(np.float32)
    chroma_original = original_f - (original_f @ _LUMA)[:, None]
    chroma_copy = copy_f - (copy_f @ _LUMA)[:, None]
    length = (chroma_original**2).sum(axis=1)
    measurable = length >= T.SATURATION_MIN_CHROMA**2
    if measurable.sum() < T.CHANGE_MIN_SAMPLE:
        return None
    along = (chroma_copy[measurable] * chroma_original[measurable]).sum(axis=1)
    return float(np.median(along / length[measurable]))


def _global_tone(frame: WorkingFrame) -> np.ndarray:
    """The original through the copy's global tone, for the colour table to map further: its tone
    curve in each channel (``_tone_curves``), then its saturation gain (``_saturation_gain``),
    each kept when it explains the copy clearly better than the table alone (the mean residual
    CHANGE_CURVE_GAIN or less of it, its CHANGE_CURVE_TAIL-th percentile no higher, no cell
    clearly worse); else the original. A 3-D table's nodes lie 7-16 levels apart in the mid-tones
    and highlights: a sharp curve bends between them (highlights clipped by a brightening, a
    solarisation's fold, a posterisation's steps, the equalisation of a low-contrast picture), as
    does a strong saturation where it clips the brightest colours, and the colours there read as
    local recolours; a curve per channel follows it level by level, and a gain with its clipping
    follows the saturation, as the usual tools apply them."""
    covered = frame.covered
    if covered.sum() < T.CHANGE_MIN_SAMPLE:
        return frame.original

    # Judged at the scale colour is compared (CHANGE_COLOUR_SIGMA), on every other pixel of every
    # other row, as the rough fits are: pixel by pixel, a JPEG copy's own noise (6-10 levels on
    # average at quality 85) swamped what the curves explain, and an equalised, solarised or
    # contrast-raised photograph saved as a JPEG read "locally-edited" where the same as a PNG
    # did not.
    def smoothed(picture: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(picture, (0, 0), T.CHANGE_COLOUR_SIGMA)[::2, ::2]

    copy, use = smoothed(frame.copy), covered[::2, ::2]
    cell = _cell_of(use.shape, T.CHANGE_CURVE_CELLS)[use]
    counts = np.bincount(cell, minlength=T.CHANGE_CURVE_CELLS**2)
    judged = counts >= T.CHANGE_MIN_SAMPLE

    def residual(source: np.ndarray) -> tuple[float, float, np.ndarray]:
        left = _channel_norm(copy - _predict_colours(smoothed(source), copy, use))[use]
        by_cell = np.bincount(cell, weights=left, minlength=counts.size)[judged] / counts[judged]
        return float(left.mean()), float(np.percentile(left, T.CHANGE_CURVE_TAIL)), by_cell

    def better(candidate: tuple[float, float, np.ndarray], current: tuple[float, float, np.ndarray]) -> bool:
        # ... and a candidate must leave no part of the picture clearly worse: a local edit whose
        # colours are rare elsewhere pulls its levels' medians (a removed watermark's light letters
        # over the rocket's sky), and the curves then mispredict the other places with those levels.
        return (candidate[0] <= T.CHANGE_CURVE_GAIN * current[0] and candidate[1] <= current[1]
                and bool(np.all(candidate[2] - current[2] <= T.CHANGE_CURVE_CELL_RISE)))

    source, judged_source = frame.original, residual(frame.original)
    curves = _tone_curves(frame.original, frame.copy, covered)
    curved = np.stack([curves[k][frame.original[..., k]] for k in range(3)], axis=-1)
    judged_curved = residual(curved)
    if better(judged_curved, judged_source):
        source, judged_source = curved, judged_curved
    gain = _saturation_gain(source, frame.copy, covered)
    if gain is not None and abs(gain - 1.0) >= T.SATURATION_MIN_CHANGE:
        source_f = source.astype(np.float32)
        grey = (source_f @ _LUMA)[..., None]
        saturated = np.clip(np.rint(grey + gain * (source_f - grey)), 0, 255).astype(np.uint8)
        if better(residual(saturated), judged_source):
            source = saturated
    return source


def _difference_maps(frame: WorkingFrame, toned: np.ndarray | None = None) -> _DifferenceMaps:
    """Structure and colour differences of the copy from the original's global colour mapping.
    ``toned``: the original, or the original through the copy's global tone (default: whichever
    ``_global_tone`` chooses)."""
    covered = frame.covered
    toned = _global_tone(frame) if toned is None else toned
    original_f = cv2.GaussianBlur(toned, (0, 0), T.CHANGE_PREFILTER_SIGMA)
    copy_f = cv2.GaussianBlur(frame.copy, (0, 0), T.CHANGE_PREFILTER_SIGMA)
    softer = _copy_softness(original_f, copy_f, covered)
    if softer > 0:  # compare at the copy's sharpness: a blurred copy's colours at detail are mixed
        original_f = _blurred_as_the_copy(original_f, copy_f, covered, softer)
    else:  # above a noisy copy's grain, or at a blurred original's softness
        original_f, copy_f = _above_the_copys_excess(original_f, copy_f, covered)
    activity = _colour_activity(original_f)
    # The first fit only has to find roughly what it cannot explain: every other pixel will do.
    coarse_covered = covered[::2, ::2]
    coarse_original, coarse_copy = original_f[::2, ::2], copy_f[::2, ::2]
    unexplained = np.zeros_like(covered)
    if coarse_covered.sum() >= T.CHANGE_MIN_SAMPLE:
        # Two rough fits (each trimmed of its outliers: _trimmed_prediction), each leaving out what it
        # cannot explain: the usual table, and a smoother one (ROUGH_TABLE_NODES) that does not
        # absorb a recolour of one narrow band of colours; of the latter's, only areas, as it
        # follows small colourful details less well.
        coarse_unexplained = np.zeros(coarse_covered.shape, bool)
        copy_grey_and_chroma, coarse_activity = _grey_and_chroma(coarse_copy), activity[::2, ::2]
        # A JPEG copy's own encoding error, as large as a weak edit's on strongly graded, saturated
        # colours, is no sign of an edit: it is predicted by encoding the original, mapped as the
        # copy is, with the copy's own tables (_jpeg_noise), and a pixel is unexplained only where
        # its residual exceeds that too. Left out of the final fit, such colours would lose the
        # pixels that show how the grade maps them.
        noise = None
        if frame.copy_jpeg is not None:
            table = _fit_table(original_f, copy_f, covered, T.COLOUR_TABLE_NODES)
            noise = None if table is None else _jpeg_noise(frame, toned, table)[::2, ::2]
        for nodes in (T.COLOUR_TABLE_NODES, T.ROUGH_TABLE_NODES):
            coarse = _trimmed_prediction(coarse_original, coarse_copy, coarse_covered, nodes)
            # Weighed as the colour map is, so a dark garment's recolour is left out of the final fit.
            coarse_gain = _darkness_gain(*_grey_and_chroma(coarse), *copy_grey_and_chroma, coarse_activity)
            residual = cv2.GaussianBlur(_weighted_distance(coarse_copy - coarse, coarse_gain), (0, 0), T.CHANGE_PIXEL_SIGMA)
            level = _robust_threshold(residual[coarse_covered], T.MIN_COLOUR_CHANGE)
            # Only where the copy is: its uncovered surround, flagged too, would enclose a copy lying
            # inside the frame, and the hole filling below would then leave the whole of it out.
            allowed = T.CHANGE_UNEXPLAINED_FRACTION * level
            if noise is not None:
                # The level already holds the pair's usual noise: only its local excess raises the bar.
                local = cv2.GaussianBlur(_weighted_distance(noise, coarse_gain), (0, 0), T.CHANGE_PIXEL_SIGMA)
                allowed = allowed + np.maximum(local - float(np.median(local[coarse_covered])), 0.0)
            flagged = (residual > allowed) & coarse_covered
            if nodes == T.ROUGH_TABLE_NODES:
                flagged = _fill_holes_and_filter(
                    flagged, max(T.MIN_CHANGE_PIXELS, int(T.MIN_CHANGE_AREA * coarse_covered.sum())))
            coarse_unexplained |= flagged
        # Colours found in one place only, mapped unlike the rest: a table would explain them
        # (a white signature on a black margin turned black), but no global mapping shows there.
        coarse_unexplained |= _colours_from_one_place(coarse_original, coarse_copy, coarse_covered)
        grown = cv2.dilate(coarse_unexplained.view(np.uint8), _square(T.CHANGE_UNEXPLAINED_GROW))
        size = (covered.shape[1], covered.shape[0])
        unexplained = cv2.resize(grown, size, interpolation=cv2.INTER_NEAREST).astype(bool)
    predicted = _predict_colours(original_f, copy_f, covered & ~unexplained)

    # Colour is compared when both pictures have some, and when a grey original's copy has it in
    # places only (GREY_ORIGINAL_LOCAL_COLOUR): a colourised copy's colours follow the content,
    # which no mapping of grey levels predicts (it would be all "recoloured"), and a grey copy
    # has none to compare.
    coloured = [not is_grey(picture, covered) for picture in (frame.original, frame.copy)]
    laid_on_grey = coloured[1] and not coloured[0] and colour_in_places(frame.copy, covered) is not None
    colour_compared = all(coloured) or laid_on_grey
    grey_predicted = cv2.cvtColor(np.clip(predicted, 0, 255).astype(np.uint8), cv2.COLOR_RGB2GRAY)
    grey_copy = cv2.cvtColor(copy_f, cv2.COLOR_RGB2GRAY)
    structure = _structure_change(grey_predicted, grey_copy)
    difference = copy_f.astype(np.float32) - predicted
    if colour_compared:
        # Colour is compared at a coarser scale than structure (JPEG stores colour at half
        # resolution, 4:2:0), and counts less where the original's colour varies a lot: JPEG and
        # resampling err most there (ACTIVITY_SCALE levels per pixel halve its weight).
        gain = _darkness_gain(*_grey_and_chroma(predicted), *_grey_and_chroma(copy_f), activity)
        smooth_difference = cv2.GaussianBlur(difference, (0, 0), T.CHANGE_COLOUR_SIGMA)
        colour = _weighted_distance(smooth_difference, gain) / (1.0 + activity / T.ACTIVITY_SCALE)
    else:
        # Otherwise lightness is: the grey picture's mapping predicts the other's grey levels (a
        # tinted banner laid over a grey photograph moves them, a global tint does not). Weighed
        # as colour is, a lightness difference d counting sqrt(3) d, its length in RGB.
        smooth_grey = cv2.GaussianBlur(grey_copy.astype(np.float32) - grey_predicted, (0, 0), T.CHANGE_COLOUR_SIGMA)
        colour = np.sqrt(3.0) * np.abs(smooth_grey) / (1.0 + activity / T.ACTIVITY_SCALE)
    if coloured[1] and not colour_compared:  # colours the grey original cannot predict: lightness alone
        pixel_difference = np.abs(grey_copy.astype(np.float32) - grey_predicted)
    else:
        pixel_difference = _channel_max(np.abs(difference))
    loss = _detail_loss(grey_predicted, grey_copy, covered)
    return _DifferenceMaps(structure, colour.astype(np.float32), pixel_difference, colour_compared, loss,
                           grey_predicted, grey_copy)


_LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def _field_terms(ys: np.ndarray, xs: np.ndarray, shape: tuple[int, ...], steep: bool = False) -> np.ndarray:
    """x, y, x^2, xy, y^2 of pixel positions, each coordinate scaled to -1..1 over ``shape``; with
    ``steep``, also BRIGHTNESS_FIELD_STEEP_POWERS of their distance r from the centre, for a strong
    vignette's log gain, which falls faster than r^2 toward the corners."""
    u = xs * (2.0 / max(1, shape[1] - 1)) - 1.0
    v = ys * (2.0 / max(1, shape[0] - 1)) - 1.0
    terms = [u, v, u * u, u * v, v * v]
    if steep:
        r = np.sqrt(u * u + v * v)
        terms += [r**power for power in T.BRIGHTNESS_FIELD_STEEP_POWERS]
    return np.stack(terms, -1)


def _tone_terms(level: np.ndarray, nodes: int) -> np.ndarray:
    """Piecewise-linear (hat) basis of ``nodes`` over 0..255: a tone curve as their weighted sum."""
    position = np.clip(level * ((nodes - 1) / 255.0), 0, nodes - 1 - 1e-6)
    below = np.floor(position).astype(np.intp)
    above_weight = position - below
    terms = np.zeros((len(level), nodes))
    rows = np.arange(len(level))
    terms[rows, below] = 1 - above_weight
    terms[rows, below + 1] = above_weight
    return terms


def _rough_residual(original: np.ndarray, copy: np.ndarray, use: np.ndarray) -> float:
    """Median distance of the copy from the rough colour table's prediction, over ``use``."""
    predicted = _predict_colours(original, copy, use, T.ROUGH_TABLE_NODES)
    return float(np.median(_channel_norm(copy.astype(np.float32) - predicted)[use]))


def _brightness_field(frame: WorkingFrame) -> np.ndarray | None:
    """The copy's brightness as a tone curve of the original's times a gain varying smoothly over
    the picture (a vignette, a graduated filter; BRIGHTNESS_FIELD_* explain the model): that gain
    per pixel of the working frame (median 1), or None when there is none to take out.

    A quadratic field decides whether there is one. Only then is a steeper one (BRIGHTNESS_FIELD_STEEP_POWERS)
    fitted, and kept when it explains the pair better still."""
    step = max(1, round(np.sqrt(frame.covered.size / T.BRIGHTNESS_FIELD_SAMPLES)))
    use = frame.covered[::step, ::step]
    original, copy = frame.original[::step, ::step], frame.copy[::step, ::step]
    gain = _fitted_gain(original, copy, use, step, frame.covered.shape, steep=False)
    if gain is None:
        return None
    # The field is fitted on the samples as they are, and judged on samples that average their
    # neighbourhood (a Gaussian of half the sampling step), as a smooth field is to be judged: a
    # blurred, noisy or resampled copy differs from its original at every edge and grain, which no
    # field explains, and judged point by point those differences hid a vignette's (a photographed
    # print: a 30 % vignette under blur, noise and JPEG left 8.3 levels of median residual, 7.0
    # with the field taken out, short of the fifth less it must explain). Fitted on the averaged
    # samples, a field passed for local contrast enhancement (the rocket's dark sky lifted by CLAHE).
    reach = np.ones((2 * step + 1, 2 * step + 1), np.uint8)
    inner = _inside(cv2.erode(frame.covered.view(np.uint8), reach).astype(bool), step)[::step, ::step]
    averaged_original, averaged_copy = (cv2.GaussianBlur(picture, (0, 0), step / 2)[::step, ::step]
                                        for picture in (frame.original, frame.copy))

    def residual_without(field: np.ndarray) -> float:
        return _rough_residual(averaged_original, _without_gain(averaged_copy, field), inner)

    residual = residual_without(gain)
    if residual > T.BRIGHTNESS_FIELD_MIN_GAIN * _rough_residual(averaged_original, averaged_copy, inner):
        return None
    steep = _fitted_gain(original, copy, use, step, frame.covered.shape, steep=True)
    if steep is not None and residual_without(steep) < residual:
        gain = steep
    return cv2.resize(gain, (frame.covered.shape[1], frame.covered.shape[0]), interpolation=cv2.INTER_LINEAR)


def _fitted_gain(original: np.ndarray, copy: np.ndarray, use: np.ndarray, step: int,
                 shape: tuple[int, ...], steep: bool) -> np.ndarray | None:
    """The gain field (median 1) over the sample grid ``use`` of the working frame (``shape``, every
    ``step``-th pixel), or None when the fit has too few samples or its gain varies too little.

    Fitted by hand with least squares: a tone curve and a polynomial surface fitted together are
    one linear model, which no library fits robustly as such; trimmed as the colour fits are."""
    ys, xs = np.nonzero(use)
    if len(ys) < T.CHANGE_MIN_SAMPLE:
        return None
    grey_original = original[ys, xs].astype(np.float32) @ _LUMA
    grey_copy = copy[ys, xs].astype(np.float32) @ _LUMA
    low, high = T.BRIGHTNESS_FIELD_LEVELS
    fit = (grey_original > low) & (grey_copy > low) & (grey_original < high) & (grey_copy < high)
    if fit.sum() < T.CHANGE_MIN_SAMPLE:
        return None
    position = _field_terms(ys * step, xs * step, shape, steep)
    # The tone curve over the log level (scaled to 0-255), where a gain is a shift.
    log_level = np.log(grey_original.clip(1)) * (255.0 / np.log(255.0))
    design = np.hstack([_tone_terms(log_level, T.BRIGHTNESS_FIELD_TONE_NODES), position])
    target = np.log(grey_copy.clip(1))
    kept = fit
    for _ in range(T.BRIGHTNESS_FIELD_ROUNDS):
        # Through the normal equations (21-23 unknowns), far cheaper than decomposing the samples;
        # lstsq copes with tone nodes no sample reaches.
        chosen = design[kept]
        weights, *_ = np.linalg.lstsq(chosen.T @ chosen, chosen.T @ target[kept], rcond=None)
        residual = target - design @ weights
        median, spread = robust_spread(residual[kept])
        kept = fit & (np.abs(residual - median) <= T.BRIGHTNESS_FIELD_TRIM_SIGMAS * max(spread, 1e-3))
        if kept.sum() < T.CHANGE_MIN_SAMPLE:
            return None
    surface = weights[-position.shape[1]:]
    log_gain = position @ surface
    if np.exp(log_gain.max() - log_gain.min()) - 1 < T.BRIGHTNESS_FIELD_MIN_RANGE:
        return None
    # A global edit explains most of the picture's brightness, not the half that a smooth surface
    # bent toward a replaced part happens to fit.
    if np.mean(np.abs(residual[fit] - median) <= T.BRIGHTNESS_FIELD_EXPLAINED_LOG) < T.BRIGHTNESS_FIELD_EXPLAINED_SHARE:
        return None
    # On the whole sample grid, enlarged only when kept: the surface is smooth.
    grid_y, grid_x = np.mgrid[0 : use.shape[0], 0 : use.shape[1]]
    field = (_field_terms(grid_y.ravel() * step, grid_x.ravel() * step, shape, steep) @ surface).reshape(use.shape)
    return np.exp(field - np.median(log_gain)).astype(np.float32)


def _without_gain(copy: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """The copy (RGB uint8) with a brightness gain per pixel divided out."""
    return np.clip(np.rint(copy.astype(np.float32) / gain[..., None]), 0, 255).astype(np.uint8)


def localise_changes(
    original: np.ndarray, copy: np.ndarray, alignment: Alignment, frame: WorkingFrame | None = None
) -> ChangeMap:
    """Change mask and changed areas of an aligned pair, in ORIGINAL's frame: detect in the
    working frame, project the result onto ORIGINAL, describe each area."""
    frame = frame or warp_to_working_frame(original, copy, alignment.matrix, alignment.scale, alignment.copy_content_box)
    # A vignette or graduated filter is a global edit no colour table explains: compare without it.
    gain = _brightness_field(frame)
    if gain is not None:
        frame = replace(frame, copy=_without_gain(frame.copy, gain))
    maps, found = _measured(frame)
    maps, found = _remeasured(frame, maps, found) or (maps, found)
    # A see-through mark laid over either whole picture (a stock photograph's watermark) is a local edit.
    maps, found, overlay = _through_overlay(frame, maps, found)
    # Local contrast enhancement is a global edit too: a tone curve that changes across the picture.
    frame, maps, found, toned = _through_local_tone(frame, maps, found)
    covered, changed = frame.covered, found.changed
    unchanged = covered & ~changed
    strength = np.maximum(found.structure_fine / found.structure_threshold, found.colour_fine / found.colour_threshold)
    strength[~covered] = 0.0
    return ChangeMap(
        mask=_project(changed, frame, alignment, original.shape),
        areas=_describe(found, frame, maps.colour_compared, alignment, copy.shape),
        changed_fraction=float((changed & covered).sum() / max(1, int(covered.sum()))),
        working_scale=frame.scale,
        structure_threshold=found.structure_threshold,
        colour_threshold=found.colour_threshold,
        colour_compared=maps.colour_compared,
        # Beyond the reach of a see-through mark's strokes: they are thin and everywhere.
        unchanged_structure=_unchanged_structure(maps.structure, covered, changed, beyond_reach=overlay is not None),
        unchanged_colour=float(np.median(maps.colour[unchanged])) if maps.colour_compared and unchanged.any() else 0.0,
        structure_map=maps.structure,
        colour_map=maps.colour,
        strength_map=strength.astype(np.float32),
        brightness_field=0.0 if gain is None else round(float(gain[covered].max() / gain[covered].min()) - 1, 4),
        local_tone=0.0 if toned is None else toned.departing,
        overlay=overlay,
    )


def _through_local_tone(frame: WorkingFrame, maps: _DifferenceMaps,
                        found: _Detection) -> tuple[WorkingFrame, _DifferenceMaps, _Detection, LocalTone | None]:
    """The pair measured through the copy's local tone curves (local contrast enhancement, a
    global edit: ``local_tone``), else as measured (``LocalTone`` None).

    Only for a pair that is a copy without them (outside what it finds changed, the pattern kept
    and the colours following one mapping: verdict.is_copy_like's terms): the curves take out
    areas a filter made; they do not make a copy. A tile's curve can map anything flat to
    anything flat, and flat pictures laid out alike were "explained" tile by tile: a grey clock
    and a coloured flag carrying one banner, two silhouettes of the coins filled with other
    textures (kept pattern 0.85 to 0.91), and the coffee painted in oil (0.81 to 0.86) read
    "locally-edited". Fitted where the measurement without them found nothing changed (a
    replaced half of the picture bends the curves of the tiles it fills, which then explained
    half of it), and kept when the copy's pattern then agrees better. When that still finds
    something changed, the curves are fitted again on everything, and kept when that leaves less
    changed: an area the filter made that the first measurement took for an edit is left out of
    the first fit and so stays (a pasted patch, left out of the first fit, is better outlined by
    it: 4 % of the picture outlined as 4.6 %, not 8 %)."""
    covered = frame.covered
    if not _is_copy_like(maps, found, covered):
        return frame, maps, found, None
    structure = _unchanged_structure(maps.structure, covered, found.changed)

    def through_local_tone(changed: np.ndarray) -> tuple[WorkingFrame, LocalTone] | None:
        use = covered & ~cv2.dilate(changed.view(np.uint8), _square(T.CHANGE_UNEXPLAINED_GROW)).astype(bool)
        tone = local_tone(frame.original, frame.copy, use, _predict_colours)
        return None if tone is None else (replace(frame, original=tone.toned), tone)

    first = through_local_tone(found.changed)
    if first is None:
        return frame, maps, found, None
    toned_frame, toned = first
    toned_maps, toned_found = _measured(toned_frame)
    if _unchanged_structure(toned_maps.structure, covered, toned_found.changed) <= structure:
        return frame, maps, found, None
    if toned_found.changed.any() and (again := through_local_tone(np.zeros_like(covered))) is not None:
        again_maps, again_found = _measured(again[0])
        if _changed_share(again_found, covered) < _changed_share(toned_found, covered):
            return again[0], again_maps, again_found, again[1]
    return toned_frame, toned_maps, toned_found, toned


def _through_overlay(frame: WorkingFrame, maps: _DifferenceMaps,
                     found: _Detection) -> tuple[_DifferenceMaps, _Detection, Overlay | None]:
    """The pair measured with its levels set beside a see-through mark laid over the copy or the
    original (overlay.py), else as measured (``Overlay`` None).

    Only for a pair that does not read as a copy as measured (verdict.is_copy_like's terms, and at
    most MAX_LOCAL_EDIT_AREA changed): a dense mark raises the pair's own levels until too little
    of it is found, and what is not found lowers the kept pattern (or the large-edit measurement
    takes most of the picture for replaced). Kept when, measured from the pixels beside the mark
    (its pixels grown by CHANGE_UNEXPLAINED_GROW left out), the pair reads as a copy, its kept
    pattern measured beyond the strokes' reach (UNCHANGED_STRUCTURE_MARGIN): a restyle's outlines
    can pass for a mark, its re-rendered rest is no copy."""
    covered = frame.covered
    if covered.sum() < T.CHANGE_MIN_SAMPLE or _reads_as_copy(maps, found, covered):
        return maps, found, None
    original_f = cv2.GaussianBlur(frame.original, (0, 0), T.CHANGE_PREFILTER_SIGMA)
    copy_f = cv2.GaussianBlur(frame.copy, (0, 0), T.CHANGE_PREFILTER_SIGMA)
    overlay = fit_overlay(original_f, copy_f, covered,
                          lambda use: _trimmed_prediction(original_f, copy_f, use, T.COLOUR_TABLE_NODES))
    if overlay is None:  # the original may carry the mark: a scan compares each pair in its own order
        overlay = fit_overlay(copy_f, original_f, covered,
                              lambda use: _trimmed_prediction(copy_f, original_f, use, T.COLOUR_TABLE_NODES), on="original")
    if overlay is None:
        return maps, found, None
    # The mark as areas, as the detector makes them: single pixels opened away, strokes closed.
    mark = cv2.morphologyEx(overlay.mark.view(np.uint8), cv2.MORPH_OPEN, _square(T.CHANGE_OPEN_RADIUS))
    mark = cv2.morphologyEx(mark, cv2.MORPH_CLOSE, _disc(T.CHANGE_CLOSE_RADIUS)).astype(bool) & covered
    mark = _size_filter(mark, max(T.MIN_CHANGE_PIXELS, int(T.MIN_CHANGE_AREA * covered.sum())))
    beside = covered & ~cv2.dilate(mark.view(np.uint8), _square(T.CHANGE_UNEXPLAINED_GROW)).astype(bool)
    if beside.sum() < T.CHANGE_MIN_SAMPLE:
        return maps, found, None
    marked_maps, marked_found = _measured(frame, beside)
    marked_found = replace(marked_found, changed=marked_found.changed | mark)
    if not _reads_as_copy(marked_maps, marked_found, covered, beyond_reach=True):
        return maps, found, None
    return marked_maps, marked_found, overlay


def _reads_as_copy(maps: _DifferenceMaps, found: _Detection, covered: np.ndarray, beyond_reach: bool = False) -> bool:
    """A copy, locally edited at most (the verdict's terms): copy-like, at most MAX_LOCAL_EDIT_AREA changed."""
    return (_is_copy_like(maps, found, covered, beyond_reach)
            and _changed_share(found, covered) <= T.MAX_LOCAL_EDIT_AREA)


def _is_copy_like(maps: _DifferenceMaps, found: _Detection, covered: np.ndarray, beyond_reach: bool = False) -> bool:
    """verdict.is_copy_like's terms on a measurement: outside what it finds changed, the pattern
    kept (``_unchanged_structure``) and the colours following one mapping."""
    unchanged = covered & ~found.changed
    colour = float(np.median(maps.colour[unchanged])) if maps.colour_compared and unchanged.any() else 0.0
    return (_unchanged_structure(maps.structure, covered, found.changed, beyond_reach) >= T.MIN_COPY_STRUCTURE
            and colour <= T.MAX_COPY_COLOUR)


def _measured(frame: WorkingFrame, clean: np.ndarray | None = None) -> tuple[_DifferenceMaps, _Detection]:
    """The difference maps and what they find changed, estimated from ``clean`` (default: all
    that is covered). The global tone (tone curves, saturation) is kept only if it leaves no more
    of the copy unexplained than the colour table alone: a local edit can make a level's curve
    (a white signature painted out was most of the picture's level 255, which the curve took to
    near black, and every other white of the picture read as redrawn), which the table, fitted
    without what it cannot explain, does not."""
    fitted = frame if clean is None else replace(frame, covered=clean)
    toned = _global_tone(fitted)
    maps = _difference_maps(fitted, toned)
    found = _detect(frame, maps, clean)
    if toned is not fitted.original:
        plain_maps = _difference_maps(fitted, fitted.original)
        plain = _detect(frame, plain_maps, clean)
        if _changed_share(plain, frame.covered) < _changed_share(found, frame.covered):
            return plain_maps, plain
    return maps, found


def _changed_share(found: _Detection, covered: np.ndarray) -> float:
    return float((found.changed & covered).sum() / max(1, int(covered.sum())))


def _unchanged_structure(structure: np.ndarray, covered: np.ndarray, changed: np.ndarray,
                         beyond_reach: bool = False) -> float:
    """The mean contrast-structure similarity of what is unchanged, beyond the structure window's
    reach of anything changed (UNCHANGED_STRUCTURE_MARGIN) when ``beyond_reach``; all of what is
    unchanged when too little lies beyond it."""
    unchanged = covered & ~changed
    if beyond_reach and changed.any():
        beyond = unchanged & ~cv2.dilate(changed.view(np.uint8), _disc(T.UNCHANGED_STRUCTURE_MARGIN)).astype(bool)
        if beyond.sum() >= T.CHANGE_MIN_SAMPLE:
            unchanged = beyond
    return float(1.0 - structure[unchanged].mean()) if unchanged.any() else 0.0


def _remeasured(frame: WorkingFrame, maps: _DifferenceMaps,
                found: _Detection) -> tuple[_DifferenceMaps, _Detection] | None:
    """The pair measured again from where it agrees, when the first measurement left the copy
    re-rendered throughout (what it leaves unchanged below MIN_COPY_STRUCTURE): as a large edit
    (``_large_edit``), else as one piece of the original kept (``_kept_piece``); None when neither
    holds. Both are judged where the original has detail (SSIM's constant _C2 or more): flat paint
    agrees with anything, so a restyle's skies and walls would pass where its textures do not."""
    covered = frame.covered
    if covered.sum() < T.CHANGE_MIN_SAMPLE or _unchanged_structure(maps.structure, covered, found.changed) >= T.MIN_COPY_STRUCTURE:
        return None
    grey_original = cv2.cvtColor(frame.original, cv2.COLOR_RGB2GRAY)
    detailed = covered & (_detail_energy(grey_original) > _C2)
    return _large_edit(frame, maps, detailed) or _kept_piece(frame, grey_original, detailed)


def _large_edit(frame: WorkingFrame, maps: _DifferenceMaps,
                detailed: np.ndarray) -> tuple[_DifferenceMaps, _Detection] | None:
    """A quarter or more of the copy replaced (a new background, a half redrawn) sways every
    estimate made over the whole picture (the copy's softness, its colour mapping, the median and
    spread of its differences that set the change levels). Estimated first from the cells that
    agree best (``_clean_part``), then from all that this leaves unchanged; kept when the
    ``detailed`` pixels it leaves unchanged agree as a faithful copy's do
    (LARGE_EDIT_UNCHANGED_STRUCTURE), which a picture re-rendered throughout does nowhere, and what
    it finds changed is new content (``_replaced``). Judged after each estimate, so that a restyle
    stops after the first."""
    covered = frame.covered
    clean = _clean_part(covered, cv2.GaussianBlur(maps.structure, (0, 0), T.CHANGE_DETECT_SIGMA))
    for _ in range(2):
        if clean is None or clean.sum() < T.CHANGE_MIN_SAMPLE:
            return None
        maps, found = _measured(frame, clean)
        if _unchanged_structure(maps.structure, detailed, found.changed) < T.LARGE_EDIT_UNCHANGED_STRUCTURE:
            return None
        clean = covered & ~cv2.dilate(found.changed.view(np.uint8), _square(T.CHANGE_UNEXPLAINED_GROW)).astype(bool)
    if not _replaced(frame, found.changed & covered, detailed):
        return None
    return maps, found


def _kept_piece(frame: WorkingFrame, grey_original: np.ndarray,
                detailed: np.ndarray) -> tuple[_DifferenceMaps, _Detection] | None:
    """The pair measured again from the one piece of the original the copy keeps, when no clean
    quarter was found (``_large_edit``): a piece of the original pasted into another picture (a
    face set on another photograph), or an inpainting that redrew all but a part. Seeded by the
    cells (KEPT_PIECE_CELLS across) whose ``detailed`` pixels agree as a faithful copy's do
    (``_agreeing_cells``) and measured from them. The piece is what this leaves unchanged
    connected to the seed: a dark sky that happens to lie over a dark wall elsewhere is no part of
    it. Everything else covered is changed. Kept on the large edit's terms: the piece's detailed
    pixels agree as a faithful copy's do, and what is changed is new content (``_replaced``)."""
    covered = frame.covered
    # The plain pixels, not the first measurement's maps: the softness and colours it fitted to a
    # copy mostly replaced are the replacement's, and blur the piece that is not.
    plain = _structure_change(grey_original, cv2.cvtColor(frame.copy, cv2.COLOR_RGB2GRAY))
    seed = _agreeing_cells(detailed, cv2.GaussianBlur(plain, (0, 0), T.CHANGE_DETECT_SIGMA))
    if seed.sum() < T.CHANGE_MIN_SAMPLE:
        return None
    piece = covered & seed
    for _ in range(2):  # from the seed, then from the piece it finds, as ``_large_edit`` does
        maps, found = _measured(frame, piece)
        kept = cv2.morphologyEx((covered & ~found.changed).view(np.uint8), cv2.MORPH_OPEN, _square(T.CHANGE_OPEN_RADIUS))
        labels, _ = ndimage.label(kept)
        held = np.unique(labels[seed & (labels > 0)])
        piece = np.isin(labels, held[held > 0])
        if (piece & detailed).sum() < T.CHANGE_MIN_SAMPLE:
            return None
    changed = covered & ~piece
    if _unchanged_structure(maps.structure, detailed, changed) < T.LARGE_EDIT_UNCHANGED_STRUCTURE:
        return None
    if not _replaced(frame, changed, detailed):
        return None
    return maps, replace(found, changed=changed)


def _agreeing_cells(detailed: np.ndarray, structure_smooth: np.ndarray) -> np.ndarray:
    """bool: the cells (KEPT_PIECE_CELLS across) with CHANGE_MIN_SAMPLE ``detailed`` pixels or more
    (a piece of sky or of a smooth cup has its detail in a few lines), half or more of which
    change by 1 - LARGE_EDIT_UNCHANGED_STRUCTURE or less: their median does. Counted, not sorted
    (``ndimage.median`` took 44 ms of a re-rendered 512-px pair's 48 here; counting, 2 ms)."""
    cells = T.KEPT_PIECE_CELLS
    cell = _cell_of(detailed.shape, cells)
    labels = cell[detailed]
    counts = np.bincount(labels, minlength=cells * cells)
    agreeing = np.bincount(labels[structure_smooth[detailed] <= 1 - T.LARGE_EDIT_UNCHANGED_STRUCTURE], minlength=cells * cells)
    return ((counts >= T.CHANGE_MIN_SAMPLE) & (2 * agreeing >= counts))[cell]


def _cell_of(shape: tuple[int, ...], cells: int) -> np.ndarray:
    """int: each pixel's cell of a ``cells`` x ``cells`` grid over a frame of ``shape``, row by row."""
    rows = np.minimum((np.arange(shape[0]) * cells) // shape[0], cells - 1)
    cols = np.minimum((np.arange(shape[1]) * cells) // shape[1], cells - 1)
    return rows[:, None] * cells + cols[None, :]


def _replaced(frame: WorkingFrame, changed: np.ndarray, detailed: np.ndarray) -> bool:
    """Whether the ``changed`` part of a copy re-measured from where it agrees (``_large_edit``,
    ``_kept_piece``) is new content: one part (LARGE_EDIT_ONE_PART) or new edges in several
    (``_edges_kept``), and not the original's content displaced (``_displaced``)."""
    if _largest_part_share(changed) < T.LARGE_EDIT_ONE_PART and _edges_kept(frame, changed & detailed):
        return False
    return not _displaced(frame, changed & detailed)


def _largest_part_share(mask: np.ndarray) -> float:
    """The share of ``mask``'s pixels in its largest 8-connected part (0 when empty)."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.view(np.uint8), connectivity=8)
    return float(stats[1:, cv2.CC_STAT_AREA].max() / mask.sum()) if count > 1 else 0.0


def _edges_kept(frame: WorkingFrame, detailed: np.ndarray) -> bool:
    """Whether the changed part keeps the original's edges where they were: its colour activity
    (``_colour_activity``) on the ``detailed`` pixels correlates with the original's at
    LARGE_EDIT_EDGES_KEPT or more. A picture recoloured throughout (a false-colour rendering) keeps
    them, in scattered parts a colour table cannot follow; content laid in several places (a new
    background and a new face) brings edges of its own. Kept when too few pixels tell."""
    if detailed.sum() < T.CHANGE_MIN_SAMPLE:
        return True
    original, copy = _colour_activity(frame.original)[detailed], _colour_activity(frame.copy)[detailed]
    if original.std() == 0 or copy.std() == 0:
        return True
    return float(np.corrcoef(original, copy)[0, 1]) >= T.LARGE_EDIT_EDGES_KEPT


def _displaced(frame: WorkingFrame, detailed: np.ndarray) -> bool:
    """Whether the changed part is the original's own content displaced, not replaced: another
    photograph of the scene from beside the first (a stereo pair: the background shifted by
    parallax where the foreground agrees) reads as a copy with its background replaced. Each
    pixel moved back by the dense optical flow (Farnebäck 2003, OpenCV), the part's ``detailed``
    pixels (where the original has detail) agree at LARGE_EDIT_DISPLACED_STRUCTURE or more."""
    if detailed.sum() < T.CHANGE_MIN_SAMPLE:
        return False
    grey_original = cv2.cvtColor(frame.original, cv2.COLOR_RGB2GRAY)
    grey_copy = cv2.cvtColor(frame.copy, cv2.COLOR_RGB2GRAY)
    flow = cv2.calcOpticalFlowFarneback(grey_original, grey_copy, None, pyr_scale=0.5, levels=4, winsize=21,
                                        iterations=3, poly_n=5, poly_sigma=1.1, flags=0)
    xs, ys = np.meshgrid(np.arange(flow.shape[1], dtype=np.float32), np.arange(flow.shape[0], dtype=np.float32))
    moved_back = cv2.remap(grey_copy, xs + flow[..., 0], ys + flow[..., 1], cv2.INTER_LINEAR)
    return float(1.0 - _structure_change(grey_original, moved_back)[detailed].mean()) >= T.LARGE_EDIT_DISPLACED_STRUCTURE


@dataclass(frozen=True)
class _Detection:
    changed: np.ndarray  # bool, working frame
    structure_fine: np.ndarray  # the difference maps at the outline's scale
    colour_fine: np.ndarray
    structure_threshold: float  # this pair's detection levels
    colour_threshold: float


def _clean_part(covered: np.ndarray, structure_smooth: np.ndarray) -> np.ndarray | None:
    """The covered pixels of the cells (LARGE_EDIT_CELLS across) that agree best, their median
    structure change in the lowest LARGE_EDIT_CLEAN_SHARE of the cells': where the copy is still
    its original when much of it was replaced. None when too few cells are covered."""
    cells = T.LARGE_EDIT_CELLS
    cell = _cell_of(covered.shape, cells)
    # A cell counts when half of it or more is covered.
    labels = np.where(covered, cell + 1, 0)
    counted = np.bincount(labels.ravel(), minlength=cells * cells + 1)[1:] >= 0.5 * covered.size / (cells * cells)
    if counted.sum() < cells:
        return None
    medians = np.full(cells * cells, np.inf)
    medians[counted] = ndimage.median(structure_smooth, labels, np.flatnonzero(counted) + 1)
    best = medians <= np.quantile(medians[counted], T.LARGE_EDIT_CLEAN_SHARE)
    return covered & best[cell]


def _detect(frame: WorkingFrame, maps: _DifferenceMaps, clean: np.ndarray | None = None) -> _Detection:
    """The changed pixels of the working frame: outliers of this pair's own differences, as areas.
    ``clean``: the pixels whose differences set the levels (default: every covered pixel)."""
    covered = frame.covered
    levels_from = covered if clean is None else clean
    structure, colour = maps.structure, maps.colour
    # Pixels near the edge of the frame or of the copy mix in fill, border or interpolation from
    # outside: they are compared for the mask but cannot start a detection.
    detectable = _inside(cv2.erode(covered.astype(np.uint8), _square(T.CHANGE_DETECT_MARGIN)).astype(bool),
                         T.CHANGE_FRAME_MARGIN)

    # Detection on a smoothed map (a real edit is a coherent area, noise is not) ...
    structure_smooth = cv2.GaussianBlur(structure, (0, 0), T.CHANGE_DETECT_SIGMA)
    colour_smooth = cv2.GaussianBlur(colour, (0, 0), T.CHANGE_DETECT_SIGMA)
    if covered.sum() < T.CHANGE_MIN_SAMPLE:
        structure_threshold, colour_threshold = T.MIN_STRUCTURE_CHANGE, T.MIN_COLOUR_CHANGE
    else:
        structure_threshold = _robust_threshold(structure_smooth[levels_from], T.MIN_STRUCTURE_CHANGE)
        colour_threshold = _robust_threshold(colour_smooth[levels_from], T.MIN_COLOUR_CHANGE)
    loss_smooth = cv2.GaussianBlur(maps.detail_loss, (0, 0), T.CHANGE_DETECT_SIGMA)
    loss_threshold = (_robust_threshold(loss_smooth[levels_from], T.MIN_DETAIL_LOSS) if covered.sum() >= T.CHANGE_MIN_SAMPLE
                      else T.MIN_DETAIL_LOSS)
    strong = ((structure_smooth > structure_threshold) | (colour_smooth > colour_threshold)
              | (loss_smooth > loss_threshold)) & detectable
    min_pixels = max(T.MIN_CHANGE_PIXELS, int(T.MIN_CHANGE_AREA * covered.sum()))
    # What differs not even by the outline's lower threshold is unchanged: a hole of it that is
    # an area's size stays open (a letter's loop), smaller holes are filled.
    structure_fine = cv2.GaussianBlur(structure, (0, 0), T.CHANGE_OUTLINE_SIGMA)
    colour_fine = cv2.GaussianBlur(colour, (0, 0), T.CHANGE_OUTLINE_SIGMA)
    loss_fine = cv2.GaussianBlur(maps.detail_loss, (0, 0), T.CHANGE_OUTLINE_SIGMA)
    weak = ((structure_fine > T.OUTLINE_FRACTION * structure_threshold) | (colour_fine > T.OUTLINE_FRACTION * colour_threshold)
            | (loss_fine > T.OUTLINE_FRACTION * loss_threshold))
    unchanged = ~weak
    opened = cv2.morphologyEx(strong.astype(np.uint8), cv2.MORPH_OPEN, _square(T.CHANGE_OPEN_RADIUS)).astype(bool)
    seeds = _fill_holes_and_filter(opened, min_pixels, unchanged)

    # ... then grown to the true outline on a less smoothed map with a lower threshold.
    reach = cv2.dilate(seeds.astype(np.uint8), _disc(T.CHANGE_OUTLINE_REACH)).astype(bool)
    grown = (weak & reach & covered) | seeds
    grown = cv2.morphologyEx(grown.astype(np.uint8), cv2.MORPH_CLOSE, _disc(T.CHANGE_CLOSE_RADIUS)).astype(bool)
    changed = _fill_holes_and_filter(grown & covered, min_pixels, unchanged)
    pattern = (structure_fine > structure_threshold) | (loss_fine > loss_threshold)

    def unexplained(tight: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        explained = np.where(tight, maps.grey_copy, maps.grey_predicted)
        own_structure = cv2.GaussianBlur(_structure_change(explained, maps.grey_copy), (0, 0), T.CHANGE_OUTLINE_SIGMA)
        own_loss = cv2.GaussianBlur(_detail_loss(explained, maps.grey_copy, covered), (0, 0), T.CHANGE_OUTLINE_SIGMA)
        return ((own_structure > structure_threshold) | (own_loss > loss_threshold),
                (own_structure > T.OUTLINE_FRACTION * structure_threshold) | (own_loss > T.OUTLINE_FRACTION * loss_threshold))

    changed = _pixel_outline(changed, maps.pixel_difference, covered, min_pixels, pattern, unexplained)
    changed = _without_texture_lost_throughout(changed, maps, covered, structure_threshold, colour_smooth, colour_threshold)
    return _Detection(changed, structure_fine, colour_fine, structure_threshold, colour_threshold)


def _without_texture_lost_throughout(changed: np.ndarray, maps: _DifferenceMaps, covered: np.ndarray,
                                     structure_threshold: float, colour_smooth: np.ndarray,
                                     colour_threshold: float) -> np.ndarray:
    """``changed`` less its areas that are only fine texture one picture lacks throughout: what a
    denoiser, a beauty or "enhance" filter, or an edge-preserving smoothing does to a whole picture
    (they flatten low-contrast texture, skin or wood grain, and keep edges), and which shows as
    "redrawn" where the texture was richest. Either picture may be the filtered one (a scan
    compares the pair in its own order).

    An area is such texture when the filtered picture kept under TEXTURE_FLAT_KEPT of the other's
    fine detail there, when it flattened so at least TEXTURE_FLAT_ELSEWHERE of the other's detail
    of a like level (within a factor of 2) away from every area (the filter's work throughout: a
    picture edited in places, not filtered, flattens none elsewhere), and when, with both pictures
    blurred by one of COPY_NOISE_STEPS, nothing in it differs beyond the pair's structure and
    colour levels (painting out an object removes its outline and shading too, which stay at any
    blur). An area near one that stays is kept with it (``TEXTURE_AWAY``)."""
    count, labels, boxes, _ = cv2.connectedComponentsWithStats(changed.view(np.uint8))
    if count <= 1:
        return changed
    original, copy = maps.grey_predicted.astype(np.float32), maps.grey_copy.astype(np.float32)
    energies = _detail_energy(original), _detail_energy(copy)
    away = covered & ~cv2.dilate(changed.view(np.uint8), _square(T.TEXTURE_AWAY)).astype(bool)
    # Each way round: the sharper picture's detail level and the share of it the other kept, and
    # over the pixels away from every area, how many of each level there are and how many of them
    # the other flattened, counted in eighths of an octave (a like level, within a factor of 2 of
    # an area's, is then a sum of 16 bins, whatever the number of areas).
    bins = np.arange(-4.0, 10.0 + 1e-9, 1 / 8)
    ways = []
    for sharp, other in (energies, energies[::-1]):
        level, kept = np.sqrt(sharp), other / np.maximum(sharp, 1e-3)
        octaves = np.log2(np.maximum(level[away], 2.0**bins[0]))
        all_counts = np.concatenate([[0], np.cumsum(np.histogram(octaves, bins)[0])])
        flat_counts = np.concatenate([[0], np.cumsum(np.histogram(octaves[kept[away] < T.TEXTURE_FLAT_KEPT], bins)[0])])
        ways.append((level, kept, all_counts, flat_counts))
    coarser: dict[float, np.ndarray] = {}

    def coarse_change(sigma: float) -> np.ndarray:
        if sigma not in coarser:
            change = _structure_change(cv2.GaussianBlur(original, (0, 0), sigma), cv2.GaussianBlur(copy, (0, 0), sigma))
            coarser[sigma] = cv2.GaussianBlur(change, (0, 0), T.CHANGE_DETECT_SIGMA)
        return coarser[sigma]

    def flattened_throughout(window: tuple[slice, slice], area: np.ndarray, level: np.ndarray, kept: np.ndarray,
                             all_counts: np.ndarray, flat_counts: np.ndarray) -> bool:
        if float(np.median(kept[window][area])) >= T.TEXTURE_FLAT_KEPT:
            return False
        octave = np.log2(max(float(np.median(level[window][area])), 2.0**bins[0]))
        low, high = np.searchsorted(bins, [octave - 1, octave + 1])
        alike = all_counts[high] - all_counts[low]
        return alike >= T.CHANGE_MIN_SAMPLE and (flat_counts[high] - flat_counts[low]) >= T.TEXTURE_FLAT_ELSEWHERE * alike

    def texture(index: int) -> bool:
        x, y, width, height = boxes[index, :4]
        window = (slice(y, y + height), slice(x, x + width))
        area = labels[window] == index
        if float(colour_smooth[window][area].max()) > colour_threshold:
            return False
        if not any(flattened_throughout(window, area, *way) for way in ways):
            return False
        return any(float(coarse_change(sigma)[window][area].max()) <= structure_threshold for sigma in T.COPY_NOISE_STEPS)

    lost = {index for index in range(1, count) if texture(index)}
    # An area within TEXTURE_AWAY px of one that stays is part of the same edit (the fainter
    # letters of a watermark painted out, beside its stronger ones), and stays too.
    while lost:
        staying = changed & ~np.isin(labels, list(lost))
        near = np.unique(labels[cv2.dilate(staying.view(np.uint8), _square(T.TEXTURE_AWAY)).astype(bool)])
        if not lost.intersection(near.tolist()):
            break
        lost -= set(near.tolist())
    return changed & ~np.isin(labels, list(lost)) if lost else changed


def _project(changed: np.ndarray, frame: WorkingFrame, alignment: Alignment, shape: tuple[int, ...]) -> np.ndarray:
    """The change mask in ORIGINAL's frame (``shape``): changed, same, or not covered by the copy."""
    height, width = shape[:2]
    full_changed = cv2.resize(changed.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST).astype(bool)
    full_covered = overlap_mask(alignment.matrix, alignment.copy_content_box, shape, edges=True)
    if frame.fill is not None:
        full_covered &= ~cv2.resize(frame.fill.view(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST).astype(bool)
    mask = np.full((height, width), MASK_NOT_COVERED, np.uint8)
    mask[full_covered] = MASK_SAME
    mask[full_changed & full_covered] = MASK_CHANGED
    return mask


def _parts_of_one_edit(labels: np.ndarray) -> np.ndarray:
    """``labels`` (connected changed parts, 1..n) with the parts of one edit given one label: parts
    side by side in a row (or a column) whose boxes overlap across it by AREA_JOIN_ROW_OVERLAP of
    the smaller one's extent across and lie less than AREA_JOIN_GAP of that extent apart along it,
    and so on along such chains: the letters of a text laid over the picture, the strokes of a
    signature, are one area each, as a person would count the edits, not one per letter group.
    Boxes, not outlines: the parts are few, and the pairwise test on boxes cheap."""
    boxes = [(rows.start, rows.stop, cols.start, cols.stop) for rows, cols in ndimage.find_objects(labels)]
    if len(boxes) < 2:
        return labels
    top, bottom, left, right = (np.array(side, np.float64) for side in zip(*boxes, strict=True))

    def side_by_side(start: np.ndarray, stop: np.ndarray, across_start: np.ndarray, across_stop: np.ndarray) -> np.ndarray:
        extent = np.minimum.outer(across_stop - across_start, across_stop - across_start)
        overlap = np.minimum.outer(across_stop, across_stop) - np.maximum.outer(across_start, across_start)
        gap = np.maximum(start[None, :] - stop[:, None], start[:, None] - stop[None, :])
        return (overlap >= T.AREA_JOIN_ROW_OVERLAP * extent) & (gap <= T.AREA_JOIN_GAP * extent)

    joined = side_by_side(left, right, top, bottom) | side_by_side(top, bottom, left, right)
    count, group = connected_components(csr_matrix(joined), directed=False)
    if count == len(boxes):
        return labels
    return np.concatenate([[0], group + 1])[labels]


def _describe(found: _Detection, frame: WorkingFrame, colour_compared: bool, alignment: Alignment,
              copy_shape: tuple[int, ...]) -> tuple[ChangedArea, ...]:
    """Each changed area: its box in both pictures, its share, its measures and its kind; largest first."""
    areas = []
    labels = _parts_of_one_edit(ndimage.label(found.changed)[0])
    for index, box_slices in enumerate(ndimage.find_objects(labels), start=1):
        if box_slices is None:
            continue
        rows, cols = box_slices
        region = labels == index
        x0, y0 = cols.start / frame.scale, rows.start / frame.scale
        x1, y1 = cols.stop / frame.scale, rows.stop / frame.scale
        box = (int(np.floor(x0)), int(np.floor(y0)), int(np.ceil(x1 - np.floor(x0))), int(np.ceil(y1 - np.floor(y0))))
        structure_mean = float(found.structure_fine[region].mean())
        colour_mean = float(found.colour_fine[region].mean())
        recoloured = colour_compared and structure_mean <= found.structure_threshold and colour_mean > found.colour_threshold
        areas.append(ChangedArea(box=box, area_fraction=float(region.sum() / found.changed.size),
                                 structure_change=structure_mean, colour_change=colour_mean,
                                 kind="recoloured" if recoloured else "redrawn",
                                 copy_box=box_in_copy(box, alignment.matrix, copy_shape)))
    areas.sort(key=lambda a: (-a.area_fraction, a.box))
    return tuple(areas)


def global_colour_prediction(original: np.ndarray, copy: np.ndarray, use: np.ndarray) -> np.ndarray:
    """The copy as the global colour mapping fitted on the pixels in ``use`` predicts it from the
    original (float32 RGB): the same lookup-table fit the change detector makes (trace uses it
    to test whether a warped source explains a piece; derivation, which picture explains the other)."""
    return _predict_colours(original, copy, use)


def structure_change(grey_a: np.ndarray, grey_b: np.ndarray) -> np.ndarray:
    """1 - contrast-structure similarity of two grey pictures, as the change detector measures it."""
    return _structure_change(grey_a, grey_b)
