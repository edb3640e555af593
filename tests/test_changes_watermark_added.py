"""A watermark laid over a copy (a stock photograph's preview: one word repeated in rows across the
whole picture, see-through) is a local edit: the copy reads as the original with the mark on it,
not as a picture re-rendered throughout, whichever of the two carries it (overlay.py). Pictures
are scikit-image's, marked by the compare benchmark's generator in Pillow's own TrueType face."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import cv2
import numpy as np
import pytest
from PIL import Image

from benchmarks.compare import sources
from benchmarks.compare import transforms as tx
from fixtures import make_fixtures as fx
from simforensics.compare import compare_images


def jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(fx.jpeg_bytes(rgb, quality))).convert("RGB"))


@pytest.mark.parametrize(("name", "seed"), [("rocket", 1), ("camera", 0), ("camera", 1), ("astronaut", 1)])
def test_a_copy_under_a_tiled_watermark_is_a_copy(name: str, seed: int) -> None:
    # Before: "similar", "re-rendered throughout": the pixels beside the letters, which see part of
    # a letter in their structure window, lowered the kept pattern below a copy's line.
    original = sources.load(name, 480)
    edit = tx.add_tiled_watermark(original, np.random.default_rng(seed))
    truth = tx.truth_mask(edit.original, edit.edited, edit.support)
    result = compare_images(original, jpeg(edit.edited, 80), with_people=False, with_derivation=False)
    assert result.verdict.label == "locally-edited", result.verdict.summary
    found = result.change_mask == 255
    # What is found changed is the mark (within 5 pixels of its letters), and a good part of it.
    near_mark = cv2.dilate(truth.astype(np.uint8), np.ones((11, 11), np.uint8)).astype(bool)
    assert (found & near_mark).sum() >= 0.95 * found.sum()
    assert (found & truth).sum() >= 0.25 * truth.sum()


def marked(name: str, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The picture at 480 px, the same with the generator's watermark (re-saved as JPEG) and the
    mark's true pixels."""
    original = sources.load(name, 480)
    edit = tx.add_tiled_watermark(original, np.random.default_rng(seed))
    return original, jpeg(edit.edited, 80), tx.truth_mask(edit.original, edit.edited, edit.support)


@pytest.mark.parametrize("name", ["chelsea", "coffee", "rocket", "immunohistochemistry"])
def test_a_dense_watermark_is_laid_over_a_copy(name: str) -> None:
    # A black mark over 29-48 % of the picture. Before: "similar", re-rendered throughout, with
    # nothing or 1 % found: the mark raised the pair's own change levels beyond itself.
    original, copy, truth = marked(name, 0)
    result = compare_images(original, copy, with_people=False, with_derivation=False)
    assert result.verdict.label == "locally-edited", result.verdict.summary
    overlay = result.changes.overlay
    assert overlay is not None and overlay.on == "copy" and max(overlay.ink) <= 55
    assert "see-through mark" in result.verdict.summary
    found = result.change_mask == 255
    near_mark = cv2.dilate(truth.astype(np.uint8), np.ones((11, 11), np.uint8)).astype(bool)
    # Mostly on the mark: the strokes are closed as the detector closes an edit's, which fills
    # some of the narrow gaps between dense letters.
    assert (found & near_mark).sum() >= 0.85 * found.sum()
    assert (found & truth).sum() >= 0.6 * truth.sum()


@pytest.mark.parametrize("name", ["chelsea", "rocket"])
def test_a_watermark_on_the_original_is_found_there(name: str) -> None:
    # The watermarked picture given first (a scan compares each pair in its own order).
    original, copy, _ = marked(name, 0)
    result = compare_images(copy, jpeg(original, 90), with_people=False, with_derivation=False)
    assert result.verdict.label == "locally-edited", result.verdict.summary
    assert result.changes.overlay is not None and result.changes.overlay.on == "original"
    assert "laid over the original" in result.verdict.summary


@pytest.mark.parametrize("restyle", [tx.cartoon, tx.stylize, tx.pencil])
@pytest.mark.parametrize("name", ["chelsea", "camera"])
def test_a_restyle_is_no_copy_under_a_mark(name: str, restyle) -> None:
    # A cartoon's black outlines or a pencil sketch's white paper blend toward one colour in
    # places; beside them the picture is re-rendered, which no mark explains.
    original = sources.load(name, 480)
    copy = restyle(original, np.random.default_rng(3))[0]
    result = compare_images(original, jpeg(copy, 85), with_people=False, with_derivation=False)
    assert result.verdict.label in ("similar", "unrelated"), result.verdict.summary
    assert result.changes is None or result.changes.overlay is None


def test_the_json_report_names_the_mark(tmp_path) -> None:
    original, copy, _ = marked("coffee", 0)
    Image.fromarray(original).save(tmp_path / "original.png")
    Image.fromarray(copy).save(tmp_path / "copy.png")
    out = tmp_path / "report.json"
    done = subprocess.run([sys.executable, "-m", "simforensics", "compare", str(tmp_path / "original.png"),
                           str(tmp_path / "copy.png"), "--json", str(out), "-q"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    document = json.loads(out.read_text())
    overlay = document["change_detection"]["overlay"]
    assert overlay["on"] == "copy" and max(overlay["ink"]) <= 55 and 0.1 <= overlay["opacity"] <= 0.7
    assert document["verdict"]["label"] == "locally-edited"


def diagonal_grid(rgb: np.ndarray) -> np.ndarray:
    """White diagonal lines 40 px apart, both ways, 35 % opaque: another stock photograph's mark."""
    h, w = rgb.shape[:2]
    layer = np.zeros((h, w), np.float32)
    for start in range(-h, w, 40):
        cv2.line(layer, (start, 0), (start + h, h), 1.0, 2, cv2.LINE_AA)
        cv2.line(layer, (start + h, 0), (start, h), 1.0, 2, cv2.LINE_AA)
    return tx.blend(rgb, np.full_like(rgb, 255), layer * 0.35)


@pytest.mark.parametrize("watermarked_first", [False, True])
@pytest.mark.parametrize("name", ["rocket", "coffee"])
def test_a_grid_of_lines_laid_over_a_copy_is_a_mark(name: str, watermarked_first: bool) -> None:
    # Before: "similar" (8 of 8 on four photographs, both orders).
    original = sources.load(name, 480)
    gridded = jpeg(diagonal_grid(original), 85)
    pair = (gridded, jpeg(original, 92)) if watermarked_first else (original, gridded)
    result = compare_images(*pair, with_people=False, with_derivation=False)
    assert result.verdict.label == "locally-edited", result.verdict.summary
    overlay = result.changes.overlay
    assert overlay is not None and min(overlay.ink) >= 200
    assert overlay.on == ("original" if watermarked_first else "copy")
