"""A pixelated copy (a nearest-neighbour enlargement: a mosaic filter) is the same picture: found
from its blocks and compared through them smoothed when that explains it better."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from simforensics import pixelation
from simforensics.compare import compare_images
from simforensics.verdict import Label
from tests.test_changes import jpeg


def shipped(name: str) -> np.ndarray:
    """One of scikit-image's sample pictures as RGB uint8, as shipped."""
    from skimage import data

    picture = getattr(data, name)()
    if picture.ndim == 2:
        picture = np.repeat(picture[:, :, None], 3, axis=2)
    return np.ascontiguousarray(picture[:, :, :3])


def pixelated(rgb: np.ndarray, block: int) -> np.ndarray:
    """``rgb`` reduced by ``block`` (area means) and enlarged back by nearest neighbour."""
    height, width = rgb.shape[:2]
    small = cv2.resize(rgb, (width // block, height // block), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_NEAREST)


@pytest.mark.parametrize("name", ["coffee", "rocket", "camera", "page", "logo", "moon"])
def test_pictures_and_their_jpegs_are_not_taken_for_pixelated(name: str) -> None:
    rgb = shipped(name)
    assert pixelation.blocks(rgb) is None and pixelation.blocks(jpeg(rgb, 80)) is None
    found = pixelation.blocks(pixelated(rgb, 4))
    assert found is not None and 3.9 < found.size < 4.2


@pytest.mark.parametrize("name", ["grass", "rocket", "logo"])
def test_a_pixelated_copy_is_a_near_duplicate(name: str) -> None:
    """Blocks of 4 px: grass read "similar", rocket and logo "locally-edited" with 3 and 7 areas."""
    original = shipped(name)
    measurement = compare_images(original, pixelated(original, 4), with_people=False)
    assert measurement.verdict.label is Label.NEAR_DUPLICATE, measurement.verdict.summary
    assert "pixelated in blocks of 4 px, compared smoothed" in measurement.verdict.summary


def test_edits_under_and_of_pixelation_are_still_found() -> None:
    original = shipped("coffee")
    edited = original.copy()
    edited[150:210, 60:150] = original[260:320, 330:420]
    under = compare_images(original, pixelated(edited, 4), with_people=False)
    assert under.verdict.label is Label.LOCALLY_EDITED and len(under.changes.areas) == 1, under.verdict.summary
    x, y, w, h = under.changes.areas[0].box
    assert x < 150 and x + w > 60 and y < 210 and y + h > 150
    # A face hidden by a mosaic is an edit of one area, not a pixelated picture.
    hidden = original.copy()
    hidden[100:196, 200:296] = pixelated(np.ascontiguousarray(original[100:196, 200:296]), 8)
    assert pixelation.blocks(hidden) is None
    assert compare_images(original, hidden, with_people=False).verdict.label is Label.LOCALLY_EDITED
