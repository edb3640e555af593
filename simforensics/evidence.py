"""Read one file, safely, into an 8-bit RGB picture as displayed, with its identity.

The file is opened read-only, read once into memory, and both the SHA-256 and the decoded
pixels come from those same bytes, so the hash always describes what was measured even if the
file changes on disk during the run. Nothing here writes anywhere.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import os
import stat
import struct
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageOps

from .errors import (
    DecodeError,
    EmptyFileError,
    FileAccessError,
    ImageTooLargeError,
    NotAnImageError,
    TruncatedImageError,
)
from .quiet import quiet_stderr
from .thresholds import (
    DEFAULT_MAX_PIXELS,  # where the limit and its reason live; re-exported
)

if TYPE_CHECKING:
    from .provenance import Provenance

__all__ = ["DEFAULT_MAX_PIXELS", "SUPPORTED_FORMATS", "Evidence", "displayed", "exif_orientation", "jpeg_tables",
           "load_evidence", "open_checked", "stored", "to_rgb8"]


# Only raster formats with decoders inside Pillow or pillow-heif (JPEG covers multi-picture MPO).
# EPS is left out on purpose: Pillow hands it to Ghostscript, which executes PostScript.
SUPPORTED_FORMATS = (
    "JPEG", "PNG", "WEBP", "TIFF", "BMP", "DIB", "GIF",
    "HEIF", "AVIF", "JPEG2000", "PPM", "TGA", "PSD",
)


# Pillow's own bomb check reads a module-wide limit during open(); we apply ours instead, from
# the header, and hold this lock while Pillow's is lifted so no other thread sees the change.
_PILLOW_LIMIT_LOCK = threading.Lock()

_EXIF_ORIENTATION_TAG = 0x0112
_WHITE = (255, 255, 255, 255)


# The opening bytes of the usual video containers, to say what a file that is no picture is.
_ISO_VIDEO_BRANDS = (b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"qt  ",
                     b"3gp4", b"3gp5", b"3gp6", b"3g2a", b"dash", b"MSNV", b"f4v ")


def _video_container(data: bytes) -> str | None:
    """The container of a video file, from its first bytes; None for anything else."""
    if data[4:8] == b"ftyp" and data[8:12] in _ISO_VIDEO_BRANDS:
        return "MP4" if data[8:12] != b"qt  " else "QuickTime"
    if data[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "QuickTime"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "WebM" if b"webm" in data[:64] else "Matroska"
    if data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return "AVI"
    if data[:3] == b"FLV":
        return "FLV"
    if len(data) > 376 and data[0] == data[188] == data[376] == 0x47:
        return "MPEG transport stream"
    return None


def _formats_for(data: bytes) -> tuple[str, ...]:
    """The formats to try on ``data``, in SUPPORTED_FORMATS' order, with Pillow ready to test them
    and loading no more than that needs (call with _PILLOW_LIMIT_LOCK held).

    Pillow imports all of its ~40 format plugins the first time a format it is asked for is not
    loaded yet; its five common ones loaded first (JPEG and PNG among them, the first two we ask
    for) spare the rest for those files. pillow-heif is loaded only for an ISO base media file
    ("ftyp" at byte 4), the only kind its opener accepts, and HEIF is left out of the formats
    tried on any other file (Pillow refuses a format it has no plugin for). The formats are tried
    in the same order with the same tests either way: the same result, about 0.03 s sooner."""
    Image.preinit()
    if data[4:8] != b"ftyp":
        return tuple(f for f in SUPPORTED_FORMATS if f != "HEIF")
    if "HEIF" not in Image.OPEN:
        import pillow_heif

        pillow_heif.register_heif_opener()
    return SUPPORTED_FORMATS


@dataclass(frozen=True)
class Evidence:
    """One input file: its identity, how it was decoded, and its pixels (H x W x 3, uint8 RGB).

    ``width`` and ``height`` are as displayed, after EXIF orientation. ``notes`` records every
    conversion that changed what the decoder produced (first frame of many, alpha flattened,
    16-bit reduced, CMYK through ICC, ...), in words, for the report. ``provenance`` (metadata,
    AI-generation records, C2PA) is read from the same bytes when asked for.
    """

    path: str
    sha256: str
    file_size: int
    format: str
    mode: str
    width: int
    height: int
    stored_width: int
    stored_height: int
    exif_orientation: int | None
    bits_per_channel: int | None
    has_alpha: bool
    uses_transparency: bool
    frame_count: int
    icc_profile: str | None
    notes: tuple[str, ...]
    file_modified: str  # the file system's modification time, UTC, ISO 8601 (a fact of this copy of the file)
    rgb: np.ndarray = field(repr=False, compare=False)
    provenance: Provenance | None = field(default=None, repr=False, compare=False)
    # A JPEG's quantisation tables and chroma subsampling (Pillow's code), for the derivation's
    # compression cues; None for other formats, and for a JPEG turned by its EXIF orientation
    # (its 8 x 8 grid is then not the displayed pixels' grid).
    jpeg_quantization: tuple[tuple[int, ...], ...] | None = field(default=None, repr=False, compare=False)
    jpeg_subsampling: int | None = field(default=None, repr=False, compare=False)
    # The alpha channel (uint8, as displayed) of a picture with transparent pixels; None otherwise.
    # ``rgb`` is composited on white; the comparison may show those pixels on another colour.
    alpha: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def pixels(self) -> int:
        return self.width * self.height

    def summary(self) -> dict[str, object]:
        """The evidence facts as plain JSON-ready values (no pixels)."""
        return {
            "path": self.path,
            "sha256": self.sha256,
            "file_size": self.file_size,
            "format": self.format,
            "mode": self.mode,
            "width": self.width,
            "height": self.height,
            "stored_width": self.stored_width,
            "stored_height": self.stored_height,
            "exif_orientation": self.exif_orientation,
            "bits_per_channel": self.bits_per_channel,
            "has_alpha": self.has_alpha,
            "uses_transparency": self.uses_transparency,
            "frame_count": self.frame_count,
            "icc_profile": self.icc_profile,
            "notes": list(self.notes),
            "file_modified": self.file_modified,
        }


def read_file_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a regular file's bytes without ever blocking on a FIFO or device, or writing."""
    return read_file(path)[0]


