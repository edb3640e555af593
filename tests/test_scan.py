"""Scan: each transform family found, --against, the cache (re-scan, one new picture, interruption,
corruption), bad files mixed in, evidence left untouched."""

from __future__ import annotations

import json
import os
import pickle
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps
from skimage import data

from fixtures import make_fixtures as fx
from simforensics.resample import shrink_to_side
from simforensics.scan import ScanOptions, scan_folders
from simforensics.scan.cache import ScanCache
from simforensics.verdict import Label

from .conftest import copy_of_the_package, snapshot

# Each family: a copy made from the astronaut original, as the scan must find it.
FAMILIES = ("crop-half", "mirror", "rotate-12", "rescale-0.4", "jpeg-q35", "border", "overlay", "redraw", "crop-mirror")


def _overlay(rgb: np.ndarray) -> np.ndarray:
    """A semi-transparent banner with text across the lower third."""
    out = rgb.astype(np.float32)
    h, w = rgb.shape[:2]
    out[int(0.62 * h) : int(0.78 * h)] = 0.45 * out[int(0.62 * h) : int(0.78 * h)] + 0.55 * 255
    out = out.astype(np.uint8)
    cv2.putText(out, "REPOSTED", (int(0.08 * w), int(0.74 * h)), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 3)
    return out


