"""Local edits the change detector found hard (issue 18): small inpainted ornaments and recolours
of dark, low-chroma garments. Same conventions as ``transforms``' local edits: each returns a
``transforms.LocalEdit`` in ORIGINAL's frame, and the true mask is ``transforms.truth_mask``.

- ``ornament``: a small detailed object (0.3-3 % of the area) painted out with ``cv2.inpaint``.
  Either a jewel-like ornament put on the picture first (ORIGINAL = base + ornament; its detail
  is the high-pass texture of another shipped picture, shaded like a cabochon and set in a dark
  rim, coloured like the place it sits on or like a gem), or a naturally detailed spot of the
  photograph itself. The copy keeps a smooth patch whose colours match its surroundings.
- ``dark-recolour``: a hue rotation (60-180 degrees) and/or chroma change of a dark,
  low-saturation region (3-15 % of the area): the dark pixels inside a blob placed where such
  pixels are densest, feathered by a pixel or two.
- ``large-replace`` (``LARGE_KIND``, its own block of the corpus): a quarter to 45 % of the
  picture replaced by another picture, a band along one side (half a picture redrawn) or all
  around an ellipse kept in the middle (a figure put on a new background), the seam feathered.
"""

from __future__ import annotations

import cv2
import numpy as np
from scipy import ndimage

from . import sources
from . import transforms as T

KINDS = ("ornament", "dark-recolour")

# Shipped pictures an ornament's detail is cut from (fine texture at every scale).
ORNAMENT_TEXTURES = ("gravel", "brick", "coins", "hubble_deep_field", "immunohistochemistry", "grass")
# Gem colours (RGB) besides "like its surroundings": gold, ruby, emerald, sapphire, pearl.
GEM_COLOURS = ((212, 175, 55), (155, 17, 30), (40, 140, 80), (25, 60, 160), (225, 220, 205))

# Originals with a coherent dark low-chroma area (``_dark_low_chroma`` in a 9 x 9 majority, one
# connected piece) of 3 % or more of the picture: chelsea 5 %, rocket 18 %, motorcycle_left 4 %
# (astronaut 1.3 %, immunohistochemistry 0.3 %, coffee and retina 0: left out).
DARK_SOURCES = ("chelsea", "rocket", "motorcycle_left")

LARGE_KIND = "large-replace"

# Smallest true-mask share accepted (the corpus retries smaller edits): an ornament is small.
MIN_SHARE = {"ornament": 0.002, "dark-recolour": 0.01, LARGE_KIND: 0.2}


