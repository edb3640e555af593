"""Seeded collages with known truth maps, from the pictures that ship with scikit-image and matplotlib.

Works: the left and right halves of each shipped picture (disjoint content, so two halves are two
different works), except the pictures too small or too plain to hold pieces (the horse silhouette,
the colour wheel, the 102-px micrograph, the text strip) and the grass, whose halves are not
disjoint: a patch of its left half recurs in its right half, pixel for pixel (SIFT: 61 matches
agree on a shift of (-75, +347) at scale 1.00), so a negative holding a crop of one half may
truly hold pixels of the other, and a trace that reports it is right). A fixed rule by name deals every third
work *outside* the portfolio: backgrounds and the negatives are made from those alone.

A collage: a background (an outside work, or a flat colour), then 2-4 pieces, each a crop of a
portfolio work, rescaled 0.6-1.5, turned up to 10 degrees, mirrored one time in three,
colour-shifted one time in three (gamma and channel gains, or a hue turn), pasted with a hard or a
feathered edge, covering 3-45 % of the picture (a third of them 3-8 %). The truth map holds, for
each pixel, the work whose piece shows there (alpha >= 0.5), else 0. Saved as JPEG (quality
80-95) or PNG. A negative is made the same way from outside works only. A stretched collage is made
the same way, each piece also stretched to fit its place: its width and height scaled 1.15-1.5
times apart (a collage tool's "fill the slot"); they come from a random stream of their own, so the
other collages stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from simforensics.resemblance.builtin import SOURCES, load_source

__all__ = ["Collage", "Corpus", "build", "works"]

_LEFT_OUT = ("skimage:horse", "skimage:colorwheel", "skimage:microaneurysms", "skimage:text", "skimage:grass")
_WORK_SIDE = 1024  # works are at most this large (the shipped pictures are 300-1024 px)


@dataclass(frozen=True)
class Piece:
    work: int  # index into the portfolio's works
    area_fraction: float  # visible share of the picture, after later pieces covered part of it
    mirrored: bool
    scale: float
    turn: float
    colour_shifted: bool
    feathered: bool
    stretch: float = 1.0  # width scaled this many times more than height (< 1: less)


@dataclass(frozen=True)
class Collage:
    path: Path
    truth: np.ndarray  # int16, the picture's size: 0 no portfolio work, k = portfolio work k - 1
    pieces: tuple[Piece, ...]
    negative: bool
    stretched: bool = False


@dataclass(frozen=True)
class Corpus:
    portfolio: Path
    works: tuple[Path, ...]  # the portfolio's files, in the truth map's numbering
    collages: tuple[Collage, ...]


def works() -> tuple[list[tuple[str, np.ndarray]], list[tuple[str, np.ndarray]]]:
    """(portfolio works, outside works) as (name, RGB) pairs; the split is fixed by name."""
    every = []
    for source in SOURCES:
        if source in _LEFT_OUT:
            continue
        rgb = load_source(source)
        scale = min(1.0, _WORK_SIDE / max(rgb.shape[:2]))
        if scale < 1:
            rgb = cv2.resize(rgb, (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)), interpolation=cv2.INTER_AREA)
        half = rgb.shape[1] // 2
        name = source.split(":")[1].split(".")[0]
        every += [(f"{name}-left", np.ascontiguousarray(rgb[:, :half])), (f"{name}-right", np.ascontiguousarray(rgb[:, half:]))]
    every.sort(key=lambda item: item[0])
    inside = [w for i, w in enumerate(every) if i % 3 != 2]
    outside = [w for i, w in enumerate(every) if i % 3 == 2]
    return inside, outside


def _colour_shift(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.5:
        gamma = rng.uniform(0.7, 1.4)
        gains = rng.uniform(0.85, 1.15, 3)
        shifted = 255.0 * (rgb / 255.0) ** gamma * gains
        return np.clip(shifted, 0, 255).astype(np.uint8)
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    hsv[..., 0] = (hsv[..., 0].astype(int) + int(rng.integers(15, 60))) % 180
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)


def _background(shape: tuple[int, int], outside: list[tuple[str, np.ndarray]], rng: np.random.Generator) -> np.ndarray:
    height, width = shape
    if rng.random() < 0.3:
        return np.full((height, width, 3), rng.integers(0, 256, 3), np.uint8)
    rgb = outside[int(rng.integers(len(outside)))][1]
    scale = max(height / rgb.shape[0], width / rgb.shape[1])
    big = cv2.resize(rgb, (int(np.ceil(rgb.shape[1] * scale)), int(np.ceil(rgb.shape[0] * scale))),
                     interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(big[:height, :width])


def _paste(canvas: np.ndarray, truth: np.ndarray, source: np.ndarray, work: int, area: float,
           rng: np.random.Generator, stretch: float = 1.0) -> tuple[float, bool, float, bool, bool] | None:
    """Paste one piece of ``source``, its width scaled ``stretch`` times more than its height;
    returns (scale, mirrored, turn, colour shifted, feathered)."""
    height, width = truth.shape
    scale, turn = rng.uniform(0.6, 1.5), rng.uniform(-10, 10)
    mirrored, shifted, feathered = rng.random() < 1 / 3, rng.random() < 1 / 3, rng.random() < 0.5
    aspect = rng.uniform(0.6, 1.6)
    piece_w, piece_h = np.sqrt(area * height * width * aspect), np.sqrt(area * height * width / aspect)
    across, down = scale * np.sqrt(stretch), scale / np.sqrt(stretch)
    crop_w, crop_h = piece_w / across, piece_h / down
    sh, sw = source.shape[:2]
    if crop_w > 0.98 * sw or crop_h > 0.98 * sh or piece_w > 0.95 * width or piece_h > 0.95 * height:
        return None
    cx = rng.uniform(crop_w / 2, sw - crop_w / 2)
    cy = rng.uniform(crop_h / 2, sh - crop_h / 2)
    if shifted:
        source = _colour_shift(source, rng)
    # Where it goes: the place (of 20 tried) that covers the fewest pixels already pasted.
    best, best_overlap = None, np.inf
    for _ in range(20):
        px, py = rng.uniform(piece_w / 2, width - piece_w / 2), rng.uniform(piece_h / 2, height - piece_h / 2)
        x0, y0 = int(px - piece_w / 2), int(py - piece_h / 2)
        overlap = (truth[max(0, y0):y0 + int(piece_h), max(0, x0):x0 + int(piece_w)] > 0).mean()
        if overlap < best_overlap:
            best, best_overlap = (px, py), overlap
    px, py = best
    angle = np.radians(turn)
    rotation = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])  # counter-clockwise on screen
    linear = rotation @ np.diag([-across if mirrored else across, down])
    offset = np.array([px, py]) - linear @ np.array([cx, cy])
    matrix = np.hstack([linear, offset[:, None]])
    warped = cv2.warpAffine(source, matrix, (width, height), flags=cv2.INTER_AREA if max(across, down) < 1 else cv2.INTER_CUBIC,
                            borderMode=cv2.BORDER_REFLECT)
    rectangle = np.zeros((sh, sw), np.float32)
    rectangle[int(cy - crop_h / 2):int(cy + crop_h / 2), int(cx - crop_w / 2):int(cx + crop_w / 2)] = 1
    alpha = cv2.warpAffine(rectangle, matrix, (width, height), flags=cv2.INTER_LINEAR)
    if feathered:
        alpha = cv2.GaussianBlur(alpha, (0, 0), rng.uniform(3, 8)) * (alpha > 0)
    canvas[:] = (alpha[..., None] * warped + (1 - alpha[..., None]) * canvas).astype(np.uint8)
    truth[alpha >= 0.5] = work
    return scale, mirrored, turn, shifted, feathered


def _collage(path: Path, shape: tuple[int, int], donors: list[tuple[int, np.ndarray]],
             outside: list[tuple[str, np.ndarray]], rng: np.random.Generator, negative: bool,
             stretched: bool = False) -> Collage:
    canvas = _background(shape, outside, rng)
    truth = np.zeros(shape, np.int16)
    count = int(rng.integers(2, 5))
    chosen = rng.choice(len(donors), size=min(count, len(donors)), replace=False)
    made = []
    for n, pick in enumerate(chosen):
        label = n + 1 if negative else donors[pick][0] + 1  # a negative's labels are not portfolio works
        small = rng.random() < 1 / 3
        area = rng.uniform(0.035, 0.075) if small else rng.uniform(0.09, min(0.45, 0.9 / count))
        stretch = rng.uniform(1.15, 1.5) ** rng.choice([-1, 1]) if stretched else 1.0
        placed = None
        for _ in range(6):  # a piece larger than its source or the canvas allows is tried smaller
            placed = _paste(canvas, truth, donors[pick][1], label, area, rng, stretch)
            if placed is not None:
                break
            area *= 0.7
        if placed is not None:
            made.append((label, (*placed, stretch)))
    quality = int(rng.integers(80, 96)) if rng.random() < 0.6 else None
    path = path.with_suffix(".jpg" if quality else ".png")
    image = Image.fromarray(canvas)
    image.save(path, "JPEG", quality=quality) if quality else image.save(path, "PNG")
    pieces = tuple(Piece(label - 1, float((truth == label).mean()), m, s, t, c, f, st) for label, (s, m, t, c, f, st) in made)
    return Collage(path, np.zeros(shape, np.int16) if negative else truth, () if negative else pieces, negative, stretched)


def build(folder: Path, *, seed: int, collages: int, negatives: int, stretched: int = 0,
          shape: tuple[int, int] = (576, 768)) -> Corpus:
    rng = np.random.default_rng(seed)
    inside, outside = works()
    portfolio = folder / "portfolio"
    portfolio.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, (name, rgb) in enumerate(inside):
        path = portfolio / (f"{name}.png" if number % 2 else f"{name}.jpg")
        Image.fromarray(rgb).save(path, quality=92) if path.suffix == ".jpg" else Image.fromarray(rgb).save(path)
        paths.append(path)
    made = []
    pictures = folder / "pictures"
    pictures.mkdir(exist_ok=True)
    donors = list(enumerate(rgb for _, rgb in inside))
    outside_donors = list(enumerate(rgb for _, rgb in outside))
    for number in range(collages):
        made.append(_collage(pictures / f"collage-{number:02d}", shape, donors, outside, rng, negative=False))
    for number in range(negatives):
        made.append(_collage(pictures / f"negative-{number:02d}", shape, outside_donors, outside, rng, negative=True))
    own = np.random.default_rng([seed, 1])  # a stream of their own: the collages above stay as they were
    for number in range(stretched):
        made.append(_collage(pictures / f"stretched-{number:02d}", shape, donors, outside, own, negative=False, stretched=True))
    return Corpus(portfolio, tuple(paths), tuple(made))
