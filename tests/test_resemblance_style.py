from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest
from matplotlib import cbook
from PIL import Image
from skimage import data

from fixtures import make_fixtures
from simforensics import thresholds as T
from simforensics.resample import shrink_to_side
from simforensics.resemblance import style
from simforensics.resemblance.model import PictureView
from simforensics.resemblance.style import StyleDescriptor

SHIPPED = ("astronaut", "chelsea", "coffee", "rocket")
STYLES = ("oil", "stylised", "cartoon")


def view(rgb: np.ndarray) -> PictureView:
    return PictureView(shrink_to_side(np.ascontiguousarray(rgb), T.RESEMBLANCE_SIDE), None)


@pytest.fixture(scope="module")
def originals() -> dict[str, np.ndarray]:
    return {name: make_fixtures.source_image(name) for name in SHIPPED}


@pytest.fixture(scope="module")
def photographs(originals) -> dict[str, style.StyleDescriptor]:
    return {name: style.describe(view(rgb)) for name, rgb in originals.items()}


@pytest.fixture(scope="module")
def paintings(originals) -> dict[tuple[str, str], style.StyleDescriptor]:
    """Each shipped picture painted in each style, at the fixtures' size, then reduced as compare does."""
    return {(name, how): style.describe(view(make_fixtures.painted(rgb, how)))
            for name, rgb in originals.items() for how in STYLES}


def score(a: style.StyleDescriptor, b: style.StyleDescriptor) -> float:
    result = style.compare(a, b).score
    assert result is not None
    return result


def test_the_same_picture_scores_one(photographs, paintings):
    for described in [*photographs.values(), *paintings.values()]:
        assert score(described, described) == 1.0


def test_a_mirror_and_a_hue_rotation_hardly_move_the_style(originals, photographs):
    # Half a spread (d = 0.5, score exp(-1/8)): a third of the way between two typical photographs.
    half_a_spread = 0.5
    # The statistics of grain: the rotation below adds some (its 8-bit round trip requantises every
    # pixel), and seeing grain where a picture is smooth is their purpose.
    not_grain = [i for i, name in enumerate(style.STATISTICS) if name not in ("grain", "smooth_grain")]
    for name, rgb in originals.items():
        assert score(photographs[name], style.describe(view(rgb[:, ::-1]))) > 0.99, name
        nearest_other = max(score(photographs[name], photographs[other]) for other in SHIPPED if other != name)
        original = style.standardised(photographs[name].statistics)
        for degrees in (60, 120, 180):
            # The HSV rotation changes L* too (yellow and blue of one value differ in lightness), and
            # its 8-bit round trip requantises every pixel, grain in the smooth areas: coffee turned
            # 180 degrees gains 0.65 and 0.76 spreads of grain over the picture and in its smooth
            # half, and its eight statistics move 0.51 spreads in all. The rotated picture stays
            # nearer its original than any other photograph, and the statistics of its texture other
            # than grain move less than half a spread.
            rotated = style.describe(view(make_fixtures.hue_shifted(rgb, degrees).rgb))
            assert score(photographs[name], rotated) > nearest_other, (name, degrees)
            moved = np.sqrt(np.mean((style.standardised(rotated.statistics) - original)[not_grain] ** 2))
            assert moved < half_a_spread, (name, degrees, moved)


@pytest.mark.parametrize("how", STYLES)
def test_a_painted_version_is_further_in_style_than_another_photograph(how, photographs, paintings):
    """The same scene photographed and painted differs in style more than two photographs do."""
    photograph_and_painting = [score(photographs[name], paintings[(name, how)]) for name in SHIPPED]
    two_photographs = [score(photographs[a], photographs[b]) for a, b in itertools.combinations(SHIPPED, 2)]
    assert np.mean(photograph_and_painting) < np.mean(two_photographs), (photograph_and_painting, two_photographs)


@pytest.mark.parametrize("how", STYLES)
def test_two_pictures_painted_alike_are_closer_in_style_than_a_picture_and_its_painting(how, photographs, paintings):
    painted_alike = [score(paintings[(a, how)], paintings[(b, how)]) for a, b in itertools.combinations(SHIPPED, 2)]
    photograph_and_painting = [score(photographs[name], paintings[(name, how)]) for name in SHIPPED]
    assert np.mean(painted_alike) > np.mean(photograph_and_painting), (painted_alike, photograph_and_painting)
    # The brief's own example, both ways round.
    astronaut_and_coffee = score(paintings[("astronaut", how)], paintings[("coffee", how)])
    assert astronaut_and_coffee > score(photographs["astronaut"], paintings[("astronaut", how)])
    assert astronaut_and_coffee > score(photographs["coffee"], paintings[("coffee", how)])


