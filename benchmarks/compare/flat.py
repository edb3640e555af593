"""Flat, low-texture pictures (wallpapers) and single-channel JPEG copies, for the compare corpus.

Wallpaper originals are synthesised from a seeded RNG (nothing is downloaded): wood grain (rings
of a distant log, bent by smooth noise, with faint streaks along the grain), soft gradients
(two or three colour stops with a few large blurred glows), soft fabric (thread-like noise
stretched along two directions, blurred) and a soft-focus picture (a shipped scikit-image
picture blurred, faded and tinted). Their detail is weak and smooth, so local features are few.

Pairs (``plan``/``build``, used by ``corpus.py``):

- ``near-duplicate``, family ``flat-<kind>+<ops>``: the copy is mirrored, cropped to about a
  third of the area, tinted, rescaled and JPEG'd (some recipes use part of that chain); the true
  COPY -> ORIGINAL matrix is known, for the alignment tolerance check.
- ``unrelated``, family ``flat-unrelated``: two wallpapers of different kinds, the second's hues
  turned opposite the first's (optionally JPEG'd, rescaled or mirrored): they must stay unrelated.
- ``near-duplicate``, family ``grey-jpeg``: a colour original against a single-channel (mode L)
  JPEG copy of it, decoded as a viewer would, to RGB.

``python -m benchmarks.compare.flat`` measures alignment alone on many more such pairs (below).
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from fixtures import make_fixtures as fx

from . import sources
from . import transforms as T
from .corpus import Pair, Spec

WALLPAPERS = ("wood", "gradient", "fabric", "soft-focus")

# Copy recipes; the flat ops are defined below, the others are transforms.GLOBAL_OPS.
FLAT_RECIPES: tuple[tuple[str, ...], ...] = (
    ("mirror", "crop-third", "tint"),
    ("crop-third", "tint", "scale", "jpeg"),
    ("mirror", "crop-third", "tint", "jpeg"),
    ("mirror", "scale", "jpeg"),
    ("crop-third", "scale", "jpeg"),
    ("tint", "mirror", "crop-third", "scale", "jpeg"),
)
UNRELATED_AFTER: tuple[tuple[str, ...], ...] = ((), ("jpeg",), ("scale",), ("mirror", "jpeg"))

COUNTS = {
    False: {"near": 24, "unrelated": 12, "grey": 4},
    True: {"near": 6, "unrelated": 3, "grey": 2},
}
# Indices well above the main corpus's, so names never collide with its pairs.
FIRST_INDEX = 900


def _smooth_noise(shape: tuple[int, int], cells: int, rng: np.random.Generator) -> np.ndarray:
    """Zero-mean, unit-spread noise smooth at the scale of ``shape / cells`` (a small random grid
    enlarged with cubic interpolation: cheaper than blurring a full-size field)."""
    h, w = shape
    grid = rng.normal(0, 1, (cells + 3, cells + 3)).astype(np.float32)
    big = cv2.resize(grid, (w + 2 * w // cells, h + 2 * h // cells), interpolation=cv2.INTER_CUBIC)
    big = big[h // cells : h // cells + h, w // cells : w // cells + w]
    return (big - big.mean()) / (big.std() + 1e-6)


def _streaks(shape: tuple[int, int], along: float, across: float, rng: np.random.Generator) -> np.ndarray:
    """Noise blurred far more along x than across it: fibres or threads."""
    layer = cv2.GaussianBlur(rng.normal(0, 1, shape).astype(np.float32), (0, 0), sigmaX=along, sigmaY=across)
    return layer / (layer.std() + 1e-6)


def _palette(values: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Map values in [0, 1] through colour stops (k x 3) evenly spaced."""
    positions = np.linspace(0, 1, len(stops))
    rgb = np.stack([np.interp(values, positions, stops[:, c]) for c in range(3)], axis=-1)
    return np.clip(rgb, 0, 255).round().astype(np.uint8)


def _random_colour(rng: np.random.Generator, lightness: tuple[float, float]) -> np.ndarray:
    # OpenCV's float HSV: hue in degrees, saturation and value in [0, 1].
    hsv = np.array([[[rng.uniform(0, 360), rng.uniform(0.15, 0.6), rng.uniform(*lightness)]]], np.float32)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0].astype(np.float64) * 255


