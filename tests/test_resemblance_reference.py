"""Placing a resemblance score among unrelated pairs: percentile and finding."""

from __future__ import annotations

import numpy as np
import pytest

from simforensics import thresholds as T
from simforensics.resemblance.model import (
    Dimension,
    DimensionScore,
    Likeness,
    ReferenceInfo,
    ResemblanceProfile,
)
from simforensics.resemblance.reference import Reference, place


def _reference(scores: dict[str, list[float]]) -> Reference:
    info = ReferenceInfo(name="test", pictures=10, pairs=max(len(v) for v in scores.values()), kind="numbers",
                         warning=None)
    return Reference(info, {name: np.sort(np.asarray(values)) for name, values in scores.items()})


def test_percentile_is_the_share_of_unrelated_pairs_less_alike() -> None:
    reference = _reference({"palette": list(np.linspace(0.0, 0.999, 1000))})
    assert reference.percentile("palette", 0.0) == 0.0
    assert reference.percentile("palette", 0.5) == pytest.approx(0.5, abs=0.002)
    # Beyond the most alike pair measured the tail is fitted, not counted: rarer than 99.9 % of
    # them, not "rarer than every unrelated pair", and rarer still the more alike.
    beyond = [reference.percentile("palette", s) for s in (0.9995, 0.9998, 1.0)]
    assert 0.999 < beyond[0] < beyond[1] < beyond[2] < 1.0
    # Ties count as not less alike: a score equal to every pair's is at percentile 0.
    flat = _reference({"palette": [0.3] * 200})
    assert flat.percentile("palette", 0.3) == 0.0 and flat.percentile("palette", 0.31) == 1.0


def test_the_fitted_tail_marks_about_one_unrelated_pair_in_a_hundred_distinctive() -> None:
    # Scores of a beta distribution, whose logit has an exponential upper tail: of new unrelated
    # pairs, about 1 % are distinctive against 300 measured ones (counted, the 1 % level would be
    # wherever the third most alike of them happened to fall).
    rng = np.random.default_rng(0)
    reference = _reference({"style": list(rng.beta(2, 8, 300))})
    new = rng.beta(2, 8, 20000)
    share = np.mean([place("style", DimensionScore(float(s), "x"), reference).finding is Likeness.DISTINCTIVE
                     for s in new])
    assert 0.005 < share < 0.02


def test_pairs_of_the_same_two_works_weigh_as_one_pair() -> None:
    # 300 pairs of different works, and 100 more views of one pair of works, all very alike: counted
    # each, they would make a likeness of 0.8 ordinary; weighed as the one pair of works they are,
    # it stays rare.
    info = ReferenceInfo(name="test", pictures=10, pairs=400, kind="numbers", warning=None)
    scores = np.sort(np.concatenate([np.linspace(0.0, 0.5, 300), np.full(100, 0.9)]))
    units = np.where(scores == 0.9, 100.0, 1.0)
    weighed = Reference(info, {"style": scores}, {"style": units})
    counted = Reference(info, {"style": scores})
    assert counted.percentile("style", 0.8) == pytest.approx(0.75)
    assert weighed.percentile("style", 0.8) > 0.99
    again = Reference.from_document(weighed.to_document())
    assert again.percentile("style", 0.8) == pytest.approx(weighed.percentile("style", 0.8))


def test_findings_follow_the_percentile() -> None:
    reference = _reference({"style": list(np.linspace(0.0, 0.999, 1000))})
    assert place("style", DimensionScore(0.9995, "alike"), reference).finding is Likeness.DISTINCTIVE
    assert place("style", DimensionScore(0.7, "alike"), reference).finding is Likeness.COMMON
    assert place("style", DimensionScore(0.2, "unlike"), reference).finding is Likeness.DIFFERENT
    placed = place("style", DimensionScore(None, "nothing to compare"), reference)
    assert placed.finding is Likeness.NOT_MEASURED and placed.percentile is None and placed.why == "nothing to compare"


def test_too_few_reference_pairs_give_no_percentile() -> None:
    reference = _reference({"pose": [0.1] * (T.RESEMBLANCE_MIN_PAIRS - 1), "palette": [0.1] * 500})
    placed = place("pose", DimensionScore(0.95, "same posture"), reference)
    assert placed.score == 0.95 and placed.percentile is None and placed.finding is Likeness.NOT_MEASURED
    assert "too few" in placed.why and "same posture" in placed.why
    assert place("composition", DimensionScore(0.5, "x"), reference).finding is Likeness.NOT_MEASURED


