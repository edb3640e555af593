"""Subject: people or not, their faces and framing, the main figure's shape."""

from __future__ import annotations

import itertools
import pickle
import re

import numpy as np
import pytest
from skimage import data

from fixtures import make_fixtures as F
from simforensics import thresholds as T
from simforensics.portrait import Face, Portrait, find_people
from simforensics.resample import shrink_to_side
from simforensics.resemblance import subject
from simforensics.resemblance.model import PictureView


def view(rgb: np.ndarray, people: Portrait | None) -> PictureView:
    return PictureView(shrink_to_side(np.ascontiguousarray(rgb), T.RESEMBLANCE_SIDE), people)


def looked(rgb: np.ndarray) -> PictureView:
    """The picture with the portrait models' findings, as compare makes them (its own preview)."""
    picture = shrink_to_side(np.ascontiguousarray(rgb), T.PREVIEW_SIDE)
    return view(picture, find_people(picture))


@pytest.fixture(scope="module")
def pictures() -> dict[str, subject.SubjectDescriptor]:
    astronaut = F.portrait("astronaut")
    rgb = {
        "astronaut": astronaut,
        "oil": F.painted(astronaut, "oil"),
        "cartoon": F.painted(astronaut, "cartoon"),
        "mirror": astronaut[:, ::-1],
        "grace": F.portrait("grace_hopper"),
        "coffee": F.source_image("coffee", 512),
        "rocket": F.source_image("rocket", 512),
    }
    return {name: subject.describe(looked(picture)) for name, picture in rgb.items()}


def score(a: subject.SubjectDescriptor, b: subject.SubjectDescriptor) -> float:
    result = subject.compare(a, b).score
    assert result is not None
    return result


def nobody(width: int, height: int) -> Portrait:
    """The portrait models looked and found no one."""
    return Portrait(width=width, height=height, faces=(), body=None, person_mask=np.zeros((height, width), bool))


def test_the_same_picture_scores_one(pictures):
    assert score(pictures["astronaut"], pictures["astronaut"]) == pytest.approx(1.0)


def test_two_portraits_are_closer_than_a_portrait_and_a_landscape(pictures):
    portraits = score(pictures["astronaut"], pictures["grace"])
    mixed = [score(pictures[p], pictures[l]) for p in ("astronaut", "grace") for l in ("coffee", "rocket")]
    assert portraits >= 0.5
    assert max(mixed) <= 1 / 3 < portraits
    why = subject.compare(pictures["astronaut"], pictures["coffee"]).why
    assert why.startswith("a person in the first picture only (the person's outline against the other's main figure "
                          "is compared under composition); first: a person, one face")
    assert "not compared: who the people are" in why


def test_a_painted_version_keeps_its_subject(pictures):
    for name in ("oil", "cartoon", "mirror"):
        assert score(pictures["astronaut"], pictures[name]) >= 0.8, name
    why = subject.compare(pictures["astronaut"], pictures["mirror"]).why
    assert why.startswith("both show people; first: a person, one face, the face 20% of the picture's height")
    assert re.search(r"second: a person, one face, the face 2\d% of the picture's height", why)
    assert why.count("frontal") == 2


def test_a_subject_likeness_is_placed_among_pairs_of_its_own_kind(pictures):
    # Two pictures of people are placed among such pairs, a person against a picture without one
    # among those; two pictures without people are not measured (no stratum).
    assert subject.stratum(pictures["astronaut"], pictures["grace"]) == "pictures of people"
    assert subject.stratum(pictures["coffee"], pictures["astronaut"]) == "a picture of a person and one without"
    assert subject.stratum(pictures["coffee"], pictures["rocket"]) is None