def test_painted_alike_above_painted_otherwise(paintings):
    """Between different pictures, the same style scores above a different style."""
    alike = [score(paintings[(a, how)], paintings[(b, how)]) for a, b in itertools.combinations(SHIPPED, 2) for how in STYLES]
    otherwise = [score(paintings[(a, one)], paintings[(b, other)])
                 for a, b in itertools.combinations(SHIPPED, 2) for one, other in itertools.permutations(STYLES, 2)]
    assert np.mean(alike) > np.mean(otherwise)


def test_symmetric_and_in_range(photographs, paintings):
    described = [*photographs.values(), *paintings.values()]
    for a, b in itertools.combinations(described, 2):
        assert 0.0 <= score(a, b) <= 1.0
        assert score(a, b) == score(b, a)


def test_why_names_the_shared_traits(paintings, photographs):
    why = style.compare(paintings[("astronaut", "oil")], paintings[("coffee", "oil")]).why
    assert why.startswith("both: ") and "outlines of flat colour patches" in why, why
    assert why.endswith("spreads apart")
    # The oil painting's patches of flat paint up to its outlines are what set it apart from its photograph.
    why = style.compare(photographs["astronaut"], paintings[("astronaut", "oil")]).why
    assert "apart most in patchy outlines (" in why, why


def _departing(**spreads: float) -> style.StyleDescriptor:
    """A typical photograph's statistics, moved by the given number of spreads."""
    values = [T.RESEMBLANCE_STYLE_PHOTOGRAPHS[name][0] + spreads.get(name, 0.0) * T.RESEMBLANCE_STYLE_PHOTOGRAPHS[name][1]
              for name in style.STATISTICS]
    return style.StyleDescriptor(np.array(values))


def test_known_answer_the_combination_rule():
    """The RMS of the differences in spreads, through a Gaussian kernel one spread wide."""
    grainy, flat = _departing(grain=2.0), _departing(patchy_outlines=2.0)
    expected_distance = np.sqrt((2.0**2 + 2.0**2) / len(style.STATISTICS))
    assert score(grainy, flat) == pytest.approx(np.exp(-0.5 * expected_distance**2))
    assert score(_departing(dark_lines=-1.5), _departing(dark_lines=1.5)) == pytest.approx(np.exp(-0.5 * 9 / len(style.STATISTICS)))


def test_why_in_each_case():
    both = style.compare(_departing(patchy_outlines=3.0, grain=-2.0),
                         _departing(patchy_outlines=1.5, grain=-1.2, dark_lines=2.0)).why
    assert both == ("both: no photographic grain, outlines of flat colour patches; apart most in dark lines "
                    "(+0.0 and +2.0 spreads from a typical photograph's); texture statistics 0.9 spreads apart")
    neither = style.compare(_departing(grain=2.0), _departing(patchy_outlines=1.5)).why
    assert neither.startswith("no texture trait in common; apart most in grain (+2.0 and +0.0 spreads")
    typical = style.compare(_departing(edge_hardness=0.5), _departing()).why
    assert typical == "both textured like a typical photograph; texture statistics 0.2 spreads apart"


def test_descriptors_pickle(paintings):
    described = paintings[("rocket", "cartoon")]
    restored = pickle.loads(pickle.dumps(described))
    np.testing.assert_array_equal(restored.statistics, described.statistics)
    assert score(restored, described) == 1.0


def test_too_small_or_flat_pictures_are_not_measured(photographs):
    tiny = style.describe(view(make_fixtures.source_image("coffee", 24)))
    assert tiny.statistics is None
    result = style.compare(tiny, photographs["coffee"])
    assert result.score is None
    assert result.why.startswith("first picture: the picture (24 x 16 px) is too small")
    blank = style.describe(view(np.full((100, 100, 3), 200, np.uint8)))
    result = style.compare(photographs["coffee"], blank)
    assert result.score is None
    assert result.why == "second picture: the picture is one flat tone: it has no texture to compare"


