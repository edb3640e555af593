"""Orchestrate one pair into one result: align -> measure -> localise -> judge.

``compare_images`` works on pixels; ``compare_files`` adds the evidence layer and the run's
facts. Every report renders the ``Comparison`` and computes nothing of its own.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass

import cv2
import numpy as np
from threadpoolctl import threadpool_limits

from . import lens, pixelation
from . import thresholds as T
from .align import Alignment, PictureFeatures, align, overlap_mask
from .changes import (
    MASK_CHANGED,
    MASK_NOT_COVERED,
    ChangeMap,
    WorkingFrame,
    is_grey,
    localise_changes,
    warp_to_working_frame,
)
from .derivation import Derivation, FileFacts, derive, facts_of
from .environment import software_versions
from .evidence import Evidence, load_evidence
from .fingerprints import (
    HashSet,
    compute_hashes,
    hash_distances,
    hash_kind,
    outline_agreement,
    outline_map,
    pdq_dihedral_distance,
    pdq_dihedral_variants,
    thumbnail,
)
from .integrity import Reverification, reverify
from .measures import colour_distance, colour_shift, overlap_ssim
from .metadata_diff import MetadataDiff, diff_metadata
from .options import CompareOptions, UserRegion, regions_inside
from .palette_reduction import fills_the_palette, in_palette, reduced_palette
from .portrait import Portrait, find_people
from .region_findings import (
    PoseComparison,
    RegionFinding,
    compare_pose,
    findings_aligned,
    findings_unaligned,
    order_findings,
    pose_finding,
    unplaced_user_findings,
)
from .regions import Region, grid_regions, portrait_regions, user_regions
from .resample import shrink_to_side
from .resemblance.model import ResemblanceProfile
from .resemblance.profile import Description, describe, resemblance_profile, view_of
from .resemblance.reference import Reference, builtin_reference
from .thumbnail import checked
from .verdict import Label, Verdict, is_copy_like, judge

__all__ = ["Comparison", "Measurement", "PreparedPicture", "RegionFinding", "compare_files", "compare_images",
           "compare_prepared"]


@dataclass(frozen=True)
class Measurement:
    """Everything measured on the pixels of one pair."""

    alignment: Alignment
    whole_hashes: tuple[HashSet, HashSet]
    overlap_hashes: tuple[HashSet, HashSet] | None
    pdq_dihedral_distance: int  # smallest PDQ distance over the copy's 8 rotations/mirrors
    ssim: float | None  # over the aligned overlap
    colour_distance: float
    changes: ChangeMap | None
    change_mask: np.ndarray  # uint8, ORIGINAL's size: 255 changed, 0 same, 128 not covered
    people: tuple[Portrait, ...]  # who was found in each picture (empty when not looked for)
    pose: PoseComparison | None  # None when nobody's posture was found in ORIGINAL
    regions: tuple[RegionFinding, ...]  # named parts (or a grid), then the user's regions
    verdict: Verdict
    identical: bool
    # How the pictures are alike beyond being copies, placed among unrelated pairs; with what
    # each dimension saw in each picture (palettes, composition maps) for the report. None when
    # the portrait models were left out (scan's verification).
    resemblance: ResemblanceProfile | None = None
    descriptions: tuple[Description, Description] | None = None
    # Which picture is the likelier original, with the cues that say so (the derivation package).
    derivation: Derivation | None = None
    # Median CIELAB difference of the aligned pictures, averaged smooth (measures.colour_shift):
    # a global colour edit. None when not aligned.
    colour_shift: float | None = None
    # The number of colours of a copy reduced to a palette (palette_reduction), else None.
    palette_colours: int | None = None
    # How far the outlines of pictures that did not align lie in the same places of their frames
    # (fingerprints.outline_agreement); None when they aligned.
    outline_agreement: float | None = None

    @property
    def whole_distances(self) -> dict[str, int]:
        return hash_distances(*self.whole_hashes)

    @property
    def overlap_distances(self) -> dict[str, int] | None:
        return hash_distances(*self.overlap_hashes) if self.overlap_hashes else None


@dataclass(frozen=True)
class Comparison:
    original: Evidence
    copy: Evidence
    options: CompareOptions
    measurement: Measurement
    started_at: str
    finished_at: str
    metadata_diff: MetadataDiff | None = None  # None when provenance was not read
    integrity: tuple[Reverification, ...] = ()  # both inputs read again at the end of the run

    @functools.cached_property
    def software(self) -> tuple[tuple[str, str], ...]:
        """(name, version) of what ran (environment.py): read from the installed packages' records
        when a report that names them is written, not in every comparison (the terminal's does not)."""
        return software_versions()

    @property
    def verdict(self) -> Verdict:
        return self.measurement.verdict

    @property
    def alignment(self) -> Alignment:
        return self.measurement.alignment

    @property
    def change_mask(self) -> np.ndarray:
        return self.measurement.change_mask


class PreparedPicture:
    """What a comparison measures of one picture alone, each part made on first need and kept: a
    scan compares one picture with several others, and none of this depends on the other."""

    def __init__(self, rgb: np.ndarray, facts: FileFacts | None = None) -> None:
        self.rgb = rgb
        self.facts = facts  # the file's format, JPEG tables and metadata (derivation); None: pixels only
        # One reduced copy feeds every detector (features, hashes, people).
        self.preview = shrink_to_side(rgb, T.PREVIEW_SIDE)
        self.small = thumbnail(self.preview)  # all hashes use <= 64 x 64
        self.features = PictureFeatures(self.preview, rgb.shape)

    @functools.cached_property
    def hashes(self) -> HashSet:
        return compute_hashes(self.small)

    @functools.cached_property
    def outlines(self) -> np.ndarray:
        return outline_map(self.preview)

    @functools.cached_property
    def pdq_variants(self) -> np.ndarray:
        return pdq_dihedral_variants(self.small)

    @functools.cached_property
    def blocks(self) -> pixelation.Blocks | None:
        """The picture's blocks when it is pixelated (a nearest-neighbour enlargement)."""
        return pixelation.blocks(self.rgb)

    @functools.cached_property
    def depixelated(self) -> PreparedPicture:
        """The picture through its smoothed blocks (only when pixelated; ``_compared_smoothed``)."""
        assert self.blocks is not None
        return PreparedPicture(pixelation.smoothed(self.rgb, self.blocks))


def _a_negative(hashes: tuple[HashSet, HashSet]) -> bool:
    """Whether the copy's whole-picture pHash is near the complement of the original's, as a
    negative's is (inverting a picture turns the sign of every DCT coefficient but the mean, so
    every bit flips): within the related limit of all bits differing. Unrelated pictures differ
    in about half of them."""
    phash = hash_kind("phash")
    return hash_distances(*hashes)["phash"] >= phash.bits - phash.related


def _aligned_as_negative(first: PreparedPicture, copy: np.ndarray) -> tuple[Alignment, PreparedPicture] | None:
    """A photographic negative aligned turned back (its SIFT descriptors are not the original's),
    with the turned-back copy the rest of the comparison reads (the evidence is never changed);
    None when it does not align so either."""
    negative = PreparedPicture(255 - copy)
    alignment = align(first.rgb, negative.rgb, previews=(first.preview, negative.preview),
                      features=(first.features, negative.features))
    return (dataclasses.replace(alignment, inverted=True), negative) if alignment.aligned else None


def _aligned_straightened(first: PreparedPicture, copy: np.ndarray,
                          alignment: Alignment) -> tuple[Alignment, PreparedPicture] | None:
    """A copy bent by a camera lens (``Alignment.lens_bend``) aligned once straightened, with the
    straightened copy the rest of the comparison reads (the evidence is never changed); None when
    it does not align so."""
    straight = PreparedPicture(lens.straightened(copy, alignment.lens))
    again = align(first.rgb, straight.rgb, previews=(first.preview, straight.preview),
                  features=(first.features, straight.features))
    if not again.aligned:
        return None
    kind = "barrel" if alignment.lens_bend > 0 else "pincushion"
    reason = (f"{again.reason}, once the copy's {kind} distortion ({abs(alignment.lens_bend):.1f} px at the corners, "
              f"as a camera lens bends a photograph of a print or screen) was taken out")
    return dataclasses.replace(again, lens=alignment.lens, inverted=alignment.inverted, reason=reason), straight


def _compared_smoothed(first: PreparedPicture, second: PreparedPicture, alignment: Alignment,
                       changes: ChangeMap) -> tuple[Alignment, WorkingFrame, ChangeMap, np.ndarray | None] | None:
    """A pixelated copy (``pixelation``) compared through its smoothed blocks, aligned again on
    them, when that explains more of it than the comparison as it is (``changes``): less changed,
    or as little and more structure kept. Its blocks' sharp edges read as redrawn (seven shipped
    pictures pixelated by 4 px: 2-14 false areas, grass and gravel "similar"), and their corners
    draw keypoints of their own (a pixelated logo's fit was off); but smoothed, a page of text
    loses its strokes, and one edited then pixelated showed 12 areas instead of its one. A
    silhouette smoothed can keep too few keypoints to align: the copy's own ``alignment`` holds
    then (the blocks keep its geometry). None when no better."""
    if not changes.areas and changes.unchanged_structure >= T.MIN_COPY_STRUCTURE:
        return None
    smoothed = second.depixelated
    again = align(first.rgb, smoothed.rgb, previews=(first.preview, smoothed.preview),
                  features=(first.features, smoothed.features))
    alignment = dataclasses.replace(again if again.aligned else alignment, pixelated=second.blocks.size)
    frame = _working_frame(first, smoothed.rgb, alignment, (first.preview, smoothed.preview))
    smoothed_changes, palette = _localised(first.rgb, smoothed.rgb, alignment, frame)
    if (smoothed_changes.changed_fraction, -smoothed_changes.unchanged_structure) >= (changes.changed_fraction,
                                                                                    -changes.unchanged_structure):
        return None
    return alignment, frame, smoothed_changes, palette


def _localised(original: np.ndarray, copy: np.ndarray, alignment: Alignment,
               frame: WorkingFrame) -> tuple[ChangeMap, np.ndarray | None]:
    """The changes, and the copy's palette when it is reduced to one. Such a copy is also compared
    with the original rendered in its palette (what an undithered quantiser makes of it), and the
    comparison that explains more is kept (a dithered copy's scattered colours follow the plain
    original better). An original reduced to a palette (a GIF posted first; in a scan, either of
    two siblings) is compared likewise with the copy rendered in its palette: its flat bands
    cannot predict the gradients the copy kept, but the copy's colours tell the band each falls in."""
    changes = localise_changes(original, copy, alignment, frame)
    palette = reduced_palette(original, copy)
    rendered = None  # the frame with one picture rendered in the other's palette
    if changes.changed_fraction > 0 and palette is not None:
        rendered = dataclasses.replace(frame, original=in_palette(frame.original, palette))
    elif changes.changed_fraction > 0 and (originals := reduced_palette(copy, original)) is not None:
        rendered_copy = in_palette(frame.copy, originals)
        if fills_the_palette(frame.copy, rendered_copy, frame.covered):
            # The copy's own JPEG noise is quantised away with its colours.
            rendered = dataclasses.replace(frame, copy=rendered_copy, copy_jpeg=None)
    if rendered is not None:
        in_one_palette = localise_changes(original, copy, alignment, rendered)
        if in_one_palette.changed_fraction < changes.changed_fraction:
            changes = in_one_palette
    return changes, palette


def _overlap_crops(frame: WorkingFrame) -> tuple[np.ndarray, np.ndarray]:
    """The part of ORIGINAL the copy covers, and the copy warped onto it (same frame)."""
    ys, xs = np.nonzero(frame.covered)
    if len(xs) == 0:
        return frame.original, frame.copy
    box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    return frame.original[box], frame.copy[box]


def _regions_of(people: Portrait) -> list[Region]:
    return portrait_regions(people) or grid_regions(people.width, people.height)


def _measure_regions(
    original: np.ndarray, copy: np.ndarray, alignment: Alignment, frame: WorkingFrame | None,
    ssim_map: np.ndarray | None, mask: np.ndarray, user: tuple[UserRegion, ...], copy_like: bool,
    previews: tuple[np.ndarray, np.ndarray],
) -> tuple[tuple[Portrait, Portrait], PoseComparison | None, tuple[RegionFinding, ...]]:
    people = tuple(find_people(preview, (rgb.shape[1], rgb.shape[0])) for preview, rgb in zip(previews, (original, copy), strict=True))
    named = _regions_of(people[0])
    # Parts correspond by name; a grid only to a grid (a portrait's parts mean nothing to it).
    copy_named = portrait_regions(people[1]) if people[0].has_figure else []
    copy_named = copy_named or grid_regions(people[1].width, people[1].height)
    pose = compare_pose(people[0], people[1], alignment.mirrored if alignment.aligned else None)
    pixel_regions = [r for r in named if r.name != "pose"]
    if frame is not None and ssim_map is not None:
        findings = findings_aligned(pixel_regions + user_regions(user), frame, ssim_map, mask,
                                    alignment.matrix, copy.shape, copy_like=copy_like)
    else:
        findings = findings_unaligned(pixel_regions, copy_named, original, copy)
        findings += unplaced_user_findings(user_regions(user))
    if pose is not None:
        findings += pose_finding(pose, named, copy_named)
    return people, pose, tuple(order_findings(findings))


def compare_images(
    original: np.ndarray, copy: np.ndarray, *, regions: tuple[UserRegion, ...] = (), with_people: bool = True,
    report_measures: bool = True, with_derivation: bool = True, reference: Reference | None = None,
    facts: tuple[FileFacts, FileFacts] | None = None, find_pieces: bool = True,
) -> Measurement:
    """Measure one pair of RGB uint8 pictures.

    ``with_people=False`` leaves out the portrait models and the resemblance profile, and
    ``report_measures=False`` the measures only a report shows (the overlap's hashes, SSIM):
    scan's verification needs the verdict alone. ``with_derivation=False`` leaves out which
    picture is the likelier original (video's spans, whose reports do not say it).
    ``reference``: the population the resemblance is placed in (default: the builtin one).
    ``facts``: each file's format, JPEG tables and metadata, for the derivation's compression and
    metadata cues (None: pixels only). ``find_pieces``: a pair the whole-picture ways do not align
    is searched for a piece of ORIGINAL set into COPY (``align_piece``, 0.5-1 s a pair):
    left out where the pairs are not two pictures a person chose to compare (scan's candidates, a
    video's frames, a file's EXIF preview).
    """
    first, second = (PreparedPicture(rgb, side) for rgb, side in zip((original, copy), facts or (None, None), strict=True))
    return compare_prepared(first, second, regions=regions, with_people=with_people, report_measures=report_measures,
                            with_derivation=with_derivation, reference=reference, find_pieces=find_pieces)


def compare_prepared(
    first: PreparedPicture, second: PreparedPicture, *, regions: tuple[UserRegion, ...] = (),
    with_people: bool = True, report_measures: bool = True, with_derivation: bool = True,
    reference: Reference | None = None, find_pieces: bool = True,
) -> Measurement:
    """``compare_images`` on pictures prepared once (a scan keeps them between pairs)."""
    original, copy = first.rgb, second.rgb
    identical = original.shape == copy.shape and np.array_equal(original, copy)
    previews = (first.preview, second.preview)
    alignment = align(original, copy, previews=previews, identical=identical,
                      features=(first.features, second.features))
    small_original, small_copy = first.small, second.small
    whole = (first.hashes, second.hashes)
    if not alignment.aligned and _a_negative(whole) and (negative := _aligned_as_negative(first, copy)):
        alignment, turned_back = negative
        copy, previews = turned_back.rgb, (first.preview, turned_back.preview)
    if not alignment.aligned and find_pieces:
        # Imported when needed: trace's package, which it uses, imports scan, which imports this module.
        from .align_piece import aligned_on_a_piece

        alignment = aligned_on_a_piece(original, copy) or alignment
    if alignment.lens_bend and (straight := _aligned_straightened(first, copy, alignment)):
        alignment, straightened = straight
        copy, previews = straightened.rgb, (first.preview, straightened.preview)
    if alignment.aligned and (clear := _clear_of(second, copy)) is not None:
        alignment = _with_transparent_margins(alignment, clear)
    pdq_dihedral = pdq_dihedral_distance(first.hashes, second.pdq_variants)
    changes: ChangeMap | None = None
    overlap_hashes = None
    ssim = None
    ssim_map = None
    if alignment.aligned:
        frame = _working_frame(first, copy, alignment, previews)
        copy_facts = second.facts
        # The copy's JPEG tables predict its own encoding error (changes._jpeg_noise): only for the
        # file's own pixels (not a negative turned back, nor a straightened copy, nor a reduced decode).
        if (copy_facts is not None and copy_facts.is_jpeg and copy_facts.full_size and not alignment.inverted
                and not alignment.lens_bend):
            frame = dataclasses.replace(frame, copy_jpeg=(copy_facts.quantization, copy_facts.subsampling))
        changes, palette = _localised(original, copy, alignment, frame)
        if (first.blocks is None and second.blocks is not None and copy is second.rgb
                and (smoothed := _compared_smoothed(first, second, alignment, changes))):
            alignment, frame, changes, palette = smoothed
            copy, previews = second.depixelated.rgb, (first.preview, second.depixelated.preview)
        if report_measures:
            overlap_hashes = tuple(compute_hashes(crop) for crop in _overlap_crops(frame))
        if report_measures or with_people:  # the regions' findings read the SSIM map
            ssim, ssim_map = overlap_ssim(frame.original, frame.copy, frame.covered)
        if (clear := _clear_of(second, copy)) is not None:
            changes = _made_transparent(changes, clear, alignment)
        mask = changes.mask
        # Over what is unchanged: a local edit moves few of the averaged cells, but a replaced
        # background (half the picture) would move the median.
        changed = cv2.resize((mask == MASK_CHANGED).view(np.uint8), (frame.covered.shape[1], frame.covered.shape[0]),
                             interpolation=cv2.INTER_NEAREST).astype(bool)
        shift = colour_shift(frame.original, frame.copy, frame.covered & ~changed)
        greyscale_copy = is_grey(frame.copy, frame.covered) and not is_grey(frame.original, frame.covered)
    else:
        frame, palette = None, None
        shift, greyscale_copy = None, False
        mask = np.full(original.shape[:2], MASK_NOT_COVERED, np.uint8)
    if identical:
        mask = np.zeros(original.shape[:2], np.uint8)
    copy_like = is_copy_like(identical, changes)
    people, pose, findings = (), None, ()
    profile, descriptions = None, None
    if with_people:
        people, pose, findings = _measure_regions(original, copy, alignment, frame, ssim_map, mask, regions,
                                                  copy_like, previews)
        descriptions = tuple(describe(view_of(preview, person)) for preview, person in zip(previews, people, strict=True))
        profile = resemblance_profile(*descriptions, reference or builtin_reference())
    outlines = None if alignment.aligned or identical else outline_agreement(first.outlines, second.outlines)
    verdict = judge(
        identical=identical, alignment=alignment, changes=changes, outline_agreement=outlines,
        whole_distances=hash_distances(*whole), pdq_dihedral=pdq_dihedral, pose=pose, regions=findings,
        hashes_informative=(min(*small_original.shape[:2], *small_copy.shape[:2]) >= T.HASH_MIN_SIDE
                            and min(whole[0].grey_spread, whole[1].grey_spread) >= T.HASH_MIN_SPREAD),
        pdq_informative=min(whole[0].pdq_quality, whole[1].pdq_quality) >= T.PDQ_MIN_QUALITY,
        resemblance=profile, colour_shift=shift, greyscale_copy=greyscale_copy,
        palette_colours=None if palette is None else len(palette),
        copy_transparent=_transparent(second) and not _transparent(first),
        original_transparent=_transparent(first) and not _transparent(second),
        original_matte=first.facts.matte if first.facts is not None else None,
    )
    derivation = None
    if with_derivation:
        # A negative's, a straightened or a smoothed pixelated copy's file does not hold the
        # pixels compared: its compression cues would mislead.
        known = (first.facts is not None and second.facts is not None and not alignment.inverted
                 and not alignment.lens_bend and not alignment.pixelated)
        facts = (first.facts, second.facts) if known else None
        derivation = derive(original, copy, alignment=alignment, changes=changes, identical=identical, facts=facts,
                            previews=previews)
    return Measurement(
        alignment=alignment, whole_hashes=whole, overlap_hashes=overlap_hashes,
        pdq_dihedral_distance=pdq_dihedral, ssim=ssim, colour_distance=colour_distance(small_original, small_copy),
        changes=changes, change_mask=mask, people=people, pose=pose, regions=findings,
        verdict=verdict, identical=identical, resemblance=profile, descriptions=descriptions,
        derivation=derivation, colour_shift=shift, palette_colours=None if palette is None else len(palette),
        outline_agreement=outlines,
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _clear(alpha: np.ndarray) -> np.ndarray:
    """The fully transparent pixels and those within 7 pixels of them: a cut-out's smoothed
    outline takes its colour from what it is shown on, and a JPEG copy mixes its fill into every
    8 x 8 block the outline crosses (a cut-out laid on a photograph kept a 7 x 37 px "redrawn
    area" along its edge). A picture made half transparent all over is compared as shown."""
    transparent = (alpha == 0).view(np.uint8)
    return cv2.dilate(transparent, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15))).astype(bool)


