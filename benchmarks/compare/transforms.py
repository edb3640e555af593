"""Picture operations with known answers: global operations, local edits and restyles.

Global operations return ``fixtures.make_fixtures.Derived`` (the copy, the 3x3 matrix mapping a
COPY pixel into its input, the mirror flag) and are chained with ``fx.then``; the fixture
generators are reused wherever one exists, and the extra ones here follow the same conventions.

Local edits are made in ORIGINAL's frame and return a ``LocalEdit``: the ORIGINAL (usually the
unchanged base picture; for signature/watermark removal, the base with the mark written on it),
the edited picture, and the edit's support (where the edit may have touched pixels).

True change mask (``truth_mask``), in ORIGINAL's frame: inside the edit's support (dilated by
3 px), the pixels where the edited picture really differs from the ORIGINAL, i.e. the per-pixel
maximum over channels of ``|edited - original|``, Gaussian-smoothed (sigma 1.5), above
``TRUTH_LEVEL`` (12 of 255); then closed with a 7x7 ellipse and hole-filled inside the support
(a loop of a removed watermark's letter, which no tool touched, stays out). Any global operation
applied afterwards (scale, JPEG, colour shift, crop, mirror, rotation) does not change the mask:
it is the answer in ORIGINAL's frame.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont, ImageOps
from scipy import ndimage
from skimage import data

from fixtures import make_fixtures as fx

from . import sources

TRUTH_LEVEL = 12.0

EYE = np.eye(3)


# ------------------------------------------------------------------------ global operations


def jpeg(rgb: np.ndarray, quality: int) -> fx.Derived:
    decoded = np.asarray(Image.open(io.BytesIO(fx.jpeg_bytes(rgb, quality))).convert("RGB"))
    return fx.Derived(f"jpeg{quality}", decoded, EYE, False, None, jpeg_quality=quality)


def scale(rgb: np.ndarray, factor: float) -> fx.Derived:
    """Resize by ``factor``, clamped so the copy keeps a short side >= 100 px and a long side <= 2600."""
    h, w = rgb.shape[:2]
    factor = float(np.clip(factor, 100 / min(h, w), 2600 / max(h, w)))
    d = fx.scaled(rgb, round(factor, 3))
    return fx.Derived(f"scale{factor:.2f}", d.rgb, d.matrix, False, None)


def crop(rgb: np.ndarray, area: float, rng: np.random.Generator) -> fx.Derived:
    """A crop keeping about ``area`` of the picture, aspect ratio jittered, placed at random."""
    h, w = rgb.shape[:2]
    r = rng.uniform(0.8, 1.25)
    cw = min(w, round(w * np.sqrt(area * r)))
    ch = min(h, round(h * np.sqrt(area / r)))
    x = int(rng.integers(0, w - cw + 1))
    y = int(rng.integers(0, h - ch + 1))
    d = fx.cropped(rgb, (x, y, cw, ch))
    return fx.Derived(f"crop{cw * ch / (w * h):.2f}", d.rgb, d.matrix, False, None)


def crop_box(rgb: np.ndarray, box: tuple[int, int, int, int]) -> fx.Derived:
    d = fx.cropped(rgb, box)
    h, w = rgb.shape[:2]
    return fx.Derived(f"crop{box[2] * box[3] / (w * h):.2f}", d.rgb, d.matrix, False, None)


def rotate_grow(rgb: np.ndarray, degrees: float) -> fx.Derived:
    d = fx.rotated(rgb, round(degrees, 1))
    return fx.Derived(f"rotgrow{degrees:+.1f}", d.rgb, d.matrix, False, None)


def _largest_inner_rectangle(w: int, h: int, angle: float) -> tuple[int, int]:
    """Largest axis-aligned rectangle inside a w x h rectangle rotated by ``angle`` radians."""
    long_side, short_side = max(w, h), min(w, h)
    s, c = abs(np.sin(angle)), abs(np.cos(angle))
    if short_side <= 2 * s * c * long_side or abs(s - c) < 1e-10:
        x = 0.5 * short_side
        wr, hr = (x / s, x / c) if w >= h else (x / c, x / s)
    else:
        cos2 = c * c - s * s
        wr, hr = (w * c - h * s) / cos2, (h * c - w * s) / cos2
    return int(wr) - 2, int(hr) - 2


def rotate_crop(rgb: np.ndarray, degrees: float) -> fx.Derived:
    """Rotate about the centre and crop to the largest upright rectangle with no empty corner."""
    h, w = rgb.shape[:2]
    degrees = round(degrees, 1)
    a = np.deg2rad(degrees)
    cw, ch = _largest_inner_rectangle(w, h, a)
    to_origin = np.array([[1, 0, -(cw - 1) / 2], [0, 1, -(ch - 1) / 2], [0, 0, 1.0]])
    rotate = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1.0]])
    to_centre = np.array([[1, 0, (w - 1) / 2], [0, 1, (h - 1) / 2], [0, 0, 1.0]])
    m = to_centre @ rotate @ to_origin
    copy = cv2.warpPerspective(rgb, m, (cw, ch), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                               borderMode=cv2.BORDER_REFLECT)
    return fx.Derived(f"rotcrop{degrees:+.1f}", copy, m, False, None)


def mirror(rgb: np.ndarray) -> fx.Derived:
    return fx.mirrored(rgb)


def pad(rgb: np.ndarray, rng: np.random.Generator) -> fx.Derived:
    """Borders of random widths (0-15 % of the side each) in black, white or a flat colour."""
    h, w = rgb.shape[:2]
    top, bottom = (int(v) for v in rng.integers(0, int(0.15 * h) + 1, 2))
    left, right = (int(v) for v in rng.integers(0, int(0.15 * w) + 1, 2))
    if rng.random() < 0.3:  # letterbox: equal top and bottom only
        top = bottom = max(8, top)
        left = right = 0
    top = max(top, 4)
    colour = [(0, 0, 0), (255, 255, 255), tuple(int(v) for v in rng.integers(0, 256, 3))][int(rng.integers(0, 3))]
    copy = cv2.copyMakeBorder(rgb, top, bottom, left, right, cv2.BORDER_CONSTANT, value=colour)
    m = np.array([[1.0, 0, -left], [0, 1, -top], [0, 0, 1]])
    return fx.Derived(f"pad{top}-{right}-{bottom}-{left}", copy, m, False, None)


def gamma(rgb: np.ndarray, g: float) -> fx.Derived:
    d = fx.gamma_shifted(rgb, round(g, 2))
    return fx.Derived(f"gamma{g:.2f}", d.rgb, EYE, False, None)


def saturation(rgb: np.ndarray, factor: float) -> fx.Derived:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)[:, :, None]
    copy = np.clip(grey + factor * (rgb.astype(np.float32) - grey), 0, 255).round().astype(np.uint8)
    return fx.Derived(f"sat{factor:.2f}", copy, EYE, False, None)


def hue(rgb: np.ndarray, degrees: int) -> fx.Derived:
    d = fx.hue_shifted(rgb, int(degrees))
    return fx.Derived(f"hue{int(degrees):+d}", d.rgb, EYE, False, None)


def greyscale(rgb: np.ndarray) -> fx.Derived:
    return fx.Derived("grey", fx.greyscale(rgb).rgb, EYE, False, None)


def brightness_contrast(rgb: np.ndarray, gain: float, offset: float) -> fx.Derived:
    copy = np.clip(rgb.astype(np.float32) * gain + offset, 0, 255).round().astype(np.uint8)
    return fx.Derived(f"bc{gain:.2f}{offset:+.0f}", copy, EYE, False, None)


def blur(rgb: np.ndarray, sigma: float) -> fx.Derived:
    return fx.Derived(f"blur{sigma:.1f}", cv2.GaussianBlur(rgb, (0, 0), sigma), EYE, False, None)


def sharpen(rgb: np.ndarray, amount: float) -> fx.Derived:
    soft = cv2.GaussianBlur(rgb, (0, 0), 1.5)
    copy = cv2.addWeighted(rgb, 1 + amount, soft, -amount, 0)
    return fx.Derived(f"sharpen{amount:.1f}", copy, EYE, False, None)


def noise(rgb: np.ndarray, std: float, rng: np.random.Generator) -> fx.Derived:
    copy = np.clip(rgb + rng.normal(0, std, rgb.shape), 0, 255).round().astype(np.uint8)
    return fx.Derived(f"noise{std:.1f}", copy, EYE, False, None)


def off_aspect(rgb: np.ndarray, rng: np.random.Generator) -> fx.Derived:
    """Resized to a set width and height that do not quite keep the aspect: 0.5-1.0 of the size,
    one side 0.3-0.8 % more than the other."""
    h, w = rgb.shape[:2]
    factor, off = rng.uniform(0.5, 1.0), rng.uniform(0.003, 0.008)
    sx, sy = (factor, factor * (1 - off)) if rng.random() < 0.5 else (factor * (1 - off), factor)
    d = fx.resized_to(rgb, (round(w * sx), round(h * sy)))
    return fx.Derived(f"off-aspect{factor:.2f}-{off * 100:.1f}pc", d.rgb, d.matrix, False, None)


def pillow_tone(rgb: np.ndarray, kind: str, rng: np.random.Generator) -> fx.Derived:
    """A sharp tone curve or saturation over the whole picture, as Pillow applies it."""
    picture = Image.fromarray(rgb)
    if kind == "equalise":
        return fx.Derived("equalise", np.asarray(ImageOps.equalize(picture)), EYE, False, None)
    if kind == "solarise":
        threshold = int(rng.integers(96, 192))
        return fx.Derived(f"solarise{threshold}", np.asarray(ImageOps.solarize(picture, threshold)), EYE, False, None)
    factor = rng.uniform(1.6, 2.2) if kind == "contrast-strong" else rng.uniform(1.8, 2.5)
    enhance = ImageEnhance.Contrast if kind == "contrast-strong" else ImageEnhance.Color
    return fx.Derived(f"{kind}{factor:.2f}", np.asarray(enhance(picture).enhance(factor)), EYE, False, None)


def _log_uniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(np.exp(rng.uniform(np.log(lo), np.log(hi))))


def _signed(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi) * rng.choice([-1, 1]))


# Each global family draws its own parameters from the pair's RNG.
GLOBAL_OPS = {
    "jpeg": lambda rgb, rng: jpeg(rgb, int(rng.integers(40, 96))),
    "jpeg-low": lambda rgb, rng: jpeg(rgb, int(rng.integers(40, 61))),
    "jpeg60": lambda rgb, rng: jpeg(rgb, 60),
    "scale": lambda rgb, rng: scale(rgb, _log_uniform(rng, 0.25, 4.0)),
    "scale-down": lambda rgb, rng: scale(rgb, _log_uniform(rng, 0.25, 0.8)),
    "scale-up": lambda rgb, rng: scale(rgb, _log_uniform(rng, 1.25, 4.0)),
    "scale-mild": lambda rgb, rng: scale(rgb, _log_uniform(rng, 0.5, 1.5)),
    "crop": lambda rgb, rng: crop(rgb, rng.uniform(0.4, 0.9), rng),
    "rotate-grow": lambda rgb, rng: rotate_grow(rgb, _signed(rng, 2, 45)),
    "rotate-crop": lambda rgb, rng: rotate_crop(rgb, _signed(rng, 2, 30)),
    "rotate-small": lambda rgb, rng: rotate_grow(rgb, _signed(rng, 1, 10)),
    "mirror": lambda rgb, rng: mirror(rgb),
    "pad": pad,
    "gamma": lambda rgb, rng: gamma(rgb, _log_uniform(rng, 0.5, 2.0)),
    "saturation": lambda rgb, rng: saturation(rgb, rng.choice([rng.uniform(0.2, 0.7), rng.uniform(1.3, 2.0)])),
    "hue": lambda rgb, rng: hue(rgb, int(_signed(rng, 15, 120))),
    "greyscale": lambda rgb, rng: greyscale(rgb),
    "brightness-contrast": lambda rgb, rng: brightness_contrast(rgb, rng.uniform(0.7, 1.3), rng.uniform(-30, 30)),
    "colour-shift": lambda rgb, rng: (gamma(rgb, _log_uniform(rng, 0.85, 1.18)) if rng.random() < 0.5
                                      else brightness_contrast(rgb, rng.uniform(0.9, 1.1), rng.uniform(-10, 10))),
    "blur": lambda rgb, rng: blur(rgb, rng.uniform(0.6, 1.2)),
    "sharpen": lambda rgb, rng: sharpen(rgb, rng.uniform(0.5, 1.5)),
    "noise": lambda rgb, rng: noise(rgb, rng.uniform(2, 5), rng),
    "off-aspect": off_aspect,
    "equalise": lambda rgb, rng: pillow_tone(rgb, "equalise", rng),
    "solarise": lambda rgb, rng: pillow_tone(rgb, "solarise", rng),
    "contrast-strong": lambda rgb, rng: pillow_tone(rgb, "contrast-strong", rng),
    "saturation-strong": lambda rgb, rng: pillow_tone(rgb, "saturation-strong", rng),
}


def chain(rgb: np.ndarray, ops: list[str], rng: np.random.Generator) -> fx.Derived:
    """Apply the named global operations in order; the matrix maps the final copy into ``rgb``."""
    result = fx.Derived("", rgb, EYE, False, None)
    for op in ops:
        step = GLOBAL_OPS[op](result.rgb, rng)
        result = fx.then(result, step)
    return fx.Derived(result.name.lstrip("+"), result.rgb, result.matrix, result.mirrored, None)


# ------------------------------------------------------------------------ local edits


@dataclass
class LocalEdit:
    original: np.ndarray  # ORIGINAL (the base, or the base with a signature/watermark on it)
    edited: np.ndarray  # the edited picture, same frame
    support: np.ndarray  # bool: where the edit may have touched pixels
    name: str


def truth_mask(original: np.ndarray, edited: np.ndarray, support: np.ndarray) -> np.ndarray:
    """The true change mask (bool, ORIGINAL's frame); see the module docstring."""
    diff = np.abs(edited.astype(np.float32) - original.astype(np.float32)).max(axis=2)
    diff = cv2.GaussianBlur(diff, (0, 0), 1.5)
    region = cv2.dilate(support.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    changed = (diff > TRUTH_LEVEL) & region
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))
    changed = cv2.morphologyEx(changed.astype(np.uint8), cv2.MORPH_CLOSE, kernel).astype(bool)
    # A hole counts where the edit's tool went (a painted-out object's interior of matching
    # colour), not beyond it: a letter's loop inside a removed watermark was never touched.
    return (changed | (ndimage.binary_fill_holes(changed) & support)) & region


