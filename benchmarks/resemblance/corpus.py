"""Seeded pairs of shipped pictures with a known answer: related, unrelated, or alike in one dimension.

Every pair is made from the pictures of one set (all the builtin sources, or one half of them,
``sources.split``), so a held-out reference never contains a picture of its pairs. Each pair's
random choices come from its own generator, seeded by (seed, kind, index, size of the set).
Pictures are 384-512 px on their longest side. Fillings (windows of other pictures put into a
silhouette) are never portraits, the horse or pictures under 256 px across (``NOT_FILLING``), and
are windows of the shipped pictures at their own size, enlarged only where a picture is smaller
than the new one (by 1.7 times at most: the 300-px photographs into a 512-px picture).

Related (the engine should not say ``unrelated``):

- ``layout``: same layout, another subject. A picture with a known figure (``sources.SHAPES``:
  the three portraits' person silhouettes, the horse, the logo, the coins) against a new picture
  whose figure and ground are windows of two other pictures, each with the mean lightness the
  original has there; the new one mirrored half the time and at another size. The horse is
  itself a flat silhouette, so both of its sides are filled (with different pictures).
- ``palette``: a colourful picture against another colourful picture of another genre recoloured
  to its colour distribution (``making.recoloured``: CIELAB histograms matched along rotated
  axes, so the joint distribution of the colours carries over), cropped and resized.
- ``restyle``: the same picture re-rendered in another palette and style: hue rotated by 90-270
  degrees (a grey picture: tinted in two hues), painted (oil, stylised or cartoon), cropped to
  80-95 % and resized. Not of the horse, the star field or the textures (``NOT_PAINTED``).
- ``recompose``: a large crop (50-75 % of the area), mirrored and painted.

Unrelated (the engine should say ``unrelated``):

- ``hard-negative``: two different pictures of one genre (two portraits, two textures, two
  photographs, two micrographs, two graphics), each cropped to 60-100 % and resized, the second
  mirrored one time in four.
- ``unrelated``: two pictures of different genres, likewise.

Alike in exactly one dimension (``shared`` names it):

- ``composition-only``: one figure's silhouette filled twice with windows of four different
  pictures, figure and ground tinted in hues a quarter turn apart, the second picture's hues
  half a turn from the first's (the same light and dark masses, other colours, texture and
  subject).
- ``palette-only``: as ``palette``: another layout and subject, recoloured to the first's colours.
- ``style-only``: a colourful picture and a picture of another genre painted in the same style.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from . import making as M
from . import sources as S

__all__ = ["GROUPS", "KINDS", "Pair", "Spec", "build", "plan"]

GROUPS = {
    "related": ("layout", "palette", "restyle", "recompose"),
    "unrelated": ("hard-negative", "unrelated"),
    "one-dimension": ("composition-only", "palette-only", "style-only"),
}
KINDS = tuple(kind for kinds in GROUPS.values() for kind in kinds)
SHARED = {"composition-only": "composition", "palette-only": "palette", "style-only": "style"}

# Pairs per kind: (all pictures, one half) x (full, quick). Hard negatives: every pair of one
# genre once (all pictures) or twice with other crops (a half, which has fewer such pairs).
COUNTS = {
    ("all", False): {"layout": 16, "palette": 16, "restyle": 16, "recompose": 16, "hard-negative": None,
                     "unrelated": 36, "composition-only": 12, "palette-only": 12, "style-only": 12},
    ("half", False): {"layout": 10, "palette": 10, "restyle": 10, "recompose": 10, "hard-negative": None,
                      "unrelated": 26, "composition-only": 8, "palette-only": 8, "style-only": 8},
    ("all", True): {"layout": 5, "palette": 5, "restyle": 5, "recompose": 5, "hard-negative": 12,
                    "unrelated": 12, "composition-only": 4, "palette-only": 4, "style-only": 4},
    ("half", True): {"layout": 4, "palette": 4, "restyle": 4, "recompose": 4, "hard-negative": 7,
                     "unrelated": 9, "composition-only": 3, "palette-only": 3, "style-only": 3},
}
SIDES = (384, 512)
# Pictures that are not painted: the horse is a flat silhouette (painting it changes its edges
# only), the star field restyled is a dark smudge, and a painted texture is a flat field (the oil
# filter's 7-px brush is wider than the brick's mortar lines): no one would relate those to their
# sources.
NOT_PAINTED = ("skimage:horse", "skimage:hubble_deep_field", *S.GENRES["texture"])
# Nor fillings: the horse (two flat tones), the portraits (a filling would bring a person, a
# subject of its own, into the new picture), and the pictures under 256 px across (the micrograph,
# the page, the text), which a filling would enlarge 2-5 times and blur: both pictures of a pair would then
# share a soft rendering, a likeness of style the pair was not built to have.
NOT_FILLING = ("skimage:horse", *S.GENRES["portrait"], "skimage:microaneurysms", "skimage:page", "skimage:text")


@dataclass(frozen=True)
class Spec:
    kind: str
    index: int

    @property
    def group(self) -> str:
        return next(group for group, kinds in GROUPS.items() if self.kind in kinds)


@dataclass(frozen=True)
class Pair:
    name: str
    kind: str
    group: str
    shared: str | None  # the one dimension built in (one-dimension pairs)
    sources: tuple[str, ...]  # every shipped picture used
    recipe: str
    original: np.ndarray
    copy: np.ndarray


def _same_genre(pictures: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(a, b) for a, b in itertools.combinations(pictures, 2) if S.genre_of(a) == S.genre_of(b)]


def plan(pictures: tuple[str, ...], quick: bool) -> list[Spec]:
    counts = COUNTS[("all" if len(pictures) == len(S.SOURCES) else "half", quick)]
    specs = []
    for kind in KINDS:
        count = counts[kind]
        if count is None:  # every same-genre pair, twice for a half
            count = len(_same_genre(pictures)) * (1 if len(pictures) == len(S.SOURCES) else 2)
        specs.extend(Spec(kind, i) for i in range(count))
    return specs


def _cycle(names: list[str] | tuple[str, ...], spec: Spec, seed: int) -> str:
    """Every name in turn (so each is used), from a seed-dependent start."""
    if not names:
        raise ValueError(f"{spec.kind}: no picture of this set can serve")
    return names[(spec.index + seed * 7) % len(names)]


def _side(rng: np.random.Generator) -> int:
    return int(rng.integers(SIDES[0], SIDES[1] + 1))


def _choose(rng: np.random.Generator, names: list[str], count: int = 1) -> list[str]:
    return [str(n) for n in rng.choice(names, size=count, replace=False)]


def build(spec: Spec, seed: int, pictures: tuple[str, ...]) -> Pair:
    rng = np.random.default_rng([seed, KINDS.index(spec.kind), spec.index, len(pictures)])
    maker = {
        "layout": _layout, "palette": _palette, "restyle": _restyle, "recompose": _recompose,
        "hard-negative": _negative, "unrelated": _negative,
        "composition-only": _composition_only, "palette-only": _palette, "style-only": _style_only,
    }[spec.kind]
    name, used, recipe, original, copy = maker(spec, seed, pictures, rng)
    return Pair(f"{spec.kind}/{spec.index:02d}-{name}", spec.kind, spec.group, SHARED.get(spec.kind),
                tuple(used), recipe, original, copy)


# ---------------------------------------------------------------- related


def _fill(source: str, side: int, donors: list[str], rng: np.random.Generator) -> np.ndarray:
    picture = S.load(source, side)
    h, w = picture.shape[:2]
    mask = M.figure_mask(source, (w, h))
    return M.filled(mask, M.lab(picture)[:, :, 0], S.load(donors[0]), S.load(donors[1]), rng)


def _layout(spec, seed, pictures, rng):
    source = _cycle([n for n in S.SHAPES if n in pictures], spec, seed)
    fillers = [n for n in pictures if n != source and n not in NOT_FILLING]
    donors = _choose(rng, fillers, 4)
    if source == "skimage:horse":  # a flat silhouette: both sides filled, with different pictures
        original = _fill(source, _side(rng), donors[2:], rng)
        first = f"filled with {S.short(donors[2])} on {S.short(donors[3])}"
    else:
        original, first = S.load(source, _side(rng)), "as shipped"
    copy = _fill(source, _side(rng), donors[:2], rng)
    mirrored = rng.random() < 0.5
    if mirrored:
        copy = np.ascontiguousarray(copy[:, ::-1])
    recipe = (f"{S.short(source)} {first} vs its figure filled with {S.short(donors[0])} on "
              f"{S.short(donors[1])}{', mirrored' if mirrored else ''}")
    used = [source, *donors[:2], *(donors[2:] if source == "skimage:horse" else [])]
    return S.short(source), used, recipe, original, copy


def _palette(spec, seed, pictures, rng):
    colourful = [n for n in S.COLOURFUL if n in pictures]
    source = _cycle(colourful, spec, seed)
    others = [n for n in colourful if S.genre_of(n) != S.genre_of(source)]
    other = _choose(rng, others)[0]
    recoloured = M.recoloured(S.load(other, 448), S.load(source, 448), rng)
    copy, how = M.view(recoloured, rng, area=(0.7, 1.0), side=_side(rng))
    recipe = f"{S.short(source)} vs {S.short(other)} recoloured to its colours, {how}"
    return f"{S.short(source)}-{S.short(other)}", [source, other], recipe, S.load(source, _side(rng)), copy


def _repaletted(rgb: np.ndarray, source: str, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    if source in S.COLOURFUL:
        degrees = int(rng.integers(90, 271))
        return M.hue_rotated(rgb, degrees), f"hue {degrees:+d}"
    return M.duotone(rgb, *M.random_tint(rng)), "tinted in two hues"


def _restyle(spec, seed, pictures, rng):
    source = _cycle([n for n in pictures if n not in NOT_PAINTED], spec, seed)
    original = S.load(source, _side(rng))
    style = str(rng.choice(M.STYLES))
    recoloured, colour = _repaletted(S.load(source, 512), source, rng)
    painted = M.painted(recoloured, style)
    copy, how = M.view(painted, rng, area=(0.8, 0.95), side=_side(rng))
    return S.short(source), [source], f"{colour}, painted {style}, {how}", original, copy


def _recompose(spec, seed, pictures, rng):
    source = _cycle([n for n in pictures if n not in NOT_PAINTED], spec, seed)
    original = S.load(source, _side(rng))
    cropped, how = M.view(S.load(source, 640), rng, area=(0.5, 0.75), side=512, mirror=1.0)
    style = str(rng.choice(M.STYLES))
    copy = M.shrink(M.painted(cropped, style), _side(rng))
    return S.short(source), [source], f"{how}, painted {style}", original, copy


# ---------------------------------------------------------------- unrelated


def _negative(spec, seed, pictures, rng):
    if spec.kind == "hard-negative":
        pairs = _same_genre(pictures)
        first, second = pairs[(spec.index + seed * 7) % len(pairs)]
        if rng.random() < 0.5:
            first, second = second, first
    else:
        first = _cycle(pictures, spec, seed)
        second = _choose(rng, [n for n in pictures if S.genre_of(n) != S.genre_of(first)])[0]
    original, how_first = M.view(S.load(first), rng, area=(0.6, 1.0), side=_side(rng))
    copy, how_second = M.view(S.load(second), rng, area=(0.6, 1.0), side=_side(rng), mirror=0.25)
    recipe = f"{S.short(first)} ({how_first}) vs {S.short(second)} ({how_second})"
    genre = S.genre_of(first) if spec.kind == "hard-negative" else "mixed"
    return f"{genre}-{S.short(first)}-{S.short(second)}", [first, second], recipe, original, copy


# ---------------------------------------------------------------- one dimension


def _composition_only(spec, seed, pictures, rng):
    source = _cycle([n for n in S.SHAPES if n in pictures], spec, seed)
    donors = _choose(rng, [n for n in pictures if n != source and n not in NOT_FILLING], 4)
    # Figure and ground tinted apart (the layout shows in hue as well as in lightness); the second
    # picture's hues half a turn from the first's: other colours, the same light and dark masses.
    figure_tint = M.random_tint(rng)
    ground_tint = M.random_tint(rng, hue=float(np.arctan2(figure_tint[0][1], figure_tint[0][0])) + np.pi / 2)
    sides = []
    for filling, tints in ((donors[:2], (figure_tint, ground_tint)),
                           (donors[2:], (M.opposite(figure_tint), M.opposite(ground_tint)))):
        side = _side(rng)
        picture = S.load(source, side)
        mask = M.figure_mask(source, (picture.shape[1], picture.shape[0]))
        sides.append(M.tinted_layout(_fill(source, side, filling, rng), mask, *tints))
    original, copy = sides
    mirrored = rng.random() < 0.5
    if mirrored:
        copy = np.ascontiguousarray(copy[:, ::-1])
    recipe = (f"{S.short(source)}'s figure filled with {S.short(donors[0])} on {S.short(donors[1])} vs with "
              f"{S.short(donors[2])} on {S.short(donors[3])}, figure and ground tinted apart, the second in the "
              f"opposite hues{', mirrored' if mirrored else ''}")
    return S.short(source), [source, *donors], recipe, original, copy


def _style_only(spec, seed, pictures, rng):
    source = _cycle([n for n in S.COLOURFUL if n in pictures and n not in NOT_PAINTED], spec, seed)
    others = [n for n in pictures if S.genre_of(n) != S.genre_of(source) and n not in NOT_PAINTED]
    other = _choose(rng, others)[0]
    style = str(rng.choice(M.STYLES))
    original = M.painted(S.load(source, _side(rng)), style)
    copy = M.painted(S.load(other, _side(rng)), style)
    return f"{S.short(source)}-{S.short(other)}", [source, other], f"both painted {style}", original, copy
