"""sRGB <-> CIELAB (D65) for the resemblance dimensions, which work on pictures of at most
RESEMBLANCE_SIDE px, and for compare's colour shift (measures.py), on pictures of 16 px.

Written here rather than taken from OpenCV because OpenCV builds its CIELAB tables on the first
conversion in each process, 70 ms in either direction: a tenth of a thumbnail comparison's whole
run, for a conversion numpy does in 2-3 ms at 256 px. scikit-image's rgb2lab costs as much on its
first call (its colour module's imports). The formulas are OpenCV's (same white point, matrix and
sRGB companding) evaluated exactly: they agree with scikit-image's rgb2lab to 0.005, and with
OpenCV's, which interpolates in its tables, to 0.5 CIELAB units (a fifth of a just-noticeable
difference).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import thresholds as T

if TYPE_CHECKING:
    from .model import PictureView

__all__ = ["drawn_in_flat_colours", "lab_of", "lightness_of", "srgb_of"]

FLAT_COLOURS = "pictures drawn in flat colours"  # the kind of pair, in a reference's tables and words

# sRGB (D65) primaries to CIE XYZ, and the D65 white, as OpenCV's colour conversions use them.
_RGB_TO_XYZ = np.array([[0.412453, 0.357580, 0.180423],
                        [0.212671, 0.715160, 0.072169],
                        [0.019334, 0.119193, 0.950227]], np.float32)
_WHITE = np.array([0.950456, 1.0, 1.088754], np.float32)
_EPSILON = 0.008856  # (6/29)^3: below it CIELAB's cube root turns linear
_SLOPE = 7.787  # the linear part's slope, (29/6)^2 / 3


def _linear(values: np.ndarray) -> np.ndarray:
    """Linear light of sRGB values in [0, 1] (IEC 61966-2-1 companding)."""
    return np.where(values <= 0.04045, values / 12.92, ((values + 0.055) / 1.055) ** 2.4)


def _cube_root(ratio: np.ndarray) -> np.ndarray:
    """CIELAB's f(t) of a ratio to the white: the cube root, linear below _EPSILON."""
    return np.where(ratio > _EPSILON, np.cbrt(ratio), _SLOPE * ratio + np.float32(16 / 116))


# Linear light of each 8-bit sRGB level.
_LINEAR = _linear(np.arange(256, dtype=np.float64) / 255).astype(np.float32)


def lab_of(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (L* 0-100, a*, b*; float32, same shape) of RGB pixels (..., 3): uint8, or float in
    [0, 1] (an average of pixels, as an area-averaged reduction gives)."""
    if rgb.dtype == np.uint8:
        linear = _LINEAR[rgb]
    else:
        linear = _linear(np.clip(np.asarray(rgb, np.float32), 0, 1))
    f = _cube_root((linear @ _RGB_TO_XYZ.T) / _WHITE)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])],
                    axis=-1).astype(np.float32)


def lightness_of(rgb: np.ndarray) -> np.ndarray:
    """CIELAB L* (0-100, float32) of RGB uint8 pixels (..., 3): ``lab_of``'s first channel, at a
    quarter of its time (L* needs only the luminance Y)."""
    return (116 * _cube_root(_LINEAR[rgb] @ _RGB_TO_XYZ[1]) - 16).astype(np.float32)  # the white's Y is 1


def srgb_of(lab: np.ndarray) -> np.ndarray:
    """RGB uint8 of CIELAB colours (..., 3), clipped to the gamut (a mean of sRGB colours can lie
    just outside it, which is not convex in CIELAB)."""
    lab = np.asarray(lab, np.float64)
    fy = (lab[..., 0] + 16) / 116
    f = np.stack([fy + lab[..., 1] / 500, fy, fy - lab[..., 2] / 200], axis=-1)
    xyz = np.where(f > 6 / 29, f**3, (f - 16 / 116) / _SLOPE) * _WHITE
    linear = np.clip(xyz @ np.linalg.inv(_RGB_TO_XYZ.astype(np.float64)).T, 0, 1)
    srgb = np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)
    return np.clip(np.round(srgb * 255), 0, 255).astype(np.uint8)


def drawn_in_flat_colours(view: PictureView) -> bool:
    """Whether the picture is drawn in a few flat colours, as charts, logos, flags and clip art are:
    its RESEMBLANCE_FLAT_COLOURS commonest exact colours cover RESEMBLANCE_FLAT_DRAWING of it or
    more. Found once per picture (style and palette both ask)."""
    if FLAT_COLOURS not in view.found:
        rgb = view.rgb
        codes = (rgb[..., 0].astype(np.int32) << 16) | (rgb[..., 1].astype(np.int32) << 8) | rgb[..., 2]
        counts = np.sort(np.unique(codes, return_counts=True)[1])
        view.found[FLAT_COLOURS] = bool(counts[-T.RESEMBLANCE_FLAT_COLOURS:].sum() >= T.RESEMBLANCE_FLAT_DRAWING * codes.size)
    return view.found[FLAT_COLOURS]
