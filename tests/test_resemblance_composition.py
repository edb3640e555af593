"""Composition: where the masses are, whatever fills them; mirror-aware."""

from __future__ import annotations

import itertools
import pickle

import cv2
import numpy as np
import pytest
from skimage import data

from fixtures import make_fixtures as F
from simforensics import thresholds as T
from simforensics.portrait import POSE_POINTS, Portrait
from simforensics.resample import shrink_to_side
from simforensics.resemblance import composition
from simforensics.resemblance.model import PictureView


def view(rgb: np.ndarray, people: Portrait | None = None) -> PictureView:
    return PictureView(shrink_to_side(np.ascontiguousarray(rgb), T.RESEMBLANCE_SIDE), people)


@pytest.fixture(scope="module")
def pictures() -> dict[str, composition.CompositionDescriptor]:
    astronaut = F.source_image("astronaut", 512)
    rgb = {
        "astronaut": astronaut,
        "oil": F.painted(astronaut, "oil"),
        "cartoon": F.painted(astronaut, "cartoon"),
        "hue": F.hue_shifted(astronaut, 120).rgb,
        "mirror": astronaut[:, ::-1],
        "coffee": F.source_image("coffee", 512),
        "rocket": F.source_image("rocket", 512),
        "chelsea": F.source_image("chelsea", 512),
        # The same silhouette, filled with two different textures, on two grounds of like lightness.
        "brick horse": F.textured_figure(data.brick(), (200, 190, 150), 20, 60, 200),
        "grass horse": F.textured_figure(data.grass(), (150, 190, 215), 20, 60, 200),
        # The brick horse again, smaller, in the upper right: another layout.
        "small brick horse": F.textured_figure(data.brick(), (200, 190, 150), 150, 20, 90),
    }
    return {name: composition.describe(view(picture)) for name, picture in rgb.items()}


def score(a: composition.CompositionDescriptor, b: composition.CompositionDescriptor) -> float:
    result = composition.compare(a, b).score
    assert result is not None
    return result


def test_the_same_picture_scores_one(pictures):
    assert score(pictures["astronaut"], pictures["astronaut"]) == pytest.approx(1.0)


def test_a_restyled_picture_keeps_its_layout_and_unrelated_pictures_do_not(pictures):
    restyled = [score(pictures["astronaut"], pictures[name]) for name in ("oil", "cartoon", "hue")]
    unrelated = [score(pictures["astronaut"], pictures[name]) for name in ("coffee", "rocket", "chelsea")]
    assert min(restyled) >= 0.6, restyled
    assert max(unrelated) <= 0.35, unrelated


def test_another_figure_in_the_same_layout_scores_high(pictures):
    same_layout = score(pictures["brick horse"], pictures["grass horse"])
    same_texture_other_layout = score(pictures["brick horse"], pictures["small brick horse"])
    assert same_layout >= 0.75
    assert same_layout > same_texture_other_layout + 0.3
    why = composition.compare(pictures["brick horse"], pictures["grass horse"]).why
    assert why.startswith("both: a salient region taking"), why


def test_a_mirrored_layout_is_the_same_composition(pictures):
    result = composition.compare(pictures["astronaut"], pictures["mirror"])
    assert result.score == pytest.approx(1.0, abs=0.01)
    assert "mirror" in result.why


def test_the_words_say_where_the_figure_is():
    left = composition.describe(view(F.textured_figure(data.brick(), (230, 230, 230), 0, 70, 120)))
    assert composition.figure_words(left).endswith("left of centre, dark on light")
    assert "right of centre" in composition.figure_words(left, mirrored=True)
    right = composition.describe(view(F.textured_figure(data.brick(), (230, 230, 230), 136, 70, 120)))
    result = composition.compare(left, right)
    assert "(the second seen in a mirror)" in result.why
    assert "left of centre" in result.why


