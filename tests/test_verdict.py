"""The verdict's vocabulary: labels and their similarity bands, the hash descriptions it reads."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from fixtures import make_fixtures as fx
from simforensics import thresholds as T
from simforensics.compare import compare_images
from simforensics.fingerprints import HASHES, compute_hashes, hash_kind
from simforensics.report.words import band_words
from simforensics.resemblance.model import (
    Dimension,
    Likeness,
    ReferenceInfo,
    ResemblanceProfile,
)
from simforensics.verdict import Label, Verdict, _judge_resemblance, relatedness


def test_bands_tile_zero_to_one_in_label_order() -> None:
    ordered = list(Label)
    assert ordered[0] is Label.IDENTICAL and Label.IDENTICAL.band == (1.0, 1.0)
    assert ordered[-1].band[0] == 0.0
    for higher, lower in itertools.pairwise(ordered):
        assert lower.band[1] == higher.band[0], (lower, higher)


@pytest.mark.parametrize("label", list(Label))
def test_a_score_stays_in_its_band_after_the_json_rounding(label: Label) -> None:
    low, high = label.band
    assert label.score(0.0) == low
    assert label.score(-3.0) == low  # placements outside [0, 1] are clipped
    top = label.score(5.0)
    if low == high:
        assert top == low
    else:
        assert low < top < high and round(top, 4) < high


def test_copies_are_what_scan_matches() -> None:
    assert {label for label in Label if label.is_copy} == {Label.IDENTICAL, Label.NEAR_DUPLICATE, Label.LOCALLY_EDITED}
    assert all(label.band[0] >= T.SCAN_MATCH_SIMILARITY for label in Label if label.is_copy)
    assert all(label.band[1] <= T.SCAN_MATCH_SIMILARITY for label in Label if not label.is_copy)


def test_labels_read_as_their_contract_words() -> None:
    assert f"{Label.NEAR_DUPLICATE}" == "near-duplicate" and Label("locally-edited") is Label.LOCALLY_EDITED
    assert band_words(Label.IDENTICAL.band) == "exactly 1"
    assert band_words(Label.NEAR_DUPLICATE.band) == "from 0.90 to 1"
    assert band_words(Label.LOCALLY_EDITED.band) == "from 0.70 to 0.90"
    assert band_words(Label.UNRELATED.band) == "below 0.40"


def test_each_hash_description_matches_the_hash_computed() -> None:
    hashes = compute_hashes(fx.source_image("astronaut", 256))
    assert [kind.name for kind in HASHES] == list(hashes.bits)
    for kind in HASHES:
        assert len(hashes.bits[kind.name]) == kind.bits, kind.name
        assert 0 < kind.chance <= kind.bits // 2
        if kind.same is not None and kind.related is not None:
            assert kind.same < kind.related < kind.chance
        assert kind.relatedness(kind.chance) == 0.0 and kind.relatedness(0) == 1.0


def test_relatedness_is_the_strongest_hash_below_chance() -> None:
    chance = {name: hash_kind(name).chance for name in ("phash", "edge_phash", "pdq")}
    assert relatedness(chance) == 0.0
    assert relatedness({**chance, "pdq": 64}) == pytest.approx(0.5)
    assert relatedness({**chance, "phash": 8, "pdq": 64}) == pytest.approx(0.75)


def test_uninformative_hashes_count_as_chance() -> None:
    # Two different dots: their hash thumbnails are under HASH_MIN_SIDE, so whatever their hashes
    # say, the pair is not related by them.
    dot = np.full((8, 8, 3), 255, np.uint8)
    dot[3:5, 3:5] = 0
    other = np.full((8, 8, 3), 40, np.uint8)
    other[1:3, 5:7] = 220
    verdict = compare_images(dot, other, with_people=False).verdict
    assert verdict.label is Label.UNRELATED and verdict.similarity == 0.0
    assert any(f"under {T.HASH_MIN_SIDE} pixels across" in reason for reason in verdict.reasons)


def test_blank_pictures_are_not_related_by_their_hashes() -> None:
    # A black and a white square: every hash bit of a blank picture is set alike, so their hashes
    # matched bit for bit and the pair was "related: the overall composition or outlines match".
    black, white = np.zeros((96, 96, 3), np.uint8), np.full((96, 96, 3), 255, np.uint8)
    verdict = compare_images(black, white, with_people=False).verdict
    assert verdict.label is Label.UNRELATED and any("or blank there" in reason for reason in verdict.reasons)


def test_a_sketch_that_keeps_no_keypoint_is_related_by_its_outlines() -> None:
    # A pencil sketch of the rocket: no feature match survives, its pHashes are at chance (the
    # outline pHash too: the lamps' glare outweighs the towers' edges in the photograph, not in
    # the sketch), and it read "unrelated". Its outlines lie where the photograph's do, mirrored
    # or not; another picture's do not.
    rocket = fx.source_image("rocket", 480)
    sketch = fx.painted(rocket, "pencil")
    related = compare_images(rocket, sketch, with_people=False, with_derivation=False)
    assert not related.alignment.aligned and related.verdict.label == Label.SIMILAR, related.verdict.summary
    assert related.outline_agreement >= T.OUTLINE_RELATED
    assert "its outlines lie where the original's do" in related.verdict.summary
    mirrored = compare_images(rocket, np.ascontiguousarray(sketch[:, ::-1]), with_people=False, with_derivation=False)
    assert mirrored.verdict.label == Label.SIMILAR
    assert mirrored.outline_agreement == pytest.approx(related.outline_agreement, abs=0.01)
    for other in ("astronaut", "chelsea", "coffee"):
        unrelated = compare_images(rocket, fx.painted(fx.source_image(other, 480), "pencil"), with_people=False,
                                   with_derivation=False)
        assert unrelated.verdict.label == Label.UNRELATED and unrelated.outline_agreement < T.OUTLINE_RELATED


def test_a_similar_pair_ranks_by_how_rare_its_distinctive_likenesses_are() -> None:
    info = ReferenceInfo(name="test", pictures=10, pairs=1000, kind="numbers", warning=None)
    unrelated = Verdict(Label.UNRELATED, 0.1, "unrelated", ())

    def judged(*percentiles: float) -> Verdict:
        dimensions = tuple(Dimension(f"d{i}", 0.5, p, Likeness.DISTINCTIVE if p >= T.RESEMBLANCE_DISTINCTIVE
                                     else Likeness.COMMON, "x") for i, p in enumerate(percentiles))
        return _judge_resemblance(unrelated, ResemblanceProfile(info, dimensions))

    at_the_level, rarer, two = judged(0.99, 0.5), judged(0.999, 0.5), judged(0.999, 0.999)
    assert {at_the_level.label, rarer.label, two.label} == {Label.SIMILAR}
    assert Label.SIMILAR.band[0] == at_the_level.similarity < rarer.similarity < two.similarity < Label.SIMILAR.band[1]
    # As many decades of rarity in one likeness as in two: 1 in 10,000, the top of the band.
    assert judged(0.9999, 0.5).similarity == pytest.approx(two.similarity)
    assert judged(0.98, 0.5).label is Label.UNRELATED


def test_the_summary_names_what_a_crop_cut_away(astronaut: np.ndarray) -> None:
    # A repost with the bottom band cut off (where a signature often sits), and a caption bar added.
    cropped = astronaut[: astronaut.shape[0] - 48]
    summary = compare_images(astronaut, cropped, with_people=False).verdict.summary
    assert "the bottom 48 px cut away" in summary and "top" not in summary, summary
    band = astronaut.shape[0] // 4  # the picture fills 4/5 of the copy
    captioned = np.vstack([astronaut, np.full((band, astronaut.shape[1], 3), 20, np.uint8)])
    captioned[-band * 3 // 4 : -band // 4, 40:-40] = 235  # the caption's text, as a light block
    summary = compare_images(astronaut, captioned, with_people=False).verdict.summary
    assert "filling 80% of the copy's frame" in summary and "cut away" not in summary, summary
    # Turned within its frame: its footprint is no rectangle, so no side is named.
    import cv2

    height, width = astronaut.shape[:2]
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), 10, 1.0)
    turned = cv2.warpAffine(astronaut, turn, (width, height), borderMode=cv2.BORDER_REFLECT)
    summary = compare_images(astronaut, turned, with_people=False).verdict.summary
    assert "rotated by" in summary and "cut away" not in summary, summary


def test_the_summary_names_a_change_of_proportions(astronaut: np.ndarray) -> None:
    import cv2

    height, width = astronaut.shape[:2]
    squeezed = cv2.resize(astronaut, (width, height * 3 // 4), interpolation=cv2.INTER_AREA)
    comparison = compare_images(astronaut, squeezed, with_people=False)
    across, down = comparison.alignment.axis_scales
    assert across == pytest.approx(1.0, abs=0.01) and down == pytest.approx(4 / 3, abs=0.02)
    assert "stretched to 100% of the original's width and 75% of its height" in comparison.verdict.summary
    halved = compare_images(astronaut, cv2.resize(astronaut, (width // 2, height // 2), interpolation=cv2.INTER_AREA),
                            with_people=False)
    assert "resized to 50% of the original's size" in halved.verdict.summary and "stretched" not in halved.verdict.summary


def test_the_summary_names_a_global_colour_edit(astronaut: np.ndarray) -> None:
    import cv2

    # A hue turn of 30 degrees: the same picture, its colours moved throughout.
    hsv = cv2.cvtColor(astronaut, cv2.COLOR_RGB2HSV)
    hsv[..., 0] = (hsv[..., 0].astype(np.int16) + 15) % 180
    turned = compare_images(astronaut, cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB), with_people=False)
    assert turned.colour_shift is not None and turned.colour_shift >= T.SUMMARY_MIN_COLOUR_SHIFT
    assert "Its colours differ from the original's throughout" in turned.verdict.summary
    # Noise and blur move pixels, not colours: nothing said.
    rng = np.random.default_rng(0)
    noisy = np.clip(cv2.GaussianBlur(astronaut, (0, 0), 1.5) + rng.normal(0, 12, astronaut.shape), 0, 255).astype(np.uint8)
    plain = compare_images(astronaut, noisy, with_people=False)
    assert plain.colour_shift is not None and plain.colour_shift < T.SUMMARY_MIN_COLOUR_SHIFT
    assert "colours differ" not in plain.verdict.summary and "greyscale" not in plain.verdict.summary
    # Nor does a JPEG at quality 8: its blocks' colours are off at random, not moved throughout.
    cat = fx.source_image("chelsea", 450)
    crushed = cv2.imdecode(cv2.imencode(".jpg", cat[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 8])[1], cv2.IMREAD_COLOR)
    assert "colours differ" not in compare_images(cat, crushed[..., ::-1], with_people=False).verdict.summary
    grey = cv2.cvtColor(cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    assert "It is in greyscale, the original in colour" in compare_images(astronaut, grey, with_people=False).verdict.summary


def test_the_summary_says_what_became_of_the_marked_regions(astronaut: np.ndarray) -> None:
    from simforensics.options import UserRegion

    height, width = astronaut.shape[:2]
    signature = UserRegion("signature", (width - 120, height - 30, 100, 24))  # in the band the crop cuts away
    face = UserRegion("face", (width // 3, height // 6, width // 3, height // 3))
    cropped = astronaut[: height - 48]
    summary = compare_images(astronaut, cropped, regions=(signature, face)).verdict.summary
    assert "Marked regions: signature not in the copy; face same." in summary, summary


def test_the_summary_says_when_the_copy_has_transparent_pixels(tmp_path) -> None:
    # A PNG copy with a transparent hole: compared as shown on white, the hole is a changed area,
    # and the summary says the copy has transparent pixels (the original has none).
    from PIL import Image

    from simforensics.compare import compare_files
    from simforensics.options import CompareOptions

    cat = fx.source_image("chelsea", 320)
    Image.fromarray(cat).save(tmp_path / "original.png")
    rgba = np.dstack([cat, np.full(cat.shape[:2], 255, np.uint8)])
    rgba[40:90, 60:140, 3] = 0
    Image.fromarray(rgba, "RGBA").save(tmp_path / "holed.png")
    Image.fromarray(np.dstack([cat, np.full(cat.shape[:2], 255, np.uint8)]), "RGBA").save(tmp_path / "opaque.png")
    holed = compare_files(CompareOptions(original=str(tmp_path / "original.png"), copy=str(tmp_path / "holed.png")))
    assert holed.verdict.label == Label.LOCALLY_EDITED
    assert "It has transparent pixels, compared as shown on white" in holed.verdict.summary
    # One hole, one area, counted in the singular (was "1 area(s) changed"), called what it is:
    # nothing was painted there ("redrawn area" before).
    assert len(holed.measurement.changes.areas) == 1 and "with 1 area changed" in holed.verdict.summary
    assert holed.measurement.changes.areas[0].kind == "transparent"
    assert "transparent area at [" in holed.verdict.summary and "redrawn" not in holed.verdict.summary
    # Beside a patch painted over the opaque part, which stays redrawn.
    rgba[130:180, 180:260, :3] = fx.source_image("coffee", 320)[100:150, 100:180]
    Image.fromarray(rgba, "RGBA").save(tmp_path / "holed-and-painted.png")
    painted = compare_files(CompareOptions(original=str(tmp_path / "original.png"), copy=str(tmp_path / "holed-and-painted.png")))
    assert sorted(area.kind for area in painted.measurement.changes.areas) == ["redrawn", "transparent"], painted.verdict.summary
    opaque = compare_files(CompareOptions(original=str(tmp_path / "original.png"), copy=str(tmp_path / "opaque.png")))
    assert "transparent" not in opaque.verdict.summary
    # The other way round: a cut-out original flattened on black by whoever reposted it. Shown on
    # white, its transparent corners read as changed areas (and the black fill as a border cut
    # away): it is shown on the copy's fill instead, and the summary says so.
    cutout = np.dstack([cat, np.full(cat.shape[:2], 255, np.uint8)])
    cutout[:60, :60, 3] = 0
    cutout[-50:, -70:, 3] = 0
    Image.fromarray(cutout, "RGBA").save(tmp_path / "cutout.png")
    on_black = cat.copy()
    on_black[cutout[:, :, 3] == 0] = 0
    Image.fromarray(on_black).save(tmp_path / "on-black.jpg", quality=85)
    flattened = compare_files(CompareOptions(original=str(tmp_path / "cutout.png"), copy=str(tmp_path / "on-black.jpg")))
    assert flattened.verdict.label == Label.NEAR_DUPLICATE, flattened.verdict.summary
    assert "compared as shown on the colour the copy fills them with, RGB 0, 0, 0" in flattened.verdict.summary
    assert flattened.measurement.alignment.overlap_fraction > 0.99  # no border taken for a crop
    # Laid on another picture (no flat fill): the transparent pixels, which have no colour of their
    # own, are left out of the comparison (they read as re-rendered, 'similar', before).
    behind = fx.source_image("coffee", 320)[: cat.shape[0], : cat.shape[1]]
    on_photo = cat.copy()
    on_photo[cutout[:, :, 3] == 0] = behind[cutout[:, :, 3] == 0]
    Image.fromarray(on_photo).save(tmp_path / "on-photo.jpg", quality=85)
    laid = compare_files(CompareOptions(original=str(tmp_path / "cutout.png"), copy=str(tmp_path / "on-photo.jpg")))
    assert laid.verdict.label == Label.NEAR_DUPLICATE, laid.verdict.summary
    assert "The original has transparent pixels (the copy has none): left out of the comparison" in laid.verdict.summary
    assert (laid.measurement.change_mask[:40, :40] == 128).all()  # not compared
    # Equal pixels as shown on white are said to be so: a fully transparent picture (whatever its
    # colour channels hold) against a white one was "decode to exactly the same pixels".
    hidden = np.dstack([cat, np.zeros(cat.shape[:2], np.uint8)])
    Image.fromarray(hidden, "RGBA").save(tmp_path / "hidden.png")
    Image.fromarray(np.full_like(cat, 255)).save(tmp_path / "white.png")
    blank = compare_files(CompareOptions(original=str(tmp_path / "hidden.png"), copy=str(tmp_path / "white.png")))
    assert blank.verdict.label == Label.IDENTICAL
    assert blank.verdict.summary == ("The two files decode to exactly the same pixels as shown on white; "
                                     "only the original has transparent pixels.")



def test_a_cut_out_copy_says_its_margins_are_transparent_not_cut_away(tmp_path) -> None:
    # The cat cut out (its surround made transparent) in the original's full frame: shown on white,
    # the surround is a uniform margin, trimmed as padding, and the summary said the original's
    # sides were "cut away"; the file holds them, hidden. A true crop of the same cut-out is cut.
    import json

    from PIL import Image

    from simforensics.compare import compare_files
    from simforensics.options import CompareOptions
    from simforensics.report.json_report import compare_document, dumps

    cat = fx.source_image("chelsea", 320)
    height, width = cat.shape[:2]
    Image.fromarray(cat).save(tmp_path / "original.png")
    alpha = np.zeros((height, width), np.uint8)
    alpha[30:, 50 : width - 60] = 255
    Image.fromarray(np.dstack([cat, alpha]), "RGBA").save(tmp_path / "cut-out.png")
    Image.fromarray(cat[30:, 50 : width - 60]).save(tmp_path / "cropped.png")
    cut_out = compare_files(CompareOptions(original=str(tmp_path / "original.png"), copy=str(tmp_path / "cut-out.png")))
    assert cut_out.verdict.label.is_copy and cut_out.alignment.transparent_margins
    assert "made transparent" in cut_out.verdict.summary and "cut away" not in cut_out.verdict.summary
    assert "the top 30 px, the left 50 px and the right 60 px made transparent" in cut_out.verdict.summary
    assert json.loads(dumps(compare_document(cut_out)))["alignment"]["transparent_margins"] is True
    cropped = compare_files(CompareOptions(original=str(tmp_path / "original.png"), copy=str(tmp_path / "cropped.png")))
    assert not cropped.alignment.transparent_margins
    assert "the top 30 px, the left 50 px and the right 60 px cut away" in cropped.verdict.summary

def _with_banner(rgb: np.ndarray) -> np.ndarray:
    """A magenta banner with white lettering laid across the lower left, placed and sized by the
    picture's width (as a site or meme maker lays one on every picture it publishes)."""
    import cv2

    h, w = rgb.shape[:2]
    out = np.ascontiguousarray(rgb.copy())
    cv2.rectangle(out, (int(w * 0.05), int(h * 0.7)), (int(w * 0.6), int(h * 0.85)), (255, 0, 255), -1)
    cv2.putText(out, "COPY", (int(w * 0.08), int(h * 0.82)), cv2.FONT_HERSHEY_SIMPLEX, max(0.5, w / 400), (255, 255, 255), 2)
    return out


def test_two_flat_pictures_carrying_the_same_banner_are_not_copies() -> None:
    # A blurred clock and a flag aligned by the banner both carry: their flat areas agree in
    # pattern with anything, and a colour table fitted to the pair left "8.6 % changed", so the
    # pair read "locally-edited". Its colours outside the changes follow no global mapping.
    import cv2
    from skimage import data

    clock = np.repeat(data.clock()[:, :, None], 3, axis=2)
    flag = np.zeros((300, 500, 3), np.uint8)
    flag[:100], flag[100:200], flag[200:] = (0, 85, 164), (255, 255, 255), (239, 65, 53)
    cv2.circle(flag, (120, 150), 60, (255, 215, 0), -1)
    result = compare_images(_with_banner(clock), _with_banner(flag), with_people=False, with_derivation=False)
    assert not result.verdict.label.is_copy, result.verdict.summary
    # The banner alone on a picture is still a local edit of it.
    coffee = data.coffee()
    edited = compare_images(coffee, _with_banner(coffee), with_people=False, with_derivation=False)
    assert edited.verdict.label == Label.LOCALLY_EDITED, edited.verdict.summary
    assert edited.changes.unchanged_colour <= T.MAX_COPY_COLOUR / 4
