"""Evidence intake: formats, conversions, orientation, refusals, and read-only access."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fixtures import make_fixtures as fx
from simforensics.errors import (
    DecodeError,
    EmptyFileError,
    FileAccessError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
)
from simforensics.evidence import load_evidence

from .conftest import assert_runs_in_a_fresh_process, snapshot


@pytest.mark.parametrize(
    ("fmt", "suffix", "lossless"),
    [
        ("PNG", "png", True), ("BMP", "bmp", True), ("TIFF", "tif", True),
        ("WEBP", "webp", False), ("JPEG", "jpg", False), ("AVIF", "avif", False), ("HEIF", "heic", False),
    ],
)
def test_reads_each_format_as_rgb8(tmp_path: Path, chelsea: np.ndarray, fmt: str, suffix: str, lossless: bool) -> None:
    path = tmp_path / f"picture.{suffix}"
    options = {"quality": 90} if not lossless else {}
    if fmt == "HEIF":  # written by pillow-heif itself: evidence registers its Pillow opener only to read one
        import pillow_heif

        pillow_heif.from_pillow(Image.fromarray(chelsea)).save(path, **options)
    else:
        Image.fromarray(chelsea).save(path, fmt, **options)
    evidence = load_evidence(path)
    assert evidence.rgb.dtype == np.uint8 and evidence.rgb.shape == chelsea.shape
    assert (evidence.width, evidence.height) == (chelsea.shape[1], chelsea.shape[0])
    assert evidence.format == fmt
    assert evidence.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert evidence.file_size == path.stat().st_size
    error = np.abs(evidence.rgb.astype(int) - chelsea).mean()
    assert error == 0 if lossless else error < 6


def test_the_decoders_are_loaded_as_the_files_need_them(tmp_path: Path, chelsea: np.ndarray) -> None:
    # A fresh process: reading a PNG and a JPEG loads neither pillow-heif nor Pillow's other
    # plugins; a HEIF file then still reads (its opener registered on sight of it).
    import pillow_heif

    Image.fromarray(chelsea).save(tmp_path / "a.png")
    Image.fromarray(chelsea).save(tmp_path / "a.jpg", quality=90)
    pillow_heif.from_pillow(Image.fromarray(chelsea)).save(tmp_path / "a.heic", quality=90)
    script = (
        "import sys\n"
        "from PIL import Image\n"
        "from simforensics.evidence import load_evidence\n"
        f"folder = {str(tmp_path)!r}\n"
        "assert [load_evidence(f'{folder}/a.{s}').format for s in ('png', 'jpg')] == ['PNG', 'JPEG']\n"
        "assert 'pillow_heif' not in sys.modules and 'PIL.TgaImagePlugin' not in sys.modules\n"
        "evidence = load_evidence(f'{folder}/a.heic')\n"
        "assert evidence.format == 'HEIF' and evidence.rgb.shape == (213, 320, 3), evidence.notes\n"
    )
    assert_runs_in_a_fresh_process(script)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_exif_orientation_gives_the_displayed_picture(tmp_path: Path, chelsea: np.ndarray, orientation: int, fmt: str) -> None:
    path = tmp_path / f"oriented.{fmt.lower()}"
    fx.write_exif_oriented(path, chelsea, orientation, fmt)
    evidence = load_evidence(path)
    assert evidence.exif_orientation == orientation
    assert evidence.rgb.shape == chelsea.shape  # 5-8 swap width and height when stored
    difference = np.abs(evidence.rgb.astype(int) - chelsea).mean()
    assert difference == 0 if fmt == "PNG" else difference < 3
    if orientation in (5, 6, 7, 8):
        assert (evidence.stored_width, evidence.stored_height) == (chelsea.shape[0], chelsea.shape[1])
    assert any("orientation" in n for n in evidence.notes) == (orientation != 1)


def test_sixteen_bit_grey_png_is_scaled_not_clipped(tmp_path: Path) -> None:
    ramp = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (16, 1))
    path = tmp_path / "grey16.png"
    fx.write_png16(path, ramp)
    evidence = load_evidence(path)
    assert evidence.bits_per_channel == 16
    expected = np.rint(ramp / 257.0).astype(np.uint8)
    assert np.abs(evidence.rgb[:, :, 0].astype(int) - expected).max() <= 1
    assert (evidence.rgb[:, :, 0] == evidence.rgb[:, :, 2]).all()
    assert any("8 bits" in n for n in evidence.notes)


def test_sixteen_bit_rgb_png(tmp_path: Path, chelsea: np.ndarray) -> None:
    path = tmp_path / "rgb16.png"
    fx.write_png16(path, chelsea.astype(np.uint16) * 257)
    evidence = load_evidence(path)
    assert evidence.bits_per_channel == 16
    assert np.abs(evidence.rgb.astype(int) - chelsea).max() <= 1
    assert any("16-bit" in n for n in evidence.notes)


def test_cmyk_goes_through_the_embedded_icc_profile(tmp_path: Path) -> None:
    cyan = np.zeros((32, 32, 4), np.uint8)
    cyan[..., 0] = 255
    with_profile, without = tmp_path / "icc.jpg", tmp_path / "plain.jpg"
    # The test profile sends pure cyan ink to red: only a real ICC conversion can give red.
    fx.write_cmyk_jpeg(with_profile, cyan, fx.cmyk_icc_profile({"c": (255, 0, 0)}))
    fx.write_cmyk_jpeg(without, cyan, None)
    converted = load_evidence(with_profile)
    assert converted.mode == "CMYK" and converted.icc_profile == "simforensics test CMYK"
    r, g, b = converted.rgb[16, 16].astype(int)
    assert r > 200 and g < 60 and b < 60
    assert any("ICC profile" in n for n in converted.notes)
    naive = load_evidence(without)
    r, g, b = naive.rgb[16, 16].astype(int)
    assert r < 30 and g > 220 and b > 220
    assert any("without an ICC profile" in n for n in naive.notes)


def test_palette_with_transparency_is_composited_on_white(tmp_path: Path, chelsea: np.ndarray) -> None:
    path = tmp_path / "palette.png"
    fx.write_palette_with_transparency(path, chelsea, (10, 10, 40, 30))
    evidence = load_evidence(path)
    assert evidence.mode == "P" and evidence.has_alpha and evidence.uses_transparency
    assert (evidence.rgb[10:40, 10:50] == 255).all()
    assert np.abs(evidence.rgb[100:, 100:].astype(int) - chelsea[100:, 100:]).mean() < 12


def test_alpha_is_composited_on_white_and_recorded(tmp_path: Path, chelsea: np.ndarray) -> None:
    alpha = np.full(chelsea.shape[:2], 255, np.uint8)
    alpha[:, :50] = 0
    alpha[:, 50:100] = 128
    path = tmp_path / "rgba.png"
    fx.write_rgba(path, chelsea, alpha)
    evidence = load_evidence(path)
    assert evidence.has_alpha and evidence.uses_transparency
    assert (evidence.rgb[:, :50] == 255).all()
    half = (chelsea[:, 50:100].astype(int) * 128 + 255 * 127 + 127) // 255
    assert np.abs(evidence.rgb[:, 50:100].astype(int) - half).max() <= 1
    assert (evidence.rgb[:, 100:] == chelsea[:, 100:]).all()

    opaque = tmp_path / "opaque.png"
    fx.write_rgba(opaque, chelsea, np.full(chelsea.shape[:2], 255, np.uint8))
    flat = load_evidence(opaque)
    assert flat.has_alpha and not flat.uses_transparency
    assert (flat.rgb == chelsea).all()


def test_animated_gif_uses_the_first_frame_and_says_so(tmp_path: Path) -> None:
    frames = [np.full((40, 60, 3), value, np.uint8) for value in (30, 200, 90)]
    path = tmp_path / "animated.gif"
    fx.write_animated_gif(path, frames)
    evidence = load_evidence(path)
    assert evidence.frame_count == 3
    assert np.abs(evidence.rgb.astype(int) - 30).max() <= 2
    assert any("first frame is used (`simforensics video` compares every frame" in n for n in evidence.notes)


def test_png_without_its_end_chunk_is_read_with_a_note(tmp_path: Path, chelsea: np.ndarray) -> None:
    path = tmp_path / "no-iend.png"
    Image.fromarray(chelsea).save(path)
    path.write_bytes(path.read_bytes()[:-12])  # IEND is the last 12 bytes
    evidence = load_evidence(path)
    assert (evidence.rgb == chelsea).all()
    assert any("PNG structure check" in n for n in evidence.notes)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(("fmt", "keep"), [("JPEG", 0.5), ("JPEG", 0.97), ("PNG", 0.5), ("PNG", 0.9), ("WEBP", 0.6), ("GIF", 0.5)])
def test_truncated_files_are_refused_never_padded(tmp_path: Path, chelsea: np.ndarray, fmt: str, keep: float) -> None:
    complete = tmp_path / f"complete.{fmt.lower()}"
    Image.fromarray(chelsea).save(complete, fmt)
    broken = tmp_path / f"broken.{fmt.lower()}"
    fx.write_truncated(broken, complete.read_bytes(), keep)
    with pytest.raises((TruncatedImageError, DecodeError)) as raised:
        load_evidence(broken)
    assert str(broken) in str(raised.value)
    assert "\n" not in str(raised.value)


def test_truncated_jpeg_is_called_truncated(tmp_path: Path, chelsea: np.ndarray) -> None:
    broken = tmp_path / "cut.jpg"
    fx.write_truncated(broken, fx.jpeg_bytes(chelsea, 90), 0.5)
    with pytest.raises(TruncatedImageError, match="truncated JPEG"):
        load_evidence(broken)


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(EmptyFileError, match=r"empty\.png: empty file \(0 bytes\)"):
        load_evidence(path)


def test_text_named_png_is_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("this is a shopping list, not a picture\n")
    with pytest.raises(NotAnImageError, match="not a recognised image"):
        load_evidence(path)


@pytest.mark.parametrize("codec, suffix, container", [("libx264", "mp4", "MP4"), ("libvpx-vp9", "webm", "WebM"),
                                                      ("mpeg2video", "ts", "MPEG transport stream")])
def test_a_video_given_as_a_picture_is_called_a_video(codec: str, suffix: str, container: str, tmp_path: Path) -> None:
    # "not a recognised image (supported: JPEG, PNG, ...)" left the user to guess that `video` reads it.
    import av

    path = tmp_path / f"clip.{suffix}"
    with av.open(str(path), "w") as output:
        stream = output.add_stream(codec, rate=24)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(6):
            output.mux(stream.encode(av.VideoFrame.from_ndarray(fx.source_image("coffee", 64)[:48], format="rgb24")))
        output.mux(stream.encode())
    with pytest.raises(NotAnImageError, match=rf"a video \({container}\), not a still picture: `simforensics video`"):
        load_evidence(path)


def test_eps_is_refused_rather_than_handed_to_ghostscript(tmp_path: Path) -> None:
    path = tmp_path / "figure.eps"
    path.write_text("%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n")
    with pytest.raises(NotAnImageError):
        load_evidence(path)


def test_decompression_bomb_is_refused_from_its_header(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(fx.png_bomb_header(60000, 60000))
    with pytest.raises(ImageTooLargeError, match="60000 x 60000.*not decoded"):
        load_evidence(path)


def test_pixel_limit_is_configurable(tmp_path: Path, chelsea: np.ndarray) -> None:
    path = tmp_path / "small.png"
    Image.fromarray(chelsea).save(path)
    with pytest.raises(ImageTooLargeError):
        load_evidence(path, max_pixels=chelsea.shape[0] * chelsea.shape[1] - 1)
    assert load_evidence(path, max_pixels=chelsea.shape[0] * chelsea.shape[1]).width == chelsea.shape[1]
    # Above Pillow's own bomb limit (about 179 MP), our limit decides, not Pillow's.
    big = tmp_path / "big.png"
    big.write_bytes(fx.png_bomb_header(20000, 10000))
    with pytest.raises((TruncatedImageError, DecodeError)):
        load_evidence(big, max_pixels=300_000_000)  # passes the limit, then fails on its tiny data


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match="no such file"):
        load_evidence(tmp_path / "absent.jpg")
    with pytest.raises(FileAccessError, match="directory"):
        load_evidence(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.png"
    os.mkfifo(path)
    with pytest.raises(FileAccessError, match="not a regular file"):
        load_evidence(path)  # would hang forever if it waited for a writer


def test_intake_never_changes_the_file(tmp_path: Path, chelsea: np.ndarray) -> None:
    paths = []
    for orientation, fmt in ((6, "JPEG"), (3, "PNG")):
        path = tmp_path / f"o{orientation}.{fmt.lower()}"
        fx.write_exif_oriented(path, chelsea, orientation, fmt)
        paths.append(path)
    cmyk = tmp_path / "cmyk.jpg"
    fx.write_cmyk_jpeg(cmyk, np.zeros((16, 16, 4), np.uint8), fx.cmyk_icc_profile())
    paths.append(cmyk)
    before = snapshot(paths)
    for path in paths:
        load_evidence(path)
    assert snapshot(paths) == before