def _clear_of(second: PreparedPicture, copy: np.ndarray) -> np.ndarray | None:
    """The copy's clear pixels (``FileFacts.clear``) when ``copy``, as compared, is still the
    file's own picture (not a negative turned back, a straightened or a smoothed pixelated copy)."""
    return second.facts.clear if copy is second.rgb and second.facts is not None else None


def _with_transparent_margins(alignment: Alignment, clear: np.ndarray) -> Alignment:
    """``alignment`` marked when the copy's margins outside its content box lie mostly
    (TRANSPARENT_AREA_SHARE) over its clear pixels (``clear``, bool, the copy's size). Shown on
    white, a removed background's surround is a uniform margin, trimmed as padding, and the summary
    said the original's sides were cut away; the copy holds them, hidden."""
    x, y, width, height = alignment.copy_content_box
    margins = np.ones(clear.shape, bool)
    margins[y : y + height, x : x + width] = False
    if not margins.any() or clear[margins].mean() < T.TRANSPARENT_AREA_SHARE:
        return alignment
    return dataclasses.replace(alignment, transparent_margins=True)


def _made_transparent(changes: ChangeMap, clear: np.ndarray, alignment: Alignment) -> ChangeMap:
    """``changes`` with each area that lies mostly (TRANSPARENT_AREA_SHARE) over the copy's clear
    pixels (``clear``, bool, the copy's size) called "transparent": the copy does not show the
    picture there (a background removed, a mark erased to transparency). Compared as shown on
    white, such an area read as "redrawn", which says something was painted there."""
    height, width = changes.mask.shape
    clear_here = cv2.warpPerspective(clear.view(np.uint8), alignment.matrix, (width, height),
                                     flags=cv2.INTER_NEAREST).astype(bool)
    changed = changes.mask == MASK_CHANGED
    areas = []
    for area in changes.areas:
        x, y, w, h = area.box
        inside = changed[y : y + h, x : x + w]
        clear_inside = int((clear_here[y : y + h, x : x + w] & inside).sum())
        transparent = inside.any() and clear_inside >= T.TRANSPARENT_AREA_SHARE * inside.sum()
        areas.append(dataclasses.replace(area, kind="transparent") if transparent else area)
    return dataclasses.replace(changes, areas=tuple(areas))