def test_the_person_mask_is_the_figure_when_the_models_found_a_person():
    rgb = F.source_image("coffee", 256)
    height, width = rgb.shape[:2]
    mask = np.zeros((height, width), bool)
    mask[height // 2 :, : width // 3] = True  # a person in the lower left
    body = {name: (width / 6, height / 2, 1.0) for name in POSE_POINTS}
    people = Portrait(width=width, height=height, faces=(), body=body, person_mask=mask)
    described = composition.describe(view(rgb, people))
    assert described.figure_source == "person"
    x, y = described.centroid
    assert x == pytest.approx(1 / 6, abs=0.02) and y == pytest.approx(3 / 4, abs=0.02)
    assert described.share == pytest.approx(1 / 6, abs=0.02)
    assert composition.figure_words(described).startswith("a person taking 17% of the frame, in the lower left")
    # Nobody found: the figure is what stands out from the picture's edges.
    assert composition.describe(view(rgb, None)).figure_source == "salient region"


def test_scores_are_symmetric_and_in_range(pictures):
    for a, b in itertools.combinations(pictures.values(), 2):
        forward, backward = score(a, b), score(b, a)
        assert 0.0 <= forward <= 1.0
        assert forward == pytest.approx(backward, abs=1e-6)  # float32 maps


def test_flat_pictures_are_not_measured_and_a_flat_picture_has_no_figure(pictures):
    grey = composition.describe(view(np.full((200, 300, 3), 128, np.uint8)))
    assert grey.figure_source == "none"
    assert composition.figure_words(grey) == "no figure standing out"
    result = composition.compare(grey, grey)
    assert result.score is None and "flat" in result.why
    assert score(grey, pictures["astronaut"]) <= 0.2


def test_descriptors_pickle(pictures):
    original = pictures["astronaut"]
    restored = pickle.loads(pickle.dumps(original))
    assert composition.compare(original, restored).score == pytest.approx(1.0)
    assert composition.compare(restored, pictures["oil"]) == composition.compare(original, pictures["oil"])


def _bust_mask(side: int = 256) -> np.ndarray:
    """Head and shoulders running into the bottom and both sides of the picture, as a bust does."""
    mask = np.zeros((side, side), np.uint8)
    cv2.ellipse(mask, (side // 2, side // 3), (side // 6, side // 5), 0, 0, 360, 1, -1)
    mask[side // 2 : 2 * side // 3, 2 * side // 5 : 3 * side // 5] = 1  # the neck
    shoulders = np.array([[side // 5, 3 * side // 5], [4 * side // 5, 3 * side // 5], [side, 4 * side // 5],
                          [side, side], [0, side], [0, 4 * side // 5]])
    cv2.fillPoly(mask, [shoulders], 1)
    return mask.astype(bool)


def _bust(figure: np.ndarray, ground: np.ndarray, figure_tint: tuple, ground_tint: tuple) -> np.ndarray:
    """The bust filled with one grey texture and its ground with another, each tinted."""
    side = 256
    mask = _bust_mask(side)[:, :, None]
    fill, back = (cv2.resize(texture, (side, side), interpolation=cv2.INTER_AREA).astype(np.float32)[:, :, None]
                  for texture in (figure, ground))
    return np.clip(np.where(mask, fill * np.float32(figure_tint), back * np.float32(ground_tint)), 0, 255).astype(np.uint8)


def test_a_bust_running_into_the_edges_is_found_whole():
    # Its colours are on three of the four edges, so no pixel of it stands out from every edge:
    # the figure is the colour cluster that the pixels standing out (the head) seed.
    brick_bust = _bust(data.brick(), data.grass(), (0.6, 0.5, 0.9), (1.0, 0.95, 0.7))
    gravel_bust = _bust(data.gravel(), data.moon(), (1.0, 0.7, 0.5), (0.6, 0.9, 1.0))[:, ::-1]
    truth = cv2.resize(_bust_mask().astype(np.float32), (T.COMPOSITION_SIDE,) * 2, interpolation=cv2.INTER_AREA) > 0.5
    for rgb in (brick_bust, gravel_bust):
        found = composition.figure_of(view(rgb)).mask > 0.5
        assert (found & truth).sum() / (found | truth).sum() >= 0.85
    busts = [composition.describe(view(rgb)) for rgb in (brick_bust, gravel_bust)]
    result = composition.compare(*busts)
    assert result.score >= 0.45 and "mirror" in result.why
    unrelated = composition.describe(view(F.source_image("coffee", 256)))
    assert max(score(bust, unrelated) for bust in busts) <= result.score - 0.2


@pytest.mark.parametrize("texture", ["gravel", "grass"])
def test_a_figure_that_differs_from_its_ground_only_in_texture_is_found(texture):
    # The horse filled with a grey texture on a flat ground of the texture's own mean grey: the
    # same colour on both sides, told apart by texture alone. Colours alone found nothing there
    # (under 1 % of the frame); the texture's energy finds the horse, shaped as the same
    # silhouette drawn flat (found by its colour) is.
    fill = cv2.resize(getattr(data, texture)(), (256, 256), interpolation=cv2.INTER_AREA)
    grey = round(float(fill.mean()))
    rgb = F.textured_figure(fill, (grey, grey, grey), 28, 46, 200, lit=False)
    outline = F.textured_figure(np.zeros((256, 256), np.uint8), (255, 255, 255), 28, 46, 200, lit=False)
    found, drawn = composition.figure_of(view(rgb)), composition.figure_of(view(outline))
    assert found.source == drawn.source == "salient region"
    truth = cv2.resize((outline[:, :, 0] < 128).astype(np.float32), found.mask.shape[::-1],
                       interpolation=cv2.INTER_AREA) > 0.5
    mask = found.mask > 0.5
    assert (mask & truth).sum() / (mask | truth).sum() >= 0.7
    assert composition.silhouette_overlap(found.silhouette, drawn.silhouette) >= 0.8
    assert found.centroid == pytest.approx(drawn.centroid, abs=0.03)


def test_a_figure_the_portrait_models_confirmed_is_the_figure_without_a_face():
    # Grace Hopper's outline filled with the colour wheel, on immunohistochemistry: the figure
    # differs from its ground in texture and in many colours, so colours alone find it in pieces;
    # no face or body is found in it, but a face detector confirms the person mask's main figure
    # (portrait.find_people), which is the layout's figure.
    from simforensics.portrait import find_people

    portrait = shrink_to_side(F.portrait("grace_hopper"), T.PREVIEW_SIDE)
    people = find_people(portrait)
    height, width = portrait.shape[:2]
    outline = cv2.resize(people.person_mask.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST) > 0
    figure, ground = (cv2.resize(getattr(data, name)()[:, :, :3], (width, height), interpolation=cv2.INTER_AREA)
                      for name in ("colorwheel", "immunohistochemistry"))
    filled = np.where(outline[:, :, None], figure, ground).astype(np.uint8)
    filled_people = find_people(filled)
    assert not filled_people.has_person and filled_people.figure_mask is not None
    original = composition.describe(view(portrait, people))
    described = composition.describe(view(filled, filled_people))
    assert described.figure_source == "figure"
    assert composition.figure_words(described).startswith("a figure taking")
    result = composition.compare(original, described)
    assert "figure placement r = 0.9" in result.why, result.why
    assert result.score >= 0.5
    # Against unrelated pictures' layouts it stays as low as the portrait's own.
    unrelated = [composition.describe(view(F.source_image(name, 256))) for name in ("coffee", "rocket", "chelsea")]
    assert max(score(described, other) for other in unrelated) <= 0.35