def read_file(path: str | os.PathLike[str]) -> tuple[bytes, os.stat_result]:
    """``read_file_bytes`` with the file's status, taken from the same open file."""
    name = str(path)
    try:
        # O_NONBLOCK: opening a FIFO for reading must not wait for a writer; fstat then refuses it.
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise FileAccessError(name, "no such file") from None
    except IsADirectoryError:
        raise FileAccessError(name, "is a directory, not an image file") from None
    except PermissionError:
        raise FileAccessError(name, "permission denied") from None
    except OSError as exc:
        raise FileAccessError(name, f"cannot open: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise FileAccessError(name, "is a directory, not an image file")
        if not stat.S_ISREG(st.st_mode):
            raise FileAccessError(name, "not a regular file (FIFO, socket or device); not opened")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read()
        except OSError as exc:
            raise FileAccessError(name, f"read failed: {exc.strerror or exc}") from None
    if not data:
        raise EmptyFileError(name, "empty file (0 bytes)")
    return data, st


def _pixels_words(count: int) -> str:
    """262,144 as "262,144 pixels", 250,000,000 as "250 megapixels" (rounded only where it cannot
    hide the comparison: "0 megapixels exceeds the limit of 0 megapixels" read a 512-px picture
    against --max-pixels 100)."""
    return f"{count / 1e6:,.0f} megapixels" if count >= 10_000_000 else f"{count:,} pixels"


def load_evidence(
    path: str | os.PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS, with_provenance: bool = False
) -> Evidence:
    """Read ``path`` as evidence. Raises an ``EvidenceError`` naming the file and the reason.

    ``with_provenance`` also reads the metadata (provenance.py) from the same bytes; a scan that
    only needs pixels leaves it off.
    """
    return _decode(_identify(path, max_pixels), with_provenance)


@dataclass
class _Identified:
    """A file read once and identified from its header, not yet decoded."""

    name: str
    data: bytes
    sha256: str
    modified: str  # the file's modification time, ISO 8601 UTC
    image: Image.Image  # opened, pixels not loaded
    format: str
    stored_mode: str
    stored_size: tuple[int, int]
    frame_count: int
    icc_bytes: bytes | None
    icc_name: str | None
    orientation: int | None
    bits: int | None
    notes: list[str]


def _identify(path: str | os.PathLike[str], max_pixels: int) -> _Identified:
    """Read the bytes, hash them, and learn from the header what the file is (refusing a bomb)."""
    name = str(path)
    data, status = read_file(path)
    image, notes = open_checked(name, data, max_pixels)
    fmt = image.format or "unknown"
    try:
        frame_count = int(getattr(image, "n_frames", 1) or 1)
    except Exception as exc:  # noqa: BLE001 - Pillow walks the frames to count them; a damaged file may raise anything
        frame_count = 1
        notes.append(f"{fmt} frame count unreadable ({type(exc).__name__}); the first frame is used")
    if frame_count > 1:
        notes.append(f"{fmt} holds {frame_count} frames; the first frame is used (`simforensics video` compares "
                     "every frame with pictures)")
    icc_bytes = image.info.get("icc_profile")
    bits = _bits_per_channel(image, data)
    if bits and bits > 8 and image.mode in ("RGB", "RGBA"):
        notes.append(f"{bits}-bit channels reduced to 8 bits by the decoder")
    return _Identified(
        name=name, data=data, sha256=hashlib.sha256(data).hexdigest(),
        modified=dt.datetime.fromtimestamp(status.st_mtime, dt.UTC).isoformat(timespec="seconds"),
        image=image, format=fmt, stored_mode=image.mode, stored_size=image.size, frame_count=frame_count,
        icc_bytes=icc_bytes, icc_name=_icc_description(icc_bytes) if icc_bytes else None,
        orientation=exif_orientation(image), bits=bits, notes=notes,
    )


def _decode(file: _Identified, with_provenance: bool) -> Evidence:
    """Decode an identified file to 8-bit RGB as displayed, noting every conversion."""
    name, fmt, image, notes = file.name, file.format, file.image, file.notes
    try:
        # libtiff prints its complaints on fd 2 itself; failures still raise below.
        with warnings.catch_warnings(), (quiet_stderr() if fmt == "TIFF" else contextlib.nullcontext()):
            warnings.simplefilter("ignore")  # decoder chatter; failures raise below
            image.load()
    except (OSError, SyntaxError, ValueError, EOFError, IndexError) as exc:
        message = str(exc) or type(exc).__name__
        if "truncated" in message.lower() or isinstance(exc, EOFError):
            raise TruncatedImageError(name, f"truncated {fmt} data ({message})") from None
        raise DecodeError(name, f"{fmt} data cannot be decoded ({message})") from None

    if fmt == "PNG":
        structure_problem = _png_structure_problem(file.data)
        if structure_problem:
            notes.append(f"PNG structure check: {structure_problem}; all pixel data decoded")

    provenance = None
    if with_provenance:
        # The metadata readers are imported only when asked for (a scan needs pixels only).
        from .provenance import read_provenance

        provenance = read_provenance(file.data, image, icc_description=file.icc_name)

    # A turned JPEG's tables are its own too; its blocks lie on the stored grid (evidence.stored).
    quantization, subsampling = jpeg_tables(image) if fmt == "JPEG" else (None, None)
    if file.orientation and file.orientation != 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # corrupt EXIF chatter: provenance notes it
            image = ImageOps.exif_transpose(image)
        notes.append(f"EXIF orientation {file.orientation} applied")

    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode in ("P", "L", "RGB", "1") and "transparency" in image.info
    )
    rgb, uses_transparency = to_rgb8(image, file.icc_bytes, notes)
    alpha = np.asarray(image.convert("RGBA").getchannel("A")) if uses_transparency else None
    if has_alpha:
        notes.append(
            "alpha channel composited on white"
            + ("" if uses_transparency else " (fully opaque)")
        )
    height, width = rgb.shape[:2]
    return Evidence(
        path=name,
        sha256=file.sha256,
        file_size=len(file.data),
        format=fmt,
        mode=file.stored_mode,
        width=width,
        height=height,
        stored_width=file.stored_size[0],
        stored_height=file.stored_size[1],
        exif_orientation=file.orientation,
        bits_per_channel=file.bits,
        has_alpha=has_alpha,
        uses_transparency=uses_transparency,
        frame_count=file.frame_count,
        icc_profile=file.icc_name,
        notes=tuple(notes),
        file_modified=file.modified,
        rgb=rgb,
        provenance=provenance,
        jpeg_quantization=quantization,
        jpeg_subsampling=subsampling,
        alpha=alpha,
    )


