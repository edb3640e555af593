"""Palette as a dimension of resemblance: the dominant colours compared perceptually.

A picture's palette is its few dominant colours in CIELAB with the share of the picture each
covers (a "signature", Rubner, Tomasi & Guibas 2000, "The Earth Mover's Distance as a Metric for
Image Retrieval", IJCV 40). Two palettes are compared by the earth mover's distance: the least
average colour change, in CIE76 units (Euclidean CIELAB, about 2.3 to a just-noticeable
difference), that turns one picture's colours into the other's. The transport plan also says
which colours the pictures share, which is what the report names.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Collection
from dataclasses import dataclass, replace

import cv2
import numpy as np
from scipy.cluster.vq import kmeans2

from .. import thresholds as T
from .cohort import Neighbours, kth_nearest_work, nearest_works
from .colour import FLAT_COLOURS, drawn_in_flat_colours, lab_of, srgb_of
from .model import DimensionScore, PictureView

__all__ = ["COLOUR_NAMES", "NAME", "PaletteDescriptor", "cohort_row", "colour_name", "compare", "describe", "is_grey",
           "situate", "stratum"]

NAME = "palette"


@dataclass(frozen=True)
class PaletteDescriptor:
    """A picture's dominant colours, most covering first (empty arrays: the picture has no pixels)."""

    colours_lab: np.ndarray  # (k, 3) float64, CIELAB (D65): L* 0-100, a*, b*
    colours_rgb: np.ndarray  # (k, 3) uint8 sRGB, the same colours for swatches
    shares: np.ndarray  # (k,) float64, share of the picture's area each covers; sums to 1
    pixels: int  # pixels the palette was taken from
    # The picture's neighbourhood in a reference (CIE76 units; ``situate``); None: not placed in one.
    neighbourhood: float | None = None
    drawn_flat: bool = False  # drawn in a few flat colours (colour.drawn_in_flat_colours; ``stratum``)


# Names for the report's words, not for the score: sRGB values of common colour names (most from
# CSS Color Module Level 4), with muted and dark tones, because photographs' dominant colours are
# mostly muted; the nearest name (CIE76) is used.
COLOUR_NAMES: dict[str, tuple[int, int, int]] = {
    "black": (0, 0, 0),
    "charcoal": (54, 54, 54),
    "dark grey": (90, 90, 90),
    "grey": (128, 128, 128),
    "warm grey": (150, 140, 130),
    "slate grey": (112, 128, 144),
    "light grey": (192, 192, 192),
    "white": (255, 255, 255),
    "cream": (255, 253, 208),
    "beige": (225, 210, 180),
    "khaki": (195, 176, 145),
    "tan": (210, 180, 140),
    "peach": (255, 218, 185),
    "salmon": (250, 128, 114),
    "coral": (255, 127, 80),
    "terracotta": (204, 78, 52),
    "rust": (183, 65, 14),
    "brown": (139, 90, 43),
    "dark brown": (92, 64, 51),
    "olive brown": (100, 84, 40),
    "maroon": (128, 0, 0),
    "burgundy": (128, 0, 32),
    "red": (220, 20, 60),
    "pink": (255, 182, 193),
    "rose": (200, 100, 120),
    "orange": (255, 140, 0),
    "ochre": (204, 119, 34),
    "mustard": (205, 170, 60),
    "gold": (255, 215, 0),
    "yellow": (255, 255, 0),
    "olive": (128, 128, 0),
    "dark olive": (85, 107, 47),
    "sage": (150, 170, 130),
    "green": (34, 139, 34),
    "light green": (144, 238, 144),
    "dark green": (0, 80, 0),
    "teal": (0, 128, 128),
    "turquoise": (64, 224, 208),
    "sky blue": (135, 206, 235),
    "steel blue": (70, 130, 180),
    "blue": (65, 105, 225),
    "dark blue": (30, 50, 90),
    "navy": (0, 0, 128),
    "violet": (140, 80, 180),
    "purple": (128, 0, 128),
    "lavender": (200, 170, 230),
    "magenta": (255, 0, 255),
}
_NAMES = tuple(COLOUR_NAMES)
_NAMES_LAB = lab_of(np.array([list(COLOUR_NAMES.values())], np.uint8))[0].astype(np.float64)


