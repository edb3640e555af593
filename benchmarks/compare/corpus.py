"""The seeded corpus of (ORIGINAL, COPY) pairs, each with its known answer.

``plan(quick)`` lists the pairs to make (category, family, index); ``build(spec, seed)`` makes one,
with an RNG seeded from (seed, category, index) so every pair is reproducible on its own and the
pictures are made one at a time (nothing large is kept in memory). Originals are scikit-image
pictures scaled to a longest side of 400-640 px (never upscaled).

Categories and their truth labels:

- ``identical``: the same pixels after a lossless re-save (PNG, WebP lossless, TIFF, BMP).
- ``near-duplicate``: global operations only (``transforms.GLOBAL_OPS``): JPEG q40-95, rescale
  0.25-4x, crop to 40-90 % of the area, rotation up to +-45 deg (canvas grown) or +-30 deg (cropped
  to the inner rectangle), mirror, borders, gamma, saturation, hue, greyscale, brightness/contrast,
  mild blur/sharpen/noise, and chains of two or three of them. ``global_only`` is true for these
  (and for identical pairs).
- ``locally-edited``: feathered region replacement from another picture, recolouring, inpainting,
  signature or watermark removal, object pasting; 1-15 % of the area, placed on texture; each
  optionally followed by a global operation (scale, JPEG, colour shift, a crop that keeps the
  edit, mirror + JPEG, small rotation). The true change mask is ``transforms.truth_mask``.
- ``similar``: the motorcycle stereo pair (left/right), whole-picture restyles (stylization, oil
  painting, colour pencil sketch, cartoon), and re-compositions (another large crop + a restyle).
- ``unrelated``: two different pictures, the copy optionally put through global operations.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image

from fixtures import make_fixtures as fx

from . import hard_edits, sources
from . import transforms as T

CATEGORIES = ("identical", "near-duplicate", "locally-edited", "similar", "unrelated")

COUNTS = {
    False: {"identical": 6, "near-duplicate": 82, "locally-edited": 50, "similar": 30, "unrelated": 30},
    True: {"identical": 2, "near-duplicate": 16, "locally-edited": 10, "similar": 6, "unrelated": 6},
}

IDENTICAL_FORMATS = ("png", "webp-lossless", "tiff", "bmp")

# Near-duplicate recipes, in the order they are used (``--quick`` takes the first 16).
NEAR_RECIPES: tuple[tuple[str, ...], ...] = (
    ("jpeg-low",), ("scale-down",), ("crop",), ("rotate-grow",), ("mirror",), ("pad",),
    ("gamma",), ("greyscale",), ("hue",), ("mirror", "scale", "jpeg60"), ("scale-up",),
    ("rotate-crop",), ("saturation",), ("crop", "scale", "jpeg"), ("brightness-contrast",), ("random",),
    ("jpeg",), ("rotate-grow", "gamma"), ("pad", "jpeg"), ("greyscale", "scale", "jpeg"),
    ("hue", "crop"), ("saturation", "mirror", "jpeg"), ("rotate-crop", "scale"), ("crop", "mirror", "pad"),
    ("scale-down", "jpeg-low"), ("gamma", "saturation", "jpeg"), ("blur",), ("sharpen",), ("noise",),
    ("rotate-small", "jpeg"), ("scale",), ("random",),
)
RANDOM_POOL = ("jpeg", "scale", "crop", "rotate-small", "mirror", "pad", "gamma", "saturation", "hue",
               "greyscale", "brightness-contrast", "blur", "sharpen", "noise")

COLOUR_ONLY = {"hue", "saturation", "greyscale", "saturation-strong"}

LOCAL_KINDS = ("replace", "recolour", "inpaint", "signature", "paste", "watermark")
LOCAL_AFTER: tuple[tuple[str, ...], ...] = (
    (), ("scale-mild",), ("jpeg",), ("colour-shift",), ("crop-keep",), (), ("scale-mild", "jpeg"),
    ("mirror", "jpeg"), ("rotate-small",), ("crop-keep", "jpeg"),
)

SIMILAR_KINDS = ("stereo", "stylization", "oil", "pencil", "cartoon", "recompose")
SIMILAR_COUNTS = {"stereo": 6, "stylization": 5, "oil": 5, "pencil": 4, "cartoon": 5, "recompose": 5}

UNRELATED_AFTER: tuple[tuple[str, ...], ...] = (
    (), ("jpeg",), ("scale",), ("mirror",), ("crop",), ("greyscale", "jpeg"), ("scale", "jpeg"), ("pad",),
)


@dataclass(frozen=True)
class Spec:
    category: str
    family: str
    index: int  # index within the category


@dataclass
class Pair:
    name: str
    truth: str  # the expected verdict label
    family: str  # transform family, for the per-family breakdowns
    transform: str  # the full parameterised description
    original: np.ndarray
    copy: np.ndarray
    matrix: np.ndarray | None  # COPY -> ORIGINAL, when a single one exists
    mirrored: bool | None
    mask: np.ndarray | None  # bool true change mask in ORIGINAL's frame (locally-edited only)
    global_only: bool


def plan(quick: bool = False) -> list[Spec]:
    counts = COUNTS[quick]
    specs: list[Spec] = []
    for i in range(counts["identical"]):
        specs.append(Spec("identical", IDENTICAL_FORMATS[i % len(IDENTICAL_FORMATS)], i))
    for i in range(counts["near-duplicate"]):
        specs.append(Spec("near-duplicate", "+".join(NEAR_RECIPES[i % len(NEAR_RECIPES)]), i))
    for i in range(counts["locally-edited"]):
        after = LOCAL_AFTER[(i // len(LOCAL_KINDS) + i) % len(LOCAL_AFTER)]
        specs.append(Spec("locally-edited", "+".join((LOCAL_KINDS[i % len(LOCAL_KINDS)], *after)), i))
    specs += _hard_specs(quick, counts["locally-edited"])
    specs += _large_specs(quick, counts["locally-edited"] + HARD_COUNTS[quick])
    specs += _overlay_specs(quick, counts["locally-edited"] + HARD_COUNTS[quick] + LARGE_COUNTS[quick])
    if quick:
        kinds = list(SIMILAR_KINDS)
    else:
        kinds = [k for k in SIMILAR_KINDS for _ in range(SIMILAR_COUNTS[k])]
    for i in range(counts["similar"]):
        specs.append(Spec("similar", kinds[i % len(kinds)], i))
    for i in range(counts["unrelated"]):
        specs.append(Spec("unrelated", "+".join(UNRELATED_AFTER[i % len(UNRELATED_AFTER)]) or "plain", i))
    specs += _tone_and_aspect_specs(quick, counts["near-duplicate"])
    return specs


# ---- Near-duplicates resized off the aspect, or through a sharp tone curve or a strong
# saturation then saved as JPEG (7 December), numbered after the other near-duplicates so those
# keep their seeds and pictures.
TONE_AND_ASPECT_RECIPES: tuple[tuple[str, ...], ...] = (
    ("off-aspect",), ("off-aspect", "jpeg"), ("equalise", "jpeg"), ("solarise", "jpeg"),
    ("contrast-strong", "jpeg"), ("saturation-strong",), ("saturation-strong", "jpeg"), ("crop", "off-aspect", "jpeg"),
)
TONE_AND_ASPECT_COUNTS = {False: 8, True: 2}


def _tone_and_aspect_specs(quick: bool, start: int) -> list[Spec]:
    recipes = TONE_AND_ASPECT_RECIPES
    return [Spec("near-duplicate", "+".join(recipes[i % len(recipes)]), start + i) for i in range(TONE_AND_ASPECT_COUNTS[quick])]


# ---- Hard local edits (issue 18, ``hard_edits``): small inpainted ornaments and dark-garment
# recolours, numbered after the other local edits so those keep their seeds and pictures.
HARD_COUNTS = {False: 16, True: 6}
HARD_AFTER: tuple[tuple[str, ...], ...] = (
    (), ("jpeg",), ("scale-mild",), ("colour-shift",), ("scale-mild", "jpeg"), ("crop-keep",),
    ("mirror", "jpeg"), ("rotate-small",),
)


def _hard_specs(quick: bool, start: int) -> list[Spec]:
    kinds = hard_edits.KINDS
    return [Spec("locally-edited", "+".join((kinds[i % len(kinds)], *HARD_AFTER[(i // len(kinds)) % len(HARD_AFTER)])),
                 start + i) for i in range(HARD_COUNTS[quick])]


# ---- Large replaced shares (a new background, half a picture redrawn: 25-45 % of it), numbered
# after the hard local edits so those keep their seeds and pictures.
LARGE_COUNTS = {False: 8, True: 2}
LARGE_AFTER: tuple[tuple[str, ...], ...] = ((), ("jpeg",), ("scale-mild", "jpeg"), ("mirror", "jpeg"))


def _large_specs(quick: bool, start: int) -> list[Spec]:
    return [Spec("locally-edited", "+".join((hard_edits.LARGE_KIND, *LARGE_AFTER[i % len(LARGE_AFTER)])), start + i)
            for i in range(LARGE_COUNTS[quick])]


# ---- Watermarks laid over the copy (a stock photograph's preview: a word repeated in rows across
# the picture), numbered after the large replaced shares so those keep their seeds and pictures.
OVERLAY_COUNTS = {False: 8, True: 2}


def _overlay_specs(quick: bool, start: int) -> list[Spec]:
    return [Spec("locally-edited", "+".join(("tiled-watermark", *LARGE_AFTER[i % len(LARGE_AFTER)])), start + i)
            for i in range(OVERLAY_COUNTS[quick])]
# ---- end of the hard local edits


def _rng(seed: int, spec: Spec) -> np.random.Generator:
    return np.random.default_rng([seed, CATEGORIES.index(spec.category), spec.index])


def _pick(names: tuple[str, ...], spec: Spec, seed: int) -> str:
    """Cycle through ``names`` (so every picture is used), starting at a seed-dependent place."""
    return names[(spec.index + seed * 7 + CATEGORIES.index(spec.category) * 3) % len(names)]


def _side(rng: np.random.Generator) -> int:
    return int(rng.integers(400, 641))


def build(spec: Spec, seed: int) -> Pair:
    rng = _rng(seed, spec)
    maker = {
        "identical": _identical,
        "near-duplicate": _near_duplicate,
        "locally-edited": _locally_edited,
        "similar": _similar,
        "unrelated": _unrelated,
    }[spec.category]
    pair = maker(spec, seed, rng)
    pair.name = f"{spec.category}/{spec.index:03d}-{pair.family}-{pair.name}"
    return pair


def _lossless(rgb: np.ndarray, fmt: str) -> np.ndarray:
    buffer = io.BytesIO()
    pil_format, options = {
        "png": ("PNG", {"optimize": True}),
        "webp-lossless": ("WEBP", {"lossless": True}),
        "tiff": ("TIFF", {"compression": "tiff_lzw"}),
        "bmp": ("BMP", {}),
    }[fmt]
    Image.fromarray(rgb).save(buffer, pil_format, **options)
    decoded = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    assert np.array_equal(decoded, rgb), fmt
    return decoded


def _identical(spec: Spec, seed: int, rng: np.random.Generator) -> Pair:
    name = _pick(sources.ORIGINALS, spec, seed)
    original = sources.load(name, _side(rng))
    copy = _lossless(original, spec.family)
    return Pair(name, "identical", spec.family, spec.family, original, copy, np.eye(3), False, None, True)


def _near_duplicate(spec: Spec, seed: int, rng: np.random.Generator) -> Pair:
    ops = spec.family.split("+")
    # Colour-only operations leave a grey picture's pixels unchanged: use a colourful original.
    pool = sources.COLOURFUL if set(ops) <= COLOUR_ONLY else sources.ORIGINALS
    name = _pick(pool, spec, seed)
    original = sources.load(name, _side(rng))
    if ops == ["random"]:
        ops = [str(o) for o in rng.choice(RANDOM_POOL, size=3, replace=False)]
        if set(ops) <= COLOUR_ONLY:
            ops[-1] = "jpeg"
    d = T.chain(original, ops, rng)
    if d.rgb.shape == original.shape and np.array_equal(d.rgb, original):
        raise AssertionError(f"{spec}: the near-duplicate copy has the original's pixels")
    family = spec.family if spec.family != "random" else "random3"
    return Pair(name, "near-duplicate", family, d.name, original, d.rgb, d.matrix, d.mirrored, None, True)


def _edit(kind: str, base: np.ndarray, name: str, rng: np.random.Generator) -> T.LocalEdit:
    if kind in hard_edits.KINDS:
        return hard_edits.make(kind, base, rng)
    if kind == hard_edits.LARGE_KIND:
        return hard_edits.large_replace(base, sources.load(_donor_for(name, rng), 640), rng)
    area = float(np.exp(rng.uniform(np.log(0.01), np.log(0.15))))
    donor = _donor_for(name, rng)
    if kind == "replace":
        return T.replace_region(base, sources.load(donor, 640), area, rng)
    if kind == "recolour":
        return T.recolour_region(base, area, rng)
    if kind == "inpaint":
        return T.inpaint_region(base, min(area, 0.10), rng)
    if kind == "signature":
        return T.remove_signature(base, rng)
    if kind == "watermark":
        return T.remove_watermark(base, rng)
    if kind == "tiled-watermark":
        return T.add_tiled_watermark(base, rng)
    return T.paste_object(base, donor, area, rng)


def _donor_for(name: str, rng: np.random.Generator) -> str:
    candidates = [n for n in sources.OTHERS if sources.unrelated(n, name) and n not in ("page", "gravel")]
    return str(rng.choice(candidates))


def _crop_keeping(edited: np.ndarray, mask: np.ndarray, rng: np.random.Generator) -> fx.Derived:
    """A crop of 50-90 % of the area that keeps the whole edit with a margin."""
    h, w = edited.shape[:2]
    ys, xs = np.nonzero(mask)
    m = 12
    x0, x1 = max(0, xs.min() - m), min(w, xs.max() + 1 + m)
    y0, y1 = max(0, ys.min() - m), min(h, ys.max() + 1 + m)
    area = rng.uniform(0.5, 0.9)
    cw = int(np.clip(round(w * np.sqrt(area)), x1 - x0, w))
    ch = int(np.clip(round(h * np.sqrt(area)), y1 - y0, h))
    x = int(rng.integers(max(0, x1 - cw), min(x0, w - cw) + 1))
    y = int(rng.integers(max(0, y1 - ch), min(y0, h - ch) + 1))
    return T.crop_box(edited, (x, y, cw, ch))


def _locally_edited(spec: Spec, seed: int, rng: np.random.Generator) -> Pair:
    kind, *after = spec.family.split("+")
    pool = sources.COLOURFUL if kind == "recolour" else hard_edits.DARK_SOURCES if kind == "dark-recolour" else sources.ORIGINALS
    name = _pick(pool, spec, seed)
    base = sources.load(name, _side(rng))
    # Retry until the edit visibly changes at least 0.5 % of the picture (e.g. a recolour on grey).
    for _ in range(6):
        edit = _edit(kind, base, name, rng)
        mask = T.truth_mask(edit.original, edit.edited, edit.support)
        if mask.mean() >= hard_edits.MIN_SHARE.get(kind, 0.005) or kind == "signature" and mask.mean() >= 0.002:
            break
    d = fx.Derived("", edit.edited, np.eye(3), False, None)
    for op in after:
        step = _crop_keeping(d.rgb, mask, rng) if op == "crop-keep" else T.GLOBAL_OPS[op](d.rgb, rng)
        d = fx.then(d, step)
    transform = edit.name + (f" then {d.name.lstrip('+')}" if after else "")
    return Pair(name, "locally-edited", spec.family, transform, edit.original, d.rgb, d.matrix, d.mirrored, mask, False)


def _similar(spec: Spec, seed: int, rng: np.random.Generator) -> Pair:
    kind = spec.family
    side = _side(rng)
    if kind == "stereo":
        variant = spec.index % 6
        left, right = sources.load("motorcycle_left", side), sources.load("motorcycle_right", side)
        original, other = (right, left) if variant in (1, 4) else (left, right)
        after = [(), (), ("scale-mild", "jpeg"), ("crop",), ("greyscale",), ("scale-down",)][variant]
        d = T.chain(other, list(after), rng)
        transform = ("right vs left" if variant in (1, 4) else "left vs right") + (f" then {d.name}" if after else "")
        return Pair("motorcycle", "similar", "stereo", transform, original, d.rgb, None, False, None, False)
    name = _pick(sources.RESTYLE_SOURCES, spec, seed)
    original = sources.load(name, side)
    if kind == "recompose":
        cropped = T.crop(original, rng.uniform(0.45, 0.7), rng)
        styled, style = T.RESTYLES[str(rng.choice(["stylization", "oil", "cartoon"]))](cropped.rgb, rng)
        d = fx.then(cropped, T.scale(styled, rng.uniform(0.7, 1.3)))
        return Pair(name, "similar", kind, f"{cropped.name} then {style} then {d.name.split('+')[-1]}",
                    original, d.rgb, d.matrix, False, None, False)
    styled, style = T.RESTYLES[kind](original, rng)
    matrix = np.eye(3)
    if rng.random() < 0.5:
        d = T.scale(styled, rng.uniform(0.5, 1.3))
        styled, style, matrix = d.rgb, f"{style} then {d.name}", d.matrix
    return Pair(name, "similar", kind, style, original, styled, matrix, False, None, False)


def _unrelated(spec: Spec, seed: int, rng: np.random.Generator) -> Pair:
    name = _pick(sources.ORIGINALS, spec, seed)
    others = [n for n in sources.OTHERS if sources.unrelated(n, name)]
    other = str(rng.choice(others))
    original = sources.load(name, _side(rng))
    copy = sources.load(other, _side(rng))
    after = UNRELATED_AFTER[spec.index % len(UNRELATED_AFTER)]
    d = T.chain(copy, list(after), rng)
    transform = f"{other}" + (f" then {d.name}" if after else "")
    return Pair(f"{name}-vs-{other}", "unrelated", spec.family, transform, original, d.rgb, None, None, None, False)


# ------------------------------------------------------------------- flat pictures, grey JPEG copies
# Flat, low-texture wallpapers (near-duplicate and unrelated pairs) and single-channel JPEG copies
# are planned and built in flat.py; this block adds them to the corpus.
from . import flat  # after Spec and Pair: flat.py imports them

_plan_main, _build_main = plan, build


def plan(quick: bool = False) -> list[Spec]:
    return _plan_main(quick) + flat.plan(quick)


def build(spec: Spec, seed: int) -> Pair:
    return flat.build(spec, seed) if flat.owns(spec) else _build_main(spec, seed)