def test_a_reference_survives_its_document() -> None:
    reference = _reference({"palette": [0.1, 0.25, 0.5], "style": [0.2, 0.3]})
    again = Reference.from_document(reference.to_document())
    assert again.info == reference.info
    assert {k: v.tolist() for k, v in again.scores.items()} == {k: v.tolist() for k, v in reference.scores.items()}
    with pytest.raises(ValueError, match="not a resemblance reference"):
        Reference.from_document({"schema": "other"})


def test_the_reference_distribution_is_kept_for_the_report() -> None:
    reference = _reference({"palette": [0.01, 0.02, 0.5, 0.97, 0.99]})
    placed = place("palette", DimensionScore(0.6, "x"), reference)
    assert len(placed.reference_histogram) == 20 and sum(placed.reference_histogram) == 5
    assert placed.reference_histogram[0] == 2 and placed.reference_histogram[10] == 1 and placed.reference_histogram[19] == 2
    assert place("pose", DimensionScore(0.6, "x"), reference).reference_histogram == ()


def test_a_stratified_likeness_is_placed_among_its_own_kind_of_pairs() -> None:
    # Grey pairs share palettes far more often than coloured ones: a coloured pair is placed among
    # coloured pairs only.
    reference = _reference({"palette": list(np.linspace(0, 0.9, 300)),
                            "palette/coloured pictures": list(np.linspace(0, 0.4, 300)),
                            "palette/grey pictures": list(np.linspace(0.3, 0.9, 300))})
    coloured = place("palette", DimensionScore(0.5, "alike"), reference, "coloured pictures")
    grey = place("palette", DimensionScore(0.5, "alike"), reference, "grey pictures")
    assert coloured.finding is Likeness.DISTINCTIVE and coloured.percentile > 0.999
    assert grey.finding is Likeness.DIFFERENT and grey.percentile < 0.5
    assert "among the reference's pairs of coloured pictures" in coloured.why
    assert sum(coloured.reference_histogram) == 300
    unplaced = place("palette", DimensionScore(0.5, "alike"), reference, "sepia pictures")
    assert unplaced.finding is Likeness.NOT_MEASURED and "of sepia pictures" in unplaced.why


def test_too_few_of_its_own_kind_places_a_likeness_among_a_wider_kind_no_higher_than_among_them() -> None:
    # 60 coloured pairs cannot resolve the 1 % level; the 600 pairs with colour can, and the lower
    # of the two percentiles is kept. The grey pairs (far more alike) stay out of it.
    reference = _reference({"palette": list(np.linspace(0, 0.9, 900)),
                            "palette/pictures with colour": list(np.linspace(0, 0.6, 600)),
                            "palette/coloured pictures": list(np.linspace(0, 0.3, 60))})
    kinds = ("coloured pictures", "pictures with colour")
    above_all = place("palette", DimensionScore(0.7, "alike"), reference, kinds)
    assert above_all.finding is Likeness.DISTINCTIVE and above_all.percentile > 0.999
    assert "among the reference's 600 pairs of pictures with colour" in above_all.why
    assert "its 60 pairs of coloured pictures" in above_all.why
    # Above every coloured pair, but among the pairs with colour only at their 0.5: common.
    wide_lower = place("palette", DimensionScore(0.301, "alike"), reference, kinds)
    assert wide_lower.finding is Likeness.COMMON and wide_lower.percentile == pytest.approx(0.5, abs=0.01)
    assert sum(wide_lower.reference_histogram) == 600
    # Without the wider kind: among all pairs.
    pooled = place("palette", DimensionScore(0.7, "alike"), reference, "coloured pictures")
    assert pooled.finding is Likeness.COMMON and "among all the reference's 900 pairs" in pooled.why
    # Rare among the wider kind but ordinary among its own: its own kind's percentile.
    reference = _reference({"palette": list(np.linspace(0, 0.5, 600)),
                            "palette/coloured pictures": list(np.linspace(0.4, 0.8, 60))})
    own_lower = place("palette", DimensionScore(0.6, "alike"), reference, "coloured pictures")
    assert own_lower.finding is Likeness.COMMON and own_lower.percentile == pytest.approx(0.5, abs=0.02)
    assert sum(own_lower.reference_histogram) == 60
    # Fewer than RESEMBLANCE_MIN_OWN_KIND of its own kind: no percentile.
    reference = _reference({"palette": list(np.linspace(0, 0.6, 600)),
                            "palette/grey pictures": list(np.linspace(0.2, 0.9, T.RESEMBLANCE_MIN_OWN_KIND - 1))})
    assert place("palette", DimensionScore(0.95, "alike"), reference, "grey pictures").percentile is None


