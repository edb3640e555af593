"""Decode only what a scan needs: a reduced-size picture, with the file's identity.

JPEGs are decoded by libjpeg at 1/2, 1/4 or 1/8 of their size (Pillow's ``Image.draft``), the
smallest scale that still gives ``side`` pixels on the longest side; other formats are decoded
whole and shrunk. The same safety rules as ``evidence.load_evidence`` apply (read-only, FIFOs
never opened, size limit from the header, truncation refused), through its own helpers.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import warnings
from dataclasses import dataclass, field

import numpy as np
from PIL import ImageOps

from ..errors import DecodeError, TruncatedImageError
from ..evidence import (
    DEFAULT_MAX_PIXELS,
    exif_orientation,
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
    rgb: np.ndarray = field(repr=False, compare=False)  # H x W x 3 uint8, longest side <= side


def read_reduced(path: str | os.PathLike[str], *, side: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> ReducedPicture:
    """Read ``path`` and decode it at no more than ``side`` pixels. Raises an ``EvidenceError``."""
    name = str(path)
    data = read_file_bytes(path)
    sha256 = hashlib.sha256(data).hexdigest()
    image, _ = open_checked(name, data, max_pixels)
    fmt = image.format or "unknown"
    stored_w, stored_h = image.size
    orientation = exif_orientation(image)
    if fmt == "JPEG":
        factor = side / max(stored_w, stored_h)
        if factor < 1:
            # draft() keeps both sides at least the requested size, so the longest side >= side.
            image.draft(None, (max(1, int(stored_w * factor)), max(1, int(stored_h * factor))))
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
    rgb = np.ascontiguousarray(shrink_to_side(rgb, side))
    width, height = (stored_h, stored_w) if orientation in (5, 6, 7, 8) else (stored_w, stored_h)
    return ReducedPicture(sha256=sha256, file_size=len(data), width=width, height=height, rgb=rgb)