def wood(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    # A log's rings seen from far away: centre well outside the picture, so the grain runs across it.
    distance = rng.uniform(1.5, 4.0) * max(h, w)
    cx, cy = w / 2 + distance * np.cos(angle), h / 2 + distance * np.sin(angle)
    radius = np.hypot(xx - cx, yy - cy) + 0.06 * max(h, w) * _smooth_noise(shape, 4, rng)
    period = rng.uniform(0.04, 0.09) * max(h, w)
    rings = 0.5 + 0.5 * np.sin(2 * np.pi * radius / period)
    rings = rings ** rng.uniform(1.5, 3.0)  # late wood: narrower dark bands
    fibres = _streaks(shape, 12.0, 0.8, rng)
    grain_angle = np.degrees(angle) + 90  # fibres run along the rings
    rotation = cv2.getRotationMatrix2D((w / 2, h / 2), grain_angle, 1.0)
    fibres = cv2.warpAffine(fibres, rotation, (w, h), borderMode=cv2.BORDER_REFLECT)
    values = 0.55 * rings + 0.05 * fibres + 0.12 * _smooth_noise(shape, 3, rng) + 0.2
    base = np.array([rng.uniform(150, 215), rng.uniform(100, 150), rng.uniform(55, 95)])
    stops = np.stack([base * 0.55, base * 0.8, base, np.minimum(base * 1.15, 255)])
    return _palette(np.clip(values, 0, 1), stops)


def gradient(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    h, w = shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    t = ((xx - w / 2) * np.cos(angle) + (yy - h / 2) * np.sin(angle)) / max(h, w) + 0.5
    stops = np.stack([_random_colour(rng, (0.25, 0.95)) for _ in range(int(rng.integers(2, 4)))])
    rgb = _palette(np.clip(t, 0, 1), stops).astype(np.float32)
    # A few large soft glows, as on a desktop wallpaper.
    glow = np.zeros(shape, np.float32)
    for _ in range(int(rng.integers(4, 9))):
        gx, gy = rng.uniform(0, w), rng.uniform(0, h)
        sigma = rng.uniform(0.05, 0.16) * max(h, w)
        glow += rng.uniform(-1, 1) * np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * sigma * sigma))
    rgb += (22 * glow + 3 * _smooth_noise(shape, 12, rng))[:, :, None]
    return np.clip(rgb, 0, 255).round().astype(np.uint8)


