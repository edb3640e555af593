"""Scan feature extraction made faster without changing its results: each faster piece against
the implementation it replaced."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from fixtures import make_fixtures as fx
from simforensics import thresholds as T
from simforensics.align import content_box
from simforensics.resample import shrink_to_side
from simforensics.scan import ScanOptions, scan_folders

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


def test_a_scan_takes_a_picture_only_a_few_pixels_high(tmp_path: Path) -> None:
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (17, 1023, 3), dtype=np.uint8)).save(tmp_path / "strip.png")
    Image.fromarray(fx.source_image("chelsea")).save(tmp_path / "cat.png")
    result = scan_folders(ScanOptions(folders=(str(tmp_path),), cache_path=None))
    assert result.images == 2 and not result.errors
