"""Which picture of a related pair is the likelier original: one function per cue, one rule.

Image phylogeny reads the direction of a derivation from the pixels: a crop is contained in its
source; a reduction loses detail that an enlargement cannot invent; a re-encode carries the
second compression; a painted-out area is smoother than what it replaced. Each cue below looks
at one of these, in both directions, and returns a ``Cue``: the side it points to, how strongly
(a likelihood ratio class, thresholds.py) and its evidence in words. ``combine`` is the one rule:
the cues' log likelihood ratios are summed; a side is named only when the sum reaches
DERIVATION_DECIDE and no cue of moderate strength or more points the other way. Otherwise the
answer is ``undetermined``. Identical pixels are always undetermined: nothing in them can tell.

Sides are named as the contract names them: ``original`` is the first argument, ``copy`` the
second; "points to original" means "the first argument is likelier the original".
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import cv2
import numpy as np
from PIL import Image

from . import thresholds as T
from .align import Alignment, content_box, overlap_mask
from .changes import global_colour_prediction
from .resample import scale_matrix, shrink_to_side

if TYPE_CHECKING:
    from .changes import ChangeMap
    from .evidence import Evidence
    from .provenance import Provenance

__all__ = [
    "Cue", "Derivation", "Direction", "FileFacts", "Strength", "block_grid", "colour_mapping", "combine", "containment",
    "derive",
    "facts_from_bytes", "facts_of", "information_loss", "local_edits", "metadata", "reencoding", "reproduction", "resampling",
    "tonal_history",
]


class Direction(StrEnum):
    """Which argument is likelier the original (../shared/CONTRACT.md)."""

    ORIGINAL = "original"
    COPY = "copy"
    UNDETERMINED = "undetermined"

    @property
    def other(self) -> Direction:
        return {Direction.ORIGINAL: Direction.COPY, Direction.COPY: Direction.ORIGINAL}.get(self, self)


class Strength(StrEnum):
    """How much a cue weighs: its log likelihood ratio is thresholds.DERIVATION_WEIGHTS[strength]."""

    NONE = "none"
    WEAK = "weak"
    MODERATE = "moderate"
    STRONG = "strong"

    @property
    def weight(self) -> float:
        return T.DERIVATION_WEIGHTS[self.value]


@dataclass(frozen=True)
class Cue:
    name: str
    points_to: Direction
    strength: Strength
    detail: str

    @property
    def signed_weight(self) -> float:
        """+weight toward the first argument, -weight toward the second, 0 for no vote."""
        if self.points_to is Direction.UNDETERMINED:
            return 0.0
        return self.strength.weight if self.points_to is Direction.ORIGINAL else -self.strength.weight


@dataclass(frozen=True)
class Derivation:
    likely_original: Direction
    confidence: float  # probability of the named side under the rule; 0.5 when undetermined
    score: float  # summed log likelihood ratio, + toward the first argument
    cues: tuple[Cue, ...]
    summary: str


@dataclass(frozen=True)
class FileFacts:
    """What the file (not the pixels) tells the derivation: its format, JPEG tables, metadata.

    ``full_size``: the pixels are the file's own decoded pixels, not a reduced decode (scan), so
    compression traces on the 8 x 8 grid can be read from them.
    """

    format: str | None = None
    quantization: tuple[tuple[int, ...], ...] | None = None  # JPEG tables, as Pillow reads them
    subsampling: int | None = None  # JPEG chroma subsampling, Pillow's code (0 4:4:4, 1 4:2:2, 2 4:2:0)
    provenance: Provenance | None = None
    full_size: bool = True

    @property
    def is_jpeg(self) -> bool:
        return self.format == "JPEG" and bool(self.quantization)

    @property
    def is_lossless(self) -> bool:
        return self.format in T.DERIVATION_LOSSLESS_FORMATS


def facts_of(evidence: Evidence, *, full_size: bool = True) -> FileFacts:
    """The facts of a file read as evidence."""
    return FileFacts(format=evidence.format, quantization=evidence.jpeg_quantization,
                     subsampling=evidence.jpeg_subsampling, provenance=evidence.provenance, full_size=full_size)


def facts_from_bytes(data: bytes) -> FileFacts:
    """The facts of an encoded file in memory (benchmarks and tests), read as evidence is."""
    from .evidence import DEFAULT_MAX_PIXELS, jpeg_tables, open_checked

    image, _ = open_checked("<memory>", data, DEFAULT_MAX_PIXELS)
    quantization, subsampling = jpeg_tables(image) if image.format == "JPEG" else (None, None)
    return FileFacts(format=image.format, quantization=quantization, subsampling=subsampling)


# ------------------------------------------------------------------ helpers


def _grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY).astype(np.float32)


def _no_vote(name: str, detail: str) -> Cue:
    return Cue(name, Direction.UNDETERMINED, Strength.NONE, detail)


def _side_words(direction: Direction) -> str:
    return {Direction.ORIGINAL: "the first picture", Direction.COPY: "the second picture"}[direction]


def _inside_share(matrix: np.ndarray, box: tuple[int, int, int, int], frame_shape: tuple[int, ...]) -> float:
    """Share of ``box`` of one picture that ``matrix`` lands inside the other picture's frame."""
    x, y, w, h = box
    corners = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float32).reshape(-1, 1, 2)
    mapped = cv2.perspectiveTransform(corners.astype(np.float64), matrix).reshape(-1, 2).astype(np.float32)
    height, width = frame_shape[:2]
    frame = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    area = abs(cv2.contourArea(mapped))
    if area <= 0:
        return 0.0
    inside, _ = cv2.intersectConvexConvex(cv2.convexHull(mapped), frame)
    return float(min(1.0, inside / area))


# ------------------------------------------------------------------ cue: containment


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


