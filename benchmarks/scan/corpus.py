"""A seeded folder of pictures with known copy relations, built from scikit-image's shipped pictures.

Each source picture gives a group: the original and one copy per transform family (reusing the
compare benchmark's transforms), plus distractors that are related but not copies (restyles, the
other view of the stereo pair). Pictures no group uses are added as unrelated files.

Truth for a pair of files: a copy pair when both are the original or copies of the same picture
and their footprints in the original overlap by at least half of the smaller one; ignored (not
counted either way) when they overlap less (two crops of opposite corners share little); not a
copy in every other case, distractors included.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from benchmarks.compare import sources
from benchmarks.compare import transforms as T
from fixtures import make_fixtures as fx

# Copy families: (name, global operations applied in order). "redraw"/"overlay" are local edits.
FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("crop", ("crop",)),
    ("mirror", ("mirror",)),
    ("rotate", ("rotate",)),
    ("rescale", ("scale",)),
    ("jpeg", ("jpeg-low",)),
    ("border", ("pad",)),
    ("overlay", ()),
    ("redraw", ()),
    ("crop+mirror+jpeg", ("crop", "mirror", "jpeg")),
    ("rotate+scale", ("rotate", "scale-mild")),
    ("grey+jpeg", ("greyscale", "jpeg")),
)
DISTRACTORS = ("stylization", "oil", "pencil", "cartoon")
SAVE_AS = ("jpg", "png", "webp")


@dataclass(frozen=True)
class Entry:
    path: str
    group: str | None  # source picture, for originals and copies; None for unrelated files
    footprint: np.ndarray | None  # bool mask in the original's frame; None for distractors
    family: str


def _rotate(rgb: np.ndarray, rng: np.random.Generator) -> fx.Derived:
    degrees = float(rng.uniform(3, 15) * rng.choice([-1, 1]))
    return T.rotate_grow(rgb, degrees) if rng.random() < 0.5 else T.rotate_crop(rgb, degrees)


def _crop(rgb: np.ndarray, rng: np.random.Generator) -> fx.Derived:
    return T.crop(rgb, rng.uniform(0.5, 0.9), rng)


OPS = {**T.GLOBAL_OPS, "rotate": _rotate, "crop": _crop}


def _footprint(shape: tuple[int, ...], copy_shape: tuple[int, ...], matrix: np.ndarray) -> np.ndarray:
    """Where the copy's pixels come from, in the original's frame."""
    h, w = copy_shape[:2]
    corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float64).reshape(-1, 1, 2)
    projected = cv2.perspectiveTransform(corners, matrix).reshape(-1, 2)
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(projected).astype(np.int32), 1)
    return mask.astype(bool)


def _overlay(rgb: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A semi-transparent banner with text, or a large watermark, over the picture."""
    out = rgb.astype(np.float32)
    h, w = rgb.shape[:2]
    top = int(rng.uniform(0.05, 0.7) * h)
    band = slice(top, top + int(0.18 * h))
    out[band] = 0.4 * out[band] + 0.6 * np.array(rng.integers(0, 256, 3), np.float32)
    out = out.astype(np.uint8)
    text = str(rng.choice(["REPOSTED", "@somebody", "SALE -50%", "AI ART"]))
    cv2.putText(out, text, (int(0.05 * w), top + int(0.13 * h)), cv2.FONT_HERSHEY_SIMPLEX, w / 400, (255, 255, 255), 2)
    return out


def _save(rgb: np.ndarray, path: Path, fmt: str, rng: np.random.Generator) -> Path:
    path = path.with_suffix("." + fmt)
    image = Image.fromarray(rgb)
    if fmt == "jpg":
        image.save(path, quality=int(rng.integers(75, 96)))
    elif fmt == "webp":
        image.save(path, quality=85)
    else:
        image.save(path)
    return path


def build(folder: Path, *, seed: int, quick: bool) -> list[Entry]:
    """Write the corpus into ``folder``; returns every file with its truth."""
    folder.mkdir(parents=True, exist_ok=True)
    originals = sources.ORIGINALS[:4] if quick else sources.ORIGINALS
    families = FAMILIES[:8] if quick else FAMILIES
    entries: list[Entry] = []
    for g, name in enumerate(originals):
        rng = np.random.default_rng([seed, g])
        original = sources.load(name, int(rng.integers(480, 641)))
        full = np.ones(original.shape[:2], bool)
        entries.append(Entry(str(_save(original, folder / f"{name}-original", "png", rng)), name, full, "original"))
        for f, (family, ops) in enumerate(families):
            if family == "overlay":
                d = fx.Derived("overlay", _overlay(original, rng), np.eye(3), False, None)
            elif family == "redraw":
                edit = T.replace_region(original, sources.load(str(rng.choice(["coins", "brick", "grass", "clock"])), 640),
                                        float(rng.uniform(0.05, 0.15)), rng)
                d = fx.Derived("redraw", edit.edited, np.eye(3), False, None)
            else:
                d = fx.Derived("", original, np.eye(3), False, None)
                for op in ops:
                    d = fx.then(d, OPS[op](d.rgb, rng))
            fmt = SAVE_AS[(g + f) % len(SAVE_AS)]
            path = _save(d.rgb, folder / f"{name}-{family}", fmt, rng)
            entries.append(Entry(str(path), name, _footprint(original.shape, d.rgb.shape, d.matrix), family))
        for style in DISTRACTORS[: 2 if quick else 4]:
            if name == "hubble_deep_field":
                continue
            styled, _ = T.RESTYLES[style](original, rng)
            path = _save(styled, folder / f"{name}-{style}", "jpg", rng)
            entries.append(Entry(str(path), name, None, style))
    if "motorcycle_left" in originals:
        rng = np.random.default_rng([seed, 99])
        right = sources.load("motorcycle_right", 560)
        entries.append(Entry(str(_save(right, folder / "motorcycle_right-other-view", "jpg", rng)), "motorcycle_left",
                             None, "stereo"))
    used = set(originals) | {"motorcycle_right", "cat"}
    for other in sources.OTHERS:
        if other not in used and other not in ("motorcycle_left",):
            rng = np.random.default_rng([seed, 200 + len(entries)])
            entries.append(Entry(str(_save(sources.load(other, 512), folder / f"unrelated-{other}", "jpg", rng)),
                                 None, None, "unrelated"))
    return entries


def truth(a: Entry, b: Entry) -> bool | None:
    """True for a copy pair, False for not a copy, None when the pair is ignored."""
    if a.group is None or a.group != b.group or a.footprint is None or b.footprint is None:
        return False
    shared = np.count_nonzero(a.footprint & b.footprint)
    smaller = min(np.count_nonzero(a.footprint), np.count_nonzero(b.footprint))
    if smaller == 0:
        return None
    return True if shared >= 0.5 * smaller else None
