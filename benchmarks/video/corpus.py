"""A seeded set of clips with known spans, made with PyAV from scikit-image's shipped pictures.

The portfolio is the compare benchmark's originals (``sources.ORIGINALS``); negatives are built
from the other shipped pictures, none of which is in the portfolio. Each clip kind is what the
issue lists: a still first frame then a zoom or pan (image-to-video), an animated overlay,
letterbox, crop and mirror, a colour grade, cuts, cross-fades, and negative clips. Pictures,
zoom targets, pans and grades are drawn from the seed; nothing is chosen by looking at results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from benchmarks.compare import sources
from fixtures.make_clips import Shot, TruthSpan, write_clip

# Pictures outside the portfolio: the stereo partner of a portfolio picture is left out (it is
# the same scene), and so are flat ones that carry little to match (a page of text is kept).
NEGATIVES = ("coins", "moon", "clock", "brick", "gravel", "grass", "page", "cell")
# The kinds the issue lists (the targets are stated on them), then harder ones beyond its list.
ISSUE_KINDS = ("i2v-zoom", "i2v-pan", "overlay", "letterbox", "crop-mirror", "grade", "cuts", "crossfade", "negative")
STRESS_KINDS = ("rotate", "picture-in-picture", "restyle", "low-quality")
KINDS = ISSUE_KINDS + STRESS_KINDS
# Clip kinds encoded at a lower quality (x264 CRF; 23 is x264's default).
CRF = {"low-quality": 36}


@dataclass(frozen=True)
class Clip:
    path: str
    kind: str
    truth: tuple[TruthSpan, ...]  # spans of portfolio pictures only
    seconds: float


def write_portfolio(folder: Path) -> dict[str, str]:
    """The portfolio pictures as files (PNG and JPEG alternately); name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for n, name in enumerate(sources.ORIGINALS):
        path = folder / (f"{name}.png" if n % 2 == 0 else f"{name}.jpg")
        Image.fromarray(sources.load(name, 640)).save(path, **({"quality": 92} if path.suffix == ".jpg" else {}))
        paths[name] = str(path)
    return paths


def _zoom_pan(rng: np.random.Generator) -> dict:
    end = float(rng.uniform(1.25, 1.6))
    target = tuple(float(v) for v in rng.uniform(-0.12, 0.12, 2))
    return {"zoom": (1.0, end), "pan": ((0.0, 0.0), target)}


def _shots(kind: str, rng: np.random.Generator) -> list[Shot]:
    def pick(pool: tuple[str, ...]) -> str:
        return str(rng.choice(pool))

    def picture(name: str) -> np.ndarray:
        return sources.load(name, 640)

    p = pick(sources.ORIGINALS)
    if kind == "i2v-zoom":
        return [Shot(picture(p), p, float(rng.uniform(3, 5)), still=float(rng.uniform(0.5, 1.5)), **_zoom_pan(rng))]
    if kind == "i2v-pan":
        x = float(rng.uniform(0.08, 0.15)) * float(rng.choice([-1, 1]))
        return [Shot(picture(p), p, float(rng.uniform(3, 5)), zoom=(1.35, 1.35), pan=((-x, 0.0), (x, 0.0)),
                     still=float(rng.uniform(0.3, 1.0)))]
    if kind == "overlay":
        return [Shot(picture(p), p, float(rng.uniform(3, 5)), overlay=True, zoom=(1.0, float(rng.uniform(1.0, 1.3))))]
    if kind == "letterbox":
        return [Shot(picture(p), p, float(rng.uniform(3, 5)), fit="contain", zoom=(0.9, float(rng.uniform(0.9, 1.1))))]
    if kind == "crop-mirror":
        return [Shot(picture(p), p, float(rng.uniform(3, 5)), mirror=True, zoom=(float(rng.uniform(1.3, 1.8)),) * 2,
                     pan=((float(rng.uniform(-0.1, 0.1)), float(rng.uniform(-0.1, 0.1))),) * 2)]
    if kind == "grade":
        grade = (float(rng.uniform(0.6, 1.6)), float(rng.uniform(0.3, 1.8)), tuple(float(v) for v in rng.uniform(0.8, 1.2, 3)))
        return [Shot(picture(p), p, float(rng.uniform(3, 5)), grade=grade, **_zoom_pan(rng))]
    if kind == "cuts":
        q = pick(tuple(n for n in sources.ORIGINALS if n != p))
        negative = pick(NEGATIVES)
        return [Shot(picture(p), p, float(rng.uniform(2, 3)), **_zoom_pan(rng)),
                Shot(picture(negative), negative, float(rng.uniform(1.5, 2.5)), **_zoom_pan(rng)),
                Shot(picture(q), q, float(rng.uniform(2, 3)), zoom=(1.3, 1.3), pan=((-0.08, 0.0), (0.08, 0.0)))]
    if kind == "crossfade":
        q = pick(tuple(n for n in sources.ORIGINALS if n != p))
        return [Shot(picture(p), p, float(rng.uniform(2.5, 3.5)), **_zoom_pan(rng)),
                Shot(picture(q), q, float(rng.uniform(2.5, 3.5)), fade_in=float(rng.uniform(0.4, 0.8)), **_zoom_pan(rng))]
    if kind == "rotate":
        turn = float(rng.uniform(5, 15)) * float(rng.choice([-1, 1]))
        return [Shot(picture(p), p, float(rng.uniform(3, 5)), turn=(0.0, turn), zoom=(1.3, float(rng.uniform(1.3, 1.6))))]
    if kind == "picture-in-picture":
        return [Shot(picture(p), p, float(rng.uniform(3, 5)), fit="contain", zoom=(float(rng.uniform(0.45, 0.6)),) * 2,
                     pan=((-0.2, -0.1), (0.2, 0.1)), background=picture(pick(NEGATIVES)))]
    if kind == "restyle":
        return [Shot(picture(p), p, float(rng.uniform(3, 5)), restyle=float(rng.uniform(0.6, 1.0)), still=0.5,
                     **_zoom_pan(rng))]
    if kind == "low-quality":
        return [Shot(picture(p), p, float(rng.uniform(3, 5)), still=0.5, **_zoom_pan(rng))]
    first, second = rng.choice(NEGATIVES, 2, replace=False)
    return [Shot(picture(str(first)), str(first), float(rng.uniform(2, 3)), still=0.5, **_zoom_pan(rng)),
            Shot(picture(str(second)), str(second), float(rng.uniform(2, 3)), overlay=True, **_zoom_pan(rng))]


def build(folder: Path, *, seed: int, per_kind: int, size: tuple[int, int]) -> list[Clip]:
    """Write ``per_kind`` clips of every kind into ``folder``; each with its truth."""
    folder.mkdir(parents=True, exist_ok=True)
    clips = []
    for k, kind in enumerate(KINDS):
        for n in range(per_kind):
            rng = np.random.default_rng([seed, k, n])
            shots = _shots(kind, rng)
            path = folder / f"{kind}-{n}.mp4"
            truth = write_clip(path, shots, size=size, fps=24, crf=CRF.get(kind, 23))
            kept = tuple(t for t in truth if t.name in sources.ORIGINALS)
            seconds = sum(s.seconds for s in shots) - sum(s.fade_in for s in shots[1:])
            clips.append(Clip(str(path), kind, kept, round(seconds, 3)))
    return clips
