"""Style as a dimension of resemblance: how a picture is rendered, as apart as can be from what it shows.

A picture's style is a handful of texture and stroke statistics of its lightness (CIELAB L*) and
one of its colours' equality, each chosen because a rendering moves it more than a change of
subject does:

- ``fine_detail``, ``mid_detail``: how the detail's energy falls from one scale to the next
  (log ratio of successive Laplacian-pyramid bands, Burt & Adelson 1983): brushwork and smoothing
  remove the finest scale, ink outlines add to it;
- ``grain``, ``edge_texture``: the shares of local binary patterns (Ojala, Pietikäinen & Mäenpää
  2002, rotation-invariant uniform patterns, scikit-image) that are non-uniform (photographic grain
  and noise) and edge-like (half the neighbours brighter: strokes and outlines);
- ``smooth_grain``: the non-uniform patterns' share in the picture's smooth half (where the next
  coarser band is weakest, RESEMBLANCE_STYLE_SMOOTH_SHARE): a photograph's sensor noise, film
  grain and compression show there whatever the scene, and paint and filters leave it clean;
- ``dark_lines``: whether the strongest fine detail is darker than its surroundings (ink lines)
  or lighter (highlights);
- ``edge_hardness``: at the picture's outlines, the finest scale's energy against the next
  coarser one's: hard edges of a painting or filter, soft ones of a lens;
- ``patchy_outlines``: at the outlines, the share of pixels whose colour (8-bit RGB) exactly equals
  a 4-neighbour's: a painting or filter builds its outlines from patches of one flat colour that
  run up to the edge (a brush's daub, a smoothing filter's plateau, a poster's band), a lens and
  anti-aliasing grade every edge through intermediate colours. Exact equality survives any
  per-pixel change of colour (a hue rotation, a tint, a curve: equal colours stay equal), not a
  lossy compression (a JPEG's noise breaks most of it).

The share of flat patterns over the whole picture (``flat``, which ``patchy_outlines`` replaced) is
left out: it follows how much of the scene is smooth (a logo is mostly flat however it
is painted, a micrograph painted in oil hardly at all): the 15 shipped pictures the resemblance
benchmark paints, painted in oil, stylised or cartoon, departed from a typical photograph by
1.2-3.6 photographs' spreads in it, with a spread of 1.7-2.1 among them; in the outlines' patches
they depart by 1.9-5.1 with a spread of 0.8-1.6.

Gradient-orientation and edge-density histograms, and colour-gradient statistics, were measured
too (on the shipped pictures painted in three styles): they follow the subject more than the
rendering, and made the ordering worse, so they are left out.

Two pictures are compared by the root mean square of their statistics' differences, each in units
of its spread among unrelated photographs, turned into a score by a Gaussian kernel. Closeness
alone is common: two ordinary photographs are close too. What makes a shared rendering remarkable
is that few other works lie that close to either picture (both depart from the typical
photograph together). So, against a reference, the kernel's width is each picture's own
neighbourhood (``situate``): the distance to its RESEMBLANCE_STYLE_NEIGHBOUR-th nearest work in the
reference, as the self-tuning affinity of Zelnik-Manor & Perona (2004) scales a Gaussian by each
point's distance to its K-th neighbour: exp(-d^2 / (2 s_a s_b)). Without a reference's pictures,
the width is one spread (RESEMBLANCE_STYLE_SCALE). The statistics ignore direction (a mirror
moves them by pyramid sampling only) and are measured on lightness (a global hue change moves
them only as far as it changes lightness), but for the outlines' patches, measured on the
colours' equality (which no per-pixel change of colour breaks).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from itertools import pairwise

import cv2
import numpy as np
from skimage.feature import local_binary_pattern

from .. import thresholds as T
from .cohort import Neighbours, kth_nearest_work, nearest_works
from .colour import FLAT_COLOURS, drawn_in_flat_colours, lab_of
from .model import DimensionScore, PictureView

__all__ = ["NAME", "STATISTICS", "StyleDescriptor", "cohort_row", "compare", "describe", "situate", "standardised", "statistics",
           "stratum"]

NAME = "style"

# The statistics, in the descriptor's order (thresholds.RESEMBLANCE_STYLE_PHOTOGRAPHS has their
# median and spread among unrelated photographs).
STATISTICS = ("fine_detail", "mid_detail", "grain", "smooth_grain", "edge_texture", "dark_lines",
              "edge_hardness", "patchy_outlines")

# How each statistic reads, far below and far above a typical photograph, in the report's words.
_TRAITS = {
    "fine_detail": ("little fine detail", "much fine detail"),
    "mid_detail": ("soft forms", "busy forms"),
    "grain": ("no photographic grain", "grainy"),
    "smooth_grain": ("clean smooth areas", "grain in smooth areas"),
    "edge_texture": ("spotty texture", "streaky texture"),
    "dark_lines": ("light lines", "dark outlines"),
    "edge_hardness": ("soft edges", "hard edges"),
    "patchy_outlines": ("graded outlines", "outlines of flat colour patches"),
}

# Local binary patterns of 8 neighbours at radius 1, "uniform" (rotation-invariant, so also
# mirror-invariant): codes 0-8 count the neighbours at least as bright as the centre (8: flat or
# a dark dot), 9 collects the non-uniform patterns.
_LBP_POINTS = 8
_LBP_FLAT = _LBP_POINTS
_LBP_NON_UNIFORM = _LBP_POINTS + 1
_LBP_EDGE = slice(3, 6)  # 3 to 5 of 8 neighbours brighter: a step or a line through the centre


@dataclass(frozen=True)
class StyleDescriptor:
    statistics: np.ndarray | None  # (len(STATISTICS),) float64; None: not measured (see reason)
    reason: str | None = None
    # The picture's neighbourhood in a reference (spreads; ``situate``); None: not placed in one.
    neighbourhood: float | None = None
    drawn_flat: bool = False  # drawn in a few flat colours (colour.drawn_in_flat_colours; ``stratum``)


def statistics(rgb: np.ndarray) -> np.ndarray | str:
    """The style statistics of one RGB uint8 picture, or the reason they cannot be measured."""
    h, w = rgb.shape[:2]
    if min(h, w) < T.RESEMBLANCE_STYLE_MIN_SIDE:
        return f"the picture ({w} x {h} px) is too small to measure texture at {T.RESEMBLANCE_STYLE_SCALES} scales"
    lightness = lab_of(rgb)[:, :, 0]
    if lightness.std() < T.RESEMBLANCE_STYLE_UNIFORM:
        return "the picture is one flat tone: it has no texture to compare"
    # Laplacian pyramid of L*: band k holds the detail between scales k and k + 1.
    levels = [lightness]
    for _ in range(T.RESEMBLANCE_STYLE_SCALES):
        levels.append(cv2.pyrDown(levels[-1]))
    bands = [fine - cv2.pyrUp(coarse, dstsize=(fine.shape[1], fine.shape[0])) for fine, coarse in pairwise(levels)]
    energies = np.array([float(np.mean(band**2)) for band in bands])
    floor = T.RESEMBLANCE_STYLE_ENERGY_FLOOR  # keeps the ratios finite on untextured paint
    fine_detail = np.log((energies[0] + floor) / (energies[1] + floor))
    mid_detail = np.log((energies[1] + floor) / (energies[2] + floor))

    # On 8-bit L* (steps of 0.4 units, under a just-noticeable difference) so that flat paint
    # gives equal neighbours, which floating-point noise would break (scikit-image's advice).
    lightness_8bit = np.clip(lightness * 2.55 + 0.5, 0, 255).astype(np.uint8)
    patterns = local_binary_pattern(lightness_8bit, _LBP_POINTS, 1, method="uniform").astype(np.intp)
    shares = np.bincount(patterns.ravel(), minlength=_LBP_POINTS + 2) / patterns.size
    grain = shares[_LBP_NON_UNIFORM]
    textured = shares[:_LBP_FLAT].sum()
    edge_texture = shares[_LBP_EDGE].sum() / textured if textured > 0 else 0.0

    finest = bands[0]
    strong = np.abs(finest) > T.RESEMBLANCE_STYLE_STRONG_DETAIL * finest.std()
    dark, light = np.mean(strong & (finest < 0)), np.mean(strong & (finest > 0))
    dark_lines = (dark - light) / (dark + light) if dark + light > 0 else 0.0

    # Outlines: where the next coarser band is strongest; the smooth half: where it is weakest.
    next_band = np.abs(cv2.resize(bands[1], (finest.shape[1], finest.shape[0]), interpolation=cv2.INTER_LINEAR))
    outline = next_band >= np.quantile(next_band, 1.0 - T.RESEMBLANCE_STYLE_OUTLINE_SHARE)
    edge_hardness = np.log((np.mean(finest[outline] ** 2) + floor) / (np.mean(next_band[outline] ** 2) + floor))
    smooth = next_band <= np.quantile(next_band, T.RESEMBLANCE_STYLE_SMOOTH_SHARE)
    smooth_grain = float(np.mean(patterns[smooth] == _LBP_NON_UNIFORM))
    patchy_outlines = float(np.mean(_equal_to_a_neighbour(rgb)[outline]))
    return np.array([fine_detail, mid_detail, grain, smooth_grain, edge_texture, dark_lines,
                     edge_hardness, patchy_outlines], np.float64)


def _equal_to_a_neighbour(rgb: np.ndarray) -> np.ndarray:
    """Each pixel: whether its colour equals exactly that of a pixel beside, above or below it."""
    across = np.all(rgb[:, 1:] == rgb[:, :-1], axis=2)
    down = np.all(rgb[1:] == rgb[:-1], axis=2)
    equal = np.zeros(rgb.shape[:2], bool)
    equal[:, 1:] |= across
    equal[:, :-1] |= across
    equal[1:] |= down
    equal[:-1] |= down
    return equal


def describe(view: PictureView) -> StyleDescriptor:
    measured = statistics(view.rgb)
    if isinstance(measured, str):
        return StyleDescriptor(None, measured)
    return StyleDescriptor(measured, drawn_flat=drawn_in_flat_colours(view))


def stratum(a: StyleDescriptor, b: StyleDescriptor) -> str | None:
    """Which unrelated pairs a style likeness is placed among: two pictures drawn in a few flat
    colours (charts, logos, flags, clip art) share a rendering that few photographs or paintings
    have and most graphics do, so they are placed among the reference's pairs of such pictures
    (the builtin reference, of photographs mostly, holds too few: then not measured, rather than
    "distinctive" for what every two graphics share); None: among all pairs."""
    return FLAT_COLOURS if a.drawn_flat and b.drawn_flat else None


_MEDIAN = np.array([T.RESEMBLANCE_STYLE_PHOTOGRAPHS[name][0] for name in STATISTICS])
_SPREAD = np.array([T.RESEMBLANCE_STYLE_PHOTOGRAPHS[name][1] for name in STATISTICS])


def standardised(values: np.ndarray) -> np.ndarray:
    """Statistics (one row per picture, or one picture) in spreads from a typical photograph's:
    each statistic's difference then counts in units of its spread among unrelated photographs, so
    that none counts more for being on a larger scale."""
    return (np.asarray(values, np.float64) - _MEDIAN) / _SPREAD


def cohort_row(descriptor: StyleDescriptor) -> np.ndarray | None:
    """What a reference keeps of one of its pictures to place others among (``situate``): its
    standardised statistics (numbers, not the picture); None when not measured."""
    return None if descriptor.statistics is None else standardised(descriptor.statistics)


def situate(descriptor: StyleDescriptor, cohort: np.ndarray, works: np.ndarray,
            leave_out: Collection[int] = ()) -> StyleDescriptor:
    """The descriptor with its neighbourhood among a reference's pictures: the distance (RMS, in
    spreads) to the RESEMBLANCE_STYLE_NEIGHBOUR-th nearest work, a work as near as its nearest
    picture (the builtin reference holds several views of each), never under
    RESEMBLANCE_STYLE_NEIGHBOURHOOD_FLOOR. ``leave_out``: works not counted (a pair of the
    reference's own is placed among its other works, as a new pair, in none of them, is placed
    among them all). ``cohort``: the reference's standardised statistics, one row per picture;
    ``works``: each row's work. Unchanged when the reference holds too few works."""
    return placed(descriptor, neighbours(descriptor, cohort, works), leave_out)