def containment(alignment: Alignment, original: np.ndarray, copy: np.ndarray) -> Cue:
    """A crop lies inside its source, which shows more around it; a uniform border is added to a
    picture, and the picture without it is the earlier one."""
    name = "containment"
    # Each picture's flat border, if any (the alignment keeps a border that lies outside the
    # original as picture: it has nothing there to compare it with).
    original_padding = _padding_share(original, content_box(original))
    copy_box = content_box(copy)
    copy_padding = _padding_share(copy, copy_box)
    # A fill that reaches the edges of both pictures is the scene's own (a dark surround), not
    # padding: the other picture's edges have its colour, or the bordered picture lies within the
    # other's frame, fill and all (the other has the fill too, recoloured perhaps).
    frame_of = lambda picture: (0, 0, picture.shape[1], picture.shape[0])
    within = 1 - T.DERIVATION_CROP_MIN
    if copy_padding and (_edges_share_fill(original, copy)
                         or _inside_share(alignment.matrix, frame_of(copy), original.shape) >= within):
        copy_padding = 0.0
    if original_padding and (_edges_share_fill(copy, original)
                             or _inside_share(np.linalg.inv(alignment.matrix), frame_of(original), copy.shape) >= within):
        original_padding = 0.0
    if copy_padding == 0.0:
        copy_box = (0, 0, copy.shape[1], copy.shape[0])
    covered = float(overlap_mask(alignment.matrix, copy_box, original.shape).mean())  # share of ORIGINAL covered
    inside = _inside_share(alignment.matrix, copy_box, original.shape)  # share of the copy's picture inside ORIGINAL
    if original_padding >= T.DERIVATION_BORDER_MIN and inside >= 1 - T.DERIVATION_CROP_MIN:
        # The second picture covers exactly the first one's content: no less (a crop into it) and no more.
        content_only = abs(covered - (1 - original_padding)) <= T.DERIVATION_CROP_MIN
        if content_only and copy_padding < T.DERIVATION_BORDER_MIN and not _edges_share_fill(copy, original):
            return Cue(name, Direction.COPY, Strength.MODERATE,
                       f"the first picture is the second with a uniform border added ({original_padding:.0%} of its area)")
    # The second picture's content is exactly the first picture: covers all of it, and no more.
    if (copy_padding >= T.DERIVATION_BORDER_MIN and covered >= 1 - T.DERIVATION_CROP_MIN
            and inside >= 1 - T.DERIVATION_CROP_MIN and original_padding < T.DERIVATION_BORDER_MIN
            and not _edges_share_fill(original, copy)):
        return Cue(name, Direction.ORIGINAL, Strength.MODERATE,
                   f"the second picture is the first with a uniform border added ({copy_padding:.0%} of its area)")
    missing_in_copy, missing_in_original = 1.0 - covered, 1.0 - inside
    if missing_in_copy >= T.DERIVATION_CROP_MIN and missing_in_original < T.DERIVATION_CROP_MIN:
        strength = Strength.STRONG if missing_in_copy >= T.DERIVATION_CROP_STRONG else Strength.MODERATE
        return Cue(name, Direction.ORIGINAL, strength,
                   f"the second picture shows {covered:.0%} of the first picture's area and nothing outside it (a crop)")
    if missing_in_original >= T.DERIVATION_CROP_MIN and missing_in_copy < T.DERIVATION_CROP_MIN:
        strength = Strength.STRONG if missing_in_original >= T.DERIVATION_CROP_STRONG else Strength.MODERATE
        return Cue(name, Direction.COPY, strength,
                   f"the first picture shows {inside:.0%} of the second picture's area and nothing outside it (a crop)")
    if missing_in_copy >= T.DERIVATION_CROP_MIN:
        return _no_vote(name, f"each picture shows parts the other lacks ({covered:.0%} and {inside:.0%} shared): "
                              "both may be crops of a larger picture")
    return _no_vote(name, "both pictures show the same area")


# ------------------------------------------------------------------ shared frame for pixel cues


