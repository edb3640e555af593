"""Region by region: what is the same, what differs, and whether it is content or style.

*Content* is the aligned pixel structure (the change mask, SSIM, the crop's pHash); *style* is
what survives a redraw in the same manner: the colour palette, the texture statistics and the
posture. A finding (`same` / `similar` / `different` / `absent`) is about content, or, for
`pose`, about geometry; the palette and texture findings stand beside it, so a report can say
"same posture and palette, different face".

Three routes:
- aligned copy: each region of ORIGINAL is read through the alignment in the working frame of
  the change detector; the change mask decides the finding (it is the calibrated measure; SSIM
  and pHash are reported beside it), and a region whose palette alone changed is a recolour;
- aligned but re-rendered throughout (a restyle): the aligned crops decide (pHash, SSIM), as the
  change mask is tuned to the restyle's own noise;
- not aligned (a redraw, a merely similar picture): the people are found in both pictures and
  corresponding parts (same name) are compared crop to crop.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import cv2
import imagehash
import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

from . import thresholds as T
from .align import box_in_copy
from .changes import MASK_CHANGED, MASK_NOT_COVERED, WorkingFrame, as_the_copy_encodes
from .portrait import Portrait
from .regions import PORTRAIT_REGION_NAMES, Region

__all__ = [
    "Finding",
    "PoseComparison",
    "RegionFinding",
    "compare_pose",
    "describe_regions",
    "describe_user_regions",
    "findings_aligned",
    "findings_unaligned",
    "joined_names",
    "order_findings",
    "pose_finding",
    "unplaced_user_findings",
]

# The 17 body points of the COCO keypoint set: the ones a posture is described by.
POSTURE_POINTS = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle",
)
LIMB_POINTS = frozenset(POSTURE_POINTS[7:])
# The arms and legs proper: the hips are the torso's base, under the shoulders in any upright
# figure (a bust, a seated or standing person), so their place follows from the head's and
# shoulders' and says nothing of what the figure does.
ARTICULATED_POINTS = frozenset(("left_elbow", "right_elbow", "left_wrist", "right_wrist",
                                "left_knee", "right_knee", "left_ankle", "right_ankle"))


class Finding(StrEnum):
    """What a region's comparison found (palette and texture: SAME or DIFFERENT)."""

    SAME = "same"
    SIMILAR = "similar"
    DIFFERENT = "different"
    ABSENT = "absent"  # less than REGION_MIN_COVERED of the region is in the copy, or nothing to compare


@dataclass(frozen=True)
class RegionFinding:
    name: str
    source: str  # detected / derived / estimated / user / grid
    box: tuple[int, int, int, int]  # in ORIGINAL's frame
    copy_box: tuple[int, int, int, int] | None  # where it is in COPY, when known
    basis: str  # how the region was found
    covered_share: float | None  # share of the region the copy covers (aligned route)
    changed_share: float | None  # share of the covered part the change mask marks
    ssim: float | None
    hash_distance: int | None  # pHash of the two crops, of 64
    palette_distance: float | None  # Hellinger distance of colour histograms, 0 same .. 1 disjoint
    texture_difference: float | None  # |ln| of the ratio of mean gradient magnitudes
    verdict: Finding
    palette: Finding | None  # SAME or DIFFERENT
    texture: Finding | None  # SAME or DIFFERENT
    reason: str


@dataclass(frozen=True)
class PoseComparison:
    agreement: float | None  # share of keypoints in place after a similarity fit (PCK)
    distance: float | None  # median keypoint offset after the fit, over the pose's RMS radius
    points: int  # keypoints seen in both
    limbs: bool  # elbows, wrists, hips, knees or ankles among them (a posture, not just a head)
    mirrored: bool
    verdict: Finding
    reason: str
    # The median offset (as ``distance``) of the elbows, wrists, knees and ankles seen in both, in
    # the same fit; None when none is. The median over every point is ruled by the head and
    # shoulders (most of the points), which every upright frontal figure shares.
    limb_distance: float | None = None


