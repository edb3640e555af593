from __future__ import annotations

import pickle

import cv2
import numpy as np
import pytest
from skimage.color import deltaE_cie76, rgb2lab

from fixtures import make_fixtures
from simforensics import thresholds as T
from simforensics.resample import shrink_to_side
from simforensics.resemblance import palette
from simforensics.resemblance.model import PictureView

SHIPPED = ("astronaut", "chelsea", "coffee", "rocket")
STYLES = ("oil", "stylised", "cartoon")


def view(rgb: np.ndarray) -> PictureView:
    return PictureView(shrink_to_side(np.ascontiguousarray(rgb), T.RESEMBLANCE_SIDE), None)


def flat(colour: tuple[int, int, int], shape: tuple[int, int] = (120, 160)) -> np.ndarray:
    return np.full((*shape, 3), colour, np.uint8)


@pytest.fixture(scope="module")
def originals() -> dict[str, np.ndarray]:
    return {name: make_fixtures.source_image(name) for name in SHIPPED}


@pytest.fixture(scope="module")
def palettes(originals: dict[str, np.ndarray]) -> dict[str, palette.PaletteDescriptor]:
    return {name: palette.describe(view(rgb)) for name, rgb in originals.items()}


def test_the_same_picture_scores_one_and_its_mirror_too(originals, palettes):
    for name, rgb in originals.items():
        assert palette.compare(palettes[name], palettes[name]).score == pytest.approx(1.0)
        # Where colours are does not matter: a mirror has the very same palette.
        assert palette.compare(palettes[name], palette.describe(view(rgb[:, ::-1]))).score == pytest.approx(1.0)


def test_a_picture_is_described_the_same_every_time(originals, palettes):
    again = palette.describe(view(originals["coffee"]))
    np.testing.assert_array_equal(again.colours_lab, palettes["coffee"].colours_lab)
    np.testing.assert_array_equal(again.shares, palettes["coffee"].shares)


def test_same_above_restyled_above_unrelated(originals, palettes):
    """A painted version keeps most of the colours; another picture does not."""
    for name, rgb in originals.items():
        unrelated = max(palette.compare(palettes[name], palettes[other]).score for other in SHIPPED if other != name)
        for style in STYLES:
            restyled = palette.compare(palettes[name], palette.describe(view(make_fixtures.painted(rgb, style)))).score
            assert 1.0 > restyled > unrelated, (name, style, restyled, unrelated)


def test_a_global_hue_rotation_lowers_the_palette_and_resizing_does_not(originals, palettes):
    def apart(a: palette.PaletteDescriptor, b: palette.PaletteDescriptor) -> float:
        """The earth mover's distance in CIE76 units, read back from the score."""
        return -T.RESEMBLANCE_PALETTE_SCALE * np.log(palette.compare(a, b).score)

    for name, rgb in originals.items():
        resized = palette.describe(view(make_fixtures.scaled(rgb, 0.5).rgb))
        rotated = palette.describe(view(make_fixtures.hue_shifted(rgb, 120).rgb))
        # Resizing keeps the colours within 3 just-noticeable differences (clustering noise);
        # turning every hue by 120 degrees moves them by several times that.
        assert apart(palettes[name], resized) < 3 * 2.3 < 20 < apart(palettes[name], rotated), name


def test_known_answer_two_flat_colours():
    """One colour each: the earth mover's distance is the colours' CIE76 difference."""
    red, teal = (200, 30, 40), (0, 128, 128)
    a, b = palette.describe(view(flat(red))), palette.describe(view(flat(teal)))
    assert len(a.shares) == 1 and a.shares[0] == 1.0
    np.testing.assert_array_equal(a.colours_rgb, [red])
    expected = deltaE_cie76(rgb2lab(np.array([[red]], np.uint8)), rgb2lab(np.array([[teal]], np.uint8)))[0, 0]
    assert palette.compare(a, b).score == pytest.approx(np.exp(-expected / T.RESEMBLANCE_PALETTE_SCALE), rel=0.01)


def test_known_answer_shares_are_transported():
    """Half black, half white against all black: half the picture moves from white to black, 100 L* units."""
    half = flat((0, 0, 0))
    half[:, 80:] = 255
    a, b = palette.describe(view(half)), palette.describe(view(flat((0, 0, 0))))
    np.testing.assert_allclose(sorted(a.shares), [0.5, 0.5])
    assert palette.compare(a, b).score == pytest.approx(np.exp(-50.0 / T.RESEMBLANCE_PALETTE_SCALE), rel=0.001)


def test_symmetric_and_in_range(originals, palettes):
    oil = palette.describe(view(make_fixtures.painted(originals["astronaut"], "oil")))
    described = [*palettes.values(), oil]
    for a in described:
        for b in described:
            forward, backward = palette.compare(a, b).score, palette.compare(b, a).score
            assert 0.0 <= forward <= 1.0
            assert forward == pytest.approx(backward, abs=1e-9)


def test_why_names_the_shared_colours_and_their_distance(originals, palettes):
    oil = palette.describe(view(make_fixtures.painted(originals["astronaut"], "oil")))
    why = palette.compare(palettes["astronaut"], oil).why
    assert why.startswith("dominant colours within ")
    assert "CIELAB units apart on average" in why
    # The astronaut's biggest colours (the suit, the black, the light background) are named.
    biggest = {palette.colour_name(lab) for lab in palettes["astronaut"].colours_lab[:3]}
    assert sum(name in why for name in biggest) >= 2, (why, biggest)


