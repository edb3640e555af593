"""Orchestrate one pair into one result: align -> measure -> localise -> judge.

``compare_images`` works on pixels; ``compare_files`` adds the evidence layer and the run's
facts. Every report renders the ``Comparison`` and computes nothing of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pdqhash

from . import thresholds as T
from .align import Alignment, align
from .changes import (
    MASK_CHANGED,
    MASK_NOT_COVERED,
    ChangeMap,
    WorkingFrame,
    localise_changes,
    warp_to_working_frame,
)
from .evidence import Evidence, load_evidence
from .fingerprints import HashSet, compute_hashes, hash_distances, thumbnail
from .measures import colour_distance, overlap_ssim
from .options import CompareOptions, UserRegion
from .verdict import Verdict, judge

__all__ = ["Comparison", "Measurement", "RegionFinding", "compare_files", "compare_images"]


@dataclass(frozen=True)
class RegionFinding:
    name: str
    source: str  # "user" (from --region/--regions); "detected" arrives with portrait regions
    box: tuple[int, int, int, int]
    covered_share: float
    changed_share: float
    ssim: float | None
    verdict: str  # same / similar / different / absent
    reason: str


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
    regions: tuple[RegionFinding, ...]
    verdict: Verdict
    identical: bool

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

    @property
    def verdict(self) -> Verdict:
        return self.measurement.verdict

    @property
    def alignment(self) -> Alignment:
        return self.measurement.alignment

    @property
    def change_mask(self) -> np.ndarray:
        return self.measurement.change_mask


def _pdq_dihedral_distance(original: np.ndarray, copy: np.ndarray) -> int:
    reference, _ = pdqhash.compute(np.ascontiguousarray(original))
    variants, _ = pdqhash.compute_dihedral(np.ascontiguousarray(copy))
    return int(min(np.count_nonzero(np.asarray(reference) != np.asarray(v)) for v in variants))


def _overlap_crops(frame: WorkingFrame) -> tuple[np.ndarray, np.ndarray]:
    """The part of ORIGINAL the copy covers, and the copy warped onto it (same frame)."""
    ys, xs = np.nonzero(frame.covered)
    if len(xs) == 0:
        return frame.original, frame.copy
    box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
    return frame.original[box], frame.copy[box]


def _region_findings(regions: tuple[UserRegion, ...], mask: np.ndarray, ssim_map: np.ndarray | None, scale: float) -> tuple[RegionFinding, ...]:
    findings = []
    height, width = mask.shape
    for region in regions:
        x, y, w, h = region.box
        crop = mask[max(0, y) : min(height, y + h), max(0, x) : min(width, x + w)]
        area = max(1, w * h)
        covered = int(np.count_nonzero(crop != MASK_NOT_COVERED))
        changed = int(np.count_nonzero(crop == MASK_CHANGED))
        covered_share = covered / area
        changed_share = changed / max(1, covered)
        ssim = None
        if ssim_map is not None and covered:
            sx0, sy0 = int(x * scale), int(y * scale)
            sx1, sy1 = max(sx0 + 1, int((x + w) * scale)), max(sy0 + 1, int((y + h) * scale))
            window = ssim_map[sy0:sy1, sx0:sx1]
            ssim = float(window.mean()) if window.size else None
        if covered_share < T.REGION_MIN_COVERED:
            verdict, reason = "absent", f"only {covered_share:.0%} of the region is in the copy"
        elif changed_share > T.REGION_DIFFERENT_SHARE:
            verdict, reason = "different", f"{changed_share:.0%} of the region changed"
        elif changed:
            verdict, reason = "similar", f"{changed_share:.0%} of the region changed"
        else:
            verdict, reason = "same", "no change found in the region"
        findings.append(RegionFinding(region.name, "user", region.box, covered_share, changed_share, ssim, verdict, reason))
    return tuple(findings)


def compare_images(original: np.ndarray, copy: np.ndarray, *, regions: tuple[UserRegion, ...] = ()) -> Measurement:
    """Measure one pair of RGB uint8 pictures."""
    identical = original.shape == copy.shape and np.array_equal(original, copy)
    alignment = align(original, copy)
    small_original, small_copy = thumbnail(original), thumbnail(copy)  # all hashes use <= 64 x 64
    whole = (compute_hashes(small_original), compute_hashes(small_copy))
    pdq_dihedral = _pdq_dihedral_distance(small_original, small_copy)
    changes: ChangeMap | None = None
    overlap_hashes = None
    ssim = None
    ssim_map = None
    if alignment.aligned:
        frame = warp_to_working_frame(original, copy, alignment.matrix, alignment.scale, alignment.copy_content_box)
        changes = localise_changes(original, copy, alignment, frame)
        overlap_hashes = tuple(compute_hashes(crop) for crop in _overlap_crops(frame))
        ssim, ssim_map = overlap_ssim(frame.original, frame.copy, frame.covered)
        mask = changes.mask
        scale = frame.scale
    else:
        mask = np.full(original.shape[:2], MASK_NOT_COVERED, np.uint8)
        scale = 1.0
    if identical:
        mask = np.zeros(original.shape[:2], np.uint8)
    verdict = judge(
        identical=identical, alignment=alignment, changes=changes,
        whole_distances=hash_distances(*whole), pdq_dihedral=pdq_dihedral,
    )
    return Measurement(
        alignment=alignment, whole_hashes=whole, overlap_hashes=overlap_hashes,
        pdq_dihedral_distance=pdq_dihedral, ssim=ssim, colour_distance=colour_distance(small_original, small_copy),
        changes=changes, change_mask=mask, regions=_region_findings(regions, mask, ssim_map, scale),
        verdict=verdict, identical=identical,
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def compare_files(options: CompareOptions) -> Comparison:
    started = _now()
    original = load_evidence(options.original, max_pixels=options.max_pixels)
    copy = load_evidence(options.copy, max_pixels=options.max_pixels)
    measurement = compare_images(original.rgb, copy.rgb, regions=options.regions)
    return Comparison(original=original, copy=copy, options=options, measurement=measurement,
                      started_at=started, finished_at=_now())
