"""The picture operations the corpus is made with: silhouettes filled anew, palettes transferred,
restyles, tints and views.

Nothing here calls simforensics except ``figure_mask`` for the three portraits, whose person
silhouette is the portrait models' (``simforensics.portrait.find_people``), as the issue asks: it
is the figure a "same layout, other subject" copy would keep. The other silhouettes are cut out
without the engine: the horse is a silhouette already, the logo is a disc on white, the coins are
split from their ground by Otsu's threshold.
"""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np
from scipy import ndimage

from fixtures import make_fixtures as fx

from . import sources

__all__ = [
    "STYLES", "Tint", "duotone", "figure_mask", "filled", "hue_rotated", "lab", "opposite", "painted", "random_tint",
    "recoloured", "rgb_of", "shrink", "tinted_layout", "view",
]

STYLES = ("oil", "stylised", "cartoon")  # fixtures.make_fixtures.painted's
# A region filled anew keeps the original region's mean lightness and at least this spread of
# L* (a flat silhouette, the horse's, would otherwise be filled with one flat tone): the filling
# picture's texture stays visible.
MIN_FILL_SPREAD = 8.0
# Rotations of the colour axes in the palette transfer: Pitie et al. found 10-20 enough for the
# distributions to match. On 16 pairs of the shipped colourful pictures (448 px), the engine's
# palette score of model against transfer averages 0.62 with 6, 0.69 with 12, 0.70 with 20 and
# 0.72 with 40 rotations, at 0.3, 0.6, 0.9 and 1.8 s a picture.
RECOLOUR_ROTATIONS = 12


def lab(rgb: np.ndarray) -> np.ndarray:
    """CIELAB (L* 0-100) of RGB uint8, float32."""
    return cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)


def rgb_of(lab_image: np.ndarray) -> np.ndarray:
    rgb = cv2.cvtColor(np.ascontiguousarray(lab_image, np.float32), cv2.COLOR_Lab2RGB)
    return np.clip(np.round(rgb * 255), 0, 255).astype(np.uint8)


def shrink(rgb: np.ndarray, side: int) -> np.ndarray:
    """Longest side ``side`` (area-averaged when shrinking, cubic when enlarging)."""
    h, w = rgb.shape[:2]
    scale = side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)