def make(kind: str, base: np.ndarray, rng: np.random.Generator) -> T.LocalEdit:
    if kind == "ornament":
        return inpainted_ornament(base, rng)
    return dark_recolour(base, rng)


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def _ornament_layer(size: tuple[int, int], colour: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A jewel-like ornament of ``size`` (w, h), float32 RGB: ``colour`` shaded like a dome, with
    the high-pass detail of a shipped texture (15-45 levels sd) and a dark rim (its setting)."""
    w, h = size
    texture = sources.load(str(rng.choice(ORNAMENT_TEXTURES)))
    grey = cv2.cvtColor(T._donor_window(texture, (w, h), rng), cv2.COLOR_RGB2GRAY).astype(np.float32)
    detail = grey - cv2.GaussianBlur(grey, (0, 0), max(2.0, 0.15 * min(w, h)))
    detail *= rng.uniform(15, 45) / max(1.0, float(detail.std()))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    r = np.hypot((xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2))
    dome = rng.uniform(20, 50) * (1 - np.clip(r, 0, 1) ** 2) - 0.5 * rng.uniform(20, 50)
    rim = -rng.uniform(30, 70) * np.exp(-(((r - 0.9) / 0.07) ** 2))
    shade = (detail + dome + rim)[:, :, None]
    return np.clip(colour[None, None, :] + shade, 0, 255).astype(np.float32)


def inpainted_ornament(base: np.ndarray, rng: np.random.Generator) -> T.LocalEdit:
    """A small detailed object (0.3-3 % of the area) removed with ``cv2.inpaint``."""
    area = _log_uniform(rng, 0.003, 0.03)
    kind = str(rng.choice(["ellipse", "blob"]))
    method, label = [(cv2.INPAINT_TELEA, "telea"), (cv2.INPAINT_NS, "ns")][int(rng.integers(0, 2))]
    radius = int(rng.integers(3, 10))
    if rng.random() < 0.6:  # a jewel put on the picture, then painted out
        # Anywhere but the flattest places: an ornament sits on a garment or a surface.
        box = T.place_box(base, area, rng, score=np.sqrt(T._texture(base) + 1), aspect=(0.7, 1.4))
        x, y, bw, bh = box
        shape = T.shape_mask(base.shape, box, kind, rng)
        local = base[y : y + bh, x : x + bw].reshape(-1, 3).mean(axis=0)
        matched = rng.random() < 0.5
        colour = local if matched else np.array(GEM_COLOURS[int(rng.integers(0, len(GEM_COLOURS)))], np.float32)
        layer = base.astype(np.float32)
        layer[y : y + bh, x : x + bw] = _ornament_layer((bw, bh), colour, rng)
        alpha = cv2.GaussianBlur(shape, (0, 0), 0.7)
        original = T.blend(base, layer.round().clip(0, 255).astype(np.uint8), alpha)
        name = f"ornament-{'matched' if matched else 'gem'}-{kind}"
    else:  # a naturally detailed spot of the photograph
        box = T.place_box(base, area, rng)
        x, y, bw, bh = box
        shape = T.shape_mask(base.shape, box, kind, rng)
        original = base
        name = f"ornament-detail-{kind}"
    # The removal mask covers the object and a pixel or two around it, as a retoucher's brush does.
    removal = cv2.dilate((shape > 0.5).astype(np.uint8), np.ones((5, 5), np.uint8))
    edited = cv2.inpaint(original, removal * 255, radius, method)
    return T.LocalEdit(original, edited, removal.astype(bool), f"{name}-{label}-{x}-{y}-{bw}x{bh}")


def _dark_low_chroma(rgb: np.ndarray) -> np.ndarray:
    """Bool: pixels dark (HSV value 25-130) with a little colour (chroma 10 or more, at most half the value)."""
    channels = rgb.astype(np.int16)
    value = channels.max(axis=2)
    chroma = value - channels.min(axis=2)
    return (value >= 25) & (value <= 130) & (chroma >= 10) & (chroma <= 0.5 * value)


def dark_recolour(base: np.ndarray, rng: np.random.Generator) -> T.LocalEdit:
    """A dark, low-chroma region (3-15 % of the area) given another hue and/or chroma."""
    area = _log_uniform(rng, 0.03, 0.15)
    # The garment: where most pixels are dark and low-chroma (a 9 x 9 majority, so a cloak's
    # folds and highlights belong to it), inside a blob placed where such pixels are densest;
    # one piece (the largest), as a retoucher selects one garment, not scattered dark specks.
    density = cv2.blur(_dark_low_chroma(base).astype(np.float32), (9, 9))
    box = T.place_box(base, area, rng, score=density)
    kind = str(rng.choice(["ellipse", "blob"]))
    shape = T.shape_mask(base.shape, box, kind, rng) > 0.5
    garment = cv2.morphologyEx(((density > 0.5) & shape).astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    garment = ndimage.binary_fill_holes(cv2.morphologyEx(garment, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))) & shape
    pieces, count = ndimage.label(garment)
    if count > 1:
        garment = pieces == 1 + int(np.argmax(np.bincount(pieces.ravel())[1:]))
    change = str(rng.choice(["hue", "hue+chroma", "chroma"]))
    degrees = int(np.sign(rng.uniform(-1, 1)) * rng.uniform(60, 180)) if "hue" in change else 0
    factor = rng.uniform(1.6, 2.5) if "chroma" in change else 1.0
    hsv = cv2.cvtColor(base, cv2.COLOR_RGB2HSV).astype(np.float32)
    hsv[:, :, 0] = np.round(hsv[:, :, 0] + degrees / 2) % 180
    hsv[:, :, 1] = np.clip(hsv[:, :, 1] * factor, 0, 255)
    patch = cv2.cvtColor(hsv.round().astype(np.uint8), cv2.COLOR_HSV2RGB)
    alpha = cv2.GaussianBlur(garment.astype(np.float32), (0, 0), rng.uniform(0.5, 1.5))
    x, y, bw, bh = box
    return T.LocalEdit(base, T.blend(base, patch, alpha), alpha > 0.01,
                       f"dark-{change}{degrees:+d}x{factor:.1f}-{kind}-{x}-{y}-{bw}x{bh}")


def large_replace(base: np.ndarray, donor: np.ndarray, rng: np.random.Generator) -> T.LocalEdit:
    """25-45 % of ``base`` replaced by ``donor`` (resized to it): a band along one side, or all
    around an ellipse kept in the middle; the seam feathered over 2-6 px."""
    h, w = base.shape[:2]
    share = rng.uniform(0.25, 0.45)
    replaced = np.zeros((h, w), np.uint8)
    if rng.random() < 0.5:
        side = str(rng.choice(["left", "right", "top", "bottom"]))
        if side in ("left", "right"):
            cut = round(share * w)
            replaced[:, :cut] = 1
        else:
            cut = round(share * h)
            replaced[:cut] = 1
        if side in ("right", "bottom"):
            replaced = replaced[::-1, ::-1].copy()
        name = f"large-replace-{side}-{share:.2f}"
    else:
        # An ellipse of axes in the picture's proportions keeping 1 - share of it: pi a b = (1 - share) w h.
        scale = np.sqrt((1 - share) / np.pi)
        replaced[:] = 1
        cv2.ellipse(replaced, (w // 2, h // 2), (round(scale * w), round(scale * h)), 0, 0, 360, 0, -1)
        name = f"large-replace-surround-{share:.2f}"
    sigma = rng.uniform(2, 6)
    alpha = cv2.GaussianBlur(replaced.astype(np.float32), (0, 0), sigma)
    filler = cv2.resize(donor, (w, h), interpolation=cv2.INTER_AREA)
    return T.LocalEdit(base, T.blend(base, filler, alpha), alpha > 0.01, f"{name}-f{sigma:.0f}")