def colour_name(lab: np.ndarray) -> str:
    """The nearest (CIE76) of COLOUR_NAMES to one CIELAB colour."""
    return _NAMES[int(np.argmin(((_NAMES_LAB - lab) ** 2).sum(axis=1)))]


def describe(view: PictureView) -> PaletteDescriptor:
    rgb = view.rgb
    # Halved by area averaging: a quarter of the pixels cluster four times faster, and the shares
    # of colours covering more than a few per cent of the picture do not move.
    if min(rgb.shape[:2]) >= T.RESEMBLANCE_PALETTE_HALVE_FROM:
        rgb = cv2.resize(rgb, (rgb.shape[1] // 2, rgb.shape[0] // 2), interpolation=cv2.INTER_AREA)
    pixels_rgb = rgb.reshape(-1, 3)
    if len(pixels_rgb) == 0:
        return PaletteDescriptor(np.zeros((0, 3)), np.zeros((0, 3), np.uint8), np.zeros(0), 0)
    # Sorted by colour, so that the palette depends on the colours alone, not on where they are
    # (a mirrored picture has the same palette): k-means++ draws its seeds in this order.
    packed = pixels_rgb.astype(np.int32) @ np.array([1 << 16, 1 << 8, 1], np.int32)
    by_colour = np.argsort(packed, kind="stable")
    pixels_rgb, packed = pixels_rgb[by_colour], packed[by_colour]
    _, first, counts = np.unique(packed, return_index=True, return_counts=True)
    if len(counts) <= T.RESEMBLANCE_PALETTE_COLOURS:
        # Few enough colours to keep them all exactly (flat artwork, a single-colour picture).
        colours_lab, shares = lab_of(pixels_rgb[first][None])[0].astype(np.float64), counts / counts.sum()
    else:
        colours_lab, shares = _clustered(lab_of(pixels_rgb[None])[0])
    order = np.argsort(-shares, kind="stable")
    colours_lab, shares = colours_lab[order], shares[order]
    return PaletteDescriptor(colours_lab, srgb_of(colours_lab), shares / shares.sum(), len(pixels_rgb),
                             drawn_flat=drawn_in_flat_colours(view))


def _clustered(pixels_lab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """k-means in CIELAB, seeded by k-means++ from a fixed generator (the same picture always
    gives the same palette): the clusters' centres and the share of the pixels in each."""
    with warnings.catch_warnings():
        # An empty cluster keeps its seed and is dropped below; scipy warns about it.
        warnings.simplefilter("ignore", UserWarning)
        centres, labels = kmeans2(pixels_lab, T.RESEMBLANCE_PALETTE_COLOURS, iter=T.RESEMBLANCE_PALETTE_ITERATIONS,
                                  minit="++", seed=np.random.default_rng(T.RESEMBLANCE_PALETTE_SEED))
    counts = np.bincount(labels, minlength=len(centres))
    kept = counts > 0
    return centres[kept].astype(np.float64), counts[kept] / counts.sum()


def is_grey(palette: PaletteDescriptor) -> bool:
    """Whether a picture's dominant colours are, on average, neutral (RESEMBLANCE_PALETTE_GREY_CHROMA)."""
    if len(palette.shares) == 0:
        return True
    chroma = np.hypot(palette.colours_lab[:, 1], palette.colours_lab[:, 2])
    return float((chroma * palette.shares).sum()) < T.RESEMBLANCE_PALETTE_GREY_CHROMA


def stratum(a: PaletteDescriptor, b: PaletteDescriptor) -> str | tuple[str, str]:
    """Which unrelated pairs a palette likeness is placed among: two pictures drawn in a few flat
    colours (a white ground and a handful of pure colours, as charts and logos are: common among
    graphics, rare among photographs) among such pairs; else two grey pictures, a grey and a
    coloured one (they can share only greys), or two coloured ones; the last two, when the
    reference holds too few of their own kind, among the pairs with colour in them (the two kinds
    together: two grey pictures, far more alike, are left out)."""
    if a.drawn_flat and b.drawn_flat:
        return FLAT_COLOURS
    greys = is_grey(a) + is_grey(b)
    return (("coloured pictures", "pictures with colour"), ("a grey and a coloured picture", "pictures with colour"),
            "grey pictures")[greys]


def _signature(colours_lab: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """A palette as OpenCV's EMD signature: one row per colour, its share then L*, a*, b*."""
    return np.ascontiguousarray(np.hstack([shares[:, None], colours_lab]), np.float32)


def cohort_row(descriptor: PaletteDescriptor) -> np.ndarray | None:
    """What a reference keeps of one of its pictures to place others among (``situate``): its
    dominant colours and shares (numbers, not the picture), padded with empty colours to
    RESEMBLANCE_PALETTE_COLOURS; None when it has no pixels."""
    if descriptor.pixels == 0:
        return None
    row = np.zeros((T.RESEMBLANCE_PALETTE_COLOURS, 4))
    row[: len(descriptor.shares)] = _signature(descriptor.colours_lab, descriptor.shares)
    return row.ravel()


def situate(descriptor: PaletteDescriptor, cohort: np.ndarray, works: np.ndarray,
            leave_out: Collection[int] = ()) -> PaletteDescriptor:
    """The descriptor with its neighbourhood among a reference's pictures: the earth mover's
    distance to the RESEMBLANCE_PALETTE_NEIGHBOUR-th nearest work (a work as near as its nearest
    picture), never under RESEMBLANCE_PALETTE_NEIGHBOURHOOD_FLOOR, as style.situate does for
    textures. ``leave_out``: works not counted (a pair of the reference's own)."""
    return placed(descriptor, neighbours(descriptor, cohort, works), leave_out)


def neighbours(descriptor: PaletteDescriptor, cohort: np.ndarray, works: np.ndarray) -> Neighbours | None:
    """Each work's earth mover's distance to this palette (``situate``); None without pixels."""
    if descriptor.pixels == 0:
        return None
    return nearest_works(_distances_to(_signature(descriptor.colours_lab, descriptor.shares), cohort), works)


def placed(descriptor: PaletteDescriptor, near: Neighbours | None, leave_out: Collection[int] = ()) -> PaletteDescriptor:
    """``situate`` from the works' distances found once (``neighbours``)."""
    neighbourhood = None if near is None else kth_nearest_work(near, T.RESEMBLANCE_PALETTE_NEIGHBOUR, leave_out)
    if neighbourhood is None:
        return descriptor
    return replace(descriptor, neighbourhood=max(neighbourhood, T.RESEMBLANCE_PALETTE_NEIGHBOURHOOD_FLOOR))


# Each cohort distance row kept, by the palette's colours and a digest of the cohort: `scan
# --related` places a picture among the builtin reference's once for every pair it is in. Keyed by
# a digest, not the cohort itself, so that a large reference's rows are not held once per entry.
_DISTANCES: dict[tuple[bytes, bytes], np.ndarray] = {}
_DISTANCES_KEPT = 4096


def _distances_to(signature: np.ndarray, cohort: np.ndarray) -> np.ndarray:
    """A palette's earth mover's distance (CIE76) to each picture of a cohort (rows of ``cohort_row``)."""
    key = (signature.tobytes(), hashlib.blake2b(np.ascontiguousarray(cohort).tobytes(), digest_size=16).digest())
    found = _DISTANCES.get(key)
    if found is None:
        found = np.empty(len(cohort))
        for i, row in enumerate(cohort):
            other = row.reshape(-1, 4)
            other = np.ascontiguousarray(other[other[:, 0] > 0], np.float32)
            found[i] = cv2.EMD(signature, other, cv2.DIST_L2)[0]
        if len(_DISTANCES) >= _DISTANCES_KEPT:
            _DISTANCES.clear()
        _DISTANCES[key] = found
    return found


def compare(a: PaletteDescriptor, b: PaletteDescriptor) -> DimensionScore:
    if a.pixels == 0 or b.pixels == 0:
        which = "either picture" if a.pixels == b.pixels else ("the first picture" if a.pixels == 0 else "the second picture")
        return DimensionScore(None, f"{which} has no pixels")
    # CIE76 ground distance: a true metric, so the EMD is one too.
    ground = np.linalg.norm(a.colours_lab[:, None, :] - b.colours_lab[None, :, :], axis=2)
    plan = _transport(a, b, ground)
    distance = float((plan * ground).sum())
    if a.neighbourhood is not None and b.neighbourhood is not None:
        # Placed in a reference: the self-tuning kernel, each picture's neighbourhood its width.
        score = float(np.exp(-0.5 * distance**2 / (a.neighbourhood * b.neighbourhood)))
        why = (f"{_why(a, b, plan, ground, distance)}; each picture's neighbourhood in the reference "
               f"{a.neighbourhood:.0f} and {b.neighbourhood:.0f} units wide")
        return DimensionScore(score, why)
    score = float(np.exp(-distance / T.RESEMBLANCE_PALETTE_SCALE))
    return DimensionScore(score, _why(a, b, plan, ground, distance))


def _transport(a: PaletteDescriptor, b: PaletteDescriptor, ground: np.ndarray) -> np.ndarray:
    """The optimal transport plan from ``a``'s shares to ``b``'s: OpenCV's EMD (Rubner's
    transportation simplex, exact), which works in 32-bit floats (a ten-thousandth of a CIELAB
    unit). Solved with the two palettes in one fixed order, so that comparing b with a gives
    the same plan, transposed, and the same score."""
    swapped = (b.colours_lab.tobytes(), b.shares.tobytes()) < (a.colours_lab.tobytes(), a.shares.tobytes())
    first, second, cost = (b, a, ground.T) if swapped else (a, b, ground)
    _, _, flow = cv2.EMD(first.shares.astype(np.float32)[:, None], second.shares.astype(np.float32)[:, None],
                         cv2.DIST_USER, np.ascontiguousarray(cost, np.float32))
    return (flow.T if swapped else flow).astype(np.float64)


def _why(a: PaletteDescriptor, b: PaletteDescriptor, plan: np.ndarray, ground: np.ndarray, distance: float) -> str:
    average = f"palettes {distance:.1f} CIELAB units apart on average (earth mover's distance)"
    shared = (plan >= T.RESEMBLANCE_PALETTE_SHARED_SHARE) & (ground <= T.RESEMBLANCE_PALETTE_SAME_COLOUR)
    if not shared.any():
        i, j = np.unravel_index(np.argmin(ground), ground.shape)
        return (f"no dominant colour in common: the nearest, {colour_name(a.colours_lab[i])} and "
                f"{colour_name(b.colours_lab[j])}, are {ground[i, j]:.0f} CIELAB units apart; {average}")
    rows, cols = np.nonzero(shared)
    flows = plan[rows, cols]
    names: list[str] = []  # most transported first, each name once
    for k in np.argsort(-flows, kind="stable"):
        name = colour_name((a.colours_lab[rows[k]] + b.colours_lab[cols[k]]) / 2)
        if name not in names:
            names.append(name)
    within = float(ground[rows, cols].max())
    return (f"dominant colours within {np.ceil(within):.0f} CIELAB units: {', '.join(names)} "
            f"({100 * flows.sum():.0f} % of each picture); {average}")
