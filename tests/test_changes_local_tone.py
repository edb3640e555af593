"""Local contrast enhancement (CLAHE, the "enhance" and HDR looks built on it) is a global edit: a
tone curve that changes across the picture. The change detector follows it before comparing
(local_tone.py), still finds local edits under it, and takes neither a local edit nor a painting
for it. Pictures are scikit-image's, edited by OpenCV and the compare benchmark's generators."""

from __future__ import annotations

import io

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


def clahe(rgb: np.ndarray, clip: float) -> np.ndarray:
    """OpenCV's CLAHE on CIELAB lightness, 8 x 8 tiles, as local-contrast filters apply it."""
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    lab[..., 0] = cv2.createCLAHE(clip, (8, 8)).apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def compared(original: np.ndarray, copy: np.ndarray):
    return compare_images(original, copy, with_people=False, with_derivation=False)


@pytest.mark.parametrize("clip", [2.0, 3.0])
@pytest.mark.parametrize("name", ["rocket", "camera", "astronaut", "coins", "immunohistochemistry"])
def test_local_contrast_enhancement_is_a_global_edit(name: str, clip: float) -> None:
    # Before: 2-7 "redrawn" or "recoloured" areas where the filter brightened a dark sky or
    # darkened a bright coat more than elsewhere.
    original = sources.load(name, 480)
    result = compared(original, jpeg(clahe(original, clip), 90))
    assert result.verdict.label == "near-duplicate", result.verdict.summary
    assert result.changes is not None and result.changes.local_tone >= 0.5
    assert "local contrast enhancement" in result.verdict.summary


@pytest.mark.parametrize("name", ["rocket", "camera", "chelsea", "astronaut"])
def test_a_local_edit_under_local_contrast_enhancement_is_outlined(name: str) -> None:
    base = sources.load(name, 480)
    edit = tx.paste_object(base, "astronaut" if name == "rocket" else "rocket", 0.05, np.random.default_rng(0))
    truth = tx.truth_mask(edit.original, edit.edited, edit.support)
    result = compared(edit.original, jpeg(clahe(edit.edited, 2.0), 90))
    assert result.verdict.label == "locally-edited", result.verdict.summary
    assert result.changes is not None and result.changes.local_tone >= 0.5
    found = result.change_mask == 255
    assert float((found & truth).sum() / max(1, (found | truth).sum())) >= 0.8


def _brightened(rgb: np.ndarray) -> np.ndarray:
    """A region a quarter of the picture's side across brightened by up to half (dodging)."""
    h, w = rgb.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    gain = 1 + 0.5 * np.exp(-(((ys - h / 2) / (h / 8)) ** 2 + ((xs - w / 3) / (w / 8)) ** 2))
    return np.clip(rgb.astype(np.float32) * gain[..., None], 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", ["astronaut", "coffee", "rocket"])
@pytest.mark.parametrize("edit", ["pasted", "brightened"])
def test_a_local_edit_alone_is_not_taken_for_local_contrast(name: str, edit: str) -> None:
    # A pasted patch or a brightened region moves the tone curves of the few tiles it lies in,
    # not of most: it stays an edit, found as it was.
    original = sources.load(name, 480)
    if edit == "pasted":
        copy = tx.paste_object(original, "chelsea", 0.05, np.random.default_rng(1)).edited
    else:
        copy = _brightened(original)
    result = compared(original, jpeg(copy, 90))
    assert result.verdict.label == "locally-edited", result.verdict.summary
    assert result.changes is not None and result.changes.local_tone == 0.0


def test_a_painting_is_not_made_a_copy_by_local_curves() -> None:
    # The coffee painted in oil (at its own size, 600 x 400) varies in tone from place to place
    # too, and its local curves raised its kept pattern above a copy's line (0.81 to 0.86): it
    # read "locally-edited". The curves take out what a filter made of a copy; they do not make
    # a copy of a painting.
    original = sources.load("coffee")
    painted = cv2.cvtColor(cv2.xphoto.oilPainting(cv2.cvtColor(original, cv2.COLOR_RGB2BGR), 7, 1), cv2.COLOR_BGR2RGB)
    result = compared(original, painted)
    assert result.verdict.label == "similar", result.verdict.summary
    assert result.changes is None or result.changes.local_tone == 0.0