def jpeg_tables(image: Image.Image) -> tuple[tuple[tuple[int, ...], ...] | None, int | None]:
    """A JPEG's quantisation tables (as Pillow reads them) and its chroma subsampling code."""
    from PIL import JpegImagePlugin

    raw = getattr(image, "quantization", None) or {}
    tables = tuple(tuple(int(v) for v in raw[k]) for k in sorted(raw)) or None
    sampling = JpegImagePlugin.get_sampling(image)
    return tables, (sampling if sampling in (0, 1, 2) else None)


def _quiet_open(data: bytes, formats: tuple[str, ...]) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow warns, on stderr, about a corrupt EXIF block while opening a JPEG; the picture
        # is still fine, and provenance reports the damaged block in a note.
        warnings.simplefilter("ignore")
        return Image.open(io.BytesIO(data), formats=formats)


def open_checked(name: str, data: bytes, max_pixels: int) -> tuple[Image.Image, list[str]]:
    """Identify the format from the content and refuse oversized images from the header."""
    notes: list[str] = []
    with _PILLOW_LIMIT_LOCK:
        formats = _formats_for(data)
        saved_limit = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        try:
            try:
                image = _quiet_open(data, formats)
            except (ValueError, SyntaxError, Image.UnidentifiedImageError) as exc:
                # Pillow refuses a whole PNG over one bad text chunk (decompressing past its 1 MB
                # limit, a damaged CRC). Text chunks hold no pixels: decode a copy without them,
                # in memory, and say so; provenance reads the chunks from the original bytes.
                from .provenance.png_text import without_text_chunks

                stripped = without_text_chunks(data)
                if stripped == data:
                    raise
                image = _quiet_open(stripped, formats)
                notes.append(f"PNG text chunks refused by the decoder ({exc}); pixels decoded without them")
        except Image.UnidentifiedImageError:
            if (container := _video_container(data)) is not None:
                raise NotAnImageError(
                    name, f"a video ({container}), not a still picture: `simforensics video` finds which of its "
                    "spans derive from pictures"
                ) from None
            raise NotAnImageError(
                name, "not a recognised image (supported: " + ", ".join(SUPPORTED_FORMATS) + ")"
            ) from None
        except (OSError, SyntaxError, ValueError, EOFError, struct.error) as exc:
            message = str(exc) or type(exc).__name__
            if "truncated" in message.lower() or isinstance(exc, EOFError):
                raise TruncatedImageError(name, f"truncated image header ({message})") from None
            raise DecodeError(name, f"image header cannot be read ({message})") from None
        finally:
            Image.MAX_IMAGE_PIXELS = saved_limit
    width, height = image.size
    if width <= 0 or height <= 0:
        raise DecodeError(name, f"image header gives an empty size {width} x {height}")
    if width * height > max_pixels:
        raise ImageTooLargeError(
            name,
            f"{width} x {height} = {_pixels_words(width * height)} exceeds the limit of "
            f"{_pixels_words(max_pixels)} (raise it with --max-pixels); not decoded",
            width, height,
        )
    return image, notes


