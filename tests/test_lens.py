"""A copy bent by a camera lens (a photograph of a print or a screen) is the same picture: the bend
is found from the alignment's matches and taken out, and only the bend."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fixtures import make_fixtures as fx
from simforensics import lens
from simforensics.compare import compare_images
from simforensics.verdict import Label
from tests.test_changes import jpeg


def bent(rgb: np.ndarray, k1: float) -> np.ndarray:
    """``rgb`` as a lens with OpenCV's radial coefficient ``k1`` (focal length the longest side)
    shows it: positive, barrel (the corners drawn in); negative, pincushion."""
    height, width = rgb.shape[:2]
    focal = max(height, width)
    camera = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]], np.float64)
    return cv2.undistort(rgb, camera, np.array([k1, 0, 0, 0], np.float64))


@pytest.mark.parametrize(("name", "k1"), [("astronaut", 0.03), ("coffee", 0.03), ("rocket", -0.03)])
def test_a_copy_bent_by_a_lens_is_a_near_duplicate(name: str, k1: float) -> None:
    original = fx.source_image(name, 512)
    measurement = compare_images(original, bent(original, k1), with_people=False)
    bend = measurement.alignment.lens_bend
    # OpenCV's k1 = 0.03 moves a 512-px picture's corners by 2.5-5.5 px from the best homography.
    assert 2.0 < abs(bend) < 8.0 and np.sign(bend) == np.sign(k1), bend
    assert measurement.verdict.label is Label.NEAR_DUPLICATE, measurement.verdict.summary
    kind = "barrel" if k1 > 0 else "pincushion"
    assert f"bent as by a camera lens's {kind} distortion" in measurement.verdict.summary
    # Given the other way round, the straight picture is bent as the photograph is, about its centre.
    reverse = compare_images(bent(original, k1), original, with_people=False)
    assert reverse.verdict.label is Label.NEAR_DUPLICATE, reverse.verdict.summary


def photographed(rgb: np.ndarray, seed: int) -> np.ndarray:
    """``rgb`` as a phone photographs a screen showing it: at a slight angle (corners 5-25 px in),
    through a barrel lens (k1 0.05), moved along 7 px, brighter, with sensor noise, saved at JPEG 80."""
    rng = np.random.default_rng(seed)
    height, width = rgb.shape[:2]
    frame = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    inward = np.float32([[1, 1], [-1, 1], [-1, -1], [1, -1]]) * rng.uniform(5, 25, (4, 2)).astype(np.float32)
    tilted = cv2.warpPerspective(rgb, cv2.getPerspectiveTransform(frame, frame + inward), (width, height),
                                 borderMode=cv2.BORDER_REFLECT)
    focal = max(height, width)
    camera = np.array([[focal, 0, width / 2], [0, focal, height / 2], [0, 0, 1]], np.float64)
    map_x, map_y = cv2.initUndistortRectifyMap(camera, np.array([0.05, 0, 0, 0]), None, camera, (width, height),
                                               cv2.CV_32FC1)
    bent_tilted = cv2.remap(tilted, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    streak = np.zeros((7, 7), np.float32)
    streak[3, :] = 1 / 7
    moved = cv2.filter2D(bent_tilted, -1, streak).astype(np.float32) * 1.05 + rng.normal(0, 3, rgb.shape)
    return jpeg(np.clip(moved, 0, 255).astype(np.uint8), 80)


@pytest.mark.parametrize("name", ["chelsea", "coffee"])
def test_a_phone_photograph_of_a_screen_is_a_near_duplicate(name: str) -> None:
    """Angle, lens, motion and noise together. Chelsea's matches all lie within RANSAC's 3 px of a
    similarity but over a pixel off it: the homography is now taken for its precision (before: 3
    false areas). Under this noise the bend itself is found on some such photographs only (its
    gain on the far matches 0.18-0.37 against LENS_MIN_GAIN's 0.2)."""
    original = fx.source_image(name, 512)
    measurement = compare_images(original, photographed(original, 2), with_people=False)
    assert measurement.verdict.label is Label.NEAR_DUPLICATE, measurement.verdict.summary
    assert "in perspective" in measurement.verdict.summary


def test_a_bent_negative_stays_a_negative() -> None:
    original = fx.source_image("coffee", 512)
    measurement = compare_images(original, 255 - bent(original, 0.03), with_people=False)
    assert measurement.alignment.inverted and measurement.alignment.lens_bend > 2.0, measurement.alignment.reason
    assert measurement.verdict.label is Label.NEAR_DUPLICATE, measurement.verdict.summary
    assert "in negative" in measurement.verdict.summary


def test_an_edit_in_a_bent_copy_is_still_found_where_it_is() -> None:
    original = fx.source_image("coffee", 512)
    edited = original.copy()
    edited[150:210, 60:150] = original[260:320, 330:420]
    measurement = compare_images(original, bent(edited, 0.03), with_people=False)
    assert measurement.alignment.lens_bend > 2.0
    assert measurement.verdict.label is Label.LOCALLY_EDITED, measurement.verdict.summary
    assert len(measurement.changes.areas) == 1, measurement.verdict.summary
    x, y, w, h = measurement.changes.areas[0].box
    assert x < 150 and x + w > 60 and y < 210 and y + h > 150


@pytest.mark.parametrize("copy", ["turned", "cropped", "locally warped"])
def test_copies_no_lens_bent_are_not_straightened(copy: str) -> None:
    original = fx.source_image("astronaut", 512)
    if copy == "turned":
        made = np.ascontiguousarray(np.rot90(original))
    elif copy == "cropped":
        made = original[40:460, 60:480]
    else:  # the face pinched about its own centre: a local warp, which no lens makes
        height, width = original.shape[:2]
        y, x = np.mgrid[0:height, 0:width].astype(np.float32)
        distance = np.hypot(x - 220, y - 110) / 60
        factor = np.where(distance < 1, 0.8 + 0.2 * distance, 1.0).astype(np.float32)
        made = cv2.remap(original, 220 + (x - 220) * factor, 110 + (y - 110) * factor, cv2.INTER_LINEAR)
    measurement = compare_images(original, made, with_people=False)
    assert measurement.alignment.aligned and measurement.alignment.lens_bend == 0.0
    expected = Label.LOCALLY_EDITED if copy == "locally warped" else Label.NEAR_DUPLICATE
    assert measurement.verdict.label is expected, measurement.verdict.summary


def test_straightening_keeps_the_frame_filled_by_the_copy() -> None:
    """Neither a barrel's nor a pincushion's straightened frame reaches outside the copy: a grey
    copy straightened stays that grey to its corners."""
    grey = np.full((200, 300, 3), 90, np.uint8)
    grey[0, :] = grey[-1, :] = grey[:, 0] = grey[:, -1] = 250  # the copy's own edge, sampled at the corners
    for bend in (6.0, -6.0):
        straight = lens.straightened(grey, lens.Bend(bend, (149.5, 99.5), float(np.hypot(300, 200) / 2)))
        assert straight.shape == grey.shape
        assert straight[100, 150].tolist() == [90, 90, 90]
        if bend < 0:  # reduced until the corners meet the frame's: the copy's edge reaches the corners
            assert straight[0, 0].min() > 90


def test_a_degenerate_fit_is_not_inverted() -> None:
    """The bend about the original's centre maps that centre into the copy through the fit's
    inverse; a fallback's fit of an unrelated flat pair can be singular (it raised LinAlgError)."""
    ys, xs = np.mgrid[0:400:20, 0:600:20]
    source = np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float64)
    onto_a_line = np.array([[1.0, 0, 0], [0, 0, 200.0], [0, 0, 1]])  # every point to y = 200
    target = np.stack([source[:, 0], np.full(len(source), 200.0)], axis=1)
    assert lens.bend(onto_a_line, source, target, (400, 600, 3), (400, 600, 3), 1.0, 3.0) is None

