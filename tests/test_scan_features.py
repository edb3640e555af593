"""Scan feature extraction made faster without changing its results: each faster piece against
the implementation it replaced (or the library function it stands in for), the cache layout, and
the decode path against Pillow's."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import cv2
import numpy as np
import pdqhash
import pytest
import simplejpeg
from PIL import Image, ImageOps
from skimage import data

from fixtures import make_fixtures as fx
from simforensics import thresholds as T
from simforensics.align import content_box
from simforensics.errors import TruncatedImageError
from simforensics.evidence import to_rgb8
from simforensics.resample import shrink_to_side
from simforensics.scan import ScanOptions, scan_folders
from simforensics.scan import decode as scan_decode
from simforensics.scan.decode import read_reduced
from simforensics.scan.features import (
    FEATURE_VERSION,
    ScanFeatures,
    compute_features,
    dihedral_variants,
    local_descriptors,
    orb_detector,
    pack_features,
    pdq_dihedral,
    spread_over,
    unpack_features,
)

# ---------------------------------------------------------------- content_box


def _previous_uniform_run(lines: np.ndarray) -> int:
    """align._uniform_run as it was before the integer rewrite (the reference)."""
    colour = np.median(lines[0], axis=0)
    run, block = 0, 8
    while run < len(lines):
        chunk = lines[run : run + block].astype(np.int16)
        close = (np.abs(chunk - colour).max(axis=2) <= T.PADDING_TOLERANCE).mean(axis=1) >= 0.98
        if not close.all():
            run += int(np.argmin(close))
            break
        run += len(chunk)
        block *= 2
    return run if run >= 2 else 0


def _previous_content_box(rgb: np.ndarray) -> tuple[int, int, int, int]:
    """align.content_box as it was (it raised IndexError when a side had fewer than 3 pixels)."""
    h, w = rgb.shape[:2]
    top = min(_previous_uniform_run(rgb[: int(h * 0.45)]), int(h * 0.45))
    bottom = min(_previous_uniform_run(rgb[::-1][: int(h * 0.45)]), int(h * 0.45))
    left = min(_previous_uniform_run(rgb.transpose(1, 0, 2)[: int(w * 0.45)]), int(w * 0.45))
    right = min(_previous_uniform_run(rgb.transpose(1, 0, 2)[::-1][: int(w * 0.45)]), int(w * 0.45))
    return (left, top, w - left - right, h - top - bottom)


def _bordered_picture(rng: np.random.Generator) -> np.ndarray:
    """Random sizes and contents, often with uniform borders whose noise sits on the tolerance
    (|x - median| exactly 12 or 13, medians ending in .5) and lines with ~2 % outliers."""
    h, w = (int(v) for v in rng.integers(5, 90, 2))
    kind = int(rng.integers(0, 5))
    if kind == 0:
        return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    base = rng.integers(20, 236, 3)
    spread = int(rng.choice([1, 12, 13, 25]))
    picture = base + rng.integers(-spread, spread + 1, (h, w, 3))
    if kind >= 2:  # a picture inside borders of random widths
        top, bottom = (int(v) for v in rng.integers(0, h // 2 + 1, 2))
        left, right = (int(v) for v in rng.integers(0, w // 2 + 1, 2))
        inside = rng.integers(0, 256, (h, w, 3))
        picture[top : h - bottom, left : w - right] = inside[top : h - bottom, left : w - right]
    if kind >= 3:  # outliers scattered over the border lines
        count = int(rng.integers(1, max(2, (h * w) // 40)))
        picture[rng.integers(0, h, count), rng.integers(0, w, count)] = rng.integers(0, 256, (count, 3))
    if kind == 4:  # through JPEG, as real padding arrives
        return np.asarray(Image.open(io.BytesIO(fx.jpeg_bytes(np.clip(picture, 0, 255).astype(np.uint8), 70))))
    return np.clip(picture, 0, 255).astype(np.uint8)


def test_content_box_gives_what_it_gave_on_thousands_of_bordered_and_random_pictures() -> None:
    rng = np.random.default_rng(7)
    trimmed = 0
    for _ in range(4000):
        picture = _bordered_picture(rng)
        expected = _previous_content_box(picture)
        assert content_box(picture) == expected, picture.shape
        trimmed += expected != (0, 0, picture.shape[1], picture.shape[0])
    assert trimmed > 500  # the borders were really there to find, not only pictures without one
    # Real pictures, padded (the compare engine's case) and not.
    for name in ("astronaut", "chelsea", "coffee"):
        source = fx.source_image(name)
        for picture in (source, fx.padded(source, 30, 255).rgb, fx.padded(source, 7, 0).rgb):
            small = shrink_to_side(picture, 128)
            assert content_box(small) == _previous_content_box(small)
            assert content_box(picture) == _previous_content_box(picture)


def test_content_box_of_a_picture_too_thin_for_a_border_on_one_axis() -> None:
    # Under 5 pixels across, a side has no room for a 2-line border; the other axis still counts.
    # (This used to raise IndexError, and a scan of such a picture stopped with an internal error.)
    picture = np.full((3, 100, 3), 200, np.uint8)
    picture[:, 30:80] = np.random.default_rng(0).integers(0, 256, (3, 50, 3))
    assert content_box(picture) == (30, 0, 50, 3)
    assert content_box(np.zeros((1, 1, 3), np.uint8)) == (0, 0, 1, 1)


def test_a_scan_takes_pictures_only_a_few_pixels_high_or_wide(tmp_path: Path) -> None:
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (17, 1023, 3), dtype=np.uint8)).save(tmp_path / "strip.png")
    # 64 x 11104 is shown 1 pixel wide at the scan's 256 px: ORB's pyramid used to shrink it to
    # nothing and OpenCV raised (found by the fuzzer, through an EXIF-rotated JPEG).
    Image.fromarray(np.random.default_rng(2).integers(0, 256, (11104, 64, 3), dtype=np.uint8)).save(tmp_path / "tall.jpg")
    Image.fromarray(fx.source_image("chelsea")).save(tmp_path / "cat.png")
    result = scan_folders(ScanOptions(folders=(str(tmp_path),), cache_path=None))
    assert result.images == 3 and not result.errors


# ---------------------------------------------------------------- PDQ and ORB


def test_the_eight_pdq_hashes_are_the_bindings_own() -> None:
    rng = np.random.default_rng(3)
    pictures = [cv2.cvtColor(shrink_to_side(fx.source_image(name), 128), cv2.COLOR_RGB2GRAY)
                for name in ("astronaut", "chelsea", "coffee", "rocket")]
    for _ in range(600):
        h, w = (int(v) for v in rng.integers(1, 129, 2))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            pictures.append(rng.integers(0, 256, (h, w), dtype=np.uint8))
        elif kind == 1:  # smooth: many coefficients near the median
            coarse = rng.integers(0, 256, (max(1, h // 8), max(1, w // 8)), dtype=np.uint8)
            pictures.append(cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC))
        else:  # nearly flat: ties at the median
            pictures.append(np.full((h, w), int(rng.integers(0, 256)), np.uint8))
    for picture in pictures:
        rgb = np.repeat(picture[:, :, None], 3, axis=2)
        hashes, quality = pdqhash.compute_dihedral(rgb)
        expected = np.packbits(np.asarray(hashes, np.uint8).reshape(8, 256), axis=1)
        packed, ours_quality = pdq_dihedral(picture)
        assert ours_quality == quality, picture.shape
        differ = np.unpackbits(packed ^ expected, axis=1).astype(bool)
        if differ.any():  # only where a coefficient ties with its hash's median: rounding decides those
            dct = np.asarray(pdqhash.compute_float(rgb)[0])[::-1]  # the binding's 16 x 16 DCT, flattened
            variants = dihedral_variants(dct)
            medians = np.partition(variants, 127, axis=1)[:, 127:128]
            tolerance = 1e-5 * max(1.0, float(np.abs(dct).max()))
            assert np.all(np.abs(variants - medians)[differ] <= tolerance), picture.shape


def _previous_local_descriptors(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """features.local_descriptors computed plainly (new mirrored keypoints, ranked before computing)."""
    orb = orb_detector(T.SCAN_ORB_FAST_THRESHOLD)
    keypoints = orb.detect(grey, None)
    if len(keypoints) < T.SCAN_LOCAL_FEATURES:
        orb = orb_detector(T.SCAN_ORB_FAINT_FAST_THRESHOLD)
        keypoints = orb.detect(grey, None)
    keypoints, descriptors = orb.compute(grey, spread_over(keypoints, grey.shape))
    if descriptors is None or not keypoints:
        return np.zeros((0, 32), np.uint8), np.zeros((0, 32), np.uint8), np.zeros((0, 2), np.float32)
    order = np.argsort([-k.response for k in keypoints], kind="stable")
    keypoints = [keypoints[i] for i in order]
    width = grey.shape[1]
    mirrored = [
        cv2.KeyPoint(width - 1 - k.pt[0], k.pt[1], k.size, (180.0 - k.angle) % 360.0, k.response, k.octave, rank)
        for rank, k in enumerate(keypoints)
    ]
    kept, computed = orb.compute(np.ascontiguousarray(grey[:, ::-1]), mirrored)
    mirrored_descriptors = np.zeros((len(keypoints), 32), np.uint8)
    if computed is not None:
        mirrored_descriptors[[k.class_id for k in kept]] = computed
    points = np.array([k.pt for k in keypoints], np.float32).reshape(-1, 2)
    return descriptors[order], mirrored_descriptors, points


def test_orb_features_and_their_mirror_are_what_they_were() -> None:
    rng = np.random.default_rng(5)
    greys = [cv2.cvtColor(shrink_to_side(fx.source_image(name), 256), cv2.COLOR_RGB2GRAY)
             for name in ("astronaut", "chelsea", "coffee", "rocket")]
    greys += [cv2.GaussianBlur(rng.integers(0, 256, (int(h), int(w)), dtype=np.uint8), (0, 0), 1.5)
              for h, w in rng.integers(40, 257, (12, 2))]
    greys.append(np.full((64, 64), 90, np.uint8))  # no keypoints at all
    for grey in greys:
        for ours, previous in zip(local_descriptors(grey), _previous_local_descriptors(grey), strict=True):
            assert ours.dtype == previous.dtype and np.array_equal(ours, previous)


def test_a_dim_picture_keeps_its_corners() -> None:
    grey = cv2.cvtColor(shrink_to_side(fx.source_image("chelsea"), T.SCAN_FEATURE_SIDE), cv2.COLOR_RGB2GRAY)
    dim = (grey.astype(np.float32) * 0.3 + 90).round().astype(np.uint8)  # a third of the contrast
    assert len(orb_detector(T.SCAN_ORB_FAST_THRESHOLD).detect(dim, None)) < 10  # too faint for the usual corners
    local, mirrored, points = local_descriptors(dim)
    assert len(local) == len(mirrored) == len(points) >= 64


# ---------------------------------------------------------------- the cache's bytes


def _features() -> ScanFeatures:
    return compute_features(cv2.cvtColor(shrink_to_side(fx.source_image("astronaut"), T.SCAN_FEATURE_SIDE),
                                         cv2.COLOR_RGB2GRAY))


def test_packed_features_come_back_as_they_were() -> None:
    features = _features()
    assert len(features.local) > 50
    back = unpack_features(pack_features(features))
    assert back.pdq_quality == features.pdq_quality and back.width == features.width
    for name in ("pdq", "local", "local_mirrored"):
        assert np.array_equal(getattr(back, name), getattr(features, name))
    assert back.points.dtype == np.float32
    assert np.array_equal(back.points, features.points.astype(np.float16).astype(np.float32))  # kept as float16
    empty = ScanFeatures(pdq=features.pdq, pdq_quality=0, local=np.zeros((0, 32), np.uint8),
                         local_mirrored=np.zeros((0, 32), np.uint8), points=np.zeros((0, 2), np.float32), width=3)
    assert len(unpack_features(pack_features(empty)).local) == 0


def test_damaged_or_foreign_feature_bytes_are_refused_never_misread() -> None:
    packed = pack_features(_features())
    for position in list(range(24)) + list(range(24, len(packed), 97)):  # every header byte, samples after
        damaged = bytearray(packed)
        damaged[position] ^= 0x10
        with pytest.raises(ValueError, match="scan features"):
            unpack_features(bytes(damaged))
    for cut in (packed[:10], packed[:-1], packed + b"\0", b""):
        with pytest.raises(ValueError, match="scan features"):
            unpack_features(cut)
    previous_layout = io.BytesIO()  # what the cache held before: an .npz
    np.savez(previous_layout, pdq=np.zeros((8, 32), np.uint8))
    with pytest.raises(ValueError, match="unknown layout"):
        unpack_features(previous_layout.getvalue())


def test_a_cache_written_by_the_previous_feature_version_is_recomputed(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    Image.fromarray(fx.source_image("chelsea")).save(folder / "cat.png")
    Image.fromarray(fx.mirrored(fx.source_image("chelsea")).rgb).save(folder / "cat-mirror.jpg", quality=90)
    cache = tmp_path / "scan.sqlite"
    first = scan_folders(ScanOptions(folders=(str(folder),), cache_path=str(cache)))
    with sqlite3.connect(cache) as db:  # as the previous release left it: its version, .npz blobs
        db.execute("UPDATE meta SET value = 'scan-features/2; side 256; orb 128/19/4/1.3' WHERE key = 'features'")
        npz = io.BytesIO()
        np.savez(npz, pdq=np.zeros((8, 32), np.uint8))
        db.execute("UPDATE files SET features = ?", (npz.getvalue(),))
    again = scan_folders(ScanOptions(folders=(str(folder),), cache_path=str(cache)))
    assert again.stats.decoded == 2 and again.stats.from_cache == 0 and not again.warnings
    assert [(p.a, p.b, p.match) for p in again.pairs] == [(p.a, p.b, p.match) for p in first.pairs]
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'features'").fetchone()[0] == FEATURE_VERSION


# ---------------------------------------------------------------- decoding


def _pillow_reduced(path: Path, side: int) -> np.ndarray:
    """The reduced picture as Pillow alone gives it (the path read_reduced took before)."""
    image = Image.open(path)
    w, h = image.size
    factor = side / max(w, h)
    if image.format == "JPEG" and factor < 1:
        image.draft(None, (max(1, int(w * factor)), max(1, int(h * factor))))
    image.load()
    image = ImageOps.exif_transpose(image)
    return shrink_to_side(to_rgb8(image, image.info.get("icc_profile"), [])[0], side)


@pytest.fixture(scope="module")
def jpegs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("jpegs")
    photo = cv2.resize(fx.source_image("astronaut"), (1210, 907), interpolation=cv2.INTER_CUBIC)
    made: dict[str, Path] = {}

    def save(name: str, image: Image.Image, **options: object) -> None:
        made[name] = folder / f"{name}.jpg"
        image.save(made[name], "JPEG", **options)

    save("420", Image.fromarray(photo), quality=90)
    save("444", Image.fromarray(photo), quality=90, subsampling=0)
    save("422", Image.fromarray(photo), quality=90, subsampling=1)
    save("progressive", Image.fromarray(photo), quality=85, progressive=True)
    save("grey", Image.fromarray(photo).convert("L"), quality=85)
    save("adobe-rgb", Image.fromarray(photo), quality=85, keep_rgb=True)  # stored as RGB, not YCbCr
    save("small", Image.fromarray(photo[:150, :201]), quality=85)  # below the side: decoded whole
    save("odd-size", Image.fromarray(photo[:901, :1203]), quality=85)
    save("2x-scale", Image.fromarray(photo[:400, :600]), quality=85)
    for orientation in range(1, 9):
        made[f"orientation-{orientation}"] = folder / f"orientation-{orientation}.jpg"
        fx.write_exif_oriented(made[f"orientation-{orientation}"], photo[:, :1000], orientation)
    made["cmyk"] = folder / "cmyk.jpg"
    fx.write_cmyk_jpeg(made["cmyk"], np.asarray(Image.fromarray(photo).convert("CMYK")), None)
    return made


def test_jpegs_decode_to_the_pixels_pillow_gives(jpegs: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    straight: list[str] = []
    decode = simplejpeg.decode_jpeg

    def counted(data: bytes, **options: object) -> np.ndarray:
        straight.append(str(options))
        return decode(data, **options)

    monkeypatch.setattr(scan_decode.simplejpeg, "decode_jpeg", counted)
    for name, path in jpegs.items():
        picture = read_reduced(path, side=T.SCAN_FEATURE_SIDE)
        expected = _pillow_reduced(path, T.SCAN_FEATURE_SIDE)
        assert picture.pixels.shape == expected.shape and np.array_equal(picture.pixels, expected), name
        assert picture.pixels.flags.c_contiguous
        # Brightness only (what scan's features use): the JPEG's own luma, upright like the rest,
        # within JPEG's rounding of the luma of the colours.
        grey = read_reduced(path, side=T.SCAN_FEATURE_SIDE, grey=True).pixels
        luma = cv2.cvtColor(expected, cv2.COLOR_RGB2GRAY)
        assert grey.shape == luma.shape and grey.flags.c_contiguous, name
        assert np.abs(grey.astype(int) - luma).max() <= (3 if name == "cmyk" else 2), name
    assert len(straight) == 2 * (len(jpegs) - 1)  # all but the CMYK one went straight into an array


def test_damaged_jpegs_are_left_to_pillow_and_say_nothing(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    complete = fx.jpeg_bytes(cv2.resize(fx.source_image("coffee"), (1200, 900)), 90)
    corrupt = bytearray(complete)
    corrupt[len(complete) // 2] ^= 0xFF  # decodable with a warning from libjpeg
    (tmp_path / "corrupt.jpg").write_bytes(bytes(corrupt))
    (tmp_path / "truncated.jpg").write_bytes(complete[: len(complete) // 2])
    picture = read_reduced(tmp_path / "corrupt.jpg", side=T.SCAN_FEATURE_SIDE)
    assert np.array_equal(picture.pixels, _pillow_reduced(tmp_path / "corrupt.jpg", T.SCAN_FEATURE_SIDE))
    with pytest.raises(TruncatedImageError):
        read_reduced(tmp_path / "truncated.jpg", side=T.SCAN_FEATURE_SIDE)
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""


def test_a_busy_texture_laid_over_part_of_a_picture_leaves_its_corners_elsewhere() -> None:
    # The strongest corners alone gathered in the grass laid over two fifths of the rocket: none
    # were left in common with the original, and a scan never proposed the pair.
    rocket = cv2.cvtColor(shrink_to_side(fx.source_image("rocket"), T.SCAN_FEATURE_SIDE), cv2.COLOR_RGB2GRAY)
    grass = cv2.resize(data.grass(), rocket.shape[::-1], interpolation=cv2.INTER_AREA)
    covered = rocket.copy()
    cut = int(0.4 * rocket.shape[1])
    covered[:, :cut] = grass[:, :cut]
    _, _, points = local_descriptors(covered)
    elsewhere = int((points[:, 0] >= cut).sum())
    # 4 before; the rocket's three fifths have few corners (59 at FAST 10 where the grass has 1,400):
    # at least three times the inliers a candidate needs.
    assert elsewhere >= 3 * T.SCAN_LOCAL_MIN_INLIERS, elsewhere