def _grace_hopper() -> np.ndarray:
    with Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)) as image:
        return np.asarray(image.convert("RGB")).copy()


def _shipped_photographs() -> dict[str, np.ndarray]:
    """The 16 photographs thresholds.RESEMBLANCE_STYLE_PHOTOGRAPHS was measured on, as shipped."""
    colour = {name: getattr(data, name)() for name in
              ("astronaut", "chelsea", "coffee", "rocket", "immunohistochemistry", "retina", "hubble_deep_field")}
    grey = {name: np.repeat(getattr(data, name)()[:, :, None], 3, axis=2) for name in
            ("camera", "coins", "moon", "brick", "grass", "gravel", "clock")}
    return {**colour, **grey, "grace_hopper": _grace_hopper(), "motorcycle_left": data.stereo_motorcycle()[0]}


def test_the_typical_photograph_is_measured_from_the_shipped_photographs():
    measured = np.array([style.statistics(view(rgb).rgb) for rgb in _shipped_photographs().values()])
    for name, column in zip(style.STATISTICS, measured.T):
        median, spread = T.RESEMBLANCE_STYLE_PHOTOGRAPHS[name]
        assert np.median(column) == pytest.approx(median, rel=0.01, abs=1e-3), name
        assert column.std(ddof=1) == pytest.approx(spread, rel=0.01), name


def test_a_neighbourhood_is_the_distance_to_the_second_nearest_work():
    here = _departing()
    # Work 0 in two views (1 and 3 spreads of grain away), work 1 two spreads of patchy outlines away, work 2
    # seven of grain: each work as near as its nearest view.
    cohort = style.standardised(np.array([_departing(grain=1.0).statistics, _departing(grain=3.0).statistics,
                                          _departing(patchy_outlines=2.0).statistics, _departing(grain=7.0).statistics]))
    works = np.array([0, 0, 1, 2])
    assert style.situate(here, cohort, works).neighbourhood == pytest.approx(np.sqrt(4 / len(style.STATISTICS)))
    # A pair of the reference's own is placed among the other works.
    assert style.situate(here, cohort, works, leave_out=(0,)).neighbourhood == pytest.approx(np.sqrt(49 / len(style.STATISTICS)))
    assert style.situate(here, cohort, works, leave_out=(0, 2)).neighbourhood is None  # one work left
    # Never narrower than the floor; unchanged among fewer works than the neighbour's rank.
    crowded = style.standardised(np.array([here.statistics, here.statistics]))
    assert style.situate(here, crowded, np.array([0, 1])).neighbourhood == T.RESEMBLANCE_STYLE_NEIGHBOURHOOD_FLOOR
    assert style.situate(here, crowded, np.array([0, 0])).neighbourhood is None


def test_known_answer_the_kernel_widens_with_the_neighbourhoods():
    """exp(-d^2 / (2 s_a s_b)): the self-tuning affinity."""
    grainy, flat = _departing(grain=2.0), _departing(patchy_outlines=2.0)
    distance_squared = (2.0**2 + 2.0**2) / len(style.STATISTICS)
    wide = [StyleDescriptor(d.statistics, None, s) for d, s in ((grainy, 0.5), (flat, 2.0))]
    assert score(*wide) == pytest.approx(np.exp(-0.5 * distance_squared / 1.0))
    narrow = [StyleDescriptor(d.statistics, None, 0.5) for d in (grainy, flat)]
    assert score(*narrow) == pytest.approx(np.exp(-0.5 * distance_squared / 0.25))
    assert "each picture's neighbourhood in the reference 0.5 and 0.5 spreads wide" in style.compare(*narrow).why


def test_pictures_painted_alike_are_distinctive_in_the_builtin_reference_photographs_are_not(photographs, paintings):
    """Two ordinary photographs are close in style too; two different pictures painted alike are
    close where few of the reference's works lie, and that is what makes them distinctive."""
    from simforensics.resemblance.reference import builtin_reference, place

    reference = builtin_reference()
    rows, works = reference.cohorts[style.NAME]

    def finding(a: style.StyleDescriptor, b: style.StyleDescriptor) -> str:
        measured = style.compare(style.situate(a, rows, works), style.situate(b, rows, works))
        return str(place(style.NAME, measured, reference).finding)

    painted_alike = [finding(paintings[(a, how)], paintings[(b, how)])
                     for a, b in itertools.combinations(SHIPPED, 2) for how in STYLES]
    assert painted_alike.count("distinctive") >= len(painted_alike) / 2, painted_alike
    two_photographs = [finding(photographs[a], photographs[b]) for a, b in itertools.combinations(SHIPPED, 2)]
    photograph_and_painting = [finding(photographs[name], paintings[(name, how)]) for name in SHIPPED for how in STYLES]
    assert "distinctive" not in two_photographs + photograph_and_painting, (two_photographs, photograph_and_painting)