def neighbours(descriptor: StyleDescriptor, cohort: np.ndarray, works: np.ndarray) -> Neighbours | None:
    """Each work's distance to this picture's statistics (``situate``); None without them."""
    if descriptor.statistics is None or not len(cohort):
        return None
    return nearest_works(np.sqrt(np.mean((cohort - standardised(descriptor.statistics)) ** 2, axis=1)), works)


def placed(descriptor: StyleDescriptor, near: Neighbours | None, leave_out: Collection[int] = ()) -> StyleDescriptor:
    """``situate`` from the works' distances found once (``neighbours``)."""
    neighbourhood = None if near is None else kth_nearest_work(near, T.RESEMBLANCE_STYLE_NEIGHBOUR, leave_out)
    if neighbourhood is None:
        return descriptor
    return replace(descriptor, neighbourhood=max(neighbourhood, T.RESEMBLANCE_STYLE_NEIGHBOURHOOD_FLOOR))


def compare(a: StyleDescriptor, b: StyleDescriptor) -> DimensionScore:
    if a.statistics is None or b.statistics is None:
        which = "first" if a.statistics is None else "second"
        return DimensionScore(None, f"{which} picture: {a.reason if a.statistics is None else b.reason}")
    standard_a, standard_b = standardised(a.statistics), standardised(b.statistics)
    distance = float(np.sqrt(np.mean((standard_a - standard_b) ** 2)))
    # The kernel's width: each picture's neighbourhood in the reference (geometric mean, the
    # self-tuning affinity's), one spread for a picture not placed in one.
    width_a, width_b = (T.RESEMBLANCE_STYLE_SCALE if d.neighbourhood is None else d.neighbourhood for d in (a, b))
    score = float(np.exp(-0.5 * distance**2 / (width_a * width_b)))
    return DimensionScore(score, _why(standard_a, standard_b, distance, a.neighbourhood, b.neighbourhood))


