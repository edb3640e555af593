"""A copy resized to a set width and height that did not quite keep the aspect (half a percent
off) is aligned by an affine, not left 1.5-3 px off at its edges by a similarity; copies that are
similarities stay similarities."""

from __future__ import annotations

import io
import json

import cv2
import numpy as np
import pytest
from PIL import Image

from fixtures import make_fixtures as fx
from simforensics.align import AlignModel, align
from simforensics.compare import compare_images
from simforensics.verdict import Label


def _jpeg(rgb: np.ndarray, quality: int = 88) -> np.ndarray:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(buffer).convert("RGB"))


def _farthest_corner_error(predicted: np.ndarray, truth: np.ndarray, copy_shape: tuple[int, ...]) -> float:
    h, w = copy_shape[:2]
    corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float64).reshape(-1, 1, 2)
    return float(np.linalg.norm(cv2.perspectiveTransform(corners, predicted) - cv2.perspectiveTransform(corners, truth), axis=2).max())


def _off_aspect(name: str, axis: str) -> tuple[np.ndarray, fx.Derived, np.ndarray]:
    """A 960-px picture resized to 80 % on one axis and 79.6 % on the other, then JPEG 88."""
    original = fx.source_image(name, 960)
    h, w = original.shape[:2]
    size = (round(w * 0.8), round(h * 0.796)) if axis == "height" else (round(w * 0.796), round(h * 0.8))
    derived = fx.resized_to(original, size)
    return original, derived, _jpeg(derived.rgb)


@pytest.mark.parametrize("axis", ["height", "width"])
@pytest.mark.parametrize("name", ["astronaut", "coffee", "rocket"])
def test_a_copy_half_a_percent_off_the_aspect_is_aligned_at_its_edges(name: str, axis: str) -> None:
    original, derived, copy = _off_aspect(name, axis)
    result = align(original, copy)
    assert result.aligned and result.model is AlignModel.AFFINE, result.reason
    assert "agree on an affine" in result.reason
    # A similarity left the farthest corner 1.4-3.1 px off (in these pictures' own pixels).
    assert _farthest_corner_error(result.matrix, derived.matrix, copy.shape) <= 0.25
    assert result.reprojection_error < 0.5


@pytest.mark.parametrize("name", ["astronaut", "coffee"])
def test_a_copy_half_a_percent_off_the_aspect_has_no_local_edit(name: str) -> None:
    # Aligned by a similarity, the astronaut's helmet rim and the cup's rim at the picture's
    # edges read "redrawn" (locally-edited, similarity 0.88).
    original, _, copy = _off_aspect(name, "height")
    measurement = compare_images(original, copy, with_people=False)
    assert measurement.verdict.label is Label.NEAR_DUPLICATE, measurement.verdict.summary
    assert measurement.changes.changed_fraction == 0.0
    # Half a percent is the rounding of a resize, not a stretch worth naming.
    assert "stretched" not in measurement.verdict.summary


@pytest.mark.parametrize(
    "make",
    [
        lambda o: fx.scaled(o, 0.5),
        lambda o: fx.rotated(o, 10),
        lambda o: fx.cropped(o, (120, 80, 600, 420)),
        lambda o: fx.mirrored(fx.scaled(o, 0.7).rgb),
        lambda o: fx.Derived("jpeg-40", _jpeg(o, 40), np.eye(3), False, None),
    ],
    ids=["scale-0.5", "rotate-10", "crop", "scale-mirror", "jpeg-40"],
)
@pytest.mark.parametrize("name", ["chelsea", "coffee"])
def test_copies_that_are_similarities_keep_the_similarity(name: str, make) -> None:
    original = fx.source_image(name, 960)
    copy = make(original).rgb
    result = align(original, copy)
    assert result.aligned and result.model is AlignModel.SIMILARITY, result.reason


def test_the_json_report_names_the_affine(tmp_path) -> None:
    from typer.testing import CliRunner

    from simforensics.cli import app

    original, _, copy = _off_aspect("rocket", "width")
    Image.fromarray(original).save(tmp_path / "original.png")
    Image.fromarray(copy).save(tmp_path / "copy.png")
    result = CliRunner().invoke(app, ["compare", str(tmp_path / "original.png"), str(tmp_path / "copy.png"),
                                      "--json", str(tmp_path / "report.json")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["alignment"]["model"] == "affine"
    assert report["verdict"]["label"] == "near-duplicate"
