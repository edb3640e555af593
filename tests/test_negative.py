"""A photographic negative of a picture is the same picture, its colours inverted."""

from __future__ import annotations

import numpy as np

from fixtures import make_fixtures as fx
from simforensics.compare import compare_images
from simforensics.verdict import Label


def test_a_negative_is_a_near_duplicate_and_an_edit_under_it_is_found() -> None:
    chelsea = fx.source_image("chelsea", 400)
    negative = compare_images(chelsea, 255 - chelsea, with_people=False)
    assert negative.alignment.aligned and negative.alignment.inverted
    assert negative.verdict.label is Label.NEAR_DUPLICATE, negative.verdict.summary
    assert "in negative, its colours inverted" in negative.verdict.summary
    edited = chelsea.copy()
    edited[100:160, 40:120] = chelsea[100:160, 260:340]
    under = compare_images(chelsea, (255 - edited).astype(np.uint8), with_people=False)
    assert under.verdict.label is Label.LOCALLY_EDITED and under.alignment.inverted
    x, y, w, h = under.changes.areas[0].box
    assert x < 120 and x + w > 40 and y < 160 and y + h > 100


def test_unrelated_pictures_are_not_tried_as_negatives() -> None:
    measurement = compare_images(fx.source_image("coffee", 400), fx.source_image("astronaut", 400), with_people=False)
    assert not measurement.alignment.aligned and not measurement.alignment.inverted