def _working_frame(first: PreparedPicture, copy: np.ndarray, alignment: Alignment,
                   previews: tuple[np.ndarray, np.ndarray]) -> WorkingFrame:
    """The copy warped into the original's working frame, the original's clear pixels (a rotated
    copy's canvas fill, ``FileFacts.clear``) left out."""
    frame = warp_to_working_frame(first.rgb, copy, alignment.matrix, alignment.scale, alignment.copy_content_box,
                                  previews=previews)
    return frame if first.facts is None or first.facts.clear is None else _without(frame, first.facts.clear)


def _without(frame: WorkingFrame, clear: np.ndarray) -> WorkingFrame:
    """``frame`` with the original's ``clear`` pixels (bool, its full size) left out, as a rotated
    copy's canvas fill is: not compared, not covered in the change mask."""
    height, width = frame.covered.shape
    small = cv2.resize(clear.view(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST).astype(bool)
    return dataclasses.replace(frame, covered=frame.covered & ~small, fill=small if frame.fill is None else frame.fill | small)


def _matte(original: Evidence, copy: np.ndarray, alignment: Alignment) -> tuple[np.ndarray, tuple[int, int, int]] | None:
    """The original shown on the colour the copy fills its transparent pixels with, and that
    colour: None when the original has none, the pair is not aligned, or the copy shows there
    anything but one flat colour other than white (MATTE_MAX_SPREAD). A cut-out reposted as a
    JPEG is flattened on white, black or a brand colour; shown on white, a black fill made its
    corners changed areas and the fill a border cut away. Transparency has no colour of its own:
    what matters is whether the copy keeps the picture."""
    if original.alpha is None or not alignment.aligned:
        return None
    height, width = original.alpha.shape
    clear = original.alpha == 0
    warped = cv2.warpPerspective(copy, alignment.matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=(0, 0, 0))
    covered = overlap_mask(alignment.matrix, (0, 0, copy.shape[1], copy.shape[0]), (height, width))
    behind = warped[clear & covered]
    if len(behind) < T.MATTE_MIN_SHARE * clear.size:
        return None
    colour = np.median(behind, axis=0)
    spread = np.median(np.abs(behind - colour), axis=0)
    if spread.max() > T.MATTE_MAX_SPREAD or np.abs(colour - 255).max() <= T.MATTE_MAX_SPREAD:
        return None  # not one flat fill, or white already
    matte = tuple(round(float(v)) for v in colour)
    # white-composited = a fg + (1 - a) 255, so on the matte: that + (1 - a) (matte - 255)
    clearness = 1.0 - original.alpha.astype(np.float32)[:, :, None] / 255.0
    shown = original.rgb.astype(np.float32) + clearness * (np.asarray(matte, np.float32) - 255.0)
    return np.clip(np.rint(shown), 0, 255).astype(np.uint8), matte


def _transparent(picture: PreparedPicture) -> bool:
    return picture.facts is not None and picture.facts.transparent


def compare_files(options: CompareOptions) -> Comparison:
    # One pair's least squares are small: numpy's BLAS (OpenBLAS, a thread per core) only has its
    # threads spin between them, 0.1-0.15 s of processor time on a 1-MP pair. The results do not
    # depend on the thread count (scan's workers run with one; reports of 11 pairs and the compare
    # benchmark's 254 pairs identical either way).
    with threadpool_limits(1, user_api="blas"):
        return _compare_files(options)


def _compare_files(options: CompareOptions) -> Comparison:
    started = _now()
    original = checked(load_evidence(options.original, max_pixels=options.max_pixels, with_provenance=True), compare_images)
    options = dataclasses.replace(options, regions=regions_inside(options.regions, original.rgb.shape))
    copy = checked(load_evidence(options.copy, max_pixels=options.max_pixels, with_provenance=True), compare_images)
    reference = None
    if options.reference is not None:
        from .resemblance.population import reference_from_folder

        reference = reference_from_folder(options.reference, max_pixels=options.max_pixels)
    facts = (facts_of(original), facts_of(copy))
    if original.alpha is not None and not copy.uses_transparency:
        facts = (dataclasses.replace(facts[0], clear=_clear(original.alpha)), facts[1])
    if copy.alpha is not None and not original.uses_transparency:
        facts = (facts[0], dataclasses.replace(facts[1], clear=_clear(copy.alpha)))
    measurement = compare_images(original.rgb, copy.rgb, regions=options.regions, reference=reference, facts=facts)
    shown = _matte(original, copy.rgb, measurement.alignment) if not copy.uses_transparency else None
    if shown is not None:  # compared again, the original's transparent pixels on the copy's fill
        rgb, colour = shown
        measurement = compare_images(rgb, copy.rgb, regions=options.regions, reference=reference,
                                     facts=(dataclasses.replace(facts[0], matte=colour), facts[1]))
    if original.sha256 == copy.sha256 and measurement.verdict.label == Label.IDENTICAL:
        # The stronger fact for counsel: one file's bytes, not only the same pixels.
        same_file = dataclasses.replace(measurement.verdict, summary="The two files are byte-for-byte the same "
                                        "(equal SHA-256), so they decode to exactly the same pixels.")
        measurement = dataclasses.replace(measurement, verdict=same_file)
    metadata = diff_metadata(original.provenance, copy.provenance) if original.provenance is not None and copy.provenance is not None else None
    return Comparison(original=original, copy=copy, options=options, measurement=measurement,
                      started_at=started, finished_at=_now(), metadata_diff=metadata,
                      integrity=(reverify(original), reverify(copy)))
