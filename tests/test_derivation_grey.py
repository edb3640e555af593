"""Derivation between a colour picture and a grey one made from it: no cue may name the grey one
the parent for what the grey conversion itself does (it mixes the channels, which fills a colour
channel's histogram gaps, keeps detail where one channel clips, and rounds to 8 bits).

The motorcycle (scikit-image's, 640 px), whose red and orange clip in a channel: its grey
conversion was named the parent by the tonal history (moderate, "the first picture lost detail at
the end of the tone scale") and by the information loss (weak, 0.3 grey levels of rounding against
none).
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps

from benchmarks.compare import sources
from simforensics.derivation import Direction

from .test_derivation import _cue, _derive, _encode


@pytest.fixture(scope="module")
def motorcycle() -> np.ndarray:
    return sources.load("motorcycle_left", 640)


def _grey(rgb: np.ndarray, conversion: str) -> np.ndarray:
    picture = Image.fromarray(rgb)
    if conversion == "luma":  # Pillow's "L": ITU-R 601 luma
        grey = picture.convert("L")
    elif conversion == "desaturated":  # an app's saturation slider at 0
        grey = ImageEnhance.Color(picture).enhance(0.0)
    else:  # "luma, autocontrast": levels stretched after the conversion
        grey = ImageOps.autocontrast(picture.convert("L"))
    return np.asarray(grey.convert("RGB"))


@pytest.mark.parametrize("conversion", ["luma", "desaturated"])
def test_a_grey_conversion_is_never_named_the_colour_picture_s_parent(motorcycle: np.ndarray, conversion: str) -> None:
    colour, grey = _encode(motorcycle, "PNG"), _encode(_grey(motorcycle, conversion), "PNG")
    for first, second, wrong in ((colour, grey, Direction.COPY), (grey, colour, Direction.ORIGINAL)):
        derivation = _derive(first, second)
        assert not [cue for cue in derivation.cues if cue.points_to is wrong], derivation.cues
        assert "within 8-bit rounding" in _cue(derivation, "information loss").detail
        assert "both compared as grey levels" in _cue(derivation, "tonal history").detail


def test_tonal_history_does_not_blame_a_colour_channel_s_clipping_on_the_colour_picture(motorcycle: np.ndarray) -> None:
    colour, grey = _encode(motorcycle, "PNG"), _encode(_grey(motorcycle, "autocontrast"), "PNG")
    for first, second, wrong in ((colour, grey, Direction.COPY), (grey, colour, Direction.ORIGINAL)):
        assert _cue(_derive(first, second), "tonal history").points_to is not wrong


def test_tonal_history_still_sees_levels_stretched_with_the_grey_conversion() -> None:
    chelsea = sources.load("chelsea", 451)
    colour, grey = _encode(chelsea, "PNG"), _encode(_grey(chelsea, "autocontrast"), "PNG")
    assert _cue(_derive(colour, grey), "tonal history").points_to is Direction.ORIGINAL
    assert _cue(_derive(grey, colour), "tonal history").points_to is Direction.COPY