@dataclass(frozen=True)
class _CommonGrid:
    """Both pictures on the finer one's pixel grid, over their overlap (RGB float32)."""

    finer: np.ndarray
    coarser_up: np.ndarray  # the coarser picture warped onto the finer grid (bicubic)
    finer_down_up: np.ndarray  # the finer picture taken to the coarser grid (area) and back, the same way
    valid: np.ndarray  # bool: covered by both and unchanged
    scale: float  # finer pixels per coarser pixel (>= 1)
    finer_side: Direction
    coarser_to_finer: np.ndarray  # 3x3, full frames, refined on the pixels
    exact: bool  # the same pixel grid shifted by whole pixels: coarser_up holds the coarser picture's own values


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
    covered = cv2.erode(covered.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
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
    down = _to_coarser_grid(finer[fy0:fy1, fx0:fx1], _translation(-fx0, -fy0) @ to_finer @ _translation(cx0, cy0),
                            (cy1 - cy0, cx1 - cx0))
    finer_down_up = up(down, (cx0, cy0)).astype(np.float32)
    return _CommonGrid(finer[y0:y1, x0:x1].astype(np.float32), warped.astype(np.float32), finer_down_up, valid,
                       scale, side, to_finer, whole is not None)


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


def _to_coarser_grid(finer: np.ndarray, to_finer: np.ndarray, coarser_shape: tuple[int, ...]) -> np.ndarray:
    """The finer picture resampled onto the coarser one's grid: area-averaged first when it is
    shrunk (as any reduction worth the name is), then warped."""
    to_coarser = np.linalg.inv(to_finer)
    shrink = math.sqrt(abs(np.linalg.det(to_coarser[:2, :2])))
    source = finer
    if shrink < 0.95:
        h, w = finer.shape[:2]
        size = (max(2, round(w * shrink)), max(2, round(h * shrink)))
        source = cv2.resize(finer, size, interpolation=cv2.INTER_AREA)
        to_coarser = to_coarser @ np.linalg.inv(scale_matrix(size[0] / w, size[1] / h))
    return cv2.warpPerspective(np.ascontiguousarray(source), to_coarser, (coarser_shape[1], coarser_shape[0]),
                               flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _tone_fit_residual(source: np.ndarray, target_grey: np.ndarray, sample: np.ndarray) -> float:
    """RMS of what a global tone-and-colour mapping of ``source`` (grey from quadratic RGB terms)
    leaves unexplained of ``target_grey``, over the ``sample`` pixels (bool)."""
    pixels = source[sample].reshape(-1, 3).astype(np.float64) / 255.0
    target = target_grey[sample].astype(np.float64) / 255.0
    design = np.hstack([np.ones((len(pixels), 1)), pixels, pixels**2])
    # Least squares by the normal equations (7 unknowns), with a whisker of ridge for flat pictures.
    gram = design.T @ design + 1e-9 * len(design) * np.eye(design.shape[1])
    coefficients = np.linalg.solve(gram, design.T @ target)
    return float(np.sqrt(np.mean((design @ coefficients - target) ** 2)) * 255.0)


def _best_explanation(source: np.ndarray, target: np.ndarray, valid: np.ndarray) -> tuple[float, float]:
    """(residual, sigma): the blur (thresholds.DERIVATION_BLUR_SIGMAS) and tone mapping of
    ``source`` that best explain ``target``."""
    target_grey = _grey(np.clip(target, 0, 255).astype(np.uint8))
    # Every pixel of a regular sub-grid: the residual of a global fit is a mean over tens of
    # thousands of pixels, which a sample of them gives to a fraction of a per cent.
    step = T.DERIVATION_FIT_STEP
    sample = valid[::step, ::step]
    best = (math.inf, 0.0)
    for sigma in T.DERIVATION_BLUR_SIGMAS:
        blurred = source if sigma == 0 else cv2.GaussianBlur(source, (0, 0), sigma)
        best = min(best, (_tone_fit_residual(blurred[::step, ::step], target_grey[::step, ::step], sample), sigma))
    return best


def _reduced_and_back(picture: np.ndarray, scale: float) -> np.ndarray:
    """``picture`` taken to a grid ``scale`` times coarser (area average) and back (bicubic)."""
    if scale < 1.0 + 1e-3:
        return picture
    h, w = picture.shape[:2]
    small = cv2.resize(picture, (max(2, round(w / scale)), max(2, round(h / scale))), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)


# ------------------------------------------------------------------ cue: information loss


def information_loss(grid: _CommonGrid | None) -> Cue:
    """Fit each picture to the other (resampling to the other's grid, blur, tone and colour) and
    compare what each leaves unexplained: the parent predicts the child better than the child
    predicts the parent, because reducing, blurring and clipping lose what cannot be invented."""
    name = "information loss"
    if grid is None:
        return _no_vote(name, "too little overlap to compare")
    # The finer picture, put through the coarser one's resampling, explaining the coarser one ...
    from_finer, _ = _best_explanation(grid.finer_down_up, grid.coarser_up, grid.valid)
    # ... and the coarser one explaining the finer one (it cannot add what it never had).
    from_coarser, _ = _best_explanation(grid.coarser_up, grid.finer, grid.valid)
    floor = T.DERIVATION_RESIDUAL_FLOOR
    asymmetry = math.log((from_coarser + floor) / (from_finer + floor))
    finer, coarser = grid.finer_side, grid.finer_side.other
    words = (f"{_side_words(finer).capitalize()}, resampled, blurred and tone-mapped, leaves {from_finer:.1f} grey levels "
             f"(RMS) of {_side_words(coarser)} unexplained; {_side_words(coarser)} leaves {from_coarser:.1f} of "
             f"{_side_words(finer)}")
    magnitude = abs(asymmetry)
    if magnitude < T.DERIVATION_LOSS_WEAK:
        return _no_vote(name, words + ": neither holds clearly more detail")
    strength = (Strength.STRONG if magnitude >= T.DERIVATION_LOSS_STRONG
                else Strength.MODERATE if magnitude >= T.DERIVATION_LOSS_MODERATE else Strength.WEAK)
    parent = finer if asymmetry > 0 else coarser
    return Cue(name, parent, strength, f"{words}: {_side_words(parent)} predicts the other "
                                       f"{math.exp(magnitude):.2f} x better (floor included), as a parent predicts its child")


# ------------------------------------------------------------------ cue: resampling traces


def _band_drop(grey: np.ndarray, scale: float) -> float:
    """Detail between the coarser grid's resolution and this grid's, against what the picture's
    own spectral slope one and two octaves lower predicts for it (1 = the slope continues, as in
    a picture at its native resolution; near 0 = the band is empty, as in an enlargement)."""
    h, w = grey.shape
    levels = [grey]
    for factor in (1, 2, 4):
        levels.append(_reduced_and_back(grey, scale * factor) if min(h, w) / (scale * factor) >= 8 else levels[-1])
    m = 8
    energy = [float(np.mean((levels[i] - levels[i + 1])[m:-m, m:-m] ** 2)) + 1e-6 for i in range(3)]
    return (energy[0] / energy[1]) / (energy[1] / energy[2])


# Kirchner's fixed linear predictor (2008): an interpolated pixel is a weighted mean of its
# neighbours, so its prediction error is small, and periodically so along the resampling grid.
_PREDICTOR = np.array([[-0.25, 0.5, -0.25], [0.5, 0.0, 0.5], [-0.25, 0.5, -0.25]], np.float32)


def _interpolation_period(grey: np.ndarray, scale: float) -> float:
    """How strongly the predictor's error repeats with the period an enlargement by ``scale``
    gives (``scale`` pixels of this grid per source pixel): the spectral peak of the error's row
    and column profiles at that frequency over the median of its neighbourhood (the weaker of
    the two axes). JPEG's 8-pixel harmonics are left out of the neighbourhood."""
    error = np.abs(grey - cv2.filter2D(grey, cv2.CV_32F, _PREDICTOR))[2:-2, 2:-2]
    frequency = (1.0 / scale) % 1.0
    frequency = min(frequency, 1.0 - frequency)
    peaks = []
    for axis in (0, 1):
        profile = error.mean(axis=axis)
        n = len(profile)
        spectrum = np.abs(np.fft.rfft((profile - profile.mean()) * np.hanning(n)))
        offset = np.abs(np.fft.rfftfreq(n) - frequency)
        target = offset <= 1.5 / n
        around = (offset <= T.DERIVATION_PERIOD_BAND) & (offset > 3.0 / n)
        for k in range(1, 5):
            around &= np.abs(np.fft.rfftfreq(n) - k / 8) > 2.0 / n
        if not target.any() or around.sum() < 5:
            return 0.0
        peaks.append(float(spectrum[target].max() / max(float(np.median(spectrum[around])), 1e-9)))
    return min(peaks)


def resampling(grid: _CommonGrid | None, rotation_degrees: float = 0.0) -> Cue:
    """An enlarged picture carries its interpolation: a periodic pattern in how predictable its
    pixels are from their neighbours (Popescu and Farid 2005, Kirchner 2008), and no detail above
    the resolution it was enlarged from. A picture at its native resolution has neither."""
    name = "resampling traces"
    if grid is None:
        return _no_vote(name, "too little overlap to compare")
    if grid.scale < T.DERIVATION_RESAMPLE_MIN_SCALE:
        return _no_vote(name, f"the pictures' resolutions differ by {grid.scale:.2f} x: too little to test")
    finer = grid.finer_side
    grey = _grey(np.clip(grid.finer, 0, 255).astype(np.uint8))
    period = _interpolation_period(grey, grid.scale) if abs(rotation_degrees) <= T.SUMMARY_MIN_ROTATION else 0.0
    drop = _band_drop(grey, grid.scale)
    words = (f"{_side_words(finer)}'s pixels are predictable from their neighbours with a period of {grid.scale:.2f} px "
             f"at {period:.1f} x the background, and it has {drop:.2f} of the detail its spectral slope predicts above "
             f"{_side_words(finer.other)}'s resolution")
    if period >= T.DERIVATION_PERIOD_STRONG or drop <= T.DERIVATION_ENLARGED_DROP_STRONG:
        strength = Strength.STRONG
    elif period >= T.DERIVATION_PERIOD or drop <= T.DERIVATION_ENLARGED_DROP:
        strength = Strength.MODERATE
    else:
        return _no_vote(name, words + ": no sign of an enlargement")
    return Cue(name, finer.other, strength,
               words + f": it was enlarged from a picture of {_side_words(finer.other)}'s resolution")


# ------------------------------------------------------------------ cue: tonal history


def _comb(pixels: np.ndarray) -> float:
    """How comb-like the picture's histograms are (gaps and spikes left by a tone curve applied
    to 8-bit values, Stamm and Liu 2010): the mean absolute departure of each channel's histogram
    from its 5-bin running mean, less what counting noise (Poisson) alone gives, over the count;
    the largest over the channels."""
    values = []
    for channel in range(3):
        counts = np.bincount(pixels[:, channel], minlength=256).astype(np.float64)
        used = np.nonzero(counts)[0]
        counts = counts[used[0] : used[-1] + 1]
        if len(counts) < 32:
            continue
        smooth = np.convolve(counts, np.ones(5) / 5, mode="same")
        # E|X - mean| of a Poisson count is about sqrt(2 / pi) of its sd, sqrt(mean).
        noise = math.sqrt(2 / math.pi) * np.sqrt(smooth)
        values.append(float(np.maximum(np.abs(counts - smooth) - noise, 0).sum() / counts.sum()))
    return max(values, default=0.0)


def _clipped_detail(picture: np.ndarray, other: np.ndarray, valid: np.ndarray) -> float:
    """Share of ``valid`` where ``picture`` is flat at 0 or 255 in a channel while ``other``
    shows detail there: a tone curve pushed those values past the end of the scale."""
    found = np.zeros(valid.shape, bool)
    kernel = (3, 3)
    for channel in range(3):
        mine, theirs = picture[..., channel], other[..., channel]
        spread_mine = np.sqrt(np.maximum(cv2.blur(mine * mine, kernel) - cv2.blur(mine, kernel) ** 2, 0))
        spread_theirs = np.sqrt(np.maximum(cv2.blur(theirs * theirs, kernel) - cv2.blur(theirs, kernel) ** 2, 0))
        at_end = (mine >= 254.5) | (mine <= 0.5)
        found |= at_end & (spread_mine < T.DERIVATION_CLIP_FLAT) & (spread_theirs >= T.DERIVATION_CLIP_DETAIL)
    return float((found & valid).sum() / max(1, int(valid.sum())))


def tonal_history(facts: tuple[FileFacts, FileFacts], grid: _CommonGrid | None) -> Cue:
    """A tone or colour curve applied to 8-bit values leaves gaps and spikes in the histogram
    that no operation short of smoothing (resampling, blur, noise, lossy compression) removes,
    and it flattens at 0 or 255 detail that it pushes past the end of the scale: of two pictures
    at one resolution, a lossless one with smooth histograms was not made from one with combed
    histograms, and a picture that shows detail where the other is clipped flat is the earlier."""
    name = "tonal history"
    if grid is None or grid.scale > T.DERIVATION_BLOCK_SCALE:
        return _no_vote(name, "tested only on pictures of the same resolution (resampling smooths histograms)")
    if not (facts[0].full_size and facts[1].full_size):
        return _no_vote(name, "not read on reduced pictures")
    votes: list[tuple[Direction, str]] = []
    finer, coarser = grid.finer_side, grid.finer_side.other
    # Histograms of the same pixels of the scene: the overlap, without the changed areas, on the
    # same grid (interpolating onto another grid would smooth the histogram it measures).
    combs = {Direction.ORIGINAL: 0.0, Direction.COPY: 0.0}
    words = []
    if grid.exact:
        combs = {finer: _comb(grid.finer[grid.valid].astype(np.uint8)),
                 coarser: _comb(np.clip(np.rint(grid.coarser_up[grid.valid]), 0, 255).astype(np.uint8))}
        words.append(f"histogram comb {combs[Direction.ORIGINAL]:.3f} in the first picture, "
                     f"{combs[Direction.COPY]:.3f} in the second")
    combed = max(combs, key=combs.get)
    smooth = combed.other
    smooth_facts = facts[0] if smooth is Direction.ORIGINAL else facts[1]
    if combs[combed] >= T.DERIVATION_COMB_MIN and combs[combed] >= T.DERIVATION_COMB_RATIO * combs[smooth]:
        if smooth_facts.is_lossless:
            votes.append((smooth, (f"{_side_words(combed)} carries the gaps and spikes of a tone curve that "
                                  f"{_side_words(smooth)} lacks")))
        else:
            words.append(f"{_side_words(smooth)} is not stored losslessly (lossy compression smooths histograms)")
    clipped = {finer: _clipped_detail(grid.finer, grid.coarser_up, grid.valid),
               coarser: _clipped_detail(grid.coarser_up, grid.finer, grid.valid)}
    words.append(f"clipped flat where the other shows detail: {clipped[Direction.ORIGINAL]:.1%} of the first picture, "
                 f"{clipped[Direction.COPY]:.1%} of the second")
    flat_side = max(clipped, key=clipped.get)
    if clipped[flat_side] >= T.DERIVATION_CLIP_MIN and clipped[flat_side] >= T.DERIVATION_CLIP_RATIO * clipped[flat_side.other]:
        votes.append((flat_side.other, (f"{_side_words(flat_side)} lost detail at the end of the tone scale that "
                                       f"{_side_words(flat_side.other)} keeps")))
    detail = "; ".join(words)
    if not votes:
        return _no_vote(name, detail + ": no tone curve tells the order")
    if len({v for v, _ in votes}) > 1:
        return _no_vote(name, detail + ": " + "; ".join(w for _, w in votes) + ": they disagree")
    strong = len(votes) == 2 or (combs[combed] >= T.DERIVATION_COMB_STRONG
                                 and combs[combed] >= 2 * T.DERIVATION_COMB_RATIO * combs[smooth] and votes[0][0] is smooth)
    return Cue(name, votes[0][0], Strength.STRONG if strong else Strength.MODERATE,
               detail + ": " + "; ".join(w for _, w in votes))


# ------------------------------------------------------------------ cue: colour mapping


def _colour_keys(pixels: np.ndarray) -> np.ndarray:
    """Each RGB pixel (N x 3, 0..255) as one integer."""
    rgb = np.clip(np.rint(pixels), 0, 255).astype(np.int64)
    return (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


def _determined_share(source: np.ndarray, target: np.ndarray) -> float:
    """Share of the pixels whose ``target`` colour is the one most pixels of their ``source``
    colour have (1 = ``target`` is a function of ``source``, pixel by pixel)."""
    pairs, counts = np.unique((source << 24) | target, return_counts=True)
    starts = np.flatnonzero(np.r_[True, np.diff(pairs >> 24) != 0])
    return float(np.maximum.reduceat(counts, starts).sum() / len(source))


def colour_mapping(facts: tuple[FileFacts, FileFacts], grid: _CommonGrid | None) -> Cue:
    """A colour or tone change applied pixel by pixel (a curve, a gamma, levels, saturation, a
    colour grade) gives every pixel of one colour the same new colour: it can merge colours (8-bit
    rounding, clipping, a lowered contrast or saturation) but never split one. Of two lossless
    pictures on one pixel grid, when the colours of one determine the other's exactly and not the
    reverse, the determining one is the earlier: the other cannot be undone into it."""
    name = "colour mapping"
    if grid is None or not grid.exact:
        return _no_vote(name, "tested only on pictures of one pixel grid (a crop at most)")
    if not (facts[0].is_lossless and facts[1].is_lossless and facts[0].full_size and facts[1].full_size):
        return _no_vote(name, "tested only between losslessly stored pictures (lossy compression splits colours)")
    keys = {grid.finer_side: _colour_keys(grid.finer[grid.valid]),
            grid.finer_side.other: _colour_keys(grid.coarser_up[grid.valid])}
    first, second = keys[Direction.ORIGINAL], keys[Direction.COPY]
    if np.array_equal(first, second):
        return _no_vote(name, "the compared pixels have the same colours")
    forward, backward = _determined_share(first, second), _determined_share(second, first)
    words = (f"the first picture's colours determine the second's for {forward:.1%} of the pixels, "
             f"the second's the first's for {backward:.1%}")
    exact, merged = 1 - T.DERIVATION_MAP_STRAY, T.DERIVATION_MAP_MERGED
    if forward >= exact and backward <= 1 - merged:
        parent, lost = Direction.ORIGINAL, 1 - backward
    elif backward >= exact and forward <= 1 - merged:
        parent, lost = Direction.COPY, 1 - forward
    else:
        return _no_vote(name, words + ": neither is a pixel-by-pixel colour change of the other that merged colours")
    strength = Strength.STRONG if lost >= T.DERIVATION_MAP_MERGED_STRONG else Strength.MODERATE
    return Cue(name, parent, strength, words + f": {_side_words(parent.other)} is a colour change of "
                                               f"{_side_words(parent)} that merged colours, which cannot be split again")


# ------------------------------------------------------------------ cue: compression history


def _jpeg_roundtrip(rgb: np.ndarray, facts: FileFacts) -> np.ndarray:
    """``rgb`` encoded with ``facts``' JPEG tables and chroma subsampling, and decoded."""
    buffer = io.BytesIO()
    tables = [list(t) for t in facts.quantization or ()]
    Image.fromarray(np.ascontiguousarray(rgb)).save(buffer, "JPEG", qtables=tables,
                                                    subsampling=facts.subsampling if facts.subsampling is not None else 2)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def _resampled_into(source: np.ndarray, source_to_target: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``source`` on the target's pixel grid: area-averaged first when shrunk, bicubic when
    enlarged (the usual reducer and enlarger)."""
    shrink = math.sqrt(abs(np.linalg.det(source_to_target[:2, :2])))
    if shrink < 0.95:
        h, w = source.shape[:2]
        size = (max(2, round(w * shrink)), max(2, round(h * shrink)))
        source = cv2.resize(source, size, interpolation=cv2.INTER_AREA)
        source_to_target = source_to_target @ np.linalg.inv(scale_matrix(size[0] / w, size[1] / h))
    flags = cv2.INTER_CUBIC if shrink > 1.05 else cv2.INTER_LINEAR
    return cv2.warpPerspective(np.ascontiguousarray(source), source_to_target, (shape[1], shape[0]), flags=flags,
                               borderMode=cv2.BORDER_REPLICATE)


def _usual_resizes(picture: np.ndarray, size: tuple[int, int]) -> list[np.ndarray]:
    """``picture`` resized to ``size`` (width, height) as the usual tools do it: OpenCV's area
    average (reductions) or bicubic (enlargements), and Pillow's bicubic."""
    picture = np.ascontiguousarray(picture)
    opencv = cv2.INTER_AREA if size[0] < picture.shape[1] else cv2.INTER_CUBIC
    return [cv2.resize(picture, size, interpolation=opencv),
            np.asarray(Image.fromarray(picture).resize(size, Image.Resampling.BICUBIC))]


def _snaps(m: np.ndarray, snapped: np.ndarray, size: tuple[int, int]) -> bool:
    """Whether two target -> source mappings place the corners of a ``size`` target within
    DERIVATION_RESIZE_SNAP_PX of each other."""
    width, height = size
    corners = np.array([[0, 0, 1], [width, 0, 1], [0, height, 1], [width, height, 1]], np.float64).T
    return bool(np.abs((snapped - m) @ corners).max() <= T.DERIVATION_RESIZE_SNAP_PX)


def _resized_crops(source: np.ndarray, source_to_target: np.ndarray, target_shape: tuple[int, ...]) -> list[np.ndarray]:
    """When ``source_to_target`` is, within half a pixel, a whole-pixel crop of ``source`` resized
    to the target's full size, or ``source`` resized and then cropped on whole pixels, the target
    made that way (``_usual_resizes``): a resize computed as the tool computes it gives its very
    pixel values, where a warp along the fitted matrix is a tenth of a pixel off and rounds
    differently. Else an empty list."""
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
    if fits and min(crop_w, crop_h) >= 8 and _snaps(m, snapped, (width, height)):
        found += _usual_resizes(source[y0 : y0 + crop_h, x0 : x0 + crop_w], (width, height))
    # Resize the whole, then crop: source_x = (target_x + x0 + 0.5) * source_width / resized_width - 0.5.
    if x0 != 0 or y0 != 0 or crop_w != source.shape[1] or crop_h != source.shape[0]:
        sized_w, sized_h = round(source.shape[1] / m[0, 0]), round(source.shape[0] / m[1, 1])
        fx, fy = source.shape[1] / sized_w, source.shape[0] / sized_h
        x0, y0 = round((m[0, 2] + 0.5) / fx - 0.5), round((m[1, 2] + 0.5) / fy - 0.5)
        snapped = np.array([[fx, 0, (x0 + 0.5) * fx - 0.5], [0, fy, (y0 + 0.5) * fy - 0.5], [0, 0, 1]])
        if (x0 >= 0 and y0 >= 0 and x0 + width <= sized_w and y0 + height <= sized_h
                and _snaps(m, snapped, (width, height))):
            found += [r[y0 : y0 + height, x0 : x0 + width] for r in _usual_resizes(source, (sized_w, sized_h))]
    return found


def _reencoded_share(source: np.ndarray, target: np.ndarray, target_facts: FileFacts, source_to_target: np.ndarray,
                     valid: np.ndarray, resized: list[np.ndarray]) -> tuple[float, float]:
    """(plain, encoded): the mean difference from ``target`` of ``source`` brought onto its grid,
    and of the same encoded with ``target``'s JPEG tables, over ``valid`` (target frame).
    ``resized``: ``source`` already resized onto the target's grid (``_resized_crops``), tried too."""
    exact = _whole_pixel_shift(source_to_target)
    if exact is not None:
        # The same pixel grid, shifted by whole pixels (a crop): copied exactly, not interpolated.
        predicted = cv2.warpPerspective(np.ascontiguousarray(source), exact, (target.shape[1], target.shape[0]),
                                        flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE)
    else:
        predicted = _resampled_into(source, source_to_target, target.shape)
    # Differences are measured on every other pixel of every other row (a quarter of the work).
    sample = valid[::2, ::2]
    t = target[::2, ::2][sample].astype(np.int16)

    def differs(picture: np.ndarray) -> float:
        return float(np.mean(np.abs(picture[::2, ::2][sample].astype(np.int16) - t)))

    outside = ~valid

    def reencoded(candidate: np.ndarray) -> tuple[float, float]:
        candidate = candidate.copy()
        candidate[outside] = target[outside]  # blocks outside are the target's own
        return differs(_jpeg_roundtrip(candidate, target_facts)), differs(candidate)

    # Of the ways onto the target's grid, the one whose encoding comes closest (the tool's own
    # resize reproduces the file; the closest before encoding need not be it: JPEG smooths).
    best, predicted = min(((reencoded(c), c) for c in (predicted, *resized)), key=lambda item: item[0])
    if best[0] > T.DERIVATION_REENCODE_EXPLAINS * best[1] or best[1] > T.DERIVATION_REENCODE_RECOLOUR:
        # Not reproduced as it stands: perhaps the colours were changed before the encoding. The
        # usual colour changes, fitted on these pixels: a curve per channel (gamma, levels,
        # brightness and contrast), a colour matrix (saturation, channel mixing), and the change
        # detector's global colour mapping (a colour grade).
        fits = [np.clip(np.rint(fit), 0, 255).astype(np.uint8)
                for fit in (_channel_curves(predicted, target, valid), _colour_matrix(predicted, target, valid),
                            global_colour_prediction(predicted, target, valid))]
        scored = [(reencoded(fit), fit) for fit in fits]
        encoded, recoloured = min(scored, key=lambda item: item[0])
        best = min(best, encoded)
        # A change fitted to the decoded file carries JPEG's own smoothing in it: what the encoding
        # of the fit still leaves, value by value, is added back to the fit and encoded again.
        for _ in range(T.DERIVATION_REENCODE_ROUNDS):
            recoloured[outside] = target[outside]
            encoded_fit = _jpeg_roundtrip(recoloured, target_facts).astype(np.float32)
            correction = _channel_curves(recoloured, target.astype(np.float32) - encoded_fit, valid)
            recoloured = np.clip(np.rint(recoloured + correction), 0, 255).astype(np.uint8)
            best = min(best, reencoded(recoloured))
    return best[1], best[0]


def _channel_curves(source: np.ndarray, target: np.ndarray, use: np.ndarray) -> np.ndarray:
    """``source`` (uint8) through one tone curve per channel: the mean ``target`` value of each of
    its values over ``use`` (values no pixel has are interpolated), float32."""
    result = np.empty(source.shape, np.float32)
    for channel in range(3):
        values, wanted = source[..., channel][use], target[..., channel][use].astype(np.float64)
        counts = np.bincount(values, minlength=256)
        seen = np.flatnonzero(counts)
        means = np.bincount(values, wanted, minlength=256)[seen] / counts[seen]
        curve = np.interp(np.arange(256), seen, means)
        result[..., channel] = curve[source[..., channel]]
    return result


def _colour_matrix(source: np.ndarray, target: np.ndarray, use: np.ndarray) -> np.ndarray:
    """``source`` through the affine colour transform (3 x 4) that best fits ``target`` over ``use``."""
    pixels = source[use].astype(np.float64)
    design = np.hstack([pixels, np.ones((len(pixels), 1))])
    matrix, *_ = np.linalg.lstsq(design, target[use].astype(np.float64), rcond=None)
    flat = source.reshape(-1, 3).astype(np.float64)
    return (np.hstack([flat, np.ones((len(flat), 1))]) @ matrix).reshape(source.shape).astype(np.float32)


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
        target = window[valid].astype(np.int16)
        differences[parent] = min(float(np.mean(np.abs(r[wy0:wy1, wx0:wx1][valid].astype(np.int16) - target)))
                                  for r in resized)
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


def reencoding(original: np.ndarray, copy: np.ndarray, facts: tuple[FileFacts, FileFacts], grid: _CommonGrid | None,
               changed: np.ndarray | None) -> Cue:
    """Bring each picture onto the other's grid and encode it with the other's JPEG tables: when
    that reproduces most of the other file's difference from it (JPEG's rounding of each block is
    deterministic), the other file is a JPEG encoding of this picture's pixels, and not the
    reverse, unless both do (then the one that does it clearly better is the parent)."""
    name = "re-encoding"
    if not (facts[0].full_size and facts[1].full_size):
        return _no_vote(name, "not tested on reduced pictures")
    if not (facts[0].is_jpeg or facts[1].is_jpeg):
        return _no_vote(name, "neither file is a JPEG")
    if grid is None:
        return _no_vote(name, "too little overlap to compare")
    pictures, to_other = _directions(original, copy, grid)
    results: dict[Direction, tuple[float, float]] = {}  # parent candidate -> (plain, encoded) in the child's frame
    for parent, parent_facts_index in ((Direction.ORIGINAL, 1), (Direction.COPY, 0)):
        child = parent.other
        child_facts = facts[parent_facts_index]
        if not child_facts.is_jpeg:
            continue
        found = _child_window(pictures, parent, to_other, changed)
        if found is None:
            continue
        window, to_window, valid, (wx0, wy0, wx1, wy1) = found
        resized = [r[wy0:wy1, wx0:wx1] for r in _resized_crops(pictures[parent], to_other[parent], pictures[child].shape)]
        results[parent] = _reencoded_share(pictures[parent], window, child_facts, to_window, valid, resized)
    if not results:
        return _no_vote(name, "too little unchanged overlap to compare")
    explained = {d: (plain, enc) for d, (plain, enc) in results.items() if enc <= T.DERIVATION_REENCODE_EXPLAINS * plain}
    words = "; ".join(f"{_side_words(d)} brought onto {_side_words(d.other)}'s grid differs from it by {plain:.2f} levels, "
                      f"{enc:.2f} once encoded with its JPEG tables" for d, (plain, enc) in results.items())
    if not explained:
        return _no_vote(name, words + ": neither is a JPEG encoding of the other's pixels")
    floor = T.DERIVATION_REENCODE_FLOOR
    if len(explained) == 2:
        (d1, (_, e1)), (_, (_, e2)) = sorted(explained.items(), key=lambda item: item[1][1])
        if (e2 + floor) / (e1 + floor) < T.DERIVATION_REENCODE_RATIO:
            return _no_vote(name, words + ": each reproduces the other about as well")
        parent = d1
    else:
        parent = next(iter(explained))
    plain, enc = results[parent]
    strength = Strength.STRONG if enc <= T.DERIVATION_REENCODE_EXACT * plain else Strength.MODERATE
    return Cue(name, parent, strength,
               words + f": {_side_words(parent.other)} is a JPEG encoding of {_side_words(parent)}'s pixels")


def _block_strength(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per phase 0..7, how much larger the step between neighbouring columns (rows) is across
    that phase's boundary than the median step (0 = no grid); JPEG's own grid is at phase 7."""
    result = []
    for axis in (1, 0):
        steps = np.abs(np.diff(grey, axis=axis))
        profile = steps.mean(axis=1 - axis) if axis == 1 else steps.mean(axis=1)
        count = len(profile) // 8 * 8
        if count < 16:
            result.append(np.zeros(8))
            continue
        by_phase = profile[:count].reshape(-1, 8).mean(axis=0)
        result.append(by_phase / max(float(np.median(by_phase)), 1e-6) - 1.0)
    return result[0], result[1]


def _central_blocks(picture: np.ndarray) -> np.ndarray:
    """The central part of ``picture``, at most DERIVATION_SIDE x 2 across, cut at multiples of 8
    so that its block-grid phases are the picture's own."""
    h, w = picture.shape[:2]
    side = 2 * T.DERIVATION_SIDE
    y0, x0 = max(0, (h - side) // 2) // 8 * 8, max(0, (w - side) // 2) // 8 * 8
    return picture[y0 : y0 + side, x0 : x0 + side]


def _grid_of(grey: np.ndarray) -> tuple[tuple[int, int] | None, float]:
    """The strongest blocking grid (x phase, y phase) when both directions show one, and its strength."""
    columns, rows = _block_strength(grey)
    px, py = int(np.argmax(columns)), int(np.argmax(rows))
    strength = float(min(columns[px], rows[py]))
    return ((px, py) if strength >= T.DERIVATION_BLOCKING else None), strength


def _ghost_grid(grey: np.ndarray) -> tuple[tuple[int, int] | None, float]:
    """In a JPEG: a blocking grid other than its own (phase 7 both ways), left by an earlier
    compression on a grid the file no longer has (it was cropped after that compression)."""
    columns, rows = _block_strength(grey)
    px, py = int(np.argmax(columns)), int(np.argmax(rows))
    strength = float(min(columns[px], rows[py]))
    if (px, py) == (7, 7) or strength < T.DERIVATION_BLOCKING:
        return None, strength
    return (px, py), strength


def block_grid(original: np.ndarray, copy: np.ndarray, facts: tuple[FileFacts, FileFacts], grid: _CommonGrid | None) -> Cue:
    """JPEG leaves an 8 x 8 block grid in the pixels. On one pixel grid (the same size, or a crop
    by whole pixels), a lossless file that carries the other file's JPEG grid, in place, was
    decoded from it; one without it, while the JPEG shows its own, was not; a JPEG with a second,
    shifted grid was cropped after an earlier compression."""
    name = "block grid"
    if not (facts[0].full_size and facts[1].full_size):
        return _no_vote(name, "not read on reduced pictures")
    pictures = {Direction.ORIGINAL: original, Direction.COPY: copy}
    sides = {Direction.ORIGINAL: facts[0], Direction.COPY: facts[1]}
    found: list[str] = []
    votes: list[Direction] = []
    for side, picture in pictures.items():
        other = side.other
        if sides[side].is_jpeg:
            ghost, strength = _ghost_grid(_grey(_central_blocks(picture)))
            if ghost is not None:
                found.append(f"{_side_words(side)} (a JPEG) shows a second block grid at phase {ghost} "
                             f"({strength:.0%} stronger steps): it was cropped after an earlier compression")
                votes.append(other)
        elif sides[side].is_lossless and sides[other].is_jpeg and grid is not None and grid.exact:
            # Where the JPEG's block boundaries (after its pixel 7 of each 8) fall in this picture.
            shift = grid.coarser_to_finer[:2, 2] * (1 if side is grid.finer_side else -1)
            expected = (int(np.rint(7 + shift[0])) % 8, int(np.rint(7 + shift[1])) % 8)
            own, strength = _grid_of(_grey(_central_blocks(picture)))
            theirs, _ = _grid_of(_grey(_central_blocks(pictures[other])))
            if own == expected:
                found.append(f"{_side_words(side)} ({sides[side].format}) carries {_side_words(other)}'s JPEG block "
                             f"grid in place ({strength:.0%} stronger steps): its pixels were decoded from it")
                votes.append(other)
            elif own is None and theirs is not None:
                found.append(f"{_side_words(side)} ({sides[side].format}), on the same pixel grid, has none of the "
                             f"block grid {_side_words(other)} (a JPEG) shows: it was not decoded from it")
                votes.append(side)
    if not found:
        return _no_vote(name, "no compression trace tells the order")
    if len(set(votes)) > 1:
        return _no_vote(name, "; ".join(found) + ": the traces disagree")
    return Cue(name, votes[0], Strength.MODERATE, "; ".join(found))


# ------------------------------------------------------------------ cue: local edits


def _detail_map(grey: np.ndarray) -> np.ndarray:
    """Local fine detail and noise: the mean absolute Laplacian in 8 x 8 blocks (Immerkaer 1996's
    noise operator), one value per block."""
    kernel = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)
    response = np.abs(cv2.filter2D(grey, cv2.CV_32F, kernel))
    h, w = response.shape
    return cv2.resize(response, (max(1, w // 8), max(1, h // 8)), interpolation=cv2.INTER_AREA)


def _area_ratios(detail: np.ndarray, area: np.ndarray) -> tuple[float, float] | None:
    """(texture, noise): inside ``area`` (bool, block grid) against a ring around it, the median
    block detail (texture and noise together) and the low quantile DERIVATION_EDIT_NOISE_QUANTILE
    of it (the flattest blocks, where only the noise is left: a picture's noise is the camera's
    or the encoder's, the same all over one picture, whatever it shows)."""
    if area.sum() < T.DERIVATION_EDIT_MIN_BLOCKS:
        return None
    reach = max(2, round(math.sqrt(float(area.sum())) / 2))
    ring = cv2.dilate(area.view(np.uint8), np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)).astype(bool) & ~area
    if ring.sum() < T.DERIVATION_EDIT_MIN_BLOCKS:
        return None
    q = 100 * T.DERIVATION_EDIT_NOISE_QUANTILE
    texture = (float(np.median(detail[area])) + 0.5) / (float(np.median(detail[ring])) + 0.5)
    noise = (float(np.percentile(detail[area], q)) + 0.5) / (float(np.percentile(detail[ring], q)) + 0.5)
    return texture, noise


def _smoothed_side(first: float, second: float) -> Direction:
    """The side (ORIGINAL = first picture) whose area is smoother than its surroundings (ratio at
    most DERIVATION_EDIT_CONSISTENT, and at most DERIVATION_EDIT_SMOOTH of the other side's ratio)
    while the other side's area keeps to its own (ratio at least DERIVATION_EDIT_CONSISTENT)."""
    kept, smooth = T.DERIVATION_EDIT_CONSISTENT, T.DERIVATION_EDIT_SMOOTH
    for edited, mine, theirs in ((Direction.ORIGINAL, first, second), (Direction.COPY, second, first)):
        if mine <= kept <= theirs and mine / theirs <= smooth:
            return edited
    return Direction.UNDETERMINED


def local_edits(original: np.ndarray, copy: np.ndarray, alignment: Alignment, changes: ChangeMap | None) -> Cue:
    """Inside each changed area, the side whose pixels are markedly smoother than their own
    surroundings (painted out, inpainted, generated), when the other side's area keeps to its
    surroundings, is the edited one: in its fine detail, or in its noise level (no grain where the
    rest of the picture has it). Both together (no detail and none of the picture's noise) weigh
    more than either alone: an object removed from a plain background leaves a plainer area, but
    the camera's grain stays on it."""
    name = "local edits"
    if changes is None or not changes.areas:
        return _no_vote(name, "no changed area")
    changed = (changes.mask == 255).view(np.uint8)
    # Both pictures no larger than DERIVATION_SIDE x 2 (area-averaged): detail is compared between
    # an area and its own surroundings, at one scale per picture.
    small_original = shrink_to_side(original, 2 * T.DERIVATION_SIDE)
    small_copy = shrink_to_side(copy, 2 * T.DERIVATION_SIDE)
    original_detail = _detail_map(_grey(small_original))
    copy_detail = _detail_map(_grey(small_copy))
    to_small_copy = scale_matrix(small_copy.shape[1] / copy.shape[1], small_copy.shape[0] / copy.shape[0])
    in_copy = cv2.warpPerspective(changed, to_small_copy @ np.linalg.inv(alignment.matrix),
                                  (small_copy.shape[1], small_copy.shape[0]), flags=cv2.INTER_NEAREST)
    original_blocks = cv2.resize(changed, original_detail.shape[::-1], interpolation=cv2.INTER_AREA) > 0
    copy_blocks = cv2.resize(in_copy, copy_detail.shape[::-1], interpolation=cv2.INTER_AREA) > 0
    a, b = _area_ratios(original_detail, original_blocks), _area_ratios(copy_detail, copy_blocks)
    if a is None or b is None:
        return _no_vote(name, "the changed areas are too small to read their texture")
    words = (f"inside the changed areas, fine detail is {a[0]:.2f} x its surroundings' in the first picture "
             f"and {b[0]:.2f} x in the second, the noise level {a[1]:.2f} x and {b[1]:.2f} x")
    smoother, quieter = _smoothed_side(a[0], b[0]), _smoothed_side(a[1], b[1])
    votes = {v for v in (smoother, quieter) if v is not Direction.UNDETERMINED}
    if len(votes) != 1:
        why = "they disagree" if votes else "neither side departs markedly from its surroundings"
        return _no_vote(name, f"{words}: {why}")
    edited = votes.pop()
    found = [w for v, w in ((smoother, "painted smooth"), (quieter, "without the picture's noise")) if v is edited]
    strength = Strength.STRONG if len(found) == 2 else Strength.MODERATE
    return Cue(name, edited.other, strength, f"{words}: {_side_words(edited)}'s areas are {' and '.join(found)}")


# ------------------------------------------------------------------ cue: metadata (weak)


def _earliest_date(provenance: Provenance) -> str | None:
    dates = []
    if provenance.exif:
        dates += [provenance.exif.datetime_original, provenance.exif.datetime_digitized]
    if provenance.xmp:
        dates.append(provenance.xmp.create_date)
    dates = [d.replace("-", ":").replace("T", " ")[:19] for d in dates if d and d[:4].isdigit()]
    return min(dates) if dates else None


def _origin_record(provenance: Provenance) -> str | None:
    """A record of where the picture came from: a camera, or a generator's parameters."""
    if provenance.exif and (provenance.exif.make or provenance.exif.model):
        return "camera data"
    if provenance.generation:
        return f"{provenance.generation[0].generator} generation parameters"
    return None


def metadata(facts: tuple[FileFacts, FileFacts]) -> Cue:
    """Weak by rule, whatever it says: metadata is easy to strip and to forge. Earlier capture or
    creation dates, and a record of origin (camera, generator parameters) on one side only."""
    name = "metadata"
    first, second = facts[0].provenance, facts[1].provenance
    if first is None or second is None:
        return _no_vote(name, "metadata not read")
    votes: list[tuple[Direction, str]] = []
    date_a, date_b = _earliest_date(first), _earliest_date(second)
    if date_a and date_b and date_a != date_b:
        earlier = Direction.ORIGINAL if date_a < date_b else Direction.COPY
        votes.append((earlier, (f"{_side_words(earlier)} states the earlier creation date ({min(date_a, date_b)} "
                               f"against {max(date_a, date_b)})")))
    origin_a, origin_b = _origin_record(first), _origin_record(second)
    if bool(origin_a) != bool(origin_b):
        side = Direction.ORIGINAL if origin_a else Direction.COPY
        votes.append((side, f"only {_side_words(side)} carries {origin_a or origin_b}"))
    if not votes:
        return _no_vote(name, "the metadata names no order (weak evidence at best: it is easy to strip and forge)")
    if len({v for v, _ in votes}) > 1:
        return _no_vote(name, "; ".join(w for _, w in votes) + ": they disagree (weak evidence: easy to strip and forge)")
    return Cue(name, votes[0][0], Strength.WEAK,
               "; ".join(w for _, w in votes) + " (weak evidence: metadata is easy to strip and forge)")


# ------------------------------------------------------------------ the rule


def combine(cues: tuple[Cue, ...]) -> Derivation:
    """Sum the cues' log likelihood ratios (thresholds.DERIVATION_WEIGHTS); name a side when the
    sum reaches DERIVATION_DECIDE and no cue of moderate strength or more points the other way."""
    score = sum(c.signed_weight for c in cues)
    leaning = Direction.ORIGINAL if score > 0 else Direction.COPY
    against = [c for c in cues if c.points_to is leaning.other and c.strength.weight >= Strength.MODERATE.weight]
    voting = [c for c in cues if c.points_to is not Direction.UNDETERMINED]
    if abs(score) >= T.DERIVATION_DECIDE and not against:
        confidence = 1.0 / (1.0 + math.exp(-abs(score)))
        names = ", ".join(c.name for c in voting if c.points_to is leaning)
        summary = f"{_side_words(leaning).capitalize()} is likelier the original ({names})."
        return Derivation(leaning, round(confidence, 4), round(score, 4), cues, summary)
    if against:
        why = "the cues disagree: " + "; ".join(f"{c.name} points to {_side_words(c.points_to)}" for c in voting)
    elif voting:
        why = "the cues are too weak: " + "; ".join(f"{c.name} ({c.strength}) points to {_side_words(c.points_to)}" for c in voting)
    else:
        why = "no cue tells the order"
    return Derivation(Direction.UNDETERMINED, 0.5, round(score, 4), cues, f"Which picture came first is undetermined: {why}.")


def derive(original: np.ndarray, copy: np.ndarray, *, alignment: Alignment, changes: ChangeMap | None,
           identical: bool, facts: tuple[FileFacts, FileFacts] | None = None) -> Derivation:
    """The derivation of one compared pair. ``facts``: each file's format, JPEG tables and
    metadata (None: pixels only, the compression and metadata cues cannot vote)."""
    facts = facts or (FileFacts(), FileFacts())
    if identical:
        return Derivation(Direction.UNDETERMINED, 0.5, 0.0, (metadata(facts),),
                          "Which picture came first is undetermined: the decoded pixels are identical, "
                          "so nothing in them can tell.")
    if not alignment.aligned:
        return Derivation(Direction.UNDETERMINED, 0.5, 0.0, (metadata(facts),),
                          "Which picture came first is undetermined: the pictures are not the same picture "
                          "(no geometric correspondence), so no derivation is read from their pixels.")
    changed = changes.mask == 255 if changes is not None else None
    grid = _common_grid(original, copy, alignment, changed)
    cues = (
        containment(alignment, original, copy),
        information_loss(grid),
        resampling(grid, alignment.rotation_degrees),
        tonal_history(facts, grid),
        colour_mapping(facts, grid),
        reencoding(original, copy, facts, grid, changed),
        reproduction(original, copy, facts, grid, changed),
        block_grid(original, copy, facts, grid),
        local_edits(original, copy, alignment, changes),
        metadata(facts),
    )
    return combine(cues)
