"""The verdict: label, similarity score and the plain-language summary.

The score is banded so that it agrees with the label and ranks pairs across comparisons
(``Label.band``; the edges and their reasons are in thresholds.py). Within a band, the measures
place the pair.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from . import thresholds as T
from .align import Alignment, AlignModel
from .changes import ChangeMap
from .fingerprints import hash_kind
from .overlay import Overlay
from .region_findings import (
    Finding,
    PoseComparison,
    RegionFinding,
    describe_regions,
    describe_user_regions,
)
from .report.words import counted
from .resemblance.model import Likeness, ResemblanceProfile
from .resemblance.profile import describe_resemblance

__all__ = ["Label", "Verdict", "is_copy_like", "judge", "relatedness", "transform_words"]


class Label(StrEnum):
    """What a pair is, from most to least alike (../shared/CONTRACT.md)."""

    IDENTICAL = "identical"
    NEAR_DUPLICATE = "near-duplicate"
    LOCALLY_EDITED = "locally-edited"
    SIMILAR = "similar"
    UNRELATED = "unrelated"

    @property
    def band(self) -> tuple[float, float]:
        """The similarity scores this label takes: [low, high), or exactly 1 for identical."""
        return _BANDS[self]

    @property
    def is_copy(self) -> bool:
        """The same picture, whatever was done to it: what scan calls a match."""
        return self in (Label.IDENTICAL, Label.NEAR_DUPLICATE, Label.LOCALLY_EDITED)

    def score(self, placement: float) -> float:
        """The similarity of a pair placed at ``placement`` (0 bottom .. 1 top) of this band,
        kept SIMILARITY_BAND_MARGIN below the next band."""
        low, high = self.band
        if low == high:
            return low
        # The width as the decimal it is (0.7 - 0.4 is 0.29999999999999993 in binary): a score
        # near a rounding tie must round the same way on every platform and in every release.
        width = round(high - low - T.SIMILARITY_BAND_MARGIN, 6)
        return low + width * _clip(placement)


_BANDS = {
    Label.IDENTICAL: (1.0, 1.0),
    Label.NEAR_DUPLICATE: (T.NEAR_DUPLICATE_SIMILARITY, 1.0),
    Label.LOCALLY_EDITED: (T.LOCALLY_EDITED_SIMILARITY, T.NEAR_DUPLICATE_SIMILARITY),
    Label.SIMILAR: (T.SIMILAR_SIMILARITY, T.LOCALLY_EDITED_SIMILARITY),
    Label.UNRELATED: (0.0, T.SIMILAR_SIMILARITY),
}


@dataclass(frozen=True)
class Verdict:
    label: Label
    similarity: float
    summary: str
    reasons: tuple[str, ...]


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def is_copy_like(identical: bool, changes: ChangeMap | None) -> bool:
    """The same picture outside its changed areas: its local pattern is kept (MIN_COPY_STRUCTURE)
    and its colours follow one global mapping of the original's (MAX_COPY_COLOUR).

    A re-rendered picture (a restyle) keeps the outlines, not the pattern; another picture aligned
    by a banner both carry keeps neither, though its flat areas agree in pattern with anything."""
    return identical or (changes is not None and changes.unchanged_structure >= T.MIN_COPY_STRUCTURE
                         and changes.unchanged_colour <= T.MAX_COPY_COLOUR)


# The alignment-free hashes whose distance below chance makes unaligned pictures related.
_RELATING_HASHES = ("phash", "edge_phash", "pdq")
_RELATING_WORDS = {"phash": "whole-picture pHash distance", "edge_phash": "outline pHash",
                   "pdq": "PDQ"}


def relatedness(distances: dict[str, int]) -> float:
    """How far below chance the alignment-free hashes are, in [0, 1] (0 = chance level).

    ``distances``: the whole-picture distances of ``_RELATING_HASHES``, PDQ over the copy's
    rotations and mirrors."""
    return max(hash_kind(name).relatedness(distances[name]) for name in _RELATING_HASHES)


def transform_words(alignment: Alignment) -> list[str]:
    """What the geometry did to the copy, in words ("resized to 80% of the original's size", ...)."""
    words = []
    across, down = alignment.axis_scales
    _, _, width, height = alignment.copy_content_box
    depth = abs(alignment.matrix[2, 0]) * width + abs(alignment.matrix[2, 1]) * height
    in_perspective = alignment.model == AlignModel.HOMOGRAPHY and depth > T.SUMMARY_MIN_PERSPECTIVE
    if in_perspective:
        # Its axes' scales at the centre are the perspective's, not a stretch: the size is said.
        words.append("in perspective, as when photographed at an angle")
        if abs(alignment.scale - 1) > T.SUMMARY_MIN_SCALE_CHANGE:
            words.append(f"resized to about {100 / alignment.scale:.0f}% of the original's size")
    elif abs(across / down - 1) > T.SUMMARY_MIN_STRETCH:
        words.append(f"stretched to {100 / across:.0f}% of the original's width and {100 / down:.0f}% of its height")
    elif abs(alignment.scale - 1) > T.SUMMARY_MIN_SCALE_CHANGE:
        words.append(f"resized to {100 / alignment.scale:.0f}% of the original's size")
    if abs(alignment.rotation_degrees) > T.SUMMARY_MIN_ROTATION:
        words.append(f"rotated by {alignment.rotation_degrees:+.1f} degrees")
    if alignment.mirrored:
        words.append("mirrored")
    if alignment.inverted:
        words.append("in negative, its colours inverted")
    if alignment.pixelated:
        words.append(f"pixelated in blocks of {alignment.pixelated:.0f} px, compared smoothed")
    if alignment.lens_bend:
        kind = "barrel" if alignment.lens_bend > 0 else "pincushion"
        words.append(f"bent as by a camera lens's {kind} distortion ({abs(alignment.lens_bend):.1f} px at the corners), "
                     f"straightened before comparing")
    if alignment.overlap_fraction < min(T.SUMMARY_MIN_UNCROPPED, 1 - alignment.rounding_share):
        shown = "showing" if alignment.transparent_margins else "cropped to"
        words.append(f"{shown} {alignment.overlap_fraction:.0%} of the original's area{_cut_sides(alignment)}")
    if alignment.copy_fill_fraction < min(T.SUMMARY_MIN_UNCROPPED, 1 - alignment.rounding_share):
        words.append(f"filling {alignment.copy_fill_fraction:.0%} of the copy's frame")
    return words


def cut_away(alignment: Alignment) -> list[tuple[str, int, tuple[int, int, int, int]]]:
    """Each side of the original an upright crop cut away: (side, pixels, its box [x, y, w, h] in
    the original). Only when the copy's footprint fills its bounding box (within SUMMARY_MIN_CUT of
    the picture): a turned or perspective copy's footprint is no rectangle, and its box's margins
    would not say what was cut. A side counts when more than SUMMARY_MIN_CUT of the picture's height
    (width), and more than one pixel of the smaller picture (its size's rounding), is missing."""
    x, y, w, h = alignment.overlap_box
    margins = dict(alignment.cut_margins)
    width, height = x + w + margins["right"], y + h + margins["bottom"]
    if not alignment.aligned or abs(w * h / (width * height) - alignment.overlap_fraction) > T.SUMMARY_MIN_CUT:
        return []
    across, down = alignment.rounding
    boxes = {"top": (0, 0, width, margins["top"]), "bottom": (0, height - margins["bottom"], width, margins["bottom"]),
             "left": (0, 0, margins["left"], height), "right": (width - margins["right"], 0, margins["right"], height)}
    return [(side, px, boxes[side]) for side, px in alignment.cut_margins
            if px > (max(T.SUMMARY_MIN_CUT, down) * height if side in ("top", "bottom")
                     else max(T.SUMMARY_MIN_CUT, across) * width)]


def _cut_sides(alignment: Alignment) -> str:
    """ ": the bottom 45 px cut away" for an upright crop: which sides of the original it cut away
    (or hid under transparent margins)."""
    cut = [f"the {side} {px} px" for side, px, _ in cut_away(alignment)]
    if not cut:
        return ""
    listed = cut[0] if len(cut) == 1 else f"{', '.join(cut[:-1])} and {cut[-1]}"
    return f": {listed} {'made transparent' if alignment.transparent_margins else 'cut away'}"


def _colour_words(colour_shift: float | None, greyscale_copy: bool, palette_colours: int | None) -> str:
    """The sentence a copy's summary gives a global colour edit, or nothing."""
    if palette_colours is not None:
        return (f" Its colours are reduced to a palette of {palette_colours} (posterised, or a GIF of few colours: "
                "a global edit).")
    if greyscale_copy:
        return " It is in greyscale, the original in colour (a global edit)."
    if colour_shift is not None and colour_shift >= T.SUMMARY_MIN_COLOUR_SHIFT:
        return (f" Its colours differ from the original's throughout (median CIELAB difference {colour_shift:.0f}: "
                "a grade, tint or colour conversion, a global edit).")
    return ""


def judge(
    *,
    identical: bool,
    alignment: Alignment,
    changes: ChangeMap | None,
    whole_distances: dict[str, int],
    pdq_dihedral: int,
    pose: PoseComparison | None = None,
    regions: tuple[RegionFinding, ...] = (),
    hashes_informative: bool = True,
    pdq_informative: bool = True,
    outline_agreement: float | None = None,
    resemblance: ResemblanceProfile | None = None,
    colour_shift: float | None = None,
    greyscale_copy: bool = False,
    palette_colours: int | None = None,
    copy_transparent: bool = False,
    original_transparent: bool = False,
    original_matte: tuple[int, int, int] | None = None,
) -> Verdict:
    """``hashes_informative``: both pictures are large enough for the alignment-free hashes;
    ``pdq_informative``: both PDQ hashes are of quality (thresholds.HASH_MIN_SIDE, PDQ_MIN_QUALITY).
    Uninformative hashes count as chance. ``outline_agreement``: of pictures that did not align,
    how far their outlines lie in the same places (fingerprints.outline_agreement), not counted
    when the hashes are uninformative (a blank picture's outlines are its noise).
    ``resemblance``: the pair's profile, which decides between similar and unrelated for
    pictures that are not copies. ``colour_shift``
    (measures.colour_shift) and ``greyscale_copy`` (a grey copy of a colour original): a global
    colour edit a copy's summary names; ``palette_colours``: the copy's, when reduced to a palette;
    ``copy_transparent``: the copy has transparent pixels where the original has none (both are
    compared as shown on white, so a changed area may be transparency: the summary says so);
    ``original_transparent``: the original has transparent pixels where the copy has none (they
    are left out of the comparison: the summary says so); ``original_matte``: the flat colour the
    copy fills them with, on which the original was shown instead."""
    verdict = _judge_pixels(identical, alignment, changes, whole_distances, pdq_dihedral,
                            hashes_informative, pdq_informative,
                            outline_agreement if hashes_informative else None)
    if verdict.label in (Label.NEAR_DUPLICATE, Label.LOCALLY_EDITED):
        colours = _colour_words(colour_shift, greyscale_copy, palette_colours)
        if copy_transparent:
            colours += " It has transparent pixels, compared as shown on white (the original has none)."
        if original_transparent and original_matte is not None:
            colours += (" The original has transparent pixels (the copy has none), compared as shown on the colour "
                        f"the copy fills them with, RGB {', '.join(str(v) for v in original_matte)}.")
        elif original_transparent:
            colours += (" The original has transparent pixels (the copy has none): left out of the comparison, "
                        "whatever the copy shows there.")
        verdict = Verdict(verdict.label, verdict.similarity, verdict.summary + colours, verdict.reasons)
    elif verdict.label == Label.IDENTICAL and (copy_transparent or original_transparent):
        # Equal as shown on white, not as stored: what lies under the transparent pixels is not shown.
        which = "the original" if original_transparent else "the copy"
        verdict = Verdict(verdict.label, verdict.similarity,
                          f"{verdict.summary[:-1]} as shown on white; only {which} has transparent pixels.",
                          verdict.reasons)
    if resemblance is not None and verdict.label == Label.UNRELATED:
        verdict = _judge_resemblance(verdict, resemblance)
    if (verdict.label == Label.UNRELATED and pose is not None and pose.verdict == Finding.SAME
            and pose.limb_distance is not None and pose.limb_distance <= T.POSE_SAME):
        # A posture is a resemblance the contract names ("similar: composition, pose, palette,
        # subject"), but only a posture whose arms and legs are placed alike too: head-and-shoulders
        # frontal portraits all share one (two unrelated portraits matched in head and shoulders
        # with their one elbow seen half the pose's size apart).
        verdict = Verdict(
            Label.SIMILAR, Label.SIMILAR.score(0.5 * (1 - (pose.distance or 0) / T.POSE_SIMILAR)),
            "Not the same picture, but the same posture: " + pose.reason + ".",
            (*verdict.reasons, pose.reason),
        )
    words = describe_regions(regions, pose)
    if words and verdict.label != Label.IDENTICAL:
        verdict = Verdict(verdict.label, verdict.similarity, f"{verdict.summary} Regions: {words}", verdict.reasons)
    marked = describe_user_regions(regions)
    if marked and verdict.label != Label.IDENTICAL:
        verdict = Verdict(verdict.label, verdict.similarity, f"{verdict.summary} Marked regions: {marked}",
                          verdict.reasons)
    if resemblance is not None and not verdict.label.is_copy:
        verdict = Verdict(verdict.label, verdict.similarity,
                          f"{verdict.summary} Resemblance: {describe_resemblance(resemblance)}", verdict.reasons)
    return verdict


def _judge_resemblance(verdict: Verdict, profile: ResemblanceProfile) -> Verdict:
    """Pictures with no geometric or hash relation: similar when a likeness is distinctive among
    unrelated works (RESEMBLANCE_SIMILAR_DIMENSIONS), else unrelated, ranked by how rare their
    closest likeness is."""
    measured = [d for d in profile.dimensions if d.percentile is not None]
    distinctive = [d.name for d in measured if d.finding is Likeness.DISTINCTIVE]
    rarest = max((d.percentile for d in measured), default=0.0)
    reason = (f"resemblance against the {profile.reference.name} reference: "
              + ", ".join(f"{d.name} percentile {d.percentile:.3f}" for d in measured))
    if len(distinctive) >= T.RESEMBLANCE_SIMILAR_DIMENSIONS:
        # Decades of rarity beyond the distinctive level, summed over the distinctive likenesses.
        decades = sum(math.log10((1 - T.RESEMBLANCE_DISTINCTIVE) / max(1 - d.percentile, 1e-12))
                      for d in measured if d.finding is Likeness.DISTINCTIVE)
        return Verdict(
            Label.SIMILAR, Label.SIMILAR.score(decades / T.RESEMBLANCE_RAREST_DECADES),
            f"Not the same picture, but alike beyond chance in {', '.join(distinctive)}.",
            (*verdict.reasons, reason),
        )
    # The hashes' placement (read back from the score) or the rarest likeness, whichever is higher.
    low, high = Label.UNRELATED.band
    placement = max((verdict.similarity - low) / (high - low), rarest)
    return Verdict(Label.UNRELATED, Label.UNRELATED.score(placement), verdict.summary, (*verdict.reasons, reason))


def _thumbnail_words(alignment: Alignment) -> str:
    """What a pair matched as a whole thumbnail cannot show, or nothing for other alignments."""
    if alignment.method != "whole-picture":
        return ""
    across, down = alignment.rounding
    pixel = max(alignment.scale, 1 / alignment.scale)
    return (f" The smaller picture is a thumbnail of {round(1 / across)} x {round(1 / down)} px, matched as a whole: "
            f"one of its pixels spans about {pixel:.0f} px of the larger, so an edit smaller than that, or a "
            "repainting that keeps the shapes, would not show.")


def _overlay_words(overlay: Overlay | None) -> str:
    """A see-through mark laid over the copy or the original, in words ("" when none was found)."""
    if overlay is None:
        return ""
    red, green, blue = overlay.ink
    ink = ("white" if min(overlay.ink) >= 200 else "black" if max(overlay.ink) <= 55
           else f"colour #{red:02x}{green:02x}{blue:02x}")
    return (f" A see-through mark of one colour ({ink}, its strokes at least {overlay.opacity:.0%} opaque) is laid "
            f"over the {overlay.on}, as a watermark is: its strokes are the changed areas, and the pictures were "
            "compared from the pixels beside them.")


def _relating_distances(whole_distances: dict[str, int], pdq_dihedral: int, hashes_informative: bool,
                        pdq_informative: bool) -> tuple[dict[str, int], str]:
    """The distances that relate unaligned pictures, and how they read; a hash that carries no
    information counts as chance (its measured value is still shown)."""
    distances = {"phash": whole_distances["phash"], "edge_phash": whole_distances["edge_phash"], "pdq": pdq_dihedral}
    reason = ", ".join(
        f"{_RELATING_WORDS[name]} {distances[name]}/{hash_kind(name).bits} (related <= {hash_kind(name).related})"
        for name in _RELATING_HASHES
    )
    if not hashes_informative:
        distances.update(phash=hash_kind("phash").chance, edge_phash=hash_kind("edge_phash").chance)
        reason += (f"; not counted: a picture is under {T.HASH_MIN_SIDE} pixels across at the hashes' size, or blank "
                   f"there (its grey levels vary by under {T.HASH_MIN_SPREAD:g} sd)")
    if not (hashes_informative and pdq_informative):
        if hashes_informative:
            reason += f"; PDQ not counted: its quality is under {T.PDQ_MIN_QUALITY} (a flat picture)"
        distances["pdq"] = hash_kind("pdq").chance
    return distances, reason


def _piece_kept(alignment: Alignment) -> float | None:
    """For a pair aligned on a piece (``align_piece``) that explains no more than half of the copy's
    picture (a locally edited copy keeps more: MAX_LOCAL_EDIT_AREA), the share it explains; None
    otherwise.

    Then the copy is no copy, whatever the change map says: around a piece, the flat areas of
    two pictures agree as flat paint agrees with any flat paint, and the change map calls them
    unchanged. Two charts drawn in one style, aligned on their shared axis title, read "locally
    edited" with 28 % changed, while the piece explained 7 % of the copy."""
    if alignment.method != "sift-piece" or alignment.piece_share is None:
        return None
    # Of the copy's frame, the part that shows the original's frame at all (a caption bar or a
    # border around it is no more the original's than its pixels would be).
    kept = alignment.piece_share / max(alignment.copy_fill_fraction, 1e-6)
    return kept if kept <= 1 - T.MAX_LOCAL_EDIT_AREA else None


def _judge_pixels(
    identical: bool, alignment: Alignment, changes: ChangeMap | None, whole_distances: dict[str, int],
    pdq_dihedral: int, hashes_informative: bool, pdq_informative: bool, outline_agreement: float | None,
) -> Verdict:
    distances, hash_reason = _relating_distances(whole_distances, pdq_dihedral, hashes_informative, pdq_informative)
    related = relatedness(distances)
    if identical:
        return Verdict(Label.IDENTICAL, Label.IDENTICAL.score(1.0), "The two files decode to exactly the same pixels.",
                       ("decoded pixels are equal",))
    if alignment.aligned and changes is not None:
        structure = changes.unchanged_structure
        quality = _clip((structure - T.MIN_COPY_STRUCTURE) / (1 - T.MIN_COPY_STRUCTURE))
        geometry = ", ".join(transform_words(alignment)) or "same size and position"
        aligned_reason = (f"aligned: {alignment.reason}; unchanged structure {structure:.3f} (copy >= {T.MIN_COPY_STRUCTURE}), "
                          f"unchanged colour {changes.unchanged_colour:.1f} (copy <= {T.MAX_COPY_COLOUR:g})")
        copy_like = is_copy_like(False, changes)
        piece_kept = _piece_kept(alignment)
        # A vignette or graduated filter is a global edit: named, and taken out before comparing.
        field = (f" Its brightness varies smoothly over the picture by up to {changes.brightness_field:.0%} "
                 "(a vignette or graduated filter, a global edit), taken out before comparing."
                 if changes.brightness_field > 0 else "")
        # Local contrast enhancement is a global edit too: named, and followed before comparing.
        field += (f" Its tone curve changes from place to place (in {changes.local_tone:.0%} of the picture's tiles: "
                  "local contrast enhancement, as CLAHE and \"enhance\" or HDR filters apply, a global edit), "
                  "followed before comparing." if changes.local_tone > 0 else "") + _overlay_words(changes.overlay)
        field += _thumbnail_words(alignment)
        if copy_like and not changes.areas and piece_kept is None:
            return Verdict(
                Label.NEAR_DUPLICATE, Label.NEAR_DUPLICATE.score(quality),
                f"The copy is the same picture ({geometry}), with no local edit found.{field}",
                (aligned_reason, "no changed area above the noise of this pair"),
            )
        if copy_like and changes.changed_fraction <= T.MAX_LOCAL_EDIT_AREA and piece_kept is None:
            kept = 1 - changes.changed_fraction / T.MAX_LOCAL_EDIT_AREA
            parts = [f"{a.kind} area at {list(a.box)}" for a in changes.areas[:5]]
            more = f" and {len(changes.areas) - 5} more" if len(changes.areas) > 5 else ""
            return Verdict(
                Label.LOCALLY_EDITED, Label.LOCALLY_EDITED.score(0.5 * kept + 0.5 * quality),
                f"The copy is the same picture ({geometry}) with {counted(len(changes.areas), 'area')} changed, "
                f"{changes.changed_fraction:.1%} of the compared area: {'; '.join(parts)}{more}.{field}",
                (aligned_reason, f"changed share {changes.changed_fraction:.3f} (local <= {T.MAX_LOCAL_EDIT_AREA})"),
            )
        related = max(related, 1 - changes.changed_fraction if piece_kept is None else piece_kept)
        if not copy_like and structure < T.MIN_COPY_STRUCTURE:
            why = (f"the copy is re-rendered throughout (unchanged structure {structure:.2f}, "
                   f"a copy keeps >= {T.MIN_COPY_STRUCTURE})")
        elif not copy_like:
            why = (f"its colours follow no global mapping of the original's (median colour difference "
                   f"{changes.unchanged_colour:.0f} outside the changed areas, a copy's <= {T.MAX_COPY_COLOUR:g})")
        elif piece_kept is not None:
            why = (f"most of the content differs: the original explains only {piece_kept:.0%} of the copy's picture "
                   "through it")
        else:
            why = f"most of the content differs: {changes.changed_fraction:.0%} of the compared area changed"
        # Aligned on a piece (align_piece): the frames' overlap is no crop, the piece is the finding.
        lead = (f"The copy holds a piece of the original set into other content ({alignment.inliers} feature matches "
                f"agree on it), " if alignment.method == "sift-piece" else f"The pictures share their geometry ({geometry}) ")
        limit = (f"changed share {changes.changed_fraction:.3f} > {T.MAX_LOCAL_EDIT_AREA} or re-rendered" if piece_kept is None
                 else f"the piece explains {piece_kept:.3f} of the copy's picture (a copy keeps > {1 - T.MAX_LOCAL_EDIT_AREA:g})")
        return Verdict(Label.SIMILAR, Label.SIMILAR.score(related), f"{lead}but {why}.", (aligned_reason, limit))
    if any(distances[name] <= hash_kind(name).related for name in _RELATING_HASHES):
        return Verdict(
            Label.SIMILAR, Label.SIMILAR.score(related),
            "Not the same picture (no geometric correspondence), but related: the overall composition or outlines match.",
            (f"not aligned: {alignment.reason}", hash_reason),
        )
    if outline_agreement is not None and outline_agreement >= T.OUTLINE_RELATED:
        outlines = (f"outline correlation {outline_agreement:.2f} (related >= {T.OUTLINE_RELATED}, "
                    f"one unrelated pair in 1,000)")
        return Verdict(
            Label.SIMILAR, Label.SIMILAR.score((outline_agreement - T.OUTLINE_CHANCE) / (1 - T.OUTLINE_CHANCE)),
            "Not the same picture (no geometric correspondence), but related: its outlines lie where the "
            f"original's do, in the same frame (outline correlation {outline_agreement:.2f}; unrelated pictures reach "
            f"{T.OUTLINE_RELATED} in one pair of 1,000), as in a sketch, a tracing or a restyle of it, or another "
            "picture laid out on the same outlines.",
            (f"not aligned: {alignment.reason}", hash_reason, outlines),
        )
    return Verdict(
        Label.UNRELATED, Label.UNRELATED.score(related),
        "No geometric correspondence and no resemblance in composition: the pictures are unrelated.",
        (f"not aligned: {alignment.reason}", hash_reason),
    )