def test_without_people_the_subject_is_not_judged():
    # Two pictures of one figure (or a flat picture): with nobody in either, what is depicted is not
    # judged here; the figure's shape and place belong to composition, and are not counted twice.
    same_figure = [subject.describe(view(F.textured_figure(texture, ground, 28, 60, 200, lit=False), nobody(256, 256)))
                   for texture, ground in ((data.brick(), (200, 190, 150)), (data.grass(), (150, 190, 215)))]
    flat = subject.describe(view(np.full((100, 100, 3), 90, np.uint8), nobody(100, 100)))
    for pair in (same_figure, (flat, flat), (same_figure[0], flat)):
        result = subject.compare(*pair)
        assert result.score is None and result.why.startswith("no person in either picture")
        assert "composition" in result.why


def test_not_looked_for_is_not_measured(pictures):
    unknown = subject.describe(view(F.portrait("astronaut"), None))
    result = subject.compare(pictures["astronaut"], unknown)
    assert result.score is None
    assert result.why.startswith("the portrait models were not run on the second")
    assert subject.compare(unknown, unknown).score is None


def test_a_face_turn_and_framing_are_read_from_the_models_findings():
    width = height = 500
    mask = np.zeros((height, width), bool)
    mask[50:, 150:350] = True  # the person reaches the bottom edge
    for nose_x, turn, words in ((250, 0, "frontal (turned 0°)"), (300, 45, "in three-quarter view (turned 45°)")):
        # Ears 100 px apart about the box's centre; the nose between them, or at the left ear.
        keypoints = {"right_ear": (200.0, 100.0), "left_ear": (300.0, 100.0), "nose": (float(nose_x), 110.0),
                     "right_eye": (225.0, 90.0), "left_eye": (275.0, 90.0), "mouth": (250.0, 130.0)}
        face = Face(box=(200, 50, 100, 100), score=0.9, keypoints=keypoints, mesh=None)
        people = Portrait(width=width, height=height, faces=(face,), body=None, person_mask=mask)
        described = subject.describe(view(np.full((height, width, 3), 128, np.uint8), people))
        assert described.face_yaw == pytest.approx(turn)
        assert described.face_height == pytest.approx(0.2)
        assert described.framing == pytest.approx((1 - 0.1) / 0.2, abs=0.1)  # face top to bottom edge
        assert described.figure_share == pytest.approx(0.36, abs=0.02)
        why = subject.compare(described, described).why
        assert words in why and "the person shown to 4.5 face heights below the face's top" in why


def test_scores_are_symmetric_and_in_range(pictures):
    measured = 0
    for a, b in itertools.combinations(pictures.values(), 2):
        forward, backward = subject.compare(a, b).score, subject.compare(b, a).score
        assert (forward is None) == (backward is None)  # nobody in either: not measured, both ways
        if forward is not None:
            measured += 1
            assert 0.0 <= forward <= 1.0
            assert forward == pytest.approx(backward, abs=1e-9)
    assert measured >= 3


def test_descriptors_pickle(pictures):
    original = pictures["astronaut"]
    restored = pickle.loads(pickle.dumps(original))
    assert subject.compare(restored, pictures["grace"]) == subject.compare(original, pictures["grace"])


def test_a_person_against_a_figure_in_its_outline_is_no_shared_subject():
    # The outline is the layout's (composition); what is depicted differs: a person, and bricks.
    picture = shrink_to_side(F.portrait("astronaut"), T.PREVIEW_SIDE)
    people = find_people(picture)
    assert people.has_person
    height, width = picture.shape[:2]
    bricks = np.repeat(shrink_to_side(data.brick(), max(height, width))[:height, :width, None], 3, axis=2)
    filled = np.where(people.person_mask[:, :, None], bricks // 2, np.uint8(225))
    person, figure = subject.describe(view(picture, people)), subject.describe(view(filled, nobody(width, height)))
    assert figure.figure_source == "salient region" and figure.figure_share >= 0.8 * person.figure_share
    result = subject.compare(person, figure)
    assert result.score == 0.0
    assert "compared under composition" in result.why and "silhouettes" not in result.why
