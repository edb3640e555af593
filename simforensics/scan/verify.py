"""Verify one candidate pair with the compare engine, on pictures decoded at reduced size.

Each pair gets only what its answer needs (``settled_by`` names the step that answered):

1. ``sha256``: byte-for-byte the same files are identical, from the SHA-256 the scan's features
   already hold (the engine gives ``IDENTICAL_FILES`` without a job; ``verify_pair`` checks too).
2. ``full``: the engine's own alignment (SIFT, ratio test, RANSAC, mirror), change localisation
   and verdict on both pictures at no more than ``SCAN_VERIFY_SIDE`` pixels, so a scan pair gets
   the label and similarity that ``simforensics compare`` gives the same pair. Which picture came
   first (the derivation, about half of a copy's cost) is asked only of copies: for pictures that
   are not copies of each other the answer means nothing. When it names the second picture, the
   pair is compared again that way round, so that the verdict describes the copy as the scan
   lists it. A pair read "locally-edited" whose order is undetermined is compared the other way
   round too, and called a near-duplicate when it reads so that way (two copies of one picture
   whose tone edits lose detail, as clipping does, one way only). "identical" is only kept when
   the full-size decoded pixels are equal (reduced pictures can agree where full ones differ).

The engine at a smaller side cannot settle a pair instead: measured on the scan benchmark's
candidates, restyles of a picture (oil, stylisation) keep the pattern of a copy at 256 and even
384 px and would be called copies; their strokes only show at full verification size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

import numpy as np

from .. import thresholds as T
from ..align import Alignment
from ..changes import colour_in_places, is_grey
from ..compare import PreparedPicture, compare_prepared
from ..derivation import FileFacts, derive
from ..evidence import DEFAULT_MAX_PIXELS, load_evidence
from ..verdict import Label, Verdict
from .decode import ReducedPicture, read_reduced
from .result import SETTLING_STEPS

__all__ = ["IDENTICAL_FILES", "PairVerdict", "verify_pair"]

# Decoded pictures, with what the engine finds in each alone (features, hashes), kept per
# thread (a Dask worker runs tasks in threads): candidates arrive grouped by their first picture.
_PER_THREAD = threading.local()
_RECENT_SIZE = 24


@dataclass(frozen=True)
class PairVerdict:
    similarity: float
    label: Label
    summary: str
    # Which of the two is likelier the original (the derivation package): "original" (the first as
    # verified), "copy" (the second) or "undetermined", and the rule's confidence.
    likely_original: str = "undetermined"
    derivation_confidence: float = 0.5
    settled_by: str = SETTLING_STEPS[-1]  # the verification step that gave this verdict
    # The share of each picture, the first as verified then the second, that shows what the other
    # shows (``_covered``): 0 when they do not align. The closure of groups asks it
    # (``engine.candidates_within_groups``).
    covered: tuple[float, float] = (1.0, 1.0)


IDENTICAL_FILES = PairVerdict(Label.IDENTICAL.score(1.0), Label.IDENTICAL,
                              "The two files are byte-for-byte the same (equal SHA-256).", settled_by="sha256")


def _facts(picture: ReducedPicture) -> FileFacts:
    return FileFacts(format=picture.format, quantization=picture.jpeg_quantization,
                     subsampling=picture.jpeg_subsampling, orientation=picture.orientation,
                     full_size=picture.full_size, reduction=picture.width / picture.pixels.shape[1])


def _prepared(path: str, max_pixels: int) -> tuple[ReducedPicture, PreparedPicture]:
    recent: OrderedDict[str, tuple[ReducedPicture, PreparedPicture]] | None = getattr(_PER_THREAD, "recent", None)
    if recent is None:
        recent = _PER_THREAD.recent = OrderedDict()
    if path in recent:
        recent.move_to_end(path)
        return recent[path]
    picture = read_reduced(path, side=T.SCAN_VERIFY_SIDE, max_pixels=max_pixels)
    recent[path] = picture, PreparedPicture(picture.pixels, _facts(picture))
    if len(recent) > _RECENT_SIZE:
        recent.popitem(last=False)
    return recent[path]


def _grey(picture: ReducedPicture) -> bool:
    return picture.pixels.ndim == 2 or is_grey(picture.pixels, np.ones(picture.pixels.shape[:2], bool))


def _colour_laid_on_grey(first: ReducedPicture, second: ReducedPicture) -> bool:
    """Whether ``first`` is a colour picture whose colour lies in places only and ``second`` a grey
    one of the same size. The scan orders such pairs by path; compared this way round, the colour's
    removal is a global change (near-duplicate), the other way it is the local edit it most likely
    was (a tint, banner or sticker laid on the grey picture), so a scan compares them that way."""
    if (first.width, first.height) != (second.width, second.height) or first.pixels.ndim != 3:
        return False
    placed = colour_in_places(first.pixels, np.ones(first.pixels.shape[:2], bool)) if _grey(second) else None
    return placed is not None and bool(placed.any())


def verify_pair(original: str, copy: str, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> PairVerdict:
    """Compare ``copy`` against ``original``. Raises an ``EvidenceError`` if either is unreadable."""
    (first, first_prepared), (second, second_prepared) = _prepared(original, max_pixels), _prepared(copy, max_pixels)
    if first.sha256 == second.sha256:
        return IDENTICAL_FILES
    # Only when it holds one way: two grey pictures, each with colour in places (screenshots of
    # grey pictures in one app's coloured frame), would turn each other without end.
    if _colour_laid_on_grey(first, second) and not _colour_laid_on_grey(second, first):
        turned = verify_pair(copy, original, max_pixels=max_pixels)
        side = {"original": "copy", "copy": "original"}.get(turned.likely_original, turned.likely_original)
        return replace(turned, likely_original=side, covered=turned.covered[::-1])
    measurement = compare_prepared(first_prepared, second_prepared, with_people=False, report_measures=False, find_pieces=False,
                                   with_derivation=False)
    verdict = measurement.verdict
    covered = _covered(measurement.alignment)
    direction, confidence = "undetermined", 0.5
    if verdict.label.is_copy:
        derivation = derive(first_prepared.rgb, second_prepared.rgb, alignment=measurement.alignment,
                            changes=measurement.changes, identical=measurement.identical,
                            facts=(first_prepared.facts, second_prepared.facts),
                            previews=(first_prepared.preview, second_prepared.preview))
        direction, confidence = str(derivation.likely_original), round(float(derivation.confidence), 4)
        if direction == "copy":
            # The scan lists the second first, as the original: the verdict is to describe the first
            # as derived from it ("resized to 200 %", not "to 50 %"), so the pair is compared that way.
            turned = _verdict_the_other_way(first_prepared, second_prepared)
            verdict = turned if turned.label.is_copy else verdict
        elif verdict.label == Label.LOCALLY_EDITED and direction == "undetermined" and _grey(first) == _grey(second):
            # A global edit that loses detail runs one way only: two copies of one picture, one with
            # its contrast raised until highlights clip, the other equalised, read "locally-edited"
            # with the clipped one as the original (the other's detail there is "new") and as
            # near-duplicates the other way round. Where nothing says which came first, it is the
            # closer relation that holds. Not between a grey picture and a colour one: compared
            # with the grey one as the copy, no colour is compared at all (colour laid on a grey
            # picture, above, would read as its removal).
            turned = _verdict_the_other_way(first_prepared, second_prepared)
            if turned.label == Label.NEAR_DUPLICATE:
                verdict = replace(turned, summary="Compared the other way round (the second picture as the original): "
                                  + turned.summary)
    if verdict.label == Label.IDENTICAL:
        full_a = load_evidence(original, max_pixels=max_pixels).rgb
        full_b = load_evidence(copy, max_pixels=max_pixels).rgb
        if full_a.shape != full_b.shape or not np.array_equal(full_a, full_b):
            # Not the same pixels: the top of the near-duplicate band.
            return PairVerdict(round(Label.NEAR_DUPLICATE.score(1.0), 4), Label.NEAR_DUPLICATE,
                               "The pictures are the same at reduced size; their full-size pixels differ slightly.",
                               direction, confidence, covered=covered)
    summary = verdict.summary + _reduced_words(*((second, first) if direction == "copy" else (first, second)))
    return PairVerdict(round(float(verdict.similarity), 4), verdict.label, summary, direction, confidence, covered=covered)


def _verdict_the_other_way(first: PreparedPicture, second: PreparedPicture) -> Verdict:
    """The pair's verdict with ``second`` as the original, as the scan verifies it."""
    return compare_prepared(second, first, with_people=False, report_measures=False, find_pieces=False,
                            with_derivation=False).verdict


def _covered(alignment: Alignment) -> tuple[float, float]:
    """``PairVerdict.covered``: the share of the original the copy covers and of the copy's frame
    that shows the original, as placed by the alignment, whatever was changed there. Less what the
    copy changed was tried: the closure of groups (``engine.candidates_within_groups``) then lost
    31 of 292 matches of a folder of 48 pictures (a picture and the collage holding it, linked
    only through other collages that share other quarters), for 492 pairs verified instead of 619.
    """
    if not alignment.aligned:
        return 0.0, 0.0
    return round(float(alignment.overlap_fraction), 4), round(float(alignment.copy_fill_fraction), 4)


def _reduced_words(original: ReducedPicture, copy: ReducedPicture) -> str:
    """The sentence that says a summary's sizes and positions are of reduced pictures, or nothing:
    a copy enlarged twice, both reduced to the verification's side, reads "resized to 142 %"."""
    if all(picture.pixels.shape[1] == picture.width for picture in (original, copy)):
        return ""
    return (f" Sizes and positions are of both pictures reduced to at most {T.SCAN_VERIFY_SIDE} px a side "
            f"(in full: {original.width} x {original.height} and {copy.width} x {copy.height} px).")