def _copy(family: str, original: np.ndarray, donor: np.ndarray) -> np.ndarray:
    h, w = original.shape[:2]
    if family == "crop-half":  # half the area, off-centre
        return fx.cropped(original, (int(0.25 * w), int(0.05 * h), int(0.71 * w), int(0.71 * h))).rgb
    if family == "mirror":
        return fx.mirrored(original).rgb
    if family == "rotate-12":
        return fx.rotated(original, 12).rgb
    if family == "rescale-0.4":
        return fx.scaled(original, 0.4).rgb
    if family == "jpeg-q35":
        return np.asarray(Image.open(__import__("io").BytesIO(fx.jpeg_bytes(original, 35))).convert("RGB"))
    if family == "border":
        return fx.padded(original, 40, 255).rgb
    if family == "overlay":
        return _overlay(original)
    if family == "redraw":  # a fifth of the picture replaced from another picture
        return fx.pasted(original, donor, (int(0.3 * w), int(0.2 * h), int(0.45 * w), int(0.45 * h))).rgb
    if family == "crop-mirror":
        return fx.mirrored(fx.cropped(original, (0, int(0.2 * h), int(0.75 * w), int(0.75 * h))).rgb).rgb
    raise AssertionError(family)


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The astronaut original, one copy per family, two unrelated pictures and some bad files."""
    folder = tmp_path_factory.mktemp("gallery")
    original = fx.source_image("astronaut")
    donor = fx.source_image("coffee")
    Image.fromarray(original).save(folder / "original.png")
    (folder / "copies").mkdir()
    for family in FAMILIES:
        Image.fromarray(_copy(family, original, donor)).save(folder / "copies" / f"{family}.jpg", quality=90)
    Image.fromarray(fx.source_image("chelsea")).save(folder / "cat.png")
    Image.fromarray(fx.source_image("rocket")).save(folder / "rocket.webp")
    (folder / "truncated.jpg").write_bytes(fx.jpeg_bytes(original, 90)[:2000])
    (folder / "notes.png").write_text("a text file named like a picture")
    (folder / "empty.jpg").write_bytes(b"")
    os.mkfifo(folder / "pipe.png")
    (folder / "copies" / "loop").symlink_to(folder, target_is_directory=True)
    return folder


@pytest.fixture(scope="module")
def scanned(gallery: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    cache = tmp_path_factory.mktemp("cache") / "scan.sqlite"
    out = tmp_path_factory.mktemp("out") / "scan.json"
    before = snapshot([p for p in gallery.rglob("*") if p.is_file() and not p.is_symlink() and p.name != "pipe.png"])
    result = subprocess.run(
        [sys.executable, "-m", "simforensics", "scan", str(gallery), "--cache", str(cache), "--json", str(out),
         "--workers", "2"], capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stderr
    after = snapshot([Path(p) for p in before])
    assert after == before  # evidence is read-only: bytes and modification times unchanged
    return {"document": json.loads(out.read_text()), "cache": cache, "stdout": result.stdout}


def _matched(document: dict) -> set[frozenset[str]]:
    return {frozenset((Path(p["a"]).name, Path(p["b"]).name)) for p in document["pairs"] if p["match"]}


@pytest.mark.parametrize("family", FAMILIES)
def test_each_transform_family_is_found(scanned: dict, family: str) -> None:
    pairs = {frozenset((Path(p["a"]).name, Path(p["b"]).name)): p for p in scanned["document"]["pairs"]}
    pair = pairs.get(frozenset(("original.png", f"{family}.jpg")))
    assert pair is not None, f"{family}: not even a candidate"
    assert pair["match"] and pair["similarity"] >= 0.7, pair
    expected = {"redraw": "locally-edited"}.get(family)
    if expected:
        assert pair["label"] == expected, pair


def test_unrelated_pictures_are_not_matched_and_all_copies_form_one_group(scanned: dict, gallery: Path) -> None:
    document = scanned["document"]
    for pair in _matched(document):
        assert not pair & {"cat.png", "rocket.webp"}, pair
    assert document["images"] == 1 + len(FAMILIES) + 2
    assert len(document["groups"]) == 1
    assert {Path(p).name for p in document["groups"][0]} == {"original.png"} | {f"{f}.jpg" for f in FAMILIES}
    similarities = [p["similarity"] for p in document["pairs"]]
    assert similarities == sorted(similarities, reverse=True)


def test_bad_files_are_listed_and_the_scan_goes_on(scanned: dict, gallery: Path) -> None:
    errors = {Path(e["path"]).name: e["error"] for e in scanned["document"]["errors"]}
    assert set(errors) == {"truncated.jpg", "notes.png", "empty.jpg", "pipe.png"}
    assert "truncated" in errors["truncated.jpg"]
    assert "not a recognised image" in errors["notes.png"]
    assert "not a regular file" in errors["pipe.png"]


def test_rescan_reads_nothing_again(scanned: dict, gallery: Path) -> None:
    again = scan_folders(ScanOptions(folders=(str(gallery),), cache_path=str(scanned["cache"])))
    assert again.stats.decoded == 0 and again.stats.verified == 0
    assert again.stats.from_cache == again.stats.files
    first = [(p["a"], p["b"], p["similarity"], p["label"]) for p in scanned["document"]["pairs"]]
    assert [(p.a, p.b, p.similarity, p.label) for p in again.pairs] == first


def test_one_new_picture_is_queried_against_the_cache_without_a_rescan(scanned: dict, gallery: Path, tmp_path: Path) -> None:
    new = tmp_path / "found-online.jpg"
    Image.fromarray(fx.scaled(fx.mirrored(fx.source_image("astronaut")).rgb, 0.7).rgb).save(new, quality=80)
    started = time.perf_counter()
    result = scan_folders(ScanOptions(folders=(str(new),), against=(str(gallery),), cache_path=str(scanned["cache"])))
    elapsed = time.perf_counter() - started
    assert result.stats.decoded == 1  # only the new picture; the folder's features come from the cache
    # Each match pairs the new picture with one of the folder's; the likelier original goes first
    # (the folder's original before this reduced copy of it).
    assert all(str(new) in (p.a, p.b) for p in result.pairs if p.match)
    assert next(p for p in result.pairs if p.match and "original.png" in (Path(p.a).name, Path(p.b).name)).b == str(new)
    assert all(str(new) in (p.a, p.b) for p in result.pairs)  # only pairs across the two sets
    assert elapsed < 30


def test_each_verdict_names_the_step_that_settled_it(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    cat = fx.source_image("chelsea")
    Image.fromarray(cat).save(folder / "cat.png")
    (folder / "cat-again.png").write_bytes((folder / "cat.png").read_bytes())  # the same bytes
    Image.fromarray(fx.scaled(cat, 0.6).rgb).save(folder / "cat-small.jpg", quality=85)
    Image.fromarray(fx.painted(cat, "oil")).save(folder / "cat-oil.jpg", quality=90)  # a restyle, no copy
    posted = np.full((cat.shape[0], cat.shape[1] * 2, 3), (40, 60, 200), np.uint8)  # set into a frame twice as wide
    posted[:, : cat.shape[1]] = cat
    Image.fromarray(posted).save(folder / "cat-posted.jpg", quality=90)
    cache = str(tmp_path / "scan.sqlite")
    result = scan_folders(ScanOptions(folders=(str(folder),), cache_path=cache))
    pairs = {frozenset((Path(p.a).name, Path(p.b).name)): p for p in result.pairs}
    # Each pair says how much of each picture the other shows: all of the cat, half of the frame.
    framed = pairs[frozenset(("cat.png", "cat-posted.jpg"))]
    shares = dict(zip((Path(framed.a).name, Path(framed.b).name), framed.covered, strict=True))
    assert shares["cat.png"] > 0.97 and abs(shares["cat-posted.jpg"] - 0.5) < 0.03, shares
    same = pairs[frozenset(("cat.png", "cat-again.png"))]
    assert (same.label, same.settled_by) == (Label.IDENTICAL, "sha256")
    smaller = pairs[frozenset(("cat.png", "cat-small.jpg"))]
    assert smaller.match and smaller.settled_by == "full"
    assert Path(smaller.a).name == "cat.png" and smaller.original_side == "a"  # the reduction came second
    # Which came first is asked only of copies (the restyle is a candidate, not a copy).
    others = [p for p in result.pairs if not p.label.is_copy]
    assert others and all(p.original_side == "undetermined" and p.settled_by == "full" for p in others)
    assert dict(result.stats.settled_by)["sha256"] == 1
    assert sum(count for _, count in result.stats.settled_by) == result.stats.verified == len(result.pairs)
    # A verdict from the cache keeps the step that gave it.
    again = scan_folders(ScanOptions(folders=(str(folder),), cache_path=cache))
    assert again.stats.settled_by == (("sha256", 1), ("full", 0))  # the same bytes are known again at no cost
    assert {(p.a, p.b, p.settled_by, p.covered) for p in again.pairs} == {(p.a, p.b, p.settled_by, p.covered)
                                                                          for p in result.pairs}


def test_a_folder_scanned_against_itself_says_why_it_has_no_pairs(tmp_path: Path) -> None:
    cat = fx.source_image("chelsea", 200)
    Image.fromarray(cat).save(tmp_path / "cat.png")
    Image.fromarray(fx.scaled(cat, 0.8).rgb).save(tmp_path / "cat-small.jpg", quality=90)
    itself = scan_folders(ScanOptions(folders=(str(tmp_path),), against=(str(tmp_path),), cache_path=None))
    assert itself.pairs == () and any("also under --against" in w for w in itself.warnings)
    one = scan_folders(ScanOptions(folders=(str(tmp_path / "cat-small.jpg"),), against=(str(tmp_path / "cat.png"),),
                                   cache_path=None))
    assert [p.match for p in one.pairs] == [True] and one.warnings == ()


def test_a_cached_scan_follows_the_max_pixels_of_the_run(tmp_path: Path) -> None:
    # The cache kept a refusal under a low --max-pixels, and the next scan at the default limit
    # skipped both pictures, telling the user to raise a limit they had not set; the other way
    # round, features cached earlier were used beyond a lower limit.
    folder = tmp_path / "pictures"
    folder.mkdir()
    cat = fx.source_image("chelsea", 200)
    Image.fromarray(cat).save(folder / "cat.png")
    Image.fromarray(fx.scaled(cat, 0.8).rgb).save(folder / "cat-small.jpg", quality=90)
    cache = str(tmp_path / "scan.sqlite")

    def scanned(max_pixels: int) -> tuple[int, int, int, list[str]]:
        result = scan_folders(ScanOptions(folders=(str(folder),), cache_path=cache, max_pixels=max_pixels))
        return result.images, sum(p.match for p in result.pairs), result.stats.from_cache, \
            [f"{Path(path).name}: {reason}" for path, reason in result.errors]

    low = 100 * 100
    pictures, matches, _, reasons = scanned(low)
    assert (pictures, matches) == (0, 0) and len(reasons) == 2 and all("exceeds the limit" in r for r in reasons)
    assert scanned(250_000_000)[:2] == (2, 1)
    assert scanned(250_000_000) == (2, 1, 2, [])  # now from the cache
    pictures, _, from_cache, reasons = scanned(low)
    assert (pictures, from_cache, len(reasons)) == (0, 0, 2)
    pictures, _, _, reasons = scanned(160 * 160)  # between the two sizes (200 x 133 and 160 x 106)
    assert pictures == 1 and len(reasons) == 1 and reasons[0].startswith("cat.png: 200 x 133")


def test_colour_laid_on_a_grey_picture_is_a_local_edit_whatever_the_file_names(tmp_path: Path) -> None:
    # A warm tint that keeps the grey levels, over the grey cameraman's coat. Equal sizes are
    # verified in path order; names that put the tinted copy first made its removal a global change.
    grey = cv2.resize(np.repeat(data.camera()[:, :, None], 3, axis=2), (320, 320), interpolation=cv2.INTER_AREA)
    tinted = grey.astype(np.float32)
    tinted[150:260, 60:200] *= np.array([1.25, 0.95, 0.6], np.float32)  # luma weights sum to 1.0
    labels = {}
    for first, second in (("a-tinted.png", "b-grey.png"), ("b-tinted.png", "a-grey.png")):
        folder = tmp_path / first
        folder.mkdir()
        Image.fromarray(tinted.astype(np.uint8)).save(folder / first)
        Image.fromarray(grey).save(folder / second)
        (pair,) = scan_folders(ScanOptions(folders=(str(folder),), cache_path=None)).pairs
        assert pair.original_side == "undetermined" or Path(pair.a).name == second  # the grey one came first
        labels[first] = pair.label
    assert labels == {"a-tinted.png": Label.LOCALLY_EDITED, "b-tinted.png": Label.LOCALLY_EDITED}


def test_two_grey_pictures_each_with_colour_in_places_are_verified(tmp_path: Path) -> None:
    # Screenshots of grey pictures in one app's frame (a coloured avatar and button): each is a
    # grey picture with colour in places, so each pair was turned to be compared the other way
    # round, again and again, until the scan stopped with a RecursionError.
    def screenshot(picture: np.ndarray) -> np.ndarray:
        frame = np.full((640, 360, 3), 250, np.uint8)
        frame[80:350] = cv2.resize(np.repeat(picture[:, :, None], 3, axis=2), (360, 270), interpolation=cv2.INTER_AREA)
        cv2.circle(frame, (30, 50), 15, (200, 60, 90), -1)  # the account's avatar
        frame[600:625, 250:340] = (29, 161, 242)  # a "follow" button
        return frame

    for name, picture in (("camera", data.camera()), ("coins", data.coins()), ("moon", data.moon())):
        Image.fromarray(screenshot(picture)).save(tmp_path / f"shot-{name}.png")
    result = scan_folders(ScanOptions(folders=(str(tmp_path),), cache_path=None))
    assert (result.images, result.errors) == (3, ())
    assert result.stats.verified >= 1  # the frames alone make them candidates
    assert all(not pair.label.is_copy for pair in result.pairs), [(pair.a, pair.b, pair.summary) for pair in result.pairs]


def test_an_enlarged_copy_is_described_as_enlarged_from_the_original_listed_first(tmp_path: Path) -> None:
    # Verified larger picture first, the summary read "resized to 70 % of the original's size"
    # under the smaller picture listed as the original; and the sizes are of reduced pictures.
    chelsea = Image.fromarray(data.chelsea())  # 451 x 300
    chelsea.save(tmp_path / "chelsea.png")
    chelsea.resize((902, 600), Image.Resampling.BICUBIC).save(tmp_path / "enlarged.jpg", quality=90)
    (pair,) = scan_folders(ScanOptions(folders=(str(tmp_path),), cache_path=None)).pairs
    assert (Path(pair.a).name, pair.original_side, pair.label) == ("chelsea.png", "a", Label.NEAR_DUPLICATE)
    resized = re.search(r"resized to (\d+)% of the original's size", pair.summary)
    assert resized and int(resized.group(1)) > 100, pair.summary
    assert "(in full: 451 x 300 and 902 x 600 px)" in pair.summary


@pytest.mark.parametrize("name", ["chelsea", "coffee"])
def test_two_copies_whose_tone_edits_lose_detail_one_way_are_near_duplicates(tmp_path: Path, name: str) -> None:
    # One copy's contrast raised until its highlights clip, the other equalised: compared with
    # the clipped one as the original, the other's detail there read as new ("locally-edited");
    # the other way round one global mapping explains it. Each is a near-duplicate of the
    # original as well.
    original = Image.fromarray(fx.source_image(name, 480))
    original.save(tmp_path / "original.png")
    ImageEnhance.Contrast(original).enhance(1.8).save(tmp_path / "contrast.jpg", quality=75)
    ImageOps.equalize(original).save(tmp_path / "equalised.jpg", quality=85)
    result = scan_folders(ScanOptions(folders=(str(tmp_path),), cache_path=None))
    labels = {frozenset(Path(p).name for p in (pair.a, pair.b)): pair.label for pair in result.pairs if pair.match}
    assert labels == {frozenset(pair): Label.NEAR_DUPLICATE for pair in (
        ("original.png", "contrast.jpg"), ("original.png", "equalised.jpg"), ("contrast.jpg", "equalised.jpg"))}


def test_a_photographic_negative_is_found_and_called_a_copy(tmp_path: Path) -> None:
    # Its PDQ is the complement of the original's: no rotation or mirror variant comes near it.
    chelsea, coffee = fx.source_image("chelsea", 320), fx.source_image("coffee", 320)
    Image.fromarray(chelsea).save(tmp_path / "chelsea.png")
    Image.fromarray(255 - chelsea).save(tmp_path / "negative.jpg", quality=90)
    Image.fromarray(coffee).save(tmp_path / "coffee.png")
    result = scan_folders(ScanOptions(folders=(str(tmp_path),), cache_path=None))
    matched = {frozenset(Path(p).name for p in (pair.a, pair.b)): pair.label for pair in result.pairs if pair.match}
    assert matched == {frozenset({"chelsea.png", "negative.jpg"}): Label.NEAR_DUPLICATE}


def test_copies_with_two_fifths_replaced_are_found_and_called_locally_edited(tmp_path: Path) -> None:
    # A busy texture over two fifths of a picture drew every strong corner there: these copies
    # were never proposed. Verification then reads the replaced part as a large edit
    # (changes.LARGE_EDIT_*). Each copy has its own texture, so the copies share nothing.
    for name, texture in (("rocket", "grass"), ("moon", "gravel")):
        picture = getattr(data, name)()
        original = picture if picture.ndim == 3 else np.repeat(picture[:, :, None], 3, axis=2)
        original = shrink_to_side(original, 640)
        h, w = original.shape[:2]
        filler = np.repeat(cv2.resize(getattr(data, texture)(), (w, h), interpolation=cv2.INTER_AREA)[:, :, None], 3, axis=2)
        weight = np.zeros((h, w), np.float32)
        weight[:, : int(0.4 * w)] = 1
        weight = cv2.GaussianBlur(weight, (0, 0), 3)[:, :, None]
        copy = (original * (1 - weight) + filler * weight + 0.5).astype(np.uint8)
        Image.fromarray(original).save(tmp_path / f"{name}.png")
        Image.fromarray(copy).save(tmp_path / f"{name}-{texture}.jpg", quality=88)
    result = scan_folders(ScanOptions(folders=(str(tmp_path),), cache_path=None))
    matched = {frozenset(Path(p).name for p in (pair.a, pair.b)): pair.label for pair in result.pairs if pair.match}
    assert matched == {frozenset({"rocket.png", "rocket-grass.jpg"}): Label.LOCALLY_EDITED,
                       frozenset({"moon.png", "moon-gravel.jpg"}): Label.LOCALLY_EDITED}


def test_against_matches_only_across_the_two_sets(tmp_path: Path) -> None:
    portfolio, gallery = tmp_path / "portfolio", tmp_path / "app-gallery"
    portfolio.mkdir()
    gallery.mkdir()
    cat = fx.source_image("chelsea")
    Image.fromarray(cat).save(portfolio / "cat.png")
    Image.fromarray(fx.source_image("coffee")).save(portfolio / "coffee.png")
    # Two copies of the same picture inside the gallery: related to each other, but not across sets.
    Image.fromarray(fx.source_image("astronaut")).save(gallery / "a1.png")
    Image.fromarray(fx.scaled(fx.source_image("astronaut"), 0.6).rgb).save(gallery / "a2.jpg")
    Image.fromarray(fx.cropped(cat, (20, 10, 240, 180)).rgb).save(gallery / "cat-crop.jpg", quality=85)
    result = scan_folders(ScanOptions(folders=(str(gallery),), against=(str(portfolio),), cache_path=None))
    matched = {(Path(p.a).name, Path(p.b).name) for p in result.pairs if p.match}
    assert matched == {("cat.png", "cat-crop.jpg")}
    for pair in result.pairs:  # the reference side is always "a"
        assert Path(pair.a).parent == portfolio and Path(pair.b).parent == gallery


def _cat_and_its_mirror(tmp_path: Path) -> Path:
    folder = tmp_path / "pictures"
    folder.mkdir()
    Image.fromarray(fx.source_image("chelsea")).save(folder / "cat.png")
    Image.fromarray(fx.mirrored(fx.source_image("chelsea")).rgb).save(folder / "cat-mirror.jpg")
    return folder


def test_a_corrupt_cache_is_moved_aside_and_rebuilt_with_a_warning(tmp_path: Path) -> None:
    folder = _cat_and_its_mirror(tmp_path)
    cache = tmp_path / "scan.sqlite"
    cache.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    result = subprocess.run([sys.executable, "-m", "simforensics", "scan", str(folder), "--cache", str(cache),
                             "--json", str(tmp_path / "out.json")], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "warning" in result.stderr and "rebuilt" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "scan.sqlite.corrupt").exists()
    document = json.loads((tmp_path / "out.json").read_text())
    assert [p["match"] for p in document["pairs"]] == [True]
    # The rebuilt cache is sound and serves the next run.
    again = scan_folders(ScanOptions(folders=(str(folder),), cache_path=str(cache)))
    assert again.stats.decoded == 0 and not again.warnings


def test_a_damaged_feature_record_is_computed_again_with_a_warning(tmp_path: Path) -> None:
    folder = _cat_and_its_mirror(tmp_path)
    cache = tmp_path / "scan.sqlite"
    first = scan_folders(ScanOptions(folders=(str(folder),), cache_path=str(cache)))
    with sqlite3.connect(cache) as db:
        path, blob = db.execute("SELECT path, features FROM files WHERE path LIKE '%cat.png'").fetchone()
        damaged = bytearray(blob)
        damaged[len(damaged) // 2] ^= 0xFF
        db.execute("UPDATE files SET features = ? WHERE path = ?", (bytes(damaged), path))
    again = scan_folders(ScanOptions(folders=(str(folder),), cache_path=str(cache)))
    assert again.stats.decoded == 1 and again.stats.from_cache == 1
    assert [w for w in again.warnings if "damaged feature record" in w]
    assert [(p.a, p.b, p.similarity, p.match) for p in again.pairs] == [(p.a, p.b, p.similarity, p.match) for p in first.pairs]
    third = scan_folders(ScanOptions(folders=(str(folder),), cache_path=str(cache)))  # the record was rewritten
    assert third.stats.decoded == 0 and not third.warnings


def test_a_cache_that_cannot_be_made_is_refused_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    Image.fromarray(fx.source_image("chelsea")).save(folder / "cat.png")
    (tmp_path / "a-file").write_text("not a folder")
    result = subprocess.run([sys.executable, "-m", "simforensics", "scan", str(folder),
                             "--cache", str(tmp_path / "a-file" / "scan.sqlite")],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "--cache" in result.stderr and "cannot be used" in result.stderr


def test_a_system_error_in_a_scan_is_not_blamed_on_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from typer.testing import CliRunner

    import simforensics.scan
    from simforensics.cli import app

    def out_of_processes(*_: object) -> None:
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(simforensics.scan, "scan_folders", out_of_processes)
    (tmp_path / "pictures").mkdir()
    result = CliRunner().invoke(app, ["scan", str(tmp_path / "pictures"), "--cache", str(tmp_path / "scan.sqlite")])
    assert result.exit_code == 1
    message = result.output.strip()
    assert message == "simforensics: scan stopped by a system error: Resource temporarily unavailable", message


def test_a_cache_of_another_schema_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE something (x)")
    cache = ScanCache.open(str(path))
    assert cache.warning is not None and "not a simforensics scan cache" in cache.warning
    cache.close()


def test_verdicts_cached_by_another_engine_are_not_reused(tmp_path: Path) -> None:
    # The cache's engine key covers every source of the package: a fix to scan's own verification
    # (once outside the key) must drop the verdicts the code before it gave.
    from simforensics.environment import engine_fingerprint
    from simforensics.scan.cache import ENGINE_VERSION

    assert engine_fingerprint() in ENGINE_VERSION
    path = str(tmp_path / "scan.sqlite")
    cache = ScanCache.open(path)
    cache.put_pair("a" * 64, "b" * 64, 0.9, Label.NEAR_DUPLICATE, "A verdict of this engine.", covered=(0.25, 1.0))
    # A row whose label is no label of ours (a damaged cache) is not a verdict: it is made again.
    cache.put_pair("c" * 64, "d" * 64, 0.9, "copy-ish", "Not a verdict of this engine.")
    assert cache.pair("a" * 64, "b" * 64) == (0.9, Label.NEAR_DUPLICATE, "A verdict of this engine.", "undetermined", 0.5,
                                             "full", (0.25, 1.0))
    assert cache.pair("c" * 64, "d" * 64) is None
    cache.close()
    engine = copy_of_the_package(tmp_path / "engine")
    read_verdict = ("import sys, simforensics\nfrom simforensics.scan.cache import ScanCache\n"
                    "print(simforensics.__file__)\nfound = ScanCache.open(sys.argv[1]).pair('a' * 64, 'b' * 64)\n"
                    "print(found and (found[0], str(found[1]), found[2]))\n")

    def verdict_the_copy_finds() -> str:
        done = subprocess.run([sys.executable, "-c", read_verdict, path], cwd=engine.parent, capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        module, verdict = done.stdout.splitlines()
        assert Path(module).is_relative_to(engine)  # the copy ran, not the package under test
        return verdict

    assert verdict_the_copy_finds() == "(0.9, 'near-duplicate', 'A verdict of this engine.')"
    verify = engine / "scan" / "verify.py"
    verify.write_text(verify.read_text(encoding="utf-8") + "\n# a fix\n", encoding="utf-8")
    assert verdict_the_copy_finds() == "None"


def _noise_pictures(folder: Path, count: int) -> None:
    """Distinct pictures (smoothed noise) that share nothing, so the scan's work is all reading."""
    rng = np.random.default_rng(5)
    for i in range(count):
        noise = rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)
        picture = cv2.resize(noise, (256, 192), interpolation=cv2.INTER_CUBIC)
        Image.fromarray(picture).save(folder / f"{i:04d}.jpg", quality=85)


