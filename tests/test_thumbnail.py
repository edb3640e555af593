"""The EXIF preview (IFD1 thumbnail) read from the file and checked against the picture it sits in."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from fixtures import make_fixtures as fx
from fixtures import metadata_fixtures as mf
from simforensics.compare import compare_images
from simforensics.evidence import load_evidence
from simforensics.provenance.model import EmbeddedThumbnail
from simforensics.thumbnail import checked

from .conftest import run_cli


def _checked(tmp_path: Path, data: bytes) -> EmbeddedThumbnail | None:
    path = tmp_path / "picture.jpg"
    path.write_bytes(data)
    evidence = checked(load_evidence(path, with_provenance=True), compare_images)
    assert evidence.provenance is not None
    return evidence.provenance.thumbnail


def _preview(rgb: np.ndarray, width: int = 160) -> np.ndarray:
    return cv2.resize(rgb, (width, round(rgb.shape[0] * width / rgb.shape[1])), interpolation=cv2.INTER_AREA)


@pytest.fixture(scope="module")
def picture() -> np.ndarray:
    return fx.source_image("astronaut", 480)


def test_a_preview_of_the_picture_as_it_is_agrees(tmp_path: Path, picture: np.ndarray) -> None:
    found = _checked(tmp_path, mf.jpeg_with_exif_preview(picture, _preview(picture)))
    assert found is not None and found.agrees and found.label == "near-duplicate" and (found.width, found.height) == (160, 160)
    assert "as it is" in found.summary and not found.areas
    # A preview padded to 4:3 with black bands (a 3:2 picture in a 160 x 120 preview) is no crop.
    wide = fx.source_image("coffee", 480)
    banded = np.zeros((120, 160, 3), np.uint8)
    inside = _preview(wide)
    banded[(120 - inside.shape[0]) // 2 : (120 - inside.shape[0]) // 2 + inside.shape[0]] = inside
    found = _checked(tmp_path, mf.jpeg_with_exif_preview(wide, banded))
    assert found is not None and found.agrees, found.summary


def test_a_picture_edited_after_its_preview_shows_where(tmp_path: Path, picture: np.ndarray) -> None:
    # An editor that keeps the camera's preview: the object painted out is still in the preview.
    edited = picture.copy()
    edited[270:390, 280:400] = (20, 20, 20)
    found = _checked(tmp_path, mf.jpeg_with_exif_preview(edited, _preview(picture)))
    assert found is not None and found.agrees is False and found.label == "locally-edited", found.summary
    assert len(found.areas) == 1 and "differs from the picture in 1 area" in found.summary
    x, y, w, h = found.areas[0]
    overlap = max(0, min(x + w, 400) - max(x, 280)) * max(0, min(y + h, 390) - max(y, 270))
    assert overlap / (w * h + 120 * 120 - overlap) >= 0.6


def test_a_picture_cropped_after_its_preview_says_so(tmp_path: Path, picture: np.ndarray) -> None:
    # The signature's corner cut off the picture, but not off its preview.
    found = _checked(tmp_path, mf.jpeg_with_exif_preview(np.ascontiguousarray(picture[:, :360]), _preview(picture)))
    assert found is not None and found.agrees is False and "cropped after the preview was written" in found.summary
    assert "fills 75% of it" in found.summary


def test_a_preview_of_another_picture_or_a_damaged_one_is_said_so(tmp_path: Path, picture: np.ndarray) -> None:
    found = _checked(tmp_path, mf.jpeg_with_exif_preview(picture, _preview(fx.source_image("coffee", 480))))
    assert found is not None and found.agrees is False and "shows another picture" in found.summary
    found = _checked(tmp_path, mf.jpeg_with_exif_preview(picture, b"\xff\xd8\xff\xe0 not a JPEG"))
    assert found is not None and found.label is None and found.agrees is None and "cannot be decoded" in found.summary
    # IFD1 pointing past the end of the block: a note, the picture read as ever.
    path = tmp_path / "pointing-away.jpg"
    path.write_bytes(mf.jpeg_with_exif_preview(picture, _preview(picture), pointed_at=1 << 20))
    evidence = checked(load_evidence(path, with_provenance=True), compare_images)
    assert evidence.provenance is not None and evidence.provenance.thumbnail is None
    assert any("EXIF thumbnail points outside the EXIF block" in note for note in evidence.provenance.notes)


def test_reports_show_the_preview_finding(tmp_path: Path, picture: np.ndarray) -> None:
    original, copy = tmp_path / "original.jpg", tmp_path / "copy.jpg"
    edited = picture.copy()
    edited[270:390, 280:400] = (20, 20, 20)
    original.write_bytes(mf.jpeg_with_exif_preview(picture, _preview(picture)))
    copy.write_bytes(mf.jpeg_with_exif_preview(edited, _preview(picture)))
    report, page = tmp_path / "r.json", tmp_path / "r.html"
    result = run_cli("compare", str(original), str(copy), "--json", str(report), "--html", str(page))
    assert result.returncode == 0, result.stderr
    document = json.loads(report.read_text())
    assert document["original"]["provenance"]["embedded_thumbnail"]["agrees"] is True
    found = document["copy"]["provenance"]["embedded_thumbnail"]
    assert found["agrees"] is False and len(found["areas"]) == 1 and found["width"] == 160
    # The copy's file kept the original's preview, byte for byte: its metadata came from that file.
    codes = {f["code"] for f in document["metadata_diff"]["findings"]}
    assert "same-exif-preview" in codes and "different-exif-preview" not in codes
    said = " ".join(result.stdout.replace("│", " ").split())  # the verdict panel, unwrapped
    assert "The copy's EXIF preview: The EXIF preview (160 x 160 px) differs from the picture in 1 area" in said
    assert "original's EXIF preview" not in said
    html = page.read_text()
    assert "The copy's EXIF preview beside the copy" in html and "original's EXIF preview beside" not in html
    inspected = run_cli("inspect", str(copy), "--json", "-")
    assert json.loads(inspected.stdout)["images"][0]["provenance"]["embedded_thumbnail"]["label"] == "locally-edited"
