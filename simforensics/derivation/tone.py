"""Cues: tonal history (a tone curve's combed histograms and clipping) and colour mapping (a
pixel-by-pixel colour change merges colours, never splits them)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from .. import thresholds as T
from ..changes import colour_in_places, is_grey
from .grid import _CommonGrid
from .model import Cue, Direction, FileFacts, Strength, _grey, _no_vote, _side_words

__all__ = ["colour_mapping", "tonal_history"]


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


def _clipped_detail(picture: np.ndarray, other: np.ndarray, valid: np.ndarray, other_lossy: bool) -> float:
    """Share of ``valid`` where ``picture`` is flat at 0 or 255 in a channel while ``other``
    shows detail there: a tone curve pushed those values past the end of the scale.

    When ``other`` is lossy, only where ``picture`` is flat in every channel over a JPEG
    macroblock's reach (DERIVATION_CLIP_LOSSY_REACH): a JPEG of a flat area is flat, but one of
    an area flat in one channel only is not (its colour is coded in luma and chroma, which mix
    the channels: a PNG of the colour wheel showed "detail" in 0.8 % of its JPEG, inside its
    clipped hues), nor is one of the pixels beside an edge (its ringing: 0.6 % of the
    motorcycle's JPEG, within 10 px of a highlight's edge)."""
    found = np.zeros(valid.shape, bool)
    kernel = (3, 3)
    readable = valid
    if other_lossy:
        reach = np.ones((2 * T.DERIVATION_CLIP_LOSSY_REACH + 1,) * 2, np.uint8)
        level = np.clip(np.rint(picture), 0, 255).astype(np.uint8)
        readable = valid & np.all(cv2.dilate(level, reach) - cv2.erode(level, reach) <= 1, axis=2)
    for channel in range(3):
        mine, theirs = picture[..., channel], other[..., channel]
        spread_mine = np.sqrt(np.maximum(cv2.blur(mine * mine, kernel) - cv2.blur(mine, kernel) ** 2, 0))
        spread_theirs = np.sqrt(np.maximum(cv2.blur(theirs * theirs, kernel) - cv2.blur(theirs, kernel) ** 2, 0))
        at_end = (mine >= 254.5) | (mine <= 0.5)
        found |= at_end & (spread_mine < T.DERIVATION_CLIP_FLAT) & (spread_theirs >= T.DERIVATION_CLIP_DETAIL)
    return float((found & readable).sum() / max(1, int(valid.sum())))


def _like_with_like(finer: np.ndarray, coarser_up: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Both pictures' pixels as the tonal history compares them: as they are, or, when one is grey
    and the other in colour, both as grey levels (the colour one's luma, as a grey conversion
    makes it), with the words that say so. A grey conversion mixes the three channels: it fills the
    gaps of a colour picture's combed channels and keeps detail where one channel clips, so a
    colour picture beside its own grey conversion would read as the one a tone curve was applied
    to (measured: of nine colour pictures and their grey conversions, two "moderate" cues that
    named the grey one as the original, from the colour one's combed or clipped channels)."""
    if is_grey(finer, valid) == is_grey(coarser_up, valid):
        return finer, coarser_up, []
    as_grey = [np.repeat(_grey(np.clip(np.rint(p), 0, 255).astype(np.uint8))[..., None], 3, axis=2)
               for p in (finer, coarser_up)]
    return as_grey[0], as_grey[1], ["one picture is grey: both compared as grey levels"]


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
    finer_pixels, coarser_pixels, words = _like_with_like(grid.finer, grid.coarser_up, grid.valid)
    # Histograms of the same pixels of the scene: the overlap, without the changed areas, on the
    # same grid (interpolating onto another grid would smooth the histogram it measures).
    combs = {Direction.ORIGINAL: 0.0, Direction.COPY: 0.0}
    if grid.exact:
        combs = {finer: _comb(np.clip(np.rint(finer_pixels[grid.valid]), 0, 255).astype(np.uint8)),
                 coarser: _comb(np.clip(np.rint(coarser_pixels[grid.valid]), 0, 255).astype(np.uint8))}
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
    lossy = {side: not facts[0 if side is Direction.ORIGINAL else 1].is_lossless for side in (finer, coarser)}
    clipped = {finer: _clipped_detail(finer_pixels, coarser_pixels, grid.valid, lossy[coarser]),
               coarser: _clipped_detail(coarser_pixels, finer_pixels, grid.valid, lossy[finer])}
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


def _has_colour(rgb: np.ndarray) -> bool:
    """Whether a picture carries colour anywhere: all over, or laid in places on grey."""
    everywhere = np.ones(rgb.shape[:2], bool)
    if not is_grey(rgb, everywhere):
        return True
    laid = colour_in_places(rgb, everywhere)
    return laid is None or bool(laid.any())


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
    if _has_colour(grid.finer) != _has_colour(grid.coarser_up):
        # Desaturating a colour picture is such a change; colourising a grey one, or tinting part of
        # it, is not pixel by pixel, yet leaves the grey picture a function of the colour one too.
        return _no_vote(name, "one picture is grey: it is a pixel-by-pixel function of the colour one whether it was "
                              "made from it or the colour was laid on it, so the colours cannot tell which came first")
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