# ---------------------------------------------------------------------------------- measures
def _palette(rgb: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Colour histogram: 16 hues x 7 saturations, plus one bin for all near-grey pixels.

    Coarse, because a region is a few thousand pixels; near-grey pixels share one bin because
    their hue is noise (JPEG's chroma rounding turns a white collar into every hue).
    """
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    if mask is not None:
        hsv = hsv[mask]
    hsv = hsv.reshape(-1, 3).astype(np.int32)
    hue, saturation = hsv[:, 0] * 16 // 180, np.minimum((hsv[:, 1] - T.PALETTE_GREY) * 7 // (256 - T.PALETTE_GREY), 6)
    bins = np.where(hsv[:, 1] < T.PALETTE_GREY, 0, 1 + hue * 7 + saturation)
    histogram = np.bincount(bins, minlength=1 + 16 * 7).astype(np.float64)
    return histogram / max(histogram.sum(), 1.0)


def _palette_distance(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None) -> float | None:
    """Hellinger (Bhattacharyya) distance of the two palettes: 0 same, 1 no colour in common."""
    if mask is not None and mask.sum() < T.REGION_STYLE_MIN_PIXELS:
        return None
    overlap = float(np.sqrt(_palette(a, mask) * _palette(b, mask)).sum())
    return float(np.sqrt(max(0.0, 1.0 - overlap)))


def _gradient_energy(rgb: np.ndarray, mask: np.ndarray | None) -> float:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    magnitude = np.hypot(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    return float(magnitude[mask].mean() if mask is not None else magnitude.mean())


def _texture_difference(a: np.ndarray, b: np.ndarray, mask: np.ndarray | None) -> float | None:
    if mask is not None and mask.sum() < T.REGION_STYLE_MIN_PIXELS:
        return None
    # +8: a flat area (gradient ~0) should not turn noise into a large ratio.
    return abs(float(np.log((_gradient_energy(a, mask) + 8) / (_gradient_energy(b, mask) + 8))))


def _hash_distance(a: np.ndarray, b: np.ndarray) -> int | None:
    if min(a.shape[:2]) < T.REGION_MIN_CROP or min(b.shape[:2]) < T.REGION_MIN_CROP:
        return None
    return int(imagehash.phash(Image.fromarray(a)) - imagehash.phash(Image.fromarray(b)))


def _style(palette: float | None, texture: float | None) -> tuple[Finding | None, Finding | None]:
    return (
        None if palette is None else (Finding.SAME if palette <= T.PALETTE_SAME else Finding.DIFFERENT),
        None if texture is None else (Finding.SAME if texture <= T.TEXTURE_SAME else Finding.DIFFERENT),
    )


# ---------------------------------------------------------------------------------- aligned
def _working_slices(box: tuple[int, int, int, int], scale: float, shape: tuple[int, ...]) -> tuple[slice, slice]:
    x, y, w, h = box
    x0, y0 = int(np.floor(x * scale)), int(np.floor(y * scale))
    x1, y1 = max(x0 + 1, int(np.ceil((x + w) * scale))), max(y0 + 1, int(np.ceil((y + h) * scale)))
    return slice(max(0, y0), min(shape[0], y1)), slice(max(0, x0), min(shape[1], x1))


def _content_finding(covered_share: float, changed_share: float) -> tuple[Finding, str]:
    if covered_share < T.REGION_MIN_COVERED:
        return Finding.ABSENT, f"only {covered_share:.0%} of it is in the copy"
    if changed_share > T.REGION_DIFFERENT_SHARE:
        return Finding.DIFFERENT, f"{changed_share:.0%} of it changed"
    if changed_share > T.REGION_SIMILAR_SHARE:
        return Finding.SIMILAR, f"{changed_share:.0%} of it changed"
    if changed_share == 0:
        return Finding.SAME, "no change found in it"
    return Finding.SAME, f"only {changed_share:.1%} of it changed (same <= {T.REGION_SIMILAR_SHARE:.0%})"


def _crop_finding(hash_distance: int | None, ssim: float | None) -> tuple[Finding, str]:
    """Content of two crops of the same part, without a change mask to go by."""
    shown_ssim = "-" if ssim is None else f"{ssim:.2f}"
    if hash_distance is None and ssim is not None:  # an irregular region (background): SSIM alone
        if ssim >= T.REGION_SSIM_SAME:
            return Finding.SAME, f"crops match: SSIM {shown_ssim} (same >= {T.REGION_SSIM_SAME})"
        if ssim >= T.REGION_SSIM_DIFFERENT:
            return Finding.SIMILAR, f"crops resemble each other: SSIM {shown_ssim}"
        return Finding.DIFFERENT, f"crops differ: SSIM {shown_ssim} (different < {T.REGION_SSIM_DIFFERENT})"
    if hash_distance is not None and hash_distance <= T.HASH64_SAME and (ssim or 0) >= T.REGION_SSIM_SAME:
        return Finding.SAME, f"crops match: pHash {hash_distance}/64, SSIM {shown_ssim}"
    if hash_distance is not None and hash_distance <= T.HASH64_RELATED:
        return Finding.SIMILAR, f"crops resemble each other: pHash {hash_distance}/64 (related <= {T.HASH64_RELATED}), SSIM {shown_ssim}"
    shown = "-" if hash_distance is None else f"{hash_distance}/64"
    return Finding.DIFFERENT, f"crops differ: pHash {shown} (related <= {T.HASH64_RELATED}), SSIM {shown_ssim}"


def _mask_counts(window: np.ndarray, inside: np.ndarray | None) -> tuple[int, int, int]:
    """(pixels, not covered, changed) of a change-mask window, over ``inside`` (bool, same shape)
    when given. A comparison per value: on a 12-MP mask, ``np.bincount`` (which widens each byte
    to 8) costs 30 times as much."""
    not_covered, changed = window == MASK_NOT_COVERED, window == MASK_CHANGED
    if inside is None:
        return window.size, int(np.count_nonzero(not_covered)), int(np.count_nonzero(changed))
    return (int(np.count_nonzero(inside)), int(np.count_nonzero(not_covered & inside)),
            int(np.count_nonzero(changed & inside)))


def findings_aligned(
    regions: list[Region], frame: WorkingFrame, ssim_map: np.ndarray, change_mask: np.ndarray,
    copy_to_original: np.ndarray, copy_shape: tuple[int, ...], *, copy_like: bool,
) -> list[RegionFinding]:
    """Each region of ORIGINAL against the aligned copy (working frame of the change detector).

    ``copy_like``: the pair is the same picture outside its changes (verdict.py's test), so the
    change mask decides. A re-rendered pair (aligned, but restyled throughout) has a change mask
    tuned to its own restyle noise, blind to a redraw within it: there the aligned crops decide.
    """
    findings = []
    for region in regions:
        x, y, w, h = region.box
        window = change_mask[y : y + h, x : x + w]
        full = region.mask_at(change_mask.shape[1], change_mask.shape[0])
        pixels, not_covered, changed = _mask_counts(window, None if full is None else full[y : y + h, x : x + w])
        covered_pixels = pixels - not_covered
        covered_share = covered_pixels / max(1, pixels)
        changed_share = changed / max(1, covered_pixels)
        rows, cols = _working_slices(region.box, frame.scale, frame.original.shape)
        use = frame.covered[rows, cols]
        working = region.mask_at(frame.original.shape[1], frame.original.shape[0])
        if working is not None:
            use = use & working[rows, cols]
        a, b = frame.original[rows, cols], frame.copy[rows, cols]
        ssim = float(ssim_map[rows, cols][use].mean()) if use.any() else None
        palette = _palette_distance(a, b, use)
        if palette is not None and palette > T.PALETTE_SAME and frame.copy_jpeg is not None:
            # A JPEG copy differs from the original by its own encoding too: a coarse one (quality
            # 10) shifts a dark, saturated part's colours past the threshold. Judged against the
            # original as the copy's encoding shows it, the region differs only by what it does not explain.
            palette = min(palette, _palette_distance(as_the_copy_encodes(frame, a), b, use))
        texture = _texture_difference(a, b, use)
        hash_distance = _hash_distance(a, b) if use.mean() > T.REGION_HASH_MIN_COVERED else None
        verdict, reason = _content_finding(covered_share, changed_share)
        if verdict != Finding.ABSENT and not copy_like:
            verdict, reason = _crop_finding(hash_distance, ssim)
            reason += " (re-rendered copy: judged from the aligned crops)"
        palette_finding, texture_finding = _style(palette, texture)
        findings.append(RegionFinding(
            name=region.name, source=region.source, box=region.box,
            copy_box=box_in_copy(region.box, copy_to_original, copy_shape) if covered_share > 0 else None,
            basis=region.basis, covered_share=covered_share, changed_share=changed_share, ssim=ssim,
            hash_distance=hash_distance, palette_distance=palette, texture_difference=texture,
            verdict=verdict, palette=palette_finding, texture=texture_finding, reason=reason,
        ))
    return _local_recolours(findings) if copy_like else findings


def _local_recolours(findings: list[RegionFinding]) -> list[RegionFinding]:
    """A region whose palette changed while the rest of the picture kept its own was recoloured.

    The change detector models colour globally (a 3-D table), so a recolour of colours found only
    in that region (a whole background turned from green to red) can pass as a colour grade of
    the picture; the palette comparison per region does not share that blind spot. A palette
    change everywhere is a global colour change, not a local edit, and changes nothing here.
    """
    palettes = [f.palette for f in findings if f.palette is not None and f.source != "user"]
    if len(palettes) < 3:
        return findings
    result = []
    for f in findings:
        others_same = (palettes.count(Finding.SAME) - (f.palette == Finding.SAME and f.source != "user")) / max(1, len(palettes) - 1)
        # Alone, a palette just past its threshold is not enough: the change mask must have seen
        # something there too ("similar"), or the palette must be far off.
        corroborated = f.verdict == Finding.SIMILAR or (f.palette_distance or 0) >= T.PALETTE_RECOLOURED
        if f.palette == Finding.DIFFERENT and f.verdict in (Finding.SAME, Finding.SIMILAR) and corroborated and others_same >= T.PALETTE_LOCAL_SHARE:
            f = replace(f, verdict=Finding.DIFFERENT, reason=(
                f"recoloured: palette distance {f.palette_distance:.2f} (same <= {T.PALETTE_SAME}) while "
                f"{others_same:.0%} of the other parts keep theirs; {f.reason}"))
        result.append(f)
    return result


# ---------------------------------------------------------------------------------- not aligned
def _crop(rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x, y, w, h = box
    return rgb[y : y + h, x : x + w]


def findings_unaligned(
    original_regions: list[Region], copy_regions: list[Region], original: np.ndarray, copy: np.ndarray,
) -> list[RegionFinding]:
    """Corresponding parts (same name) found independently in each picture, crop against crop."""
    by_name = {r.name: r for r in copy_regions}
    findings = []
    for region in original_regions:
        other = by_name.get(region.name)
        if other is None or min(_crop(original, region.box).shape[:2]) == 0 or min(_crop(copy, other.box).shape[:2]) == 0:
            findings.append(RegionFinding(
                name=region.name, source=region.source, box=region.box, copy_box=None, basis=region.basis,
                covered_share=None, changed_share=None, ssim=None, hash_distance=None, palette_distance=None,
                texture_difference=None, verdict=Finding.ABSENT, palette=None, texture=None,
                reason="not found in the copy" if other is None else "no pixels to compare (the picture is too small)",
            ))
            continue
        a = _crop(original, region.box)
        b = cv2.resize(_crop(copy, other.box), (a.shape[1], a.shape[0]), interpolation=cv2.INTER_AREA)
        full = region.mask_at(original.shape[1], original.shape[0])
        mask = None if full is None else _crop(full, region.box)
        other_full = other.mask_at(copy.shape[1], copy.shape[0])
        if other_full is not None:
            other_mask = cv2.resize(_crop(other_full, other.box).astype(np.uint8), (a.shape[1], a.shape[0]),
                                    interpolation=cv2.INTER_NEAREST).astype(bool)
            mask = other_mask if mask is None else mask & other_mask
        ssim = None
        if min(a.shape[:2]) >= 11:  # the Gaussian SSIM window is 11 x 11
            grey_a, grey_b = (cv2.cvtColor(c, cv2.COLOR_RGB2GRAY) for c in (a, b))
            _, ssim_map = structural_similarity(grey_a, grey_b, data_range=255, gaussian_weights=True,
                                                sigma=1.5, use_sample_covariance=False, full=True)
            ssim = float(ssim_map[mask].mean() if mask is not None and mask.any() else ssim_map.mean())
        hash_distance = _hash_distance(a, b)
        palette = _palette_distance(a, b, mask)
        texture = _texture_difference(a, b, mask)
        verdict, reason = _crop_finding(hash_distance, ssim)
        palette_finding, texture_finding = _style(palette, texture)
        findings.append(RegionFinding(
            name=region.name, source=region.source, box=region.box, copy_box=other.box, basis=region.basis,
            covered_share=None, changed_share=None, ssim=ssim, hash_distance=hash_distance,
            palette_distance=palette, texture_difference=texture, verdict=verdict,
            palette=palette_finding, texture=texture_finding, reason=reason + " (found in each picture separately)",
        ))
    return findings


# ---------------------------------------------------------------------------------- posture
def _swap_sides(name: str) -> str:
    if name.startswith("left_"):
        return "right_" + name[5:]
    if name.startswith("right_"):
        return "left_" + name[6:]
    return name


def _posture_residuals(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per-keypoint residuals of the best similarity transform source -> target, over the RMS
    radius of the target pose (position- and scale-free). The fit is least-median-of-squares, so
    a few keypoints the model guessed wrong (hidden limbs, left/right confusions in profile) do
    not bend it."""
    matrix, _ = cv2.estimateAffinePartial2D(source, target, method=cv2.LMEDS)
    if matrix is None:
        return np.full(len(source), np.inf)
    mapped = source @ matrix[:, :2].T + matrix[:, 2]
    centred = target - target.mean(axis=0)
    radius = max(float(np.sqrt((centred**2).sum(axis=1).mean())), 1e-9)
    return np.hypot(*(mapped - target).T) / radius


def compare_pose(original: Portrait, copy: Portrait, mirrored: bool | None) -> PoseComparison | None:
    """Posture as geometry. ``mirrored``: known from the alignment, or None to try both ways."""
    if original.body is None:
        return None
    if copy.body is None:
        return PoseComparison(None, None, 0, False, False, Finding.ABSENT, "no body keypoints found in the copy")
    best: tuple[float, float, int, bool, bool, float | None] | None = None
    for flip in ((False, True) if mirrored is None else (mirrored,)):
        names, source, target = [], [], []
        for name in POSTURE_POINTS:
            a = original.body_point(name)
            b = copy.body_point(_swap_sides(name) if flip else name)
            if a is not None and b is not None:
                names.append(name)
                target.append(a)
                source.append((-b[0], b[1]) if flip else b)
        if len(names) < T.POSE_MIN_POINTS:
            continue
        residuals = _posture_residuals(np.array(source, np.float64), np.array(target, np.float64))
        agreement = float(np.mean(residuals <= T.POSE_POINT_TOLERANCE))
        distance = float(np.median(residuals))
        articulated = [r for name, r in zip(names, residuals) if name in ARTICULATED_POINTS]
        limb_distance = float(np.median(articulated)) if articulated else None
        if best is None or distance < best[1]:
            best = (agreement, distance, len(names), bool(LIMB_POINTS.intersection(names)), flip, limb_distance)
    if best is None:
        return PoseComparison(None, None, 0, False, False, Finding.ABSENT,
                              f"fewer than {T.POSE_MIN_POINTS} body keypoints seen in both pictures")
    agreement, distance, points, limbs, flip, limb_distance = best
    what = (f"median keypoint offset {distance:.3f} of the pose's size over {points} keypoints after a "
            f"similarity fit; {agreement:.0%} within {T.POSE_POINT_TOLERANCE}")
    if distance <= T.POSE_SAME:
        verdict, reason = Finding.SAME, f"same posture: {what} (same <= {T.POSE_SAME})"
    elif distance <= T.POSE_SIMILAR:
        verdict, reason = Finding.SIMILAR, f"similar posture: {what} (similar <= {T.POSE_SIMILAR})"
    else:
        verdict, reason = Finding.DIFFERENT, f"different posture: {what} (similar <= {T.POSE_SIMILAR})"
    if not limbs:
        reason += "; head and shoulders only"
    elif limb_distance is not None:
        reason += f"; arms and legs offset {limb_distance:.3f}"
    return PoseComparison(agreement, distance, points, limbs, flip, verdict, reason + ("; mirrored" if flip else ""),
                          limb_distance)


def unplaced_user_findings(regions: list[Region]) -> list[RegionFinding]:
    """The user's boxes when the pictures could not be aligned: nowhere known in the copy."""
    return [
        RegionFinding(
            name=r.name, source=r.source, box=r.box, copy_box=None, basis=r.basis, covered_share=0.0,
            changed_share=None, ssim=None, hash_distance=None, palette_distance=None, texture_difference=None,
            verdict=Finding.ABSENT, palette=None, texture=None,
            reason="the pictures could not be aligned, so this box of the original has no known place in the copy",
        )
        for r in regions
    ]


def pose_finding(pose: PoseComparison, regions: list[Region], copy_regions: list[Region]) -> list[RegionFinding]:
    """The posture row: geometry, not pixels."""
    region = next((r for r in regions if r.name == "pose"), None)
    if region is None:
        return []
    other = next((r for r in copy_regions if r.name == "pose"), None)
    return [RegionFinding(
        name="pose", source=region.source, box=region.box, copy_box=None if other is None else other.box,
        basis=region.basis, covered_share=None, changed_share=None, ssim=None, hash_distance=None,
        palette_distance=None, texture_difference=None, verdict=pose.verdict, palette=None, texture=None,
        reason=pose.reason,
    )]


# ---------------------------------------------------------------------------------- order, words
def order_findings(findings: list[RegionFinding]) -> list[RegionFinding]:
    """The order counsel reads them in: each person's parts from the face down, background,
    posture; then a grid; then the user's regions (as given)."""
    def key(finding: RegionFinding) -> tuple[int, int, int]:
        if finding.source in ("user", "grid"):
            return (2 if finding.source == "user" else 1, 0, 0)
        base, person = finding.name, 1
        head, _, tail = finding.name.rpartition("-")  # "face-2": the second person's face
        if tail.isascii() and tail.isdigit() and head in PORTRAIT_REGION_NAMES:
            base, person = head, int(tail)
        return (0, person, PORTRAIT_REGION_NAMES.index(base) if base in PORTRAIT_REGION_NAMES else 99)

    return sorted(findings, key=key)  # sorted() is stable: the user's order survives


def joined_names(names: list[str]) -> str:
    """["face", "neck", "clothing"] as "face, neck and clothing"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def describe_user_regions(findings: tuple[RegionFinding, ...]) -> str:
    """The user's regions in one sentence, e.g. "signature not in the copy; logo same." Empty
    when none was given."""
    words = {Finding.ABSENT: "not in the copy"}
    marked = [f"{f.name} {words.get(f.verdict, f.verdict)}" for f in findings if f.source == "user"]
    return "; ".join(marked) + "." if marked else ""


def describe_regions(findings: tuple[RegionFinding, ...], pose: PoseComparison | None) -> str:
    """One sentence that keeps style apart from content, e.g. "Same posture and palette;
    different face and hair-headwear; same clothing and background." Empty when nothing was compared."""
    parts = [f for f in findings if f.source in ("detected", "derived", "estimated") and f.name != "pose"]
    if not parts:
        return ""
    style = []
    if pose is not None and pose.verdict in (Finding.SAME, Finding.SIMILAR):
        style.append(f"{pose.verdict} posture")
    palettes = [f.palette for f in parts if f.palette is not None]
    if palettes:
        share = palettes.count(Finding.SAME) / len(palettes)
        style.append("same palette" if share >= T.SUMMARY_PALETTE_SAME_SHARE
                     else "different palette" if share <= 1 - T.SUMMARY_PALETTE_SAME_SHARE else "partly the same palette")
    if pose is not None and pose.verdict == Finding.DIFFERENT:
        style.append("different posture")
    different = [f for f in parts if f.verdict == Finding.DIFFERENT]
    similar = [f for f in parts if f.verdict == Finding.SIMILAR]
    same = [f for f in parts if f.verdict == Finding.SAME]
    sentences = []
    if style:
        sentences.append(" and ".join(style).capitalize())
    if different:
        sentences.append(f"different {joined_names([f.name for f in different])}")
    if similar:
        sentences.append(f"similar {joined_names([f.name for f in similar])}")
    if same:
        sentences.append(f"same {joined_names([f.name for f in same])}")
    absent = [f for f in parts if f.verdict == Finding.ABSENT]
    if absent:
        sentences.append(f"{joined_names([f.name for f in absent])} found in one picture only")
    return "; ".join(sentences) + "." if sentences else ""