# EXIF orientation -> the array operation of the Pillow transpose ImageOps.exif_transpose applies
# (stored pixels -> displayed), and its inverse (displayed -> stored: a JPEG's 8 x 8 blocks lie on
# the stored grid).
_TO_DISPLAYED: dict[int, Callable[[np.ndarray], np.ndarray]] = {
    2: lambda a: a[:, ::-1],  # FLIP_LEFT_RIGHT
    3: lambda a: a[::-1, ::-1],  # ROTATE_180
    4: lambda a: a[::-1],  # FLIP_TOP_BOTTOM
    5: lambda a: a.swapaxes(0, 1),  # TRANSPOSE
    6: lambda a: np.rot90(a, -1),  # ROTATE_270 (Pillow turns counter-clockwise)
    7: lambda a: a[::-1, ::-1].swapaxes(0, 1),  # TRANSVERSE
    8: lambda a: np.rot90(a, 1),  # ROTATE_90
}
# Each is its own inverse but the quarter turns, which turn back the other way.
_TO_STORED = {**_TO_DISPLAYED, 6: _TO_DISPLAYED[8], 8: _TO_DISPLAYED[6]}


def displayed(pixels: np.ndarray, orientation: int | None) -> np.ndarray:
    """A file's stored pixels as displayed under its EXIF ``orientation`` (as is for none or 1)."""
    return np.ascontiguousarray(_TO_DISPLAYED[orientation](pixels)) if orientation in _TO_DISPLAYED else pixels


def stored(pixels: np.ndarray, orientation: int | None) -> np.ndarray:
    """Displayed pixels back on the file's stored grid under its EXIF ``orientation``."""
    return np.ascontiguousarray(_TO_STORED[orientation](pixels)) if orientation in _TO_STORED else pixels