@cache
def _native_mask(source: str) -> np.ndarray:
    """The figure of a SHAPES picture at its shipped size, float32 0/1."""
    name = sources.short(source)
    if name == "horse":
        from skimage import data

        mask = ~data.horse()  # True is the white ground
    elif name == "logo":
        # A disc on white (its alpha channel is opaque throughout): what is not white, with the
        # white line across the disc closed and holes filled.
        not_white = (sources.load(source).min(axis=2) < 235).astype(np.uint8)
        closed = cv2.morphologyEx(not_white, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (15, 15)))
        mask = ndimage.binary_fill_holes(closed > 0)
    elif name == "coins":
        grey = sources.load(source)[:, :, 0]
        _, binary = cv2.threshold(cv2.GaussianBlur(grey, (5, 5), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        mask = ndimage.binary_fill_holes(binary > 0)
    else:
        from simforensics.portrait import find_people

        picture = sources.load(source)
        people = find_people(picture)
        if not people.person_mask.any():
            raise AssertionError(f"{source}: the portrait models found no person to take the silhouette of")
        h, w = picture.shape[:2]
        mask = cv2.resize(people.person_mask.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR) > 0.5
    return mask.astype(np.float32)


def figure_mask(source: str, size: tuple[int, int]) -> np.ndarray:
    """The figure of a SHAPES picture at ``size`` (width, height), float32 in [0, 1], its edge
    softened by about a pixel."""
    mask = cv2.resize(_native_mask(source), size, interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(mask, (0, 0), 1.0)


def _window(donor: np.ndarray, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A random window of ``donor`` with the proportions of ``size``, 1-1.4 times as large when
    the donor is that large (then shrunk to it), else as large as the donor allows (then
    enlarged): a filling is enlarged only when it must be, since enlarging blurs it."""
    w, h = size
    dh, dw = donor.shape[:2]
    scale = min(dw / w, dh / h, rng.uniform(1.0, 1.4))
    cw, ch = max(8, round(w * scale)), max(8, round(h * scale))
    x, y = int(rng.integers(0, dw - cw + 1)), int(rng.integers(0, dh - ch + 1))
    window = donor[y : y + ch, x : x + cw]
    return cv2.resize(window, size, interpolation=cv2.INTER_AREA if cw >= w else cv2.INTER_CUBIC)


def _matched_lightness(donor_lab: np.ndarray, weight: np.ndarray, target_mean: float, target_spread: float) -> np.ndarray:
    """The donor with its L* moved to ``target_mean`` and ``target_spread`` where ``weight`` is."""
    total = max(float(weight.sum()), 1e-6)
    light = donor_lab[:, :, 0]
    mean = float((light * weight).sum() / total)
    spread = float(np.sqrt(((light - mean) ** 2 * weight).sum() / total))
    out = donor_lab.copy()
    out[:, :, 0] = np.clip(target_mean + (light - mean) * (target_spread / max(spread, 1e-3)), 0, 100)
    return out


def filled(mask: np.ndarray, lightness: np.ndarray, figure_donor: np.ndarray, ground_donor: np.ndarray,
           rng: np.random.Generator) -> np.ndarray:
    """A new picture with the layout of ``mask``: its figure filled with a window of
    ``figure_donor``, its ground with one of ``ground_donor``, each with the mean L* that
    ``lightness`` (the original's L*) has there, so the light and dark masses stay, and the
    donors' own colours and texture."""
    h, w = mask.shape
    masses = []
    for weight, donor in ((mask, figure_donor), (1 - mask, ground_donor)):
        total = max(float(weight.sum()), 1e-6)
        mean = float((lightness * weight).sum() / total)
        spread = float(np.sqrt(((lightness - mean) ** 2 * weight).sum() / total))
        masses.append(_matched_lightness(lab(_window(donor, (w, h), rng)), weight, mean, max(spread, MIN_FILL_SPREAD)))
    figure, ground = masses
    return rgb_of(figure * mask[:, :, None] + ground * (1 - mask[:, :, None]))


def recoloured(rgb: np.ndarray, palette_rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``rgb`` with the colour distribution of ``palette_rgb``: the iterative distribution transfer
    of Pitie, Kokaram & Dahyot (2005, "N-dimensional probability density function transfer and
    its application to colour transfer", ICCV): in CIELAB, the histogram of each axis is matched
    (as skimage.exposure.match_histograms does) along RECOLOUR_ROTATIONS random rotations of the
    axes, which carries over the joint distribution of the colours, where matching L*, a* and b*
    once each would not (a red and blue picture matched channel by channel turns magenta). The
    mapping is a function of the colour, so the picture gets no speckle."""
    source = lab(rgb).reshape(-1, 3).astype(np.float64)
    target = lab(palette_rgb).reshape(-1, 3).astype(np.float64)
    ranks = (np.arange(len(source)) + 0.5) / len(source)
    target_ranks = (np.arange(len(target)) + 0.5) / len(target)
    for _ in range(RECOLOUR_ROTATIONS):
        rotation, _ = np.linalg.qr(rng.normal(size=(3, 3)))
        moved, reference = source @ rotation, target @ rotation
        for axis in range(3):
            order = np.argsort(moved[:, axis], kind="stable")
            moved[order, axis] = np.interp(ranks, target_ranks, np.sort(reference[:, axis]))
        source = moved @ rotation.T
    return rgb_of(source.reshape(rgb.shape).astype(np.float32))


def hue_rotated(rgb: np.ndarray, degrees: int) -> np.ndarray:
    return fx.hue_shifted(rgb, int(degrees)).rgb


def duotone(rgb: np.ndarray, dark: tuple[float, float], light: tuple[float, float]) -> np.ndarray:
    """The picture's lightness kept, its colours replaced by a blend from ``dark`` to ``light``
    (the CIELAB a*, b* of each end): a tint that gives a picture another palette."""
    image = lab(rgb)
    t = (image[:, :, 0] / 100)[:, :, None]
    ends = np.array([dark, light], np.float32)
    image[:, :, 1:] = (1 - t) * ends[0] + t * ends[1]
    return rgb_of(image)


Tint = tuple[tuple[float, float], tuple[float, float]]


def random_tint(rng: np.random.Generator, hue: float | None = None) -> Tint:
    """Two ends of a duotone (a*, b* each), chroma 25-45: the dark end at ``hue`` (radians;
    random when None), the light end 60-120 degrees round from it."""
    hue = rng.uniform(0, 2 * np.pi) if hue is None else hue
    other = hue + rng.uniform(np.pi / 3, 2 * np.pi / 3)
    chroma = rng.uniform(25, 45)
    return ((chroma * np.cos(hue), chroma * np.sin(hue)), (chroma * np.cos(other), chroma * np.sin(other)))


def opposite(tint: Tint) -> Tint:
    """The same tint with every hue half a turn round."""
    return tuple((-a, -b) for a, b in tint)


def tinted_layout(rgb: np.ndarray, mask: np.ndarray, figure: Tint, ground: Tint) -> np.ndarray:
    """The figure (``mask``) and the ground each in their own duotone: the layout shows in hue
    as well as in lightness."""
    weight = mask[:, :, None]
    blend = duotone(rgb, *figure).astype(np.float32) * weight + duotone(rgb, *ground).astype(np.float32) * (1 - weight)
    return np.clip(np.round(blend), 0, 255).astype(np.uint8)


def painted(rgb: np.ndarray, style: str) -> np.ndarray:
    return fx.painted(np.ascontiguousarray(rgb), style)


def view(rgb: np.ndarray, rng: np.random.Generator, *, area: tuple[float, float], side: int,
         mirror: float = 0.0) -> tuple[np.ndarray, str]:
    """A crop keeping ``area`` (a range) of the picture at a random place, mirrored with
    probability ``mirror``, its longest side ``side``; and what was done, in words."""
    h, w = rgb.shape[:2]
    keep = rng.uniform(*area)
    ratio = rng.uniform(0.85, 1.18)
    cw, ch = min(w, round(w * np.sqrt(keep * ratio))), min(h, round(h * np.sqrt(keep / ratio)))
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    out = rgb[y : y + ch, x : x + cw]
    words = [] if cw * ch == w * h else [f"crop {cw * ch / (w * h):.0%}"]
    if rng.random() < mirror:
        out = out[:, ::-1]
        words.append("mirrored")
    return np.ascontiguousarray(shrink(out, side)), ", ".join(words) or "whole"