def _texture(rgb: np.ndarray) -> np.ndarray:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1)
    return np.sqrt(gx * gx + gy * gy)


def _saturation(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)[:, :, 1].astype(np.float32)


def place_box(rgb: np.ndarray, area: float, rng: np.random.Generator, score: np.ndarray | None = None,
              aspect: tuple[float, float] = (0.6, 1.6)) -> tuple[int, int, int, int]:
    """A box of about ``area`` of the picture, placed where ``score`` (texture by default) is high."""
    h, w = rgb.shape[:2]
    r = rng.uniform(*aspect)
    bw = int(np.clip(round(np.sqrt(area * w * h * r)), 12, w - 8))
    bh = int(np.clip(round(np.sqrt(area * w * h / r)), 12, h - 8))
    score = _texture(rgb) if score is None else score
    mean = cv2.boxFilter(score, -1, (bw, bh), normalize=True, borderType=cv2.BORDER_REPLICATE)
    xs = rng.integers(4, w - bw - 3, 80)
    ys = rng.integers(4, h - bh - 3, 80)
    values = mean[ys + bh // 2, xs + bw // 2]
    best = np.argsort(values)[::-1][:5]
    pick = int(rng.choice(best))
    return int(xs[pick]), int(ys[pick]), bw, bh


def shape_mask(shape: tuple[int, ...], box: tuple[int, int, int, int], kind: str, rng: np.random.Generator) -> np.ndarray:
    """A filled box, ellipse or random smooth blob inside ``box``, as a float32 0/1 image."""
    h, w = shape[:2]
    x, y, bw, bh = box
    mask = np.zeros((h, w), np.float32)
    if kind == "box":
        mask[y : y + bh, x : x + bw] = 1
    elif kind == "ellipse":
        cv2.ellipse(mask, (x + bw // 2, y + bh // 2), (bw // 2, bh // 2), 0, 0, 360, 1.0, -1)
    else:  # blob: radius 1 + sum of a few random harmonics
        t = np.linspace(0, 2 * np.pi, 96, endpoint=False)
        radius = np.ones_like(t)
        for k in (2, 3, 4, 5):
            radius += rng.uniform(0, 0.12) * np.cos(k * t + rng.uniform(0, 2 * np.pi))
        radius /= radius.max()
        px = x + bw / 2 + radius * np.cos(t) * bw / 2
        py = y + bh / 2 + radius * np.sin(t) * bh / 2
        cv2.fillPoly(mask, [np.stack([px, py], 1).round().astype(np.int32)], 1.0)
    return mask


def _feather(mask: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(mask, (0, 0), sigma) if sigma > 0 else mask


def blend(base: np.ndarray, patch: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    a = alpha[:, :, None]
    return (a * patch.astype(np.float32) + (1 - a) * base.astype(np.float32)).round().astype(np.uint8)


def _donor_window(donor: np.ndarray, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A ``size`` (w, h) window of ``donor``, resized first if the donor is too small."""
    w, h = size
    dh, dw = donor.shape[:2]
    f = max(w / dw, h / dh, 1.0)
    if f > 1:
        donor = cv2.resize(donor, (int(np.ceil(dw * f)) + 1, int(np.ceil(dh * f)) + 1), interpolation=cv2.INTER_CUBIC)
        dh, dw = donor.shape[:2]
    x = int(rng.integers(0, dw - w + 1))
    y = int(rng.integers(0, dh - h + 1))
    return donor[y : y + h, x : x + w]


def replace_region(base: np.ndarray, donor: np.ndarray, area: float, rng: np.random.Generator) -> LocalEdit:
    """A box or ellipse replaced by part of another picture, blended with a feathered edge."""
    box = place_box(base, area, rng)
    kind = str(rng.choice(["box", "ellipse"]))
    x, y, bw, bh = box
    sigma = rng.uniform(2, max(2.5, 0.08 * min(bw, bh)))
    alpha = _feather(shape_mask(base.shape, box, kind, rng), sigma)
    patch = base.copy()
    patch[y : y + bh, x : x + bw] = _donor_window(donor, (bw, bh), rng)
    edited = blend(base, patch, alpha)
    return LocalEdit(base, edited, alpha > 0.01, f"replace-{kind}-{x}-{y}-{bw}x{bh}-f{sigma:.0f}")


def recolour_region(base: np.ndarray, area: float, rng: np.random.Generator) -> LocalEdit:
    """Hue rotation (60-180 degrees, with a saturation boost) inside a box, ellipse or blob."""
    score = _texture(base) * (8 + _saturation(base))
    box = place_box(base, area, rng, score)
    kind = str(rng.choice(["box", "ellipse", "blob"]))
    degrees = int(_signed(rng, 60, 180))
    hsv = cv2.cvtColor(base, cv2.COLOR_RGB2HSV).astype(np.int32)
    hsv[:, :, 0] = (hsv[:, :, 0] + degrees // 2) % 180
    hsv[:, :, 1] = np.clip(hsv[:, :, 1] * rng.uniform(1.0, 1.5), 0, 255)
    patch = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB)
    alpha = _feather(shape_mask(base.shape, box, kind, rng), rng.uniform(0.5, 3))
    x, y, bw, bh = box
    return LocalEdit(base, blend(base, patch, alpha), alpha > 0.01, f"recolour-{kind}{degrees:+d}-{x}-{y}-{bw}x{bh}")


def inpaint_region(base: np.ndarray, area: float, rng: np.random.Generator) -> LocalEdit:
    """An area painted out from its surroundings (object removal), Telea or Navier-Stokes."""
    box = place_box(base, area, rng)
    kind = str(rng.choice(["box", "ellipse", "blob"]))
    mask = shape_mask(base.shape, box, kind, rng) > 0.5
    method, label = [(cv2.INPAINT_TELEA, "telea"), (cv2.INPAINT_NS, "ns")][int(rng.integers(0, 2))]
    radius = int(rng.integers(3, 10))
    edited = cv2.inpaint(base, mask.astype(np.uint8) * 255, radius, method)
    x, y, bw, bh = box
    return LocalEdit(base, edited, mask, f"inpaint-{kind}-{label}-{x}-{y}-{bw}x{bh}")


SIGNATURES = ("A. Artist 2026", "J. Doe", "M. Rossi '24", "(c) K. Lee", "Studio Nine", "P. Ambrose 2025")


def remove_signature(base: np.ndarray, rng: np.random.Generator) -> LocalEdit:
    """ORIGINAL = base with a signature (``fx.with_signature``); the copy has it inpainted away."""
    h, w = base.shape[:2]
    text = str(rng.choice(SIGNATURES))
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 0.6, 2)
    corner = int(rng.integers(0, 4))
    ox = int(rng.integers(6, 30)) if corner in (0, 2) else w - tw - int(rng.integers(6, 30))
    oy = th + int(rng.integers(8, 30)) if corner in (0, 1) else h - int(rng.integers(10, 30))
    signed = fx.with_signature(base, text, (ox, oy))
    return _remove_mark(signed, base, rng, f"signature-{ox}-{oy}")


def remove_watermark(base: np.ndarray, rng: np.random.Generator) -> LocalEdit:
    """ORIGINAL = base with a large semi-transparent watermark; the copy has it inpainted away."""
    h, w = base.shape[:2]
    text = str(rng.choice(["SAMPLE", "PREVIEW", "(c) STUDIO", "PROOF"]))
    thickness = int(rng.integers(2, 5))
    target = rng.uniform(0.45, 0.75) * w
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 1.0, thickness)
    font_scale = target / tw
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, font_scale, thickness)
    ox = int(rng.integers(4, max(5, w - tw - 4)))
    oy = int(rng.integers(th + 4, max(th + 5, h - 8)))
    layer = np.zeros((h, w), np.float32)
    cv2.putText(layer, text, (ox, oy), cv2.FONT_HERSHEY_SIMPLEX, font_scale, 1.0, thickness, cv2.LINE_AA)
    opacity = rng.uniform(0.35, 0.6)
    white = np.full_like(base, 255)
    marked = blend(base, white, layer * opacity)
    return _remove_mark(marked, base, rng, f"watermark-{text.replace(' ', '')}-{ox}-{oy}")


def add_tiled_watermark(base: np.ndarray, rng: np.random.Generator) -> LocalEdit:
    """ORIGINAL = base; the copy carries a stock-photo watermark: one word repeated in rows across
    the whole picture, in Pillow's own TrueType face (Aileron), rows one and a half to three
    letters' height apart, white or black at 20-50 % opacity, level or turned by up to 35 degrees."""
    h, w = base.shape[:2]
    text = str(rng.choice(["STOCKPHOTO", "PREVIEW", "(c) AGENCY", "SAMPLE"]))
    font = ImageFont.load_default(size=max(10, round(w * rng.uniform(0.05, 0.09))))
    left, top, right, bottom = font.getbbox(text)
    tw, th = right - left, bottom - top
    # Written on a canvas twice the picture's size, turned, and its middle kept: rows reach every corner.
    canvas = Image.new("L", (2 * w, 2 * h), 0)
    draw = ImageDraw.Draw(canvas)
    row_step, gap = round(th * rng.uniform(1.5, 3.0)), round(tw * rng.uniform(0.1, 0.5))
    for row, y in enumerate(range(0, 2 * h, row_step)):
        for x in range(-(row % 2) * (tw + gap) // 2, 2 * w, tw + gap):
            draw.text((x, y), text, font=font, fill=255)
    turned = canvas.rotate(float(rng.choice([0.0, rng.uniform(-35, 35)])), resample=Image.Resampling.BICUBIC)
    layer = np.asarray(turned.crop((w // 2, h // 2, w // 2 + w, h // 2 + h)), np.float32) / 255
    ink = np.full_like(base, 255 if rng.random() < 0.7 else 0)
    marked = blend(base, ink, layer * rng.uniform(0.2, 0.5))
    return LocalEdit(base, marked, layer > 0.05, f"tiled-watermark-{text.replace(' ', '')}")


def _remove_mark(marked: np.ndarray, base: np.ndarray, rng: np.random.Generator, name: str) -> LocalEdit:
    strokes = (np.abs(marked.astype(int) - base.astype(int)).max(axis=2) > 0).astype(np.uint8)
    strokes = cv2.dilate(strokes, np.ones((5, 5), np.uint8))
    edited = cv2.inpaint(marked, strokes * 255, int(rng.integers(3, 6)), cv2.INPAINT_TELEA)
    return LocalEdit(marked, edited, strokes.astype(bool), name)


def _coin_cutouts() -> list[tuple[np.ndarray, np.ndarray]]:
    """Single coins segmented from scikit-image's ``coins``: (rgb patch, bool mask) each."""
    grey = sources.load("coins")[:, :, 0]
    _, binary = cv2.threshold(cv2.GaussianBlur(grey, (5, 5), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    binary = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    binary = ndimage.binary_fill_holes(binary > 0)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(binary.astype(np.uint8))
    cutouts = []
    for i in range(1, count):
        x, y, w, h, a = stats[i]
        if a > 600 and 0.6 < w / h < 1.6:
            cutouts.append((sources.load("coins")[y : y + h, x : x + w], labels[y : y + h, x : x + w] == i))
    return cutouts


def paste_object(base: np.ndarray, donor_name: str, area: float, rng: np.random.Generator) -> LocalEdit:
    """A cut-out pasted onto the picture: a coin, a horse silhouette filled from another picture,
    or a blob cut from another picture; the cut-out's edge is softened by about a pixel."""
    kind = str(rng.choice(["coin", "horse", "blob"]))
    if kind == "coin":
        cutouts = _coin_cutouts()
        patch, cut = cutouts[int(rng.integers(0, len(cutouts)))]
    elif kind == "horse":
        cut = ~data.horse()  # True is background
        ys, xs = np.nonzero(cut)
        cut = cut[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        patch = _donor_window(sources.load(donor_name, 640), (cut.shape[1], cut.shape[0]), rng)
    else:
        donor = sources.load(donor_name, 640)
        side = int(min(donor.shape[:2]) * rng.uniform(0.3, 0.6))
        patch = _donor_window(donor, (side, side), rng)
        cut = shape_mask(patch.shape, (0, 0, side, side), "blob", rng) > 0.5
    h, w = base.shape[:2]
    ph, pw = cut.shape
    f = np.sqrt(area * w * h / max(1, cut.sum()))
    f = min(f, 0.9 * w / pw, 0.9 * h / ph)
    size = (max(8, round(pw * f)), max(8, round(ph * f)))
    patch = cv2.resize(np.ascontiguousarray(patch), size, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
    cut = cv2.resize(cut.astype(np.float32), size, interpolation=cv2.INTER_LINEAR)
    x, y, _, _ = place_box(base, size[0] * size[1] / (w * h), rng, aspect=(size[0] / size[1],) * 2)
    alpha = np.zeros((h, w), np.float32)
    alpha[y : y + size[1], x : x + size[0]] = _feather(cut, 0.8)
    layer = base.copy()
    layer[y : y + size[1], x : x + size[0]] = patch
    return LocalEdit(base, blend(base, layer, alpha), alpha > 0.01, f"paste-{kind}-{x}-{y}-{size[0]}x{size[1]}")


# ------------------------------------------------------------------------ restyles (related, not the same)


def stylize(rgb: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    s, r = rng.uniform(60, 150), rng.uniform(0.4, 0.6)
    return cv2.stylization(rgb, sigma_s=s, sigma_r=r), f"stylization-{s:.0f}-{r:.2f}"


def oil_paint(rgb: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    size = int(rng.integers(7, 12))
    if hasattr(cv2, "xphoto") and hasattr(cv2.xphoto, "oilPainting"):
        return cv2.xphoto.oilPainting(rgb, size, 1), f"oil-{size}"
    return cartoon(rgb, rng)[0], f"oil-fallback-{size}"


def pencil(rgb: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    s, r, shade = rng.uniform(40, 80), rng.uniform(0.05, 0.09), rng.uniform(0.03, 0.07)
    return cv2.pencilSketch(rgb, sigma_s=s, sigma_r=r, shade_factor=shade)[1], f"pencil-{s:.0f}-{r:.2f}"


def cartoon(rgb: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """Strong edge-preserving smoothing, colours quantised to a few levels, dark edge lines."""
    smooth = cv2.edgePreservingFilter(rgb, flags=cv2.RECURS_FILTER, sigma_s=rng.uniform(100, 200), sigma_r=0.8)
    for _ in range(3):
        smooth = cv2.bilateralFilter(smooth, 9, 60, 9)
    levels = int(rng.integers(3, 6))
    step = 256 // levels
    flat = (smooth // step * step + step // 2).astype(np.uint8)
    grey = cv2.medianBlur(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), 7)
    edges = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 9, 4)
    return cv2.bitwise_and(flat, flat, mask=edges), f"cartoon-{levels}"


RESTYLES = {"stylization": stylize, "oil": oil_paint, "pencil": pencil, "cartoon": cartoon}