def exif_orientation(image: Image.Image) -> int | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # corrupt EXIF: provenance notes it
            value = image.getexif().get(_EXIF_ORIENTATION_TAG)
    except Exception:  # noqa: BLE001 - a malformed EXIF block must not stop intake
        return None
    return int(value) if isinstance(value, int) and 1 <= value <= 8 else None


def _bits_per_channel(image: Image.Image, data: bytes) -> int | None:
    """Bit depth as stored in the file, where the format states it plainly."""
    if image.format == "PNG" and len(data) > 24:
        return data[24]  # IHDR bit depth: 8-byte signature, 4 length, 4 type, 8 size
    if image.format == "TIFF":
        bits = getattr(image, "tag_v2", {}).get(258)
        if isinstance(bits, tuple) and bits:
            return int(bits[0])
        if isinstance(bits, int):
            return bits
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N"):
        return 16
    if image.mode in ("1",):
        return 1
    if image.mode in ("L", "P", "RGB", "RGBA", "CMYK", "LA", "YCbCr"):
        return 8
    return None


def _icc_description(icc: bytes) -> str:
    from PIL import ImageCms  # only for a picture with a profile (10 ms of loading)

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.getProfileDescription(profile).strip() or "embedded ICC profile"
    except Exception:  # noqa: BLE001 - an unreadable profile is a fact to record, not a failure
        return "embedded ICC profile (unreadable)"


def _png_structure_problem(data: bytes) -> str | None:
    """Pillow decodes a PNG whose IEND chunk or CRCs are damaged; say so instead of hiding it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Image.open(io.BytesIO(data), formats=("PNG",)).verify()
    except Exception as exc:  # noqa: BLE001 - any failure is the finding
        return str(exc) or type(exc).__name__
    return None


def to_rgb8(image: Image.Image, icc: bytes | None, notes: list[str]) -> tuple[np.ndarray, bool]:
    """Convert any decoded mode to H x W x 3 uint8 RGB; returns (rgb, any pixel transparent)."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        values = np.asarray(image).astype(np.float64)
        # 16-bit grey spans 0..65535; Pillow's convert("L") would clip it, not scale it.
        scale = 65535.0 if values.max(initial=0) > 255 or mode.startswith("I;16") else 255.0
        grey = np.clip(np.rint(values * (255.0 / scale)), 0, 255).astype(np.uint8)
        notes.append(f"{mode} grey reduced to 8 bits")
        return np.repeat(grey[:, :, None], 3, axis=2), False
    if mode == "F":
        values = np.asarray(image).astype(np.float64)
        scale = 255.0 if values.max(initial=0) <= 1.0 else 1.0
        grey = np.clip(np.rint(values * scale), 0, 255).astype(np.uint8)
        notes.append("floating-point grey reduced to 8 bits")
        return np.repeat(grey[:, :, None], 3, axis=2), False
    if mode == "CMYK":
        if icc:
            from PIL import ImageCms

            try:
                source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
                srgb = ImageCms.createProfile("sRGB")
                converted = ImageCms.profileToProfile(image, source, srgb, outputMode="RGB")
                if converted is not None:
                    notes.append("CMYK converted to sRGB through the embedded ICC profile")
                    return _pixels(converted), False
            except (ImageCms.PyCMSError, OSError, ValueError) as exc:
                notes.append(f"embedded ICC profile unusable ({exc}); naive CMYK conversion")
        else:
            notes.append("CMYK without an ICC profile; naive CMYK conversion")
        return _pixels(image.convert("RGB")), False
    if mode == "P" or mode == "PA" or "transparency" in image.info or mode in ("LA", "La", "RGBa"):
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode == "RGBA":
        alpha = np.asarray(image.getchannel("A"))
        uses_transparency = bool((alpha < 255).any())
        background = Image.new("RGBA", image.size, _WHITE)
        flat = Image.alpha_composite(background, image).convert("RGB")
        return _pixels(flat), uses_transparency
    if mode != "RGB":
        image = image.convert("RGB")
    return _pixels(image), False


def _pixels(image: Image.Image) -> np.ndarray:
    """The RGB pixels as a read-only array. Pillow hands numpy a bytes copy of its buffer, which
    is already ours: copying it again would cost a tenth of a second on a 12-MP picture, and
    read-only pixels cannot be altered by mistake further down."""
    return np.asarray(image, dtype=np.uint8)
