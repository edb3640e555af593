"""Cues of compression history: re-encoding (a JPEG is an encoding of the other picture's
pixels) and the 8 x 8 block grid."""

from __future__ import annotations

import io
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from .. import thresholds as T
from ..changes import global_colour_prediction
from ..evidence import displayed, stored
from .grid import _CommonGrid, _whole_pixel_shift
from .model import Cue, Direction, FileFacts, Strength, _grey, _no_vote, _side_words
from .resizes import (
    _child_window,
    _directions,
    _resampled_into,
    _resized_crops,
)

__all__ = ["block_grid", "reencoding"]


def _jpeg_roundtrip(rgb: np.ndarray, facts: FileFacts) -> np.ndarray:
    """``rgb`` (as displayed) encoded with ``facts``' JPEG tables and chroma subsampling on the
    file's stored grid (turned back by its EXIF orientation), decoded and turned for display."""
    buffer = io.BytesIO()
    tables = [list(t) for t in facts.quantization or ()]
    Image.fromarray(stored(rgb, facts.orientation)).save(
        buffer, "JPEG", qtables=tables, subsampling=facts.subsampling if facts.subsampling is not None else 2)
    return displayed(np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")), facts.orientation)


def _reencoded_share(source: np.ndarray, target: np.ndarray, target_facts: FileFacts, source_to_target: np.ndarray,
                     valid: np.ndarray, resized: list[Callable[[], np.ndarray]]) -> tuple[float, float]:
    """(plain, encoded): the mean difference from ``target`` of ``source`` brought onto its grid,
    and of the same encoded with ``target``'s JPEG tables, over ``valid`` (target frame).
    ``resized``: ``source`` resized onto the target's grid as tools do it (``_resized_crops``), tried
    in turn until one reproduces the target."""
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
    best = reencoded(predicted)
    tried = [predicted]
    for resize in resized:
        if best[0] <= T.DERIVATION_REENCODE_EXACT * best[1]:
            break
        tried.append(resize())
        encoded = reencoded(tried[-1])
        if encoded < best:
            best, predicted = encoded, tried[-1]
    if best[0] > T.DERIVATION_REENCODE_EXPLAINS * best[1] or best[1] > T.DERIVATION_REENCODE_RECOLOUR:
        # Not reproduced as it stands: perhaps the colours were changed before the encoding. The
        # resize is then the one whose encoding comes closest once a tone curve per channel is
        # fitted: before it, the colour change's difference swamps theirs (astronaut reduced by
        # Pillow's bicubic, brightened by a tenth: 18.14 levels from Lanczos, 18.16 from bicubic),
        # and so does JPEG's noise before the encoding (2.92-3.75 levels, bicubic's 2.98).
        def fitted(fit: np.ndarray) -> np.ndarray:
            return np.clip(np.rint(fit), 0, 255).astype(np.uint8)

        curves = [fitted(_channel_curves(candidate, target, valid)) for candidate in tried]
        curve_scores = [reencoded(curve) for curve in curves]
        chosen = min(range(len(tried)), key=curve_scores.__getitem__)
        predicted = tried[chosen]
        # The usual colour changes, fitted on these pixels: a curve per channel (gamma, levels,
        # brightness and contrast; scored above), a colour matrix (saturation, channel mixing),
        # and the change detector's global colour mapping (a colour grade).
        scored = [(curve_scores[chosen], curves[chosen])] + [
            (reencoded(fit), fit) for fit in (fitted(_colour_matrix(predicted, target, valid)),
                                              fitted(global_colour_prediction(predicted, target, valid)))]
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
        resized = [lambda r=r, w=(wx0, wy0, wx1, wy1): r(w[2], w[3])[w[1] : w[3], w[0] : w[2]]
                   for r in _resized_crops(pictures[parent], to_other[parent], pictures[child].shape)]
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


def block_grid(original: np.ndarray, copy: np.ndarray, facts: tuple[FileFacts, FileFacts], grid: _CommonGrid | None,
               encoded: Cue | None = None) -> Cue:
    """JPEG leaves an 8 x 8 block grid in the pixels. On one pixel grid (the same size, or a crop
    by whole pixels), a lossless file that carries the other file's JPEG grid, in place, was
    decoded from it; one without it, while the JPEG shows its own, was not; a JPEG with a second,
    shifted grid was cropped after an earlier compression.

    ``encoded``: the re-encoding cue. When it found the JPEG to be, on the same grid, an exact
    encoding of the lossless picture's pixels (strong), a grid that picture carries is an earlier
    JPEG's: decoded from this JPEG, its pixels would be this JPEG's own, not ones that encode to
    them (a PNG of Grace Hopper, made from the JPEG that matplotlib ships, against its JPEG at
    quality 90: 0.54 levels apart, 0.00 once encoded)."""
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
            ghost, strength = _ghost_grid(_grey(_central_blocks(stored(picture, sides[side].orientation))))
            if ghost is not None:
                found.append(f"{_side_words(side)} (a JPEG) shows a second block grid at phase {ghost} "
                             f"({strength:.0%} stronger steps): it was cropped after an earlier compression")
                votes.append(other)
        elif (sides[side].is_lossless and sides[other].is_jpeg and sides[other].orientation in (None, 1)
              and grid is not None and grid.exact):
            # (A turned JPEG's blocks are not on the displayed grid where this one would carry them.)
            # Where the JPEG's block boundaries (after its pixel 7 of each 8) fall in this picture.
            shift = grid.coarser_to_finer[:2, 2] * (1 if side is grid.finer_side else -1)
            expected = (int(np.rint(7 + shift[0])) % 8, int(np.rint(7 + shift[1])) % 8)
            own, strength = _grid_of(_grey(_central_blocks(picture)))
            theirs, their_strength = _grid_of(_grey(_central_blocks(pictures[other])))
            if own == expected and strength < T.DERIVATION_GRID_KEPT * their_strength:
                found.append(f"{_side_words(side)} ({sides[side].format}) shows a block grid where {_side_words(other)} "
                             f"(a JPEG) has its own, but far weaker ({strength:.0%} against {their_strength:.0%} "
                             "stronger steps): left by an earlier, gentler JPEG on the same grid, not decoded from it")
                votes.append(side)
            elif own == expected and encoded is not None and encoded.points_to is side and encoded.strength is Strength.STRONG:
                found.append(f"{_side_words(side)} ({sides[side].format}) shows a block grid where {_side_words(other)} "
                             f"(a JPEG) has its own, but {_side_words(other)} is an exact encoding of its pixels: "
                             "the grid is an earlier JPEG's")
            elif own == expected:
                found.append(f"{_side_words(side)} ({sides[side].format}) carries {_side_words(other)}'s JPEG block "
                             f"grid in place ({strength:.0%} stronger steps): its pixels were decoded from it")
                votes.append(other)
            elif own is None and theirs is not None:
                found.append(f"{_side_words(side)} ({sides[side].format}), on the same pixel grid, has none of the "
                             f"block grid {_side_words(other)} (a JPEG) shows: it was not decoded from it")
                votes.append(side)
    if not found:
        return _no_vote(name, "no compression trace tells the order")
    if not votes:
        return _no_vote(name, "; ".join(found))
    if len(set(votes)) > 1:
        return _no_vote(name, "; ".join(found) + ": the traces disagree")
    return Cue(name, votes[0], Strength.MODERATE, "; ".join(found))
