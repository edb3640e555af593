"""The shipped pictures the corpus is made from (scikit-image's bundled files; no downloads).

Every loader below reads a file inside the installed scikit-image wheel; the ones that need
``pooch`` (lily, eagle, kidney, skin, brain, ...) are deliberately absent. ``chelsea`` and ``cat``
are the same photograph, so only ``chelsea`` is used. ``motorcycle_left``/``motorcycle_right`` are a
stereo pair: related, never used as an "unrelated" pair.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
from skimage import data


def _rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[:, :, None], 3, axis=2)


_LOADERS = {
    # photographs used as originals
    "astronaut": data.astronaut,
    "chelsea": data.chelsea,
    "coffee": data.coffee,
    "rocket": data.rocket,
    "camera": lambda: _rgb(data.camera()),
    "immunohistochemistry": data.immunohistochemistry,
    "retina": data.retina,
    "hubble_deep_field": data.hubble_deep_field,
    "motorcycle_left": lambda: data.stereo_motorcycle()[0],
    "motorcycle_right": lambda: data.stereo_motorcycle()[1],
    # extra pictures: donors for pastes and partners for unrelated pairs
    "coins": lambda: _rgb(data.coins()),
    "moon": lambda: _rgb(data.moon()),
    "clock": lambda: _rgb(data.clock()),
    "brick": lambda: _rgb(data.brick()),
    "gravel": lambda: _rgb(data.gravel()),
    "grass": lambda: _rgb(data.grass()),
    "page": lambda: _rgb(data.page()),
    "cell": lambda: _rgb(data.cell()),
}

# Pictures an original can be made from (natural photographs with enough structure).
ORIGINALS = (
    "astronaut", "chelsea", "coffee", "rocket", "camera",
    "immunohistochemistry", "retina", "hubble_deep_field", "motorcycle_left",
)
# Originals with colour (a hue rotation of a grey picture changes nothing).
COLOURFUL = ("astronaut", "chelsea", "coffee", "rocket", "immunohistochemistry", "retina", "motorcycle_left")
# Originals for restyles: the star field is excluded, as restyling it leaves a dark smudge or
# uniform speckle that no one could relate to the original.
RESTYLE_SOURCES = tuple(n for n in ORIGINALS if n != "hubble_deep_field")
# Every picture that may serve as the other side of an unrelated pair, or as a donor.
OTHERS = tuple(_LOADERS)
# Pairs that are related and must never be called unrelated.
RELATED = {frozenset({"motorcycle_left", "motorcycle_right"})}


@cache
def _native(name: str) -> np.ndarray:
    rgb = np.ascontiguousarray(_LOADERS[name]()).astype(np.uint8)
    rgb.setflags(write=False)
    return rgb


def native_side(name: str) -> int:
    return max(_native(name).shape[:2])


def load(name: str, side: int | None = None) -> np.ndarray:
    """RGB uint8 copy of a shipped picture, its longest side scaled down to ``side`` (never up)."""
    rgb = _native(name)
    h, w = rgb.shape[:2]
    if side is None or side >= max(h, w):
        return rgb.copy()
    scale = side / max(h, w)
    return cv2.resize(rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


def unrelated(a: str, b: str) -> bool:
    return a != b and frozenset({a, b}) not in RELATED
