"""A copy (or an original) reduced to a few colours is a global edit; a local edit beside the reduction is still found."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from fixtures import make_fixtures as fx
from simforensics.compare import compare_images
from simforensics.palette_reduction import in_palette, reduced_palette
from simforensics.verdict import Label


def _posterised(rgb: np.ndarray, colours: int) -> np.ndarray:
    """Pillow's median-cut palette, each pixel given its nearest colour (a GIF without dithering)."""
    return np.asarray(Image.fromarray(rgb).convert("P", palette=Image.Palette.ADAPTIVE, colors=colours).convert("RGB"))


@pytest.fixture(scope="module")
def chelsea() -> np.ndarray:
    return fx.source_image("chelsea", 400)


@pytest.mark.parametrize("colours", [16, 32])
def test_a_posterised_copy_is_a_near_duplicate(chelsea: np.ndarray, colours: int) -> None:
    # At 16 and 32 colours the cat's pupils merge into their irises, which a comparison with the
    # full-colour original marked as redrawn.
    measurement = compare_images(chelsea, _posterised(chelsea, colours), with_people=False, with_derivation=False)
    assert measurement.verdict.label is Label.NEAR_DUPLICATE, measurement.verdict.summary
    assert measurement.palette_colours == colours
    assert f"reduced to a palette of {colours}" in measurement.verdict.summary


def test_a_local_edit_under_the_reduction_is_found(chelsea: np.ndarray) -> None:
    edited = chelsea.copy()
    edited[100:160, 40:120] = chelsea[100:160, 260:340]  # fur pasted over the cat's face side
    measurement = compare_images(chelsea, _posterised(edited, 16), with_people=False, with_derivation=False)
    assert measurement.verdict.label is Label.LOCALLY_EDITED, measurement.verdict.summary
    assert measurement.changes is not None
    x, y, w, h = measurement.changes.areas[0].box
    assert x < 120 and x + w > 40 and y < 160 and y + h > 100


@pytest.mark.parametrize("colours", [16, 32])
def test_an_original_reduced_to_a_palette_against_the_full_colour_picture_is_a_near_duplicate(
        chelsea: np.ndarray, colours: int) -> None:
    # A GIF posted first, or in a scan either of two siblings: the original's flat bands cannot
    # predict the gradients the copy kept (2 and 7 areas read "recoloured").
    measurement = compare_images(_posterised(chelsea, colours), chelsea, with_people=False, with_derivation=False)
    assert measurement.verdict.label is Label.NEAR_DUPLICATE, measurement.verdict.summary
    assert measurement.palette_colours is None  # the copy is not the one reduced


def test_a_local_edit_against_an_original_reduced_to_a_palette_is_found(chelsea: np.ndarray) -> None:
    edited = chelsea.copy()
    edited[100:160, 40:120] = chelsea[100:160, 260:340]
    measurement = compare_images(_posterised(chelsea, 16), edited, with_people=False, with_derivation=False)
    assert measurement.verdict.label is Label.LOCALLY_EDITED, measurement.verdict.summary
    assert measurement.changes is not None
    x, y, w, h = measurement.changes.areas[0].box
    assert x < 120 and x + w > 40 and y < 160 and y + h > 100


@pytest.mark.parametrize("new_colour", [(90, 90, 220), (0, 0, 0)])
def test_one_of_two_circles_recoloured_in_a_jpeg_of_a_flat_graphic_is_found(new_colour: tuple[int, int, int]) -> None:
    # The graphic has 4 colours, its JPEG copy thousands: rendered in the graphic's palette, the
    # lightened circle would turn back to the nearest, its own blue. The copy's colours stay at
    # the palette's, so it is not rendered.
    graphic = np.full((240, 320, 3), 255, np.uint8)
    cv2.putText(graphic, "ACME", (20, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.6, (0, 0, 0), 4, cv2.LINE_8)
    cv2.circle(graphic, (90, 160), 45, (30, 60, 200), -1)
    cv2.circle(graphic, (230, 150), 40, (30, 60, 200), -1)
    recoloured = graphic.copy()
    recoloured[:, 160:][(graphic[:, 160:] == (30, 60, 200)).all(axis=-1)] = new_colour
    buffer = io.BytesIO()
    Image.fromarray(recoloured).save(buffer, "JPEG", quality=85)
    copy = np.asarray(Image.open(buffer).convert("RGB"))
    assert reduced_palette(copy, graphic) is not None  # the case an original of few colours is
    measurement = compare_images(graphic, copy, with_people=False, with_derivation=False)
    assert measurement.verdict.label is Label.LOCALLY_EDITED, measurement.verdict.summary
    assert measurement.changes is not None
    x, y, w, h = measurement.changes.areas[0].box
    assert x < 270 and x + w > 190 and y < 190 and y + h > 110


def test_only_a_rich_original_against_a_copy_of_few_colours(chelsea: np.ndarray) -> None:
    assert reduced_palette(chelsea, chelsea) is None  # a photograph's thousands of colours
    assert reduced_palette(chelsea, _posterised(chelsea, 128)) is None  # above PALETTE_MAX_COLOURS
    graphic = np.full((120, 160, 3), 255, np.uint8)
    graphic[20:80, 20:80] = (200, 30, 30)
    assert reduced_palette(graphic, graphic) is None  # a graphic of two colours: not rich


def test_in_palette_gives_each_pixel_its_nearest_colour(chelsea: np.ndarray) -> None:
    palette = np.array([[0, 0, 0], [255, 255, 255], [200, 40, 40]], np.uint8)
    rendered = in_palette(chelsea, palette)
    exact = palette[np.argmin(((chelsea[..., None, :].astype(int) - palette.astype(int)) ** 2).sum(axis=-1), axis=-1)]
    # The table reads a pixel's 4-level bin: off only where two colours are almost equally near.
    assert (rendered == exact).all(axis=-1).mean() > 0.99


def test_a_dithered_copy_of_64_colours_is_a_near_duplicate(chelsea: np.ndarray) -> None:
    # Floyd-Steinberg scatters other colours among the nearest ones: the plain original explains
    # such a copy better than the original rendered in the palette, and that comparison is kept.
    image = Image.fromarray(chelsea)
    dithered = np.asarray(image.quantize(palette=image.quantize(64), dither=Image.Dither.FLOYDSTEINBERG).convert("RGB"))
    measurement = compare_images(chelsea, dithered, with_people=False, with_derivation=False)
    assert measurement.palette_colours == 64
    assert measurement.verdict.label is Label.NEAR_DUPLICATE, measurement.verdict.summary
