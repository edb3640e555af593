"""The verdict: label, similarity score and the plain-language summary.

The score is banded so that it agrees with the label and ranks pairs across comparisons:
identical 1.0 > near-duplicate [0.90, 1.0) > locally-edited [0.70, 0.90) > similar [0.40, 0.70)
> unrelated [0, 0.40). Within a band, the measures place the pair. Thresholds: thresholds.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import thresholds as T
from .align import Alignment
from .changes import ChangeMap
from .region_findings import PoseComparison, RegionFinding, describe_regions

__all__ = ["LABELS", "Verdict", "judge", "transform_words"]

LABELS = ("identical", "near-duplicate", "locally-edited", "similar", "unrelated")


@dataclass(frozen=True)
class Verdict:
    label: str
    similarity: float
    summary: str
    reasons: tuple[str, ...]


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def relatedness(whole_distances: dict[str, int], pdq_dihedral: int) -> float:
    """How far below chance the alignment-free hashes are, in [0, 1] (0 = chance level)."""
    phash = _clip((32 - whole_distances["phash"]) / 32)
    edges = _clip((31 - whole_distances["edge_phash"]) / 31)
    pdq = _clip((128 - pdq_dihedral) / 128)
    return max(phash, edges, pdq)


def transform_words(alignment: Alignment) -> list[str]:
    """What the geometry did to the copy, in words ("resized to 80 % of the original's size", ...)."""
    words = []
    if abs(alignment.scale - 1) > 0.01:
        words.append(f"resized to {100 / alignment.scale:.0f} % of the original's size")
    if abs(alignment.rotation_degrees) > 0.5:
        words.append(f"rotated by {alignment.rotation_degrees:+.1f} degrees")
    if alignment.mirrored:
        words.append("mirrored")
    if alignment.overlap_fraction < 0.98:
        words.append(f"cropped to {alignment.overlap_fraction:.0%} of the original's area")
    return words


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
) -> Verdict:
    """``hashes_informative``: both pictures are large enough for the alignment-free hashes;
    ``pdq_informative``: both PDQ hashes are of quality (thresholds.HASH_MIN_SIDE, PDQ_MIN_QUALITY).
    Uninformative hashes count as chance."""
    verdict = _judge_pixels(identical, alignment, changes, whole_distances, pdq_dihedral,
                            hashes_informative, pdq_informative)
    if verdict.label == "unrelated" and pose is not None and pose.verdict == "same" and pose.limbs:
        # A posture is a resemblance the contract names ("similar: composition, pose, palette,
        # subject"), but only a posture with limbs in it: head-and-shoulders frontal portraits
        # all share one.
        verdict = Verdict(
            "similar", 0.40 + 0.2999 * (1 - (pose.distance or 0) / T.POSE_SIMILAR) * 0.5,
            "Not the same picture, but the same posture: " + pose.reason + ".",
            (*verdict.reasons, pose.reason),
        )
    words = describe_regions(regions, pose)
    if words and verdict.label != "identical":
        verdict = Verdict(verdict.label, verdict.similarity, f"{verdict.summary} Regions: {words}", verdict.reasons)
    return verdict


def _judge_pixels(
    identical: bool, alignment: Alignment, changes: ChangeMap | None, whole_distances: dict[str, int],
    pdq_dihedral: int, hashes_informative: bool, pdq_informative: bool,
) -> Verdict:
    hash_reason = (
        f"whole-picture pHash distance {whole_distances['phash']}/64 (related <= {T.HASH64_RELATED}), "
        f"outline pHash {whole_distances['edge_phash']}/64 (related <= {T.EDGE_HASH_RELATED}), "
        f"PDQ {pdq_dihedral}/256 (related <= {T.PDQ_RELATED})"
    )
    # Hashes that carry no information count as chance (their measured values are still shown).
    if not hashes_informative:
        whole_distances = {**whole_distances, "phash": 32, "edge_phash": 31}
        hash_reason += f"; not counted: a picture is under {T.HASH_MIN_SIDE} pixels across at the hashes' size"
    if not (hashes_informative and pdq_informative):
        if hashes_informative:
            hash_reason += f"; PDQ not counted: its quality is under {T.PDQ_MIN_QUALITY} (a flat picture)"
        pdq_dihedral = 128
    related = relatedness(whole_distances, pdq_dihedral)
    if identical:
        return Verdict("identical", 1.0, "The two files decode to exactly the same pixels.",
                       ("decoded pixels are equal",))
    if alignment.aligned and changes is not None:
        structure = changes.unchanged_structure
        quality = _clip((structure - T.MIN_COPY_STRUCTURE) / (1 - T.MIN_COPY_STRUCTURE))
        geometry = ", ".join(transform_words(alignment)) or "same size and position"
        aligned_reason = f"aligned: {alignment.reason}; unchanged structure {structure:.3f} (copy >= {T.MIN_COPY_STRUCTURE})"
        if structure >= T.MIN_COPY_STRUCTURE and not changes.areas:
            return Verdict(
                "near-duplicate", 0.90 + 0.0999 * quality,
                f"The copy is the same picture ({geometry}), with no local edit found.",
                (aligned_reason, "no changed area above the noise of this pair"),
            )
        if structure >= T.MIN_COPY_STRUCTURE and changes.changed_fraction <= T.MAX_LOCAL_EDIT_AREA:
            kept = 1 - changes.changed_fraction / T.MAX_LOCAL_EDIT_AREA
            parts = [f"{a.kind} area at {list(a.box)}" for a in changes.areas[:5]]
            more = f" and {len(changes.areas) - 5} more" if len(changes.areas) > 5 else ""
            return Verdict(
                "locally-edited", 0.70 + 0.1999 * _clip(0.5 * kept + 0.5 * quality),
                f"The copy is the same picture ({geometry}) with {len(changes.areas)} area(s) changed, "
                f"{changes.changed_fraction:.1%} of the compared area: {'; '.join(parts)}{more}.",
                (aligned_reason, f"changed share {changes.changed_fraction:.3f} (local <= {T.MAX_LOCAL_EDIT_AREA})"),
            )
        related = max(related, 1 - changes.changed_fraction)
        if structure < T.MIN_COPY_STRUCTURE:
            why = (f"the copy is re-rendered throughout (unchanged structure {structure:.2f}, "
                   f"a copy keeps >= {T.MIN_COPY_STRUCTURE})")
        else:
            why = f"most of the content differs: {changes.changed_fraction:.0%} of the compared area changed"
        return Verdict(
            "similar", 0.40 + 0.2999 * related,
            f"The pictures share their geometry ({geometry}) but {why}.",
            (aligned_reason, f"changed share {changes.changed_fraction:.3f} > {T.MAX_LOCAL_EDIT_AREA} or re-rendered"),
        )
    is_related = (
        whole_distances["phash"] <= T.HASH64_RELATED
        or whole_distances["edge_phash"] <= T.EDGE_HASH_RELATED
        or pdq_dihedral <= T.PDQ_RELATED
    )
    if is_related:
        return Verdict(
            "similar", 0.40 + 0.2999 * related,
            "Not the same picture (no geometric correspondence), but related: the overall composition or outlines match.",
            (f"not aligned: {alignment.reason}", hash_reason),
        )
    return Verdict(
        "unrelated", 0.3999 * related,
        "No geometric correspondence and no resemblance in composition: the pictures are unrelated.",
        (f"not aligned: {alignment.reason}", hash_reason),
    )
