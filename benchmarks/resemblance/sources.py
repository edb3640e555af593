"""The shipped pictures the benchmark is made from, their genres, and the fixed split into halves.

The pictures are exactly the builtin reference's (``simforensics.resemblance.builtin.SOURCES``:
scikit-image's pictures that ship inside its wheel and matplotlib's Grace Hopper), loaded the way
``builtin.py`` loads them (grey pictures repeated to three channels, the boolean horse to 0/255).

Split (``split``): the pictures sorted by genre, then by short name, and dealt alternately, the first to the
benchmark half, the second to the reference half, and so on. Every genre is dealt in one run, so
each half gets every genre (a genre of three gives two to one half and one to the other). The rule
uses names only: it was fixed before any result was seen, and no seed changes it.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

from simforensics.resemblance.builtin import SOURCES, load_source

__all__ = ["COLOURFUL", "GENRES", "SHAPES", "genre_of", "load", "short", "split"]

# Every builtin source in exactly one genre; hard negatives are pairs of one genre.
GENRES = {
    "graphic": ("skimage:colorwheel", "skimage:horse", "skimage:logo", "skimage:page", "skimage:text"),
    "photo": ("skimage:chelsea", "skimage:clock", "skimage:coffee", "skimage:coins", "skimage:rocket"),
    "portrait": ("skimage:astronaut", "skimage:camera", "matplotlib:grace_hopper.jpg"),
    "science": ("skimage:hubble_deep_field", "skimage:immunohistochemistry", "skimage:microaneurysms",
                "skimage:moon", "skimage:retina"),
    "texture": ("skimage:brick", "skimage:grass", "skimage:gravel"),
}
# Pictures with colour to give (mean CIELAB chroma over 10: the grey pictures' is 0, the star
# field's 3.5): the palette pairs recolour to these, and hue rotations change only these.
COLOURFUL = ("skimage:astronaut", "skimage:chelsea", "skimage:coffee", "skimage:colorwheel",
             "skimage:immunohistochemistry", "skimage:logo", "skimage:retina", "skimage:rocket",
             "matplotlib:grace_hopper.jpg")
# Pictures with one figure whose silhouette is known without simforensics' own figure finder
# (``shapes.py`` says how each is cut out).
SHAPES = ("skimage:astronaut", "skimage:camera", "matplotlib:grace_hopper.jpg", "skimage:horse", "skimage:logo",
          "skimage:coins")

assert sorted(n for names in GENRES.values() for n in names) == sorted(SOURCES), "GENRES must cover SOURCES"


def short(source: str) -> str:
    """``skimage:astronaut`` -> ``astronaut``, ``matplotlib:grace_hopper.jpg`` -> ``grace_hopper``."""
    return source.split(":")[1].split(".")[0]


def genre_of(source: str) -> str:
    return next(genre for genre, names in GENRES.items() if source in names)


@cache
def _native(source: str) -> np.ndarray:
    """The builtin reference's own reading of a shipped picture, kept and made read-only."""
    picture = load_source(source)
    picture.setflags(write=False)
    return picture


def load(source: str, side: int | None = None) -> np.ndarray:
    """RGB uint8 copy of a shipped picture, its longest side scaled to ``side`` (area-averaged
    when shrinking, cubic when enlarging; the 102-px micrograph is enlarged)."""
    rgb = _native(source)
    h, w = rgb.shape[:2]
    if side is None or side == max(h, w):
        return rgb.copy()
    scale = side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)


def split() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(benchmark half, reference half): see the module docstring."""
    ordered = [name for genre in sorted(GENRES) for name in sorted(GENRES[genre], key=short)]
    return tuple(ordered[0::2]), tuple(ordered[1::2])
