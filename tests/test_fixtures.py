"""The fixture generator's known answers must be right, or every test built on them is wrong."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from fixtures import make_fixtures as fx


def _back_into_original(derived: fx.Derived, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Warp the copy into the original's frame with the recorded matrix; return (picture, covered)."""
    h, w = shape[:2]
    # warpPerspective's matrix maps source (copy) to destination (original): the recorded one.
    warped = cv2.warpPerspective(derived.rgb, derived.matrix, (w, h), flags=cv2.INTER_LINEAR)
    ones = np.full(derived.rgb.shape[:2], 255, np.uint8)
    covered = cv2.warpPerspective(ones, derived.matrix, (w, h), flags=cv2.INTER_NEAREST) == 255
    return warped, cv2.erode(covered.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)


@pytest.mark.parametrize("name", list(fx.SOURCES))
def test_recorded_matrices_map_each_copy_back_onto_its_original(name: str) -> None:
    original = fx.source_image(name)
    donor = fx.source_image("coffee" if name != "coffee" else "rocket")
    for derived in fx.standard_copies(original, donor):
        warped, covered = _back_into_original(derived, original.shape)
        assert covered.mean() > 0.3, derived.name
        untouched = covered if derived.edited_mask is None else covered & ~derived.edited_mask
        grey_original = cv2.cvtColor(original, cv2.COLOR_RGB2GRAY).astype(float)
        grey_warped = cv2.cvtColor(warped, cv2.COLOR_RGB2GRAY).astype(float)
        # Structure must line up: gradients correlate strongly only if the geometry is right.
        gx_o, gx_w = cv2.Sobel(grey_original, cv2.CV_64F, 1, 0), cv2.Sobel(grey_warped, cv2.CV_64F, 1, 0)
        r = np.corrcoef(gx_o[untouched], gx_w[untouched])[0, 1]
        assert r > 0.8, (derived.name, r)
        # A one-pixel error in the matrix must be visible: the shifted correlation is lower.
        shifted = np.roll(gx_w, 2, axis=1)
        assert np.corrcoef(gx_o[untouched], shifted[untouched])[0, 1] < r, derived.name


def test_build_writes_manifest_and_masks(fixture_set: tuple[Path, dict]) -> None:
    folder, manifest = fixture_set
    assert set(manifest["originals"]) == set(fx.SOURCES)
    edited = [c for c in manifest["copies"] if c["edited_mask"]]
    assert len(edited) == 3 * len(fx.SOURCES)
    for entry in manifest["copies"]:
        assert (folder / entry["copy"]).is_file()
        assert np.array(entry["matrix"]).shape == (3, 3)
    for entry in edited:
        with Image.open(folder / entry["edited_mask"]) as mask_image, Image.open(folder / entry["original"]) as original:
            mask = np.asarray(mask_image)
            assert mask.shape == (original.height, original.width) and 0 < (mask > 0).mean() < 0.2


def test_build_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    fx.build(first)
    fx.build(second)
    for path in sorted(first.iterdir()):
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name