def test_why_says_when_no_colour_is_shared():
    why = palette.compare(palette.describe(view(flat((220, 20, 60)))), palette.describe(view(flat((0, 0, 128))))).why
    assert why.startswith("no dominant colour in common: the nearest, red and navy, are ")


def test_a_few_colours_are_kept_exactly_with_their_names():
    quarters = flat((255, 255, 255))
    quarters[:60, :80], quarters[60:, :80], quarters[:60, 80:] = (220, 20, 60), (0, 0, 128), (255, 215, 0)
    described = palette.describe(view(quarters))
    assert sorted(palette.colour_name(lab) for lab in described.colours_lab) == ["gold", "navy", "red", "white"]
    np.testing.assert_allclose(described.shares, [0.25] * 4)


def test_descriptors_pickle(palettes):
    restored = pickle.loads(pickle.dumps(palettes["rocket"]))
    np.testing.assert_array_equal(restored.colours_rgb, palettes["rocket"].colours_rgb)
    assert palette.compare(restored, palettes["rocket"]).score == pytest.approx(1.0)


def test_a_picture_without_pixels_is_not_measured(palettes):
    empty = palette.describe(PictureView(np.zeros((0, 0, 3), np.uint8), None))
    result = palette.compare(empty, palettes["coffee"])
    assert result.score is None
    assert result.why == "the first picture has no pixels"
    assert palette.compare(palettes["coffee"], empty).why == "the second picture has no pixels"


def test_grey_pictures_are_placed_among_grey_pairs() -> None:
    from skimage import data

    from simforensics.resemblance.model import PictureView

    grey = palette.describe(PictureView(np.repeat(data.camera()[..., None], 3, axis=2)[::2, ::2].copy(), None))
    coloured = palette.describe(PictureView(make_fixtures.source_image("coffee", 256), None))
    assert palette.is_grey(grey) and not palette.is_grey(coloured)
    assert palette.stratum(grey, grey) == "grey pictures"
    # Pairs with colour: their own kind first, then both kinds with colour together.
    assert palette.stratum(grey, coloured) == palette.stratum(coloured, grey) == (
        "a grey and a coloured picture", "pictures with colour")
    assert palette.stratum(coloured, coloured) == ("coloured pictures", "pictures with colour")


def test_colour_conversion_is_cielab_both_ways(originals: dict[str, np.ndarray]) -> None:
    # lab_of stands in for OpenCV's (whose first call builds 70 ms of tables): it must be CIELAB as
    # scikit-image computes it, and srgb_of must undo it to the 8-bit level.
    from simforensics.resemblance.colour import lab_of, srgb_of

    for rgb in originals.values():
        assert np.abs(lab_of(rgb) - rgb2lab(rgb)).max() < 0.01
        assert np.array_equal(srgb_of(lab_of(rgb)), rgb)
        # Averaged pixels (compare's colour shift reads area-reduced pictures as float in [0, 1]).
        averaged = cv2.resize(rgb.astype(np.float32) / 255, (16, 16), interpolation=cv2.INTER_AREA)
        assert np.abs(lab_of(averaged) - rgb2lab(averaged)).max() < 0.01
    # Beyond the gamut (a* = 120 is redder than sRGB's red), clipped channel by channel.
    red, green, _ = srgb_of(np.array([54.0, 120.0, 70.0]))
    assert (red, green) == (255, 0)


def test_against_a_reference_a_muted_palette_has_a_narrower_neighbourhood_than_a_vivid_one() -> None:
    from simforensics.resemblance.builtin import load_source
    from simforensics.resemblance.reference import builtin_reference

    rows, works = builtin_reference().cohorts["palette"]
    placed = {name: palette.situate(palette.describe(view(load_source(f"skimage:{name}"))), rows, works)
              for name in ("immunohistochemistry", "colorwheel")}
    # Stained tissue on white lies near many palettes (the greys of pages and photographs); a
    # colour wheel's saturated hues near few.
    muted, vivid = placed["immunohistochemistry"].neighbourhood, placed["colorwheel"].neighbourhood
    assert muted is not None and vivid is not None and muted < vivid
    assert muted >= T.RESEMBLANCE_PALETTE_NEIGHBOURHOOD_FLOOR
    # Placed, the likeness is the self-tuning kernel of the distance: the same pair read wider
    # apart where its pictures' neighbourhoods are narrow.
    a, b = placed["immunohistochemistry"], placed["colorwheel"]
    plain = palette.compare(palette.describe(view(load_source("skimage:immunohistochemistry"))),
                            palette.describe(view(load_source("skimage:colorwheel"))))
    distance = -T.RESEMBLANCE_PALETTE_SCALE * np.log(plain.score)
    assert palette.compare(a, b).score == pytest.approx(np.exp(-0.5 * distance**2 / (muted * vivid)), rel=1e-3)
    assert "neighbourhood in the reference" in palette.compare(a, b).why


def test_a_reference_picture_left_out_is_placed_among_the_others_only() -> None:
    rgb = make_fixtures.source_image("coffee")
    mine = palette.describe(view(rgb))
    others = [palette.describe(view(make_fixtures.source_image(name))) for name in ("astronaut", "chelsea", "rocket")]
    rows = np.array([palette.cohort_row(d) for d in [mine, *others]])
    works = np.array([0, 1, 2, 3])
    # Its own picture in the cohort is its nearest work: the neighbourhood is the floor or the
    # nearest other; left out, the second-nearest of the other three.
    left_out = palette.situate(mine, rows, works, leave_out=(0,))
    kept = palette.situate(mine, rows, works)
    assert kept.neighbourhood <= left_out.neighbourhood
    assert palette.situate(mine, rows[:2], works[:2], leave_out=(0,)).neighbourhood is None
