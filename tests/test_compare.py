"""The compare engine on real pictures: each verdict label, change masks, CLI outputs."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data

from fixtures import make_fixtures as fx
from simforensics.align import align
from simforensics.changes import localise_changes
from simforensics.compare import CompareOptions, compare_files, compare_images
from simforensics.verdict import Label


def jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(fx.jpeg_bytes(rgb, quality))).convert("RGB"))


def iou(predicted: np.ndarray, truth: np.ndarray) -> float:
    return float((predicted & truth).sum() / max(1, (predicted | truth).sum()))


@pytest.fixture(scope="module")
def signed_coffee() -> np.ndarray:
    return fx.with_signature(fx.source_image("coffee", 512))


def test_identical(signed_coffee: np.ndarray) -> None:
    result = compare_images(signed_coffee, signed_coffee.copy())
    assert result.verdict.label == "identical" and result.verdict.similarity == 1.0
    assert (result.change_mask == 0).all()


@pytest.mark.parametrize(
    "make",
    [
        lambda o: jpeg(fx.scaled(o, 0.5).rgb, 40),
        lambda o: jpeg(fx.mirrored(o).rgb, 60),
        lambda o: fx.cropped(o, (60, 40, 300, 220)).rgb,
        lambda o: fx.padded(o, 30).rgb,
        lambda o: fx.greyscale(o).rgb,
        lambda o: fx.rotated(fx.scaled(o, 0.8).rgb, 20).rgb,
        # Cropped, then turned onto a larger canvas: its white corners lie over the original's
        # picture outside the crop, and are fill, not a change.
        lambda o: jpeg(fx.scaled(fx.rotated(fx.cropped(o, (40, 30, 330, 250)).rgb, -8).rgb, 0.7).rgb, 85),
    ],
    ids=["scale-jpeg40", "mirror-jpeg60", "crop", "border", "greyscale", "scale-rotate", "crop-rotate-fill"],
)
def test_global_operations_are_near_duplicates(signed_coffee: np.ndarray, make) -> None:
    result = compare_images(signed_coffee, make(signed_coffee))
    assert result.verdict.label == "near-duplicate", result.verdict.summary
    assert 0.9 <= result.verdict.similarity < 1.0
    assert not (result.change_mask == 255).any()


def _on_white(rgb: np.ndarray) -> np.ndarray:
    """A product-shot layout: the picture on a wide white backdrop."""
    canvas = np.full((400, 520, 3), 255, np.uint8)
    canvas[40:40 + rgb.shape[0], 40:40 + rgb.shape[1]] = rgb
    return canvas


def test_a_signature_removed_from_a_white_backdrop_is_found_in_a_turned_copy() -> None:
    # The copy's canvas fill is white, like the backdrop it touches: only the canvas's corner
    # triangles are fill; the painted-out signature in the backdrop is still compared.
    plain = _on_white(fx.source_image("chelsea", 300))
    signed = fx.with_signature(plain, origin=(350, 360))
    copy = jpeg(fx.rotated(plain, 8).rgb, 90)
    result = compare_images(signed, copy)
    assert result.verdict.label == "locally-edited", result.verdict.summary
    changed = result.change_mask == 255
    assert changed[340:370, 345:500].sum() > 0.3 * changed.sum() > 0


def test_an_edit_in_a_dark_sky_is_found_whichever_picture_was_turned() -> None:
    # A night sky touching every corner is the picture, not fill: a patch painted out in it is
    # found when the original is the turned picture, as when the copy is.
    sky = cv2.resize(data.hubble_deep_field(), (480, 408), interpolation=cv2.INTER_AREA)
    edited = fx.inpainted(sky, (60, 200, 90, 70))
    turned = jpeg(fx.rotated(sky, -12).rgb, 90)
    for original, copy, edit_in_copy in ((turned, jpeg(edited.rgb, 90), True), (edited.rgb, turned, False)):
        result = compare_images(original, copy)
        assert result.verdict.label == "locally-edited", result.verdict.summary
        for area in result.changes.areas:
            x, y, w, h = area.copy_box if edit_in_copy else area.box
            assert 50 <= x and x + w <= 160 and 190 <= y and y + h <= 280, area


def test_crop_marks_the_uncovered_area_128(signed_coffee: np.ndarray) -> None:
    result = compare_images(signed_coffee, fx.cropped(signed_coffee, (100, 80, 250, 200)).rgb)
    covered = result.change_mask != 128
    ys, xs = np.nonzero(covered)
    assert (xs.min(), ys.min()) == (100, 80) and (xs.max(), ys.max()) == (349, 279)


@pytest.mark.parametrize(
    "edit",
    [
        lambda o, d: fx.pasted(o, d, (200, 60, 120, 100)),
        lambda o, d: fx.recoloured(o, (220, 90, 110, 90), 120),
        lambda o, d: fx.inpainted(o, (o.shape[1] - 160, o.shape[0] - 34, 150, 28)),  # the signature
    ],
    ids=["paste", "recolour", "signature-removed"],
)
def test_local_edits_are_found_where_they_are(signed_coffee: np.ndarray, edit) -> None:
    derived = edit(signed_coffee, fx.source_image("astronaut", 512))
    copy = jpeg(fx.scaled(derived.rgb, 0.75).rgb, 85)
    result = compare_images(signed_coffee, copy)
    assert result.verdict.label == "locally-edited", result.verdict.summary
    assert 0.7 <= result.verdict.similarity < 0.9
    assert iou(result.change_mask == 255, derived.edited_mask) >= 0.6


def test_change_mask_ignores_jpeg_and_scaling_noise_on_every_fixture_picture() -> None:
    for name in fx.SOURCES:
        original = fx.source_image(name, 480)
        copy = jpeg(fx.scaled(original, 0.6).rgb, 50)
        changes = localise_changes(original, copy, align(original, copy))
        assert changes.areas == (), name


def test_stereo_pair_is_similar_not_the_same() -> None:
    left, right = data.stereo_motorcycle()[:2]
    small = [cv2.resize(x, (480, 330), interpolation=cv2.INTER_AREA) for x in (left, right)]
    result = compare_images(*small)
    assert result.verdict.label in ("similar", "near-duplicate", "locally-edited")
    assert result.verdict.label != "identical"


@pytest.mark.parametrize("scale", [1.0, 0.32])
def test_the_other_view_of_a_stereo_pair_is_not_a_copy_with_its_background_replaced(scale: float) -> None:
    # Where the motorcycle agrees, the shelves behind it are shifted by parallax: measured again
    # from where it agrees, the pair read as a copy with 39 % replaced. Moved back by the optical
    # flow, that part agrees: the scene seen from beside, not replaced.
    left, right = data.stereo_motorcycle()[:2]
    left = cv2.resize(left, (476, 321), interpolation=cv2.INTER_AREA)
    right = cv2.resize(right, (round(476 * scale), round(321 * scale)), interpolation=cv2.INTER_AREA)
    result = compare_images(left, right, with_people=False, with_derivation=False)
    assert result.verdict.label == "similar", result.verdict.summary


def test_unrelated_pictures(signed_coffee: np.ndarray) -> None:
    for other in ("astronaut", "chelsea", "rocket"):
        result = compare_images(signed_coffee, fx.source_image(other, 512))
        assert result.verdict.label == "unrelated" and result.verdict.similarity < 0.4
        assert (result.change_mask == 128).all()


def test_similarity_ranks_copies_above_edits_above_unrelated(signed_coffee: np.ndarray) -> None:
    donor = fx.source_image("astronaut", 512)
    scores = [
        compare_images(signed_coffee, jpeg(signed_coffee, 90)).verdict.similarity,
        compare_images(signed_coffee, fx.pasted(signed_coffee, donor, (200, 60, 120, 100)).rgb).verdict.similarity,
        compare_images(signed_coffee, fx.pasted(signed_coffee, donor, (50, 40, 400, 300)).rgb).verdict.similarity,
        compare_images(signed_coffee, donor).verdict.similarity,
    ]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4


def test_cli_writes_contract_json_and_mask_deterministically(tmp_path: Path, signed_coffee: np.ndarray) -> None:
    derived = fx.pasted(signed_coffee, fx.source_image("rocket", 512), (200, 60, 120, 100))
    original, copy = tmp_path / "original.png", tmp_path / "copy.jpg"
    Image.fromarray(signed_coffee).save(original)
    Image.fromarray(fx.scaled(derived.rgb, 0.5).rgb).save(copy, quality=85)
    documents = []
    for run in ("a", "b"):
        out, mask = tmp_path / f"{run}.json", tmp_path / f"{run}.png"
        done = subprocess.run([sys.executable, "-m", "simforensics", "compare", str(original), str(copy),
                               "--json", str(out), "--mask", str(mask), "--region", "cup=200,60,120,100", "-q"],
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        document = json.loads(out.read_text())
        document.pop("run")
        documents.append((document, Image.open(mask).copy()))
    (first, first_mask), (second, second_mask) = documents
    assert first == second and np.array_equal(np.asarray(first_mask), np.asarray(second_mask))
    assert first["verdict"]["label"] == "locally-edited"
    assert first["alignment"]["aligned"] and first["alignment"]["matrix"][0][0] == pytest.approx(2.0, rel=0.01)
    regions = {r["name"]: r for r in first["regions"]}
    assert regions["cup"]["source"] == "user" and regions["cup"]["verdict"] == "different"
    # No person in a coffee cup: the grid stands in, and the cell holding the edit is the worst.
    assert first["people"]["original"]["person_found"] is False
    assert regions["top"]["verdict"] in ("similar", "different") and regions["bottom-left"]["verdict"] == "same"
    # The copy is half size, so the outline is coarse: the box must hold the edit, and not be
    # more than twice its size.
    x, y, w, h = first["changes"][0]["box"]
    assert x <= 204 and y <= 64 and x + w >= 316 and y + h >= 156
    assert w * h <= 2 * 120 * 100
    assert first_mask.mode == "L" and first_mask.size == (signed_coffee.shape[1], signed_coffee.shape[0])
    assert set(np.unique(np.asarray(first_mask))) <= {0, 128, 255}


def test_hole_filling_equals_scipys() -> None:
    # changes.fill_holes replaces scipy.ndimage.binary_fill_holes for speed: same result on
    # masks from sparse to dense, with holes at the border and nested rings.
    from scipy import ndimage

    from simforensics.changes import fill_holes

    rng = np.random.default_rng(7)
    for trial in range(200):
        h, w = (int(v) for v in rng.integers(1, 48, 2))
        mask = rng.random((h, w)) < rng.uniform(0.05, 0.95)
        if trial % 2:
            mask = ndimage.binary_closing(mask)
        assert np.array_equal(fill_holes(mask), ndimage.binary_fill_holes(mask)), trial
    rings = np.zeros((21, 21), bool)
    rings[2:19, 2:19], rings[4:17, 4:17], rings[6:15, 6:15], rings[8:13, 8:13] = True, False, True, False
    assert fill_holes(rings)[2:19, 2:19].all() and not fill_holes(rings)[:2].any()


def test_a_prepared_picture_kept_between_pairs_gives_each_pair_its_own_verdict(signed_coffee: np.ndarray) -> None:
    # scan keeps one PreparedPicture per file across its pairs: whatever was found for an earlier
    # pair (features upright and mirrored, hashes) must give the verdict a fresh comparison gives.
    from simforensics.compare import PreparedPicture, compare_prepared

    copies = [
        jpeg(fx.mirrored(signed_coffee).rgb, 60),  # makes the original's upright features and more
        fx.pasted(signed_coffee, fx.source_image("astronaut", 512), (200, 60, 120, 100)).rgb,
        fx.source_image("astronaut", 512),
    ]
    kept = PreparedPicture(signed_coffee)
    kept_copies = [PreparedPicture(c) for c in copies]
    for copy, kept_copy in zip(copies, kept_copies, strict=True):
        for first, second in ((kept, kept_copy), (kept_copy, kept)):  # each picture on either side
            fresh = compare_images(first.rgb, second.rgb, with_people=False, report_measures=False)
            reused = compare_prepared(first, second, with_people=False, report_measures=False)
            assert reused.verdict == fresh.verdict
            np.testing.assert_array_equal(reused.alignment.matrix, fresh.alignment.matrix)
            np.testing.assert_array_equal(reused.change_mask, fresh.change_mask)
    assert [compare_prepared(kept, c, with_people=False).verdict.label for c in kept_copies] == [
        "near-duplicate", "locally-edited", "unrelated"]


def test_the_colour_fit_looks_up_the_lattice_a_whole_refined_table_would_hold() -> None:
    # changes.refined_lattice makes only the refined nodes pixels look up; each must equal the
    # node of the whole table refined axis by axis (new nodes the midpoints of old ones).
    from simforensics.changes import refined_lattice

    rng = np.random.default_rng(3)
    table = rng.normal(0, 40, (5, 5, 5, 3))
    whole = table
    for axis in range(3):
        whole = np.moveaxis(whole, axis, 0)
        finer = np.empty((2 * whole.shape[0] - 1, *whole.shape[1:]))
        finer[0::2], finer[1::2] = whole, 0.5 * (whole[:-1] + whole[1:])
        whole = np.moveaxis(finer, 0, axis)
    nodes = np.arange(9**3)
    np.testing.assert_array_equal(refined_lattice(table, nodes), whole.reshape(-1, 3))
    some = rng.choice(nodes, 50)
    np.testing.assert_array_equal(refined_lattice(table, some), whole.reshape(-1, 3)[some])


def test_a_grey_original_against_its_colour_picture_is_a_near_duplicate_and_an_edit_still_shows(
        signed_coffee: np.ndarray) -> None:
    # With the grey picture as ORIGINAL, no colour mapping of it predicts the colours: colour is
    # compared only when both pictures have some (a scan may put either side first).
    grey = jpeg(fx.greyscale(signed_coffee).rgb, 90)
    result = compare_images(grey, signed_coffee)
    assert result.verdict.label == "near-duplicate", result.verdict.summary
    assert not (result.change_mask == 255).any()
    edited = fx.pasted(signed_coffee, fx.source_image("astronaut", 512), (200, 60, 120, 100))
    result = compare_images(grey, edited.rgb)
    assert result.verdict.label == "locally-edited", result.verdict.summary
    assert iou(result.change_mask == 255, edited.edited_mask) >= 0.6


def test_byte_identical_files_are_called_so_and_same_pixels_in_two_formats_are_not(tmp_path: Path) -> None:
    chelsea = fx.source_image("chelsea")
    Image.fromarray(chelsea).save(tmp_path / "cat.png")
    (tmp_path / "cat-again.png").write_bytes((tmp_path / "cat.png").read_bytes())
    Image.fromarray(chelsea).save(tmp_path / "cat.bmp")
    same_bytes = compare_files(CompareOptions(original=str(tmp_path / "cat.png"), copy=str(tmp_path / "cat-again.png")))
    assert same_bytes.verdict.label == Label.IDENTICAL
    assert same_bytes.verdict.summary.startswith("The two files are byte-for-byte the same (equal SHA-256)")
    same_pixels = compare_files(CompareOptions(original=str(tmp_path / "cat.png"), copy=str(tmp_path / "cat.bmp")))
    assert same_pixels.verdict.label == Label.IDENTICAL
    assert same_pixels.verdict.summary == "The two files decode to exactly the same pixels."
