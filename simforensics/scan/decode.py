"""Decode only what a scan needs: a reduced-size picture, with the file's identity.

JPEGs are decoded by libjpeg-turbo at 1/2, 1/4 or 1/8 of their size, the smallest scale that
still gives ``side`` pixels on the longest side (as Pillow's ``Image.draft`` chooses it): RGB and
grey ones straight into an array (simplejpeg), the others through Pillow. Other formats are
decoded whole and shrunk. The same safety rules as ``evidence.load_evidence`` apply (read-only,
FIFOs never opened, size limit from the header, truncation refused), through its own helpers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import warnings
from dataclasses import dataclass, field

import cv2
import numpy as np
import simplejpeg
from PIL import Image, ImageOps

from ..errors import DecodeError, TruncatedImageError
from ..evidence import (
    DEFAULT_MAX_PIXELS,
    displayed,
    exif_orientation,
    jpeg_tables,
    open_checked,
    read_file_bytes,
    to_rgb8,
)
from ..quiet import quiet_stderr
from ..resample import shrink_to_side

__all__ = ["ReducedPicture", "read_reduced"]


@dataclass(frozen=True)
class ReducedPicture:
    """A file's identity and its picture as displayed, no larger than the requested side."""

    sha256: str
    file_size: int
    width: int  # full size as displayed (EXIF orientation applied)
    height: int
    # H x W x 3 RGB uint8, or H x W grey levels when asked for; longest side <= side
    pixels: np.ndarray = field(repr=False, compare=False)
    # What the derivation reads from the file: its format, a JPEG's tables and subsampling, and
    # its EXIF orientation (a turned JPEG's blocks lie on the stored grid, not the displayed one).
    format: str | None = None
    jpeg_quantization: tuple[tuple[int, ...], ...] | None = field(default=None, repr=False, compare=False)
    jpeg_subsampling: int | None = None
    orientation: int | None = None

    @property
    def full_size(self) -> bool:
        """The pixels are the file's own, not a reduced decode."""
        return self.pixels.shape[1] == self.width and self.pixels.shape[0] == self.height


def read_reduced(
    path: str | os.PathLike[str], *, side: int, max_pixels: int = DEFAULT_MAX_PIXELS, grey: bool = False,
) -> ReducedPicture:
    """Read ``path`` and decode it at no more than ``side`` pixels. Raises an ``EvidenceError``.

    ``grey``: brightness only (a JPEG's own luma, Y, which libjpeg then need not convert).
    """
    name = str(path)
    data = read_file_bytes(path)
    sha256 = hashlib.sha256(data).hexdigest()
    image, _ = open_checked(name, data, max_pixels)
    fmt = image.format or "unknown"
    stored_w, stored_h = image.size
    orientation = exif_orientation(image)
    tables, sampling = jpeg_tables(image) if fmt == "JPEG" else (None, None)
    pixels = None
    if fmt == "JPEG":
        scale: float | None = 1
        factor = side / max(stored_w, stored_h)
        if factor < 1:
            # draft() keeps both sides at least the requested size, so the longest side >= side.
            drafted = image.draft(None, (max(1, int(stored_w * factor)), max(1, int(stored_h * factor))))
            scale = stored_w / drafted[1][2] if drafted else None  # its box: the stored picture, scaled
        if scale and image.mode in ("RGB", "L"):
            pixels = _decode_jpeg(data, image.size, round(scale), orientation, grey)
    if pixels is None:
        pixels = _decode_with_pillow(name, image, fmt, orientation, len(data))
        if grey:
            pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)  # BT.601 luma, as a JPEG's Y
    pixels = np.ascontiguousarray(shrink_to_side(pixels, side))
    width, height = (stored_h, stored_w) if orientation in (5, 6, 7, 8) else (stored_w, stored_h)
    return ReducedPicture(sha256=sha256, file_size=len(data), width=width, height=height, pixels=pixels, format=fmt,
                          jpeg_quantization=tables, jpeg_subsampling=sampling, orientation=orientation)


def _decode_jpeg(
    data: bytes, size: tuple[int, int], scale: int, orientation: int | None, grey: bool,
) -> np.ndarray | None:
    """An RGB or grey JPEG decoded by libjpeg-turbo at 1/``scale`` straight into an array: the
    pixels Pillow gives at that scale (same library, same DCT and upsampling), without its
    block-by-block feeding and copies (a tenth of a 3-MP photo's time); ``grey``: its luma plane.
    None when libjpeg reports anything at all, warnings included: Pillow then decodes the file
    and decides, as ever."""
    try:
        pixels = simplejpeg.decode_jpeg(data, colorspace="GRAY" if grey else "RGB", min_factor=scale,
                                        min_width=size[0], min_height=size[1], strict=True)
    except ValueError:
        return None
    if grey:
        pixels = pixels.reshape(pixels.shape[:2])
    if pixels.shape[:2] != (size[1], size[0]):
        return None  # another scale than Pillow's draft chose: let Pillow do it
    return displayed(pixels, orientation)


def _decode_with_pillow(name: str, image: Image.Image, fmt: str, orientation: int | None, size: int) -> np.ndarray:
    if fmt == "JPEG":  # the whole file is in memory: hand it to libjpeg at once, not in 64 KB blocks
        image.decodermaxblock = max(image.decodermaxblock, size)
    try:
        with warnings.catch_warnings(), (quiet_stderr() if fmt == "TIFF" else contextlib.nullcontext()):
            warnings.simplefilter("ignore")
            image.load()  # libtiff prints its complaints on fd 2 itself; failures still raise
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        message = str(exc) or type(exc).__name__
        if "truncated" in message.lower() or isinstance(exc, EOFError):
            raise TruncatedImageError(name, f"truncated {fmt} data ({message})") from None
        raise DecodeError(name, f"{fmt} data cannot be decoded ({message})") from None
    if orientation and orientation != 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # corrupt EXIF chatter
            image = ImageOps.exif_transpose(image)
    rgb, _ = to_rgb8(image, image.info.get("icc_profile"), [])
    return rgb