def _traits(standard: np.ndarray) -> dict[str, str]:
    """The statistics on which a picture departs from a typical photograph, in words."""
    departs = T.RESEMBLANCE_STYLE_TRAIT
    return {name: _TRAITS[name][int(z > 0)] for name, z in zip(STATISTICS, standard) if abs(z) >= departs}


def _why(standard_a: np.ndarray, standard_b: np.ndarray, distance: float,
         neighbourhood_a: float | None = None, neighbourhood_b: float | None = None) -> str:
    traits_a, traits_b = _traits(standard_a), _traits(standard_b)
    shared = [words for name, words in traits_a.items() if traits_b.get(name) == words]
    apart = int(np.argmax(np.abs(standard_a - standard_b)))
    name = STATISTICS[apart]
    difference = (f"apart most in {name.replace('_', ' ')} ({standard_a[apart]:+.1f} and {standard_b[apart]:+.1f} "
                  f"spreads from a typical photograph's)")
    overall = f"texture statistics {distance:.1f} spreads apart"
    if neighbourhood_a is not None and neighbourhood_b is not None:
        overall += (f", each picture's neighbourhood in the reference {neighbourhood_a:.1f} and "
                    f"{neighbourhood_b:.1f} spreads wide")
    if shared:
        return f"both: {', '.join(shared)}; {difference}; {overall}"
    if not traits_a and not traits_b:
        return f"both textured like a typical photograph; {overall}"
    return f"no texture trait in common; {difference}; {overall}"