def test_a_reference_keeps_its_pictures_numbers_for_the_dimensions_that_place_a_picture_among_them() -> None:
    info = ReferenceInfo(name="test", pictures=3, pairs=2, kind="numbers", warning=None)
    rows, works = np.array([[0.5, -1.25], [0.0, 2.0], [1.0, 1.0]]), np.array([0, 0, 1])
    reference = Reference(info, {"style": np.array([0.2, 0.3])}, cohorts={"style": (rows, works)})
    again = Reference.from_document(reference.to_document())
    np.testing.assert_array_equal(again.cohorts["style"][0], rows)
    np.testing.assert_array_equal(again.cohorts["style"][1], works)
    # A reference written before it kept them (a user's cached one) still loads, without them.
    document = reference.to_document()
    del document["cohorts"]
    assert Reference.from_document(document).cohorts == {}


def test_a_percentile_just_below_the_distinctive_level_is_never_shown_at_it() -> None:
    # 0.9896 is "common"; rounded it read "0.990" (HTML) and "0.99" (terminal) beside that finding.
    from rich.console import Console

    from simforensics.report import terminal
    from simforensics.report.json_report import resemblance_document
    from simforensics.report.words import percentile_words

    below = T.RESEMBLANCE_DISTINCTIVE - 0.00004
    assert percentile_words(below, 3) == "0.989" and percentile_words(below, 2) == "0.98"
    assert percentile_words(T.RESEMBLANCE_DISTINCTIVE, 3) == "0.990"
    info = ReferenceInfo(name="test", pictures=10, pairs=1000, kind="numbers", warning=None)
    profile = ResemblanceProfile(info, (Dimension("composition", 0.35, below, Likeness.COMMON, "why"),))
    assert resemblance_document(profile)["dimensions"][0]["percentile"] < T.RESEMBLANCE_DISTINCTIVE
    console = Console(record=True, width=120, color_system=None)
    terminal.print_resemblance(console, profile)
    text = console.export_text()
    assert "0.989" in text and "0.99 " not in text and "0.990" not in text


def test_a_folder_reference_is_made_again_for_another_max_pixels(tmp_path) -> None:
    # Made under a low --max-pixels, it left the larger pictures out as unreadable, and the cache
    # kept that reference for every later limit.
    from PIL import Image

    from fixtures import make_fixtures as fx
    from simforensics.resemblance.population import reference_from_folder

    for name, side in (("astronaut", 160), ("chelsea", 160), ("coffee", 80), ("rocket", 80)):
        Image.fromarray(fx.source_image(name, side)).save(tmp_path / f"{name}.png")
    low = reference_from_folder(str(tmp_path), max_pixels=100 * 100)
    assert low.info.pictures == 2 and "2 unreadable files left out" in low.info.kind
    full = reference_from_folder(str(tmp_path), max_pixels=250_000_000)
    assert full.info.pictures == 4 and "unreadable" not in full.info.kind


def test_the_kth_nearest_work_with_works_left_out_is_read_from_one_sorted_list() -> None:
    # A reference places each picture once per pair, its pair's two works left out: read from the
    # works' distances found once, it must be what a search over the remaining pictures gives.
    from simforensics.resemblance.cohort import kth_nearest_work, nearest_works

    rng = np.random.default_rng(5)
    distances = rng.random(60)
    works = rng.integers(0, 25, 60)
    near = nearest_works(distances, works)
    for leave_out in [(), (int(works[0]),), (3, 7), tuple(int(w) for w in np.unique(works)[:-1])]:
        remaining = [distances[works == w].min() for w in np.unique(works) if w not in leave_out]
        for k in (1, 2, 3):
            expected = float(np.sort(remaining)[k - 1]) if len(remaining) >= k else None
            assert kth_nearest_work(near, k, leave_out) == expected, (leave_out, k)