def _present() -> np.ndarray:
    """matplotlib's photograph of a wrapped present (128 px), in no reference and no benchmark pair."""
    from pathlib import Path

    import matplotlib

    with Image.open(Path(matplotlib.get_data_path()) / "sample_data" / "Minduka_Present_Blue_Pack.png") as image:
        return np.asarray(image.convert("RGB")).copy()


def test_pictures_from_outside_the_reference_painted_alike_with_the_shipped_ones_rank_high(originals, paintings):
    """Two pictures the builtin reference does not hold (scikit-image's motorcycle, matplotlib's
    present), each painted in each style against the four shipped photographs painted alike:
    the shared rendering places most pairs beyond the 95th percentile of unrelated works and some
    beyond the distinctive level, where the same pictures unpainted are not distinctive. With the
    share of flat patterns in place of the outlines' patches and the smooth half's grain, none of
    the 24 was distinctive and 2 reached the 95th percentile (the motorcycle painted in oil sat at
    the 38th-72nd, near the photographs' own crowd)."""
    from simforensics.resemblance.reference import builtin_reference, place

    reference = builtin_reference()
    rows, works = reference.cohorts[style.NAME]

    def placed(a: style.StyleDescriptor, b: style.StyleDescriptor):
        return place(style.NAME, style.compare(style.situate(a, rows, works), style.situate(b, rows, works)), reference)

    outsiders = {"motorcycle": data.stereo_motorcycle()[0], "present": _present()}
    painted_alike = [placed(style.describe(view(make_fixtures.painted(rgb, how))), paintings[(name, how)])
                     for rgb in outsiders.values() for how in STYLES for name in SHIPPED]
    percentiles = np.array([p.percentile for p in painted_alike])
    assert np.mean(percentiles >= 0.95) >= 1 / 3, percentiles
    assert sum(str(p.finding) == "distinctive" for p in painted_alike) >= len(painted_alike) / 6, percentiles
    unpainted = [placed(style.describe(view(rgb)), style.describe(view(originals[name])))
                 for rgb in outsiders.values() for name in SHIPPED]
    assert not any(str(p.finding) == "distinctive" for p in unpainted), [p.percentile for p in unpainted]


def test_a_picture_against_itself_is_at_the_top_and_two_renderings_are_rarely_distinctive(photographs, paintings):
    """Specificity in the builtin reference: a photograph compared with itself is placed at least as
    high as any pair of different pictures painted alike (a measure that rewarded pictures for
    departing from a typical photograph together would place an ordinary photograph's self-pair
    low), and different pictures painted in two different styles are distinctive less often than
    the same pictures painted in one."""
    from simforensics.resemblance.reference import builtin_reference, place

    reference = builtin_reference()
    rows, works = reference.cohorts[style.NAME]

    def placed(a: style.StyleDescriptor, b: style.StyleDescriptor):
        return place(style.NAME, style.compare(style.situate(a, rows, works), style.situate(b, rows, works)), reference)

    painted_alike = [placed(paintings[(a, how)], paintings[(b, how)])
                     for a, b in itertools.combinations(SHIPPED, 2) for how in STYLES]
    for name, described in photographs.items():
        itself = placed(described, described)
        assert str(itself.finding) == "distinctive", name
        assert itself.percentile >= max(p.percentile for p in painted_alike), name
    otherwise = [placed(paintings[(a, one)], paintings[(b, other)])
                 for a, b in itertools.combinations(SHIPPED, 2) for one, other in itertools.combinations(STYLES, 2)]
    share = {kind: sum(str(p.finding) == "distinctive" for p in found) / len(found)
             for kind, found in (("alike", painted_alike), ("otherwise", otherwise))}
    assert share["otherwise"] < share["alike"], share
    # No more often than on the renderings benchmarks.resemblance.other_styles uses (0.10-0.16 there).
    assert share["otherwise"] <= 1 / 6, share