def _stopped_after_commits(command: list[str], cache: Path, stop: signal.Signals) -> tuple[int, str, int]:
    """Run ``command``, send ``stop`` once its cache holds 128 files; its exit code, its stderr,
    and how many files the cache held then."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    committed = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with sqlite3.connect(f"file:{cache}?mode=ro", uri=True, timeout=1) as db:
                committed = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
        except sqlite3.Error:
            committed = 0
        if committed >= 128:
            process.send_signal(stop)
            break
        time.sleep(0.02)
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr, committed


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["interrupted", "killed"])
def test_an_interrupted_scan_resumes_from_its_cache_to_the_same_result(tmp_path: Path, stop: signal.Signals) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    # Enough files that the scan is still reading when the signal comes, even on a busy machine
    # where this test notices the cache's first commits late (300 files were read before it).
    count = 900
    _noise_pictures(folder, count)
    for i in (7, 450, 890):  # a few copies, so that the result has pairs to agree on
        with Image.open(folder / f"{i:04d}.jpg") as picture:
            picture.resize((200, 150)).save(folder / f"copy-{i:04d}.jpg", quality=80)
    cache = tmp_path / "scan.sqlite"
    # Started with Ctrl-C's default meaning restored (then the scan itself): a runner that starts
    # the suite in the background, with no job control, leaves SIGINT ignored, which the scan
    # would inherit and never stop on.
    with_ctrl_c = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                   "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")
    command = [sys.executable, "-c", with_ctrl_c, "-m", "simforensics", "scan", str(folder), "--cache", str(cache),
               "--workers", "1", "-q"]
    expected = 130 if stop == signal.SIGINT else -signal.SIGKILL  # Ctrl-C: a clean stop, one line
    returncode, stderr, committed = _stopped_after_commits(command, cache, stop)
    assert returncode == expected, f"the scan was not stopped while reading (exit {returncode}): {stderr}"
    assert "Traceback" not in stderr
    resumed = scan_folders(ScanOptions(folders=(str(folder),), cache_path=str(cache)))
    assert resumed.stats.from_cache >= committed >= 128
    assert resumed.stats.from_cache + resumed.stats.decoded == count + 3
    assert resumed.stats.decoded > 0 and resumed.images == count + 3 and not resumed.warnings
    uninterrupted = scan_folders(ScanOptions(folders=(str(folder),), cache_path=None))
    assert resumed.pairs == uninterrupted.pairs and resumed.groups == uninterrupted.groups
    assert len([p for p in resumed.pairs if p.match]) == 3


def test_the_jobs_results_arrive_whole_through_pickle(tmp_path: Path) -> None:
    # A process pool and Dask both pickle each result to bring it back to the engine.
    from simforensics.evidence import DEFAULT_MAX_PIXELS
    from simforensics.scan.jobs import extract, verify

    folder = _cat_and_its_mirror(tmp_path)
    cat, mirror, missing = (str(folder / name) for name in ("cat.png", "cat-mirror.jpg", "missing.png"))
    read, refused = extract((cat, DEFAULT_MAX_PIXELS)), extract((missing, DEFAULT_MAX_PIXELS))
    verified, unverified = verify((0, cat, mirror, DEFAULT_MAX_PIXELS)), verify((1, cat, missing, DEFAULT_MAX_PIXELS))
    assert read.path == cat and read.features is not None and read.error is None
    assert refused.features is None and refused.error is not None and "no such file" in refused.error
    assert verified.candidate_number == 0 and verified.verdict is not None and verified.verdict.label != "unrelated"
    assert unverified.candidate_number == 1 and unverified.verdict is None and unverified.unreadable_path == missing
    results = [read, refused, verified, unverified]
    assert [pickle.loads(pickle.dumps(result)) for result in results] == results


def test_two_copies_of_one_original_are_verified_against_each_other() -> None:
    from simforensics.scan.engine import ScannedPicture, candidates_within_groups
    from simforensics.scan.index import Candidate
    from simforensics.scan.result import ScanPair

    pictures = [ScannedPicture(f"{name}.jpg", name, 10, 10, False, b"") for name in ("a", "b", "c", "d")]
    candidates = [Candidate(0, 1, 5, 0), Candidate(0, 2, None, 12), Candidate(2, 3, None, 9)]
    pairs = [ScanPair("a.jpg", "b.jpg", 0.95, "near-duplicate", True),
             ScanPair("a.jpg", "c.jpg", 0.8, "locally-edited", True),
             ScanPair("c.jpg", "d.jpg", 0.5, "similar", False)]
    closure = candidates_within_groups(pictures, candidates, pairs, against=False)
    assert [(c.a, c.b, c.via_group) for c in closure] == [(1, 2, True)]  # b~c; d is not in the group
    # With --against, only pairs across the two sets are looked at.
    pictures[1] = ScannedPicture("b.jpg", "b", 10, 10, True, b"")
    assert [(c.a, c.b) for c in candidates_within_groups(pictures, candidates, pairs, against=True)] == [(1, 2)]
    pictures[2] = ScannedPicture("c.jpg", "c", 10, 10, True, b"")
    assert candidates_within_groups(pictures, candidates, pairs, against=True) == []


def test_pictures_in_different_parts_of_a_collage_are_not_verified_against_each_other() -> None:
    from simforensics.scan.engine import ScannedPicture, candidates_within_groups
    from simforensics.scan.index import Candidate
    from simforensics.scan.result import ScanPair

    # The collage holds the cat in one quarter and the rocket in another; the cat's crop shows
    # 60 % of the cat, its greyed copy all of it.
    names = ("cat", "cat-crop", "cat-grey", "collage", "rocket")
    pictures = [ScannedPicture(f"{name}.jpg", name, 10, 10, False, b"") for name in names]
    candidates = [Candidate(0, 1, 5, 0), Candidate(0, 2, 9, 0), Candidate(0, 3, None, 20), Candidate(3, 4, None, 20)]
    pairs = [ScanPair("cat.jpg", "cat-crop.jpg", 0.9, "near-duplicate", True, covered=(0.6, 1.0)),
             ScanPair("cat.jpg", "cat-grey.jpg", 0.9, "near-duplicate", True, covered=(1.0, 1.0)),
             ScanPair("cat.jpg", "collage.jpg", 0.9, "near-duplicate", True, covered=(1.0, 0.25)),
             ScanPair("rocket.jpg", "collage.jpg", 0.9, "near-duplicate", True, covered=(1.0, 0.25))]
    closure = candidates_within_groups(pictures, candidates, pairs, against=False)
    # The crop and the grey copy share the cat, as does the collage with each (through the cat);
    # nothing of the cat's is the rocket's, whose quarter of the collage is another.
    assert [(names[c.a], names[c.b]) for c in closure] == [("cat-crop", "cat-grey"), ("cat-crop", "collage"),
                                                          ("cat-grey", "collage")]
    # Had the two each shown 45 % of the cat (its left part and its right part), they would share
    # nothing of it, and are not paired.
    halves = [ScanPair("cat.jpg", "cat-crop.jpg", 0.9, "near-duplicate", True, covered=(0.45, 1.0)),
              ScanPair("cat.jpg", "cat-grey.jpg", 0.9, "near-duplicate", True, covered=(0.45, 1.0)), *pairs[2:]]
    closure = candidates_within_groups(pictures, candidates, halves, against=False)
    assert [(names[c.a], names[c.b]) for c in closure] == [("cat-crop", "collage"), ("cat-grey", "collage")]


def test_the_hashed_pdq_search_finds_copies_near_pdqs_match_distance() -> None:
    # Above the exact limit PDQ codes are found by multi-table hashing. Random codes (no clusters
    # for an index to lean on) with planted copies 0-31 bits from their originals.
    from simforensics.scan.index import LocalFeatures, find_candidates

    rng = np.random.default_rng(3)
    n = 3000
    pdq = rng.integers(0, 256, (n, 8, 32), dtype=np.uint8)
    planted: dict[tuple[int, int], int] = {}
    for copy, source in zip(range(0, 400, 2), range(1, 400, 2), strict=True):
        flips = int(rng.integers(0, 32))
        bits = np.unpackbits(pdq[source], axis=-1)
        for variant in bits:
            variant[rng.choice(256, flips, replace=False)] ^= 1
        pdq[copy] = np.packbits(bits, axis=-1)
        planted[(copy, source)] = flips
    nothing = LocalFeatures(np.zeros((0, 32), np.uint8), np.zeros((0, 32), np.uint8), np.zeros((0, 2), np.float32), 256)
    local = [nothing] * n
    exact = {(c.a, c.b): c.pdq_distance for c in find_candidates(pdq, local, exact_limit=10**9)}
    hashed = {(c.a, c.b): c.pdq_distance for c in find_candidates(pdq, local, exact_limit=100)}
    assert all(exact[pair] == distance for pair, distance in hashed.items())  # never a wrong distance
    assert all(pair in hashed for pair, flips in planted.items() if flips <= 12)
    far = [pair in hashed for pair, flips in planted.items() if flips >= 24]
    assert sum(far) >= 0.85 * len(far), (sum(far), len(far))


def test_a_scan_command_line_is_checked_into_typed_options(tmp_path: Path) -> None:
    from simforensics.options import OptionError
    from simforensics.outputs import OutputError
    from simforensics.scan.request import scan_request

    given = {"folders": [str(tmp_path)], "against": None, "json_path": None, "csv_path": None, "html_path": None, "html_pairs": 5,
                 "workers": None, "scheduler": None, "cache": None, "no_cache": True, "max_pixels": 1000}
    request = scan_request(**given)
    assert request.scan.folders == (str(tmp_path),) and request.scan.cache_path is None
    assert request.scan.workers >= 1 and request.scan.max_pixels == 1000 and request.warnings == ()
    clustered = scan_request(**{**given, "scheduler": "tcp://127.0.0.1:8786", "workers": 3})
    assert clustered.scan.scheduler == "tcp://127.0.0.1:8786"
    assert clustered.warnings == ("--workers is not used with --scheduler: the cluster's workers do the work",)
    for wrong, message in (({"folders": [str(tmp_path / "absent")]}, "no such folder"),
                           ({"cache": str(tmp_path / "c.sqlite")}, "exclude each other"),
                           ({"no_cache": False, "cache": str(tmp_path)}, "is a folder"),
                           ({"html_path": "-"}, "writes a file"),
                           ({"scheduler": "http://example"}, "not a scheduler address")):
        with pytest.raises(OptionError, match=message):
            scan_request(**{**given, **wrong})
    with pytest.raises(OutputError, match="only one of --json, --csv"):
        scan_request(**{**given, "json_path": "-", "csv_path": "-"})


def test_related_lists_the_resembling_non_copies_of_the_reference(tmp_path: Path) -> None:
    from .conftest import run_cli

    reference, gallery = tmp_path / "portfolio", tmp_path / "gallery"
    reference.mkdir()
    gallery.mkdir()
    from skimage import data

    for name in ("astronaut", "coffee", "rocket", "chelsea"):
        Image.fromarray(fx.source_image(name, 256)).save(reference / f"{name}.png")
    Image.fromarray(fx.textured_figure(data.brick(), (200, 190, 150), 20, 60, 200)).save(reference / "horse.png")
    # Another figure in the same layout: the horse's silhouette in grass on blue. No copy of any.
    Image.fromarray(fx.textured_figure(data.grass(), (150, 190, 215), 20, 60, 200)).save(gallery / "recomposed.png")
    Image.fromarray(fx.source_image("coffee", 256)).save(gallery / "coffee-copy.png")  # a copy: not "related"
    out = tmp_path / "out"
    done = run_cli("scan", str(gallery), "--against", str(reference), "--related", "2", "--no-cache",
                   "--json", str(out) + ".json", "--csv", str(out) + ".csv", "--html", str(out) + ".html",
                   "--workers", "1")
    assert done.returncode == 0, done.stderr
    document = json.loads((tmp_path / "out.json").read_text())
    related = {r["picture"]: r["resembling"] for r in document["related"]}
    assert set(related) == {str(gallery / "recomposed.png"), str(gallery / "coffee-copy.png")}
    first = related[str(gallery / "recomposed.png")][0]
    assert first["reference"] == str(reference / "horse.png") and "composition" in first["distinctive"]
    assert [d["name"] for d in first["resemblance"]["dimensions"]][:2] == ["composition", "palette"]
    assert all(x["reference"] != str(reference / "coffee.png") for x in related[str(gallery / "coffee-copy.png")])
    assert len(related[str(gallery / "coffee-copy.png")]) == 2
    rows = (tmp_path / "out-related.csv").read_text().splitlines()
    assert rows[0].startswith("picture,rank,reference,distinctive,composition_score")
    assert len(rows) == 1 + 2 * 2
    index = (tmp_path / "out.html").read_text()
    assert 'id="related"' in index and "recomposed.png" in index and "horse.png" in index
    # Shown as pictures: the scanned one, and each resembling work (a row of names said little).
    section = index[index.index('id="related"'):]
    section = section[: section.index("</section>")]
    assert section.count('<img class="thumb" src="data:image/') == 2 + 2 * 2
    bad = run_cli("scan", str(gallery), "--related", "2", "--no-cache")
    assert bad.returncode == 2 and "--against" in bad.stderr


def test_verification_batches_keep_a_picture_and_its_copies_in_one_worker() -> None:
    from simforensics.scan.engine import batches_sharing_pictures

    # Eight originals, each with two copies: 16 pairs, 4 batches for one worker, two sets in each.
    jobs = [(2 * g + k, f"o{g}", f"c{g}-{k}", 0) for g in range(8) for k in range(2)]
    batches = batches_sharing_pictures(jobs[::-1], slots=1)
    assert sorted(job for batch in batches for job in batch) == sorted(jobs)
    assert [len(batch) for batch in batches] == [4, 4, 4, 4]
    pictures = [{p for job in batch for p in job[1:3]} for batch in batches]
    assert all(not (a & b) for i, a in enumerate(pictures) for b in pictures[i + 1:])  # each picture in one batch
    # A set too large for one batch is cut into runs of pairs sharing an original.
    big = [(n, "o", f"c{n}", 0) for n in range(6)] + [(6 + n, "p", f"d{n}", 0) for n in range(6)]
    big += [(12, "o", "p", 0)]  # o and p linked: one set of 13 pairs
    cut = batches_sharing_pictures(big, slots=1)
    assert sorted(job for batch in cut for job in batch) == sorted(big)
    assert max(len(batch) for batch in cut) == 4
    assert [{job[1] for job in batch} for batch in cut] == [{"o"}, {"o", "p"}, {"p"}, {"p"}]
    assert batches_sharing_pictures([], slots=2) == []


def test_a_hard_link_is_read_once_and_its_name_listed(tmp_path: Path) -> None:
    # Read once, as before, but its second name was mentioned nowhere in the scan's outputs.
    from simforensics.scan.walk import walk_folders

    folder = tmp_path / "pictures"
    (folder / "sub").mkdir(parents=True)
    Image.fromarray(fx.source_image("chelsea", 64)).save(folder / "cat.png")
    os.link(folder / "cat.png", folder / "sub" / "cat-again.png")
    (folder / "sub" / "cat-link.png").symlink_to(folder / "cat.png")  # the same entry again: silent
    walked = walk_folders([str(folder), str(folder / "sub")])  # an overlapping folder: silent too
    assert walked.files == (str(folder / "cat.png"),)
    assert walked.skipped == ((str(folder / "sub" / "cat-again.png"),
                               f"the same file as {folder / 'cat.png'} (a hard link to it): read once, under that name"),)