def fabric(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    warp = _streaks(shape, 6.0, 0.7, rng)
    weft = _streaks(shape[::-1], 6.0, 0.7, rng).T
    values = 0.5 * warp + 0.5 * weft + 1.2 * _smooth_noise(shape, 5, rng)
    values = cv2.GaussianBlur(values, (0, 0), 1.0)
    colour = _random_colour(rng, (0.35, 0.85))
    rgb = colour[None, None, :] * (1 + 0.06 * values[:, :, None])
    return np.clip(rgb, 0, 255).round().astype(np.uint8)


def soft_focus(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    name = str(rng.choice(["grass", "gravel", "brick", "coffee", "chelsea", "rocket"]))
    picture = sources.load(name)
    h, w = shape
    picture = cv2.resize(picture, (w, h), interpolation=cv2.INTER_AREA).astype(np.float32)
    picture = cv2.GaussianBlur(picture, (0, 0), 0.012 * max(h, w))
    mean = picture.mean(axis=(0, 1))
    tint = _random_colour(rng, (0.5, 0.9))
    faded = mean + 0.35 * (picture - mean)
    return np.clip(0.6 * faded + 0.4 * tint, 0, 255).round().astype(np.uint8)


MAKERS = {"wood": wood, "gradient": gradient, "fabric": fabric, "soft-focus": soft_focus}


def wallpaper(kind: str, rng: np.random.Generator) -> np.ndarray:
    side = int(rng.integers(400, 641))
    aspect = rng.uniform(1.25, 1.8)
    shape = (round(side / aspect), side) if rng.random() < 0.7 else (side, round(side / aspect))
    return MAKERS[kind](shape, rng)


def tint(rgb: np.ndarray, rng: np.random.Generator) -> fx.Derived:
    """A colour cast: the picture blended with a flat colour (a warm or cool filter), no clipping."""
    colour = _random_colour(rng, (0.4, 1.0))
    share = rng.uniform(0.15, 0.35)
    copy = ((1 - share) * rgb.astype(np.float32) + share * colour).round().astype(np.uint8)
    return fx.Derived(f"tint{share:.2f}", copy, T.EYE, False, None)


def crop_third(rgb: np.ndarray, rng: np.random.Generator) -> fx.Derived:
    return T.crop(rgb, rng.uniform(0.28, 0.38), rng)


FLAT_OPS = {"tint": tint, "crop-third": crop_third, "scale": lambda rgb, rng: T.scale(rgb, float(np.exp(rng.uniform(np.log(0.5), np.log(1.6)))))}


def _chain(rgb: np.ndarray, ops: tuple[str, ...], rng: np.random.Generator) -> fx.Derived:
    result = fx.Derived("", rgb, T.EYE, False, None)
    for op in ops:
        step = FLAT_OPS[op](result.rgb, rng) if op in FLAT_OPS else T.GLOBAL_OPS[op](result.rgb, rng)
        result = fx.then(result, step)
    return fx.Derived(result.name.lstrip("+"), result.rgb, result.matrix, result.mirrored, None)


def _mean_hue(rgb: np.ndarray) -> float:
    """The hue (degrees) of the picture's mean colour."""
    mean = rgb.reshape(-1, 3).mean(axis=0).astype(np.float32) / 255
    return float(cv2.cvtColor(mean[None, None, :], cv2.COLOR_RGB2HSV)[0, 0, 0])


def grey_jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    """A single-channel JPEG of ``rgb``, decoded to RGB as a viewer shows it."""
    buffer = io.BytesIO()
    Image.fromarray(rgb).convert("L").save(buffer, "JPEG", quality=quality)
    with Image.open(io.BytesIO(buffer.getvalue())) as image:
        assert image.mode == "L"
        return np.asarray(image.convert("RGB")).copy()


def plan(quick: bool = False) -> list[Spec]:
    counts = COUNTS[quick]
    specs = []
    for i in range(counts["near"]):
        kind = WALLPAPERS[i % len(WALLPAPERS)]
        recipe = FLAT_RECIPES[(i // len(WALLPAPERS) + i) % len(FLAT_RECIPES)]
        specs.append(Spec("near-duplicate", "+".join((f"flat-{kind}", *recipe)), FIRST_INDEX + i))
    for i in range(counts["grey"]):
        specs.append(Spec("near-duplicate", "grey-jpeg", FIRST_INDEX + counts["near"] + i))
    for i in range(counts["unrelated"]):
        specs.append(Spec("unrelated", "flat-unrelated", FIRST_INDEX + i))
    return specs


def owns(spec: Spec) -> bool:
    return spec.index >= FIRST_INDEX and (spec.family.startswith("flat-") or spec.family == "grey-jpeg")


def _rng(seed: int, spec: Spec) -> np.random.Generator:
    return np.random.default_rng([seed, 0xF1A7, int(spec.category == "unrelated"), spec.index])


def build(spec: Spec, seed: int) -> Pair:
    rng = _rng(seed, spec)
    if spec.family == "grey-jpeg":
        name = sources.COLOURFUL[(spec.index + seed) % len(sources.COLOURFUL)]
        original = sources.load(name, int(rng.integers(400, 641)))
        quality = int(rng.integers(60, 96))
        copy = grey_jpeg(original, quality)
        pair = Pair(name, "near-duplicate", "grey-jpeg", f"grey jpeg{quality}", original, copy, T.EYE, False, None, True)
    elif spec.category == "unrelated":
        first = WALLPAPERS[spec.index % len(WALLPAPERS)]
        second = WALLPAPERS[(spec.index + 1 + spec.index // len(WALLPAPERS)) % len(WALLPAPERS)]
        if second == first:
            second = WALLPAPERS[(WALLPAPERS.index(first) + 1) % len(WALLPAPERS)]
        original = wallpaper(first, rng)
        # A shared palette is a resemblance (the contract calls such pairs similar): the second
        # wallpaper's hues are turned to lie opposite the first's.
        other = wallpaper(second, rng)
        other = fx.hue_shifted(other, round(180 + _mean_hue(original) - _mean_hue(other)) % 360).rgb
        after = UNRELATED_AFTER[spec.index % len(UNRELATED_AFTER)]
        d = _chain(other, after, rng)
        transform = second + (f" then {d.name}" if after else "")
        pair = Pair(f"{first}-vs-{second}", "unrelated", "flat-unrelated", transform, original, d.rgb, None, None, None, False)
    else:
        kind, *ops = spec.family.split("+")
        original = wallpaper(kind.removeprefix("flat-"), rng)
        d = _chain(original, tuple(ops), rng)
        pair = Pair(kind, "near-duplicate", spec.family, d.name, original, d.rgb, d.matrix, d.mirrored, None, True)
    pair.name = f"{spec.category}/{spec.index:03d}-{pair.family}-{pair.name}"
    return pair


# ------------------------------------------------------------------------ alignment alone
# ``python -m benchmarks.compare.flat [--pairs N]``: alignment on flat pairs only (no verdicts),
# many more than the compare corpus holds: copies within tolerance (3 px), by the method that
# aligned them, and the false-alignment rate on unrelated flat pairs, every kind against every
# kind (soft-focus against soft-focus left out: two may come from one shipped picture).


def _alignment_main(argv: list[str] | None = None) -> int:
    import argparse
    import time
    from collections import Counter

    from simforensics.align import align

    from . import metrics

    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare.flat")
    parser.add_argument("--pairs", type=int, default=120, help="copies, and as many unrelated pairs (default 120)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    within, methods, seconds = 0, Counter(), []
    for i in range(args.pairs):
        rng = np.random.default_rng([args.seed, 0xA119, i])
        kind = WALLPAPERS[i % len(WALLPAPERS)]
        recipe = FLAT_RECIPES[(i // len(WALLPAPERS)) % len(FLAT_RECIPES)]
        original = wallpaper(kind, rng)
        d = _chain(original, recipe, rng)
        start = time.process_time()
        a = align(original, d.rgb)
        seconds.append(time.process_time() - start)
        ok = a.aligned and a.mirrored == d.mirrored and metrics.corner_error(a.matrix, d.matrix, d.rgb.shape) <= 3
        within += ok
        if not ok:
            error = metrics.corner_error(a.matrix, d.matrix, d.rgb.shape) if a.aligned else float("nan")
            print(f"  {kind} {d.name}: {a.method}, corner error {error:.1f} px; {a.reason[:90]}")
        methods[a.method if ok else f"{a.method} (off)" if a.aligned else "not aligned"] += 1
    print(f"copies of flat pictures: {within}/{args.pairs} aligned within 3 px; {dict(methods)}; "
          f"median {np.median(seconds):.2f} s processor time")
    false, tried, seconds, false_methods = 0, 0, [], Counter()
    kinds = [(a, b) for a in WALLPAPERS for b in WALLPAPERS if not a == b == "soft-focus"]
    for i in range(args.pairs):
        rng = np.random.default_rng([args.seed, 0xFA15E, i])
        first, second = kinds[i % len(kinds)]
        original = wallpaper(first, rng)
        copy = _chain(wallpaper(second, rng), UNRELATED_AFTER[i % len(UNRELATED_AFTER)] + ("crop-third",) * (i % 2), rng).rgb
        start = time.process_time()
        a = align(original, copy)
        seconds.append(time.process_time() - start)
        tried += 1
        if a.aligned:
            false += 1
            false_methods[a.method] += 1
            print(f"  false alignment: {first} vs {second} ({a.method}): {a.reason}")
    print(f"unrelated flat pairs: {false}/{tried} aligned (false-alignment rate {false / tried:.3f}); "
          f"{dict(false_methods)}; median {np.median(seconds):.2f} s processor time")
    return 0


if __name__ == "__main__":
    raise SystemExit(_alignment_main())
