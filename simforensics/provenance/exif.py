"""EXIF, read by Pillow from the already opened image; UserComment decoded by its charset prefix."""

from __future__ import annotations

import math
import warnings
from typing import Any

from PIL import ExifTags, Image

from .limits import TAGS_MAX_COUNT, THUMBNAIL_MAX_BYTES
from .model import Exif
from .text import as_text, clip, plain

__all__ = ["decode_user_comment", "read_exif", "thumbnail_bytes"]

_EXIF_IFD, _GPS_IFD, _INTEROP_IFD = 0x8769, 0x8825, 0xA005
_USER_COMMENT = 0x9286
_THUMBNAIL_OFFSET, _THUMBNAIL_LENGTH = 0x0201, 0x0202  # IFD1: JPEGInterchangeFormat(Length)

# Tags that describe how the pixels are stored (TIFF layout, resolution), not where they came
# from: left out so that a plain TIFF does not count as "carrying metadata".
_STRUCTURAL = frozenset({
    254, 255, 256, 257, 258, 259, 262, 263, 266, 273, 277, 278, 279, 280, 281, 282, 283, 284,
    290, 291, 296, 317, 318, 319, 320, 322, 323, 324, 325, 338, 339, 340, 341, 513, 514,
    529, 530, 531, 532, _EXIF_IFD, _GPS_IFD, _INTEROP_IFD,
})

# EXIF 2.3, 4.6.5: the first 8 bytes of UserComment name its character code.
_UNICODE, _ASCII, _JIS, _UNDEFINED = b"UNICODE\x00", b"ASCII\x00\x00\x00", b"JIS\x00\x00\x00\x00\x00", b"\x00" * 8


def decode_user_comment(raw: Any, notes: list[str]) -> str | None:
    """UserComment as text. AUTOMATIC1111 writes UNICODE (UTF-16, big-endian, via piexif)."""
    if isinstance(raw, str):
        return raw.strip("\x00 ") or None
    if not isinstance(raw, bytes):
        notes.append(f"EXIF UserComment has an unexpected type ({type(raw).__name__}); not read")
        return None
    prefix, body = raw[:8], raw[8:]
    if prefix == _UNICODE:
        if len(body) % 2:
            notes.append("EXIF UserComment: UTF-16 text has an odd number of bytes; the last byte is ignored")
            body = body[:-1]
        if body[:2] in (b"\xfe\xff", b"\xff\xfe"):
            codec = "utf-16"
        else:
            # No byte-order mark: ASCII-range text has its zero bytes first in big-endian order.
            even_zeros = body[0::2].count(0)
            odd_zeros = body[1::2].count(0)
            codec = "utf-16-le" if odd_zeros > even_zeros else "utf-16-be"
        text = body.decode(codec, "replace")
        if "\ufffd" in text:
            notes.append("EXIF UserComment: invalid UTF-16 replaced by U+FFFD")
    elif prefix == _JIS:
        text = body.decode("shift_jis", "replace")
    elif prefix in (_ASCII, _UNDEFINED):
        text = body.decode("utf-8", "replace")
        if "\ufffd" in text:
            notes.append("EXIF UserComment: bytes that are not UTF-8 replaced by U+FFFD")
    else:
        notes.append("EXIF UserComment has no character-code prefix; read as UTF-8")
        text = raw.decode("utf-8", "replace")
    return text.strip("\x00 ") or None


def _mended(value: Any) -> Any:
    """A tag's text as it was written: Pillow reads EXIF's "ASCII" fields byte by byte (as
    Latin-1), and most tools write UTF-8 there ("古装女子肖像" read "å\x8f¤è£..."), so text whose
    bytes are valid UTF-8 is read as UTF-8; padding NULs at its end are dropped."""
    if not isinstance(value, str):
        return value
    text = value.rstrip("\x00")
    if text.isascii() or max(map(ord, text)) > 255:
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:  # Latin-1 indeed (or another code page, which the bytes do not name)
        return text


def _gps_degrees(ifd: dict[int, Any], value_tag: int, ref_tag: int, notes: list[str]) -> float | None:
    value, ref = ifd.get(value_tag), ifd.get(ref_tag)
    if value is None:
        return None
    try:
        degrees, minutes, seconds = (float(v) for v in value)
    except (TypeError, ValueError, ZeroDivisionError):
        notes.append(f"EXIF GPS: {ExifTags.GPSTAGS.get(value_tag, value_tag)} is not three numbers; not read")
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(result) or abs(result) > 180:
        notes.append("EXIF GPS: coordinate out of range; not read")
        return None
    return -result if str(ref).strip().upper() in ("S", "W") else result


def _ifd(exif: Image.Exif, tag: int, notes: list[str]) -> dict[int, Any]:
    try:
        return dict(exif.get_ifd(tag))
    except Exception as exc:  # noqa: BLE001 - a broken sub-directory is a note, not a failure
        notes.append(f"EXIF {ExifTags.TAGS.get(tag, hex(tag))} directory unreadable ({exc or type(exc).__name__})")
        return {}


def thumbnail_bytes(image: Image.Image, notes: list[str]) -> bytes | None:
    """The JPEG preview stored in the EXIF block's second directory (IFD1), as stored: cameras
    write one, and many editors keep it when they change the picture. Pillow reads the directory
    but not the bytes it points to (offsets from the block's TIFF header); they are cut from the
    raw block here. None when there is none; a damaged or oversized one is a note."""
    raw = image.info.get("exif")
    if not isinstance(raw, bytes):
        return None  # a TIFF's EXIF is its own directories, read by Pillow; no block to cut from
    try:
        ifd1 = dict(image.getexif().get_ifd(ExifTags.IFD.IFD1))
    except Exception:  # noqa: BLE001 - read_exif notes a broken block
        return None
    offset, length = ifd1.get(_THUMBNAIL_OFFSET), ifd1.get(_THUMBNAIL_LENGTH)
    if not isinstance(offset, int) or not isinstance(length, int) or length <= 0:
        return None
    tiff = raw[6:] if raw.startswith(b"Exif\x00\x00") else raw
    if length > THUMBNAIL_MAX_BYTES:
        notes.append(f"EXIF thumbnail of {length} bytes not read (over {THUMBNAIL_MAX_BYTES} bytes)")
        return None
    if offset < 8 or offset + length > len(tiff):
        notes.append(f"EXIF thumbnail points outside the EXIF block ({length} bytes at {offset} of {len(tiff)})")
        return None
    return tiff[offset : offset + length]


def read_exif(image: Image.Image, notes: list[str]) -> tuple[Exif | None, str | None]:
    """The EXIF block of any format Pillow reads it from (JPEG, PNG eXIf, WebP, TIFF, HEIF),
    and the full decoded UserComment (the model keeps it cut to TEXT_KEPT_CHARS)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exif = image.getexif()
            base = dict(exif)
        except Exception as exc:  # noqa: BLE001 - malformed EXIF must not stop the reading
            notes.append(f"EXIF unreadable ({exc or type(exc).__name__})")
            return None, None
        sub = _ifd(exif, _EXIF_IFD, notes) if _EXIF_IFD in base else {}
        gps = _ifd(exif, _GPS_IFD, notes) if _GPS_IFD in base else {}
    base, sub, gps = ({tag: _mended(value) for tag, value in ifd.items()} for ifd in (base, sub, gps))
    for warning in caught:
        notes.append(f"EXIF: {warning.message}")

    tags: list[tuple[str, str]] = []
    for group, ifd, names in (("IFD0", base, ExifTags.TAGS), ("Exif", sub, ExifTags.TAGS), ("GPS", gps, ExifTags.GPSTAGS)):
        for tag, value in ifd.items():
            if group == "IFD0" and tag in _STRUCTURAL or group == "Exif" and tag == _INTEROP_IFD:
                continue
            if group == "Exif" and tag == _USER_COMMENT:
                continue  # shown decoded below
            tags.append((f"{group}:{names.get(tag, hex(tag) if isinstance(tag, int) else str(tag))}", as_text(value)))
    if len(tags) > TAGS_MAX_COUNT:
        notes.append(f"EXIF holds {len(tags)} tags; the first {TAGS_MAX_COUNT} are listed")
        tags = tags[:TAGS_MAX_COUNT]
    user_comment = decode_user_comment(sub[_USER_COMMENT], notes) if _USER_COMMENT in sub else None
    if not tags and user_comment is None:
        raw = image.info.get("exif")
        if isinstance(raw, bytes) and len(raw) > 6:
            notes.append(f"EXIF block of {len(raw)} bytes holds no readable tag (damaged, or not EXIF)")
        return None, None
    latitude = _gps_degrees(gps, 2, 1, notes)
    longitude = _gps_degrees(gps, 4, 3, notes)
    exif_facts = Exif(
        make=plain(base.get(0x010F)), model=plain(base.get(0x0110)),
        lens=plain(sub.get(0xA434)), serial_number=plain(sub.get(0xA431)),
        software=plain(base.get(0x0131)), host_computer=plain(base.get(0x013C)),
        artist=plain(base.get(0x013B)), copyright=plain(base.get(0x8298)),
        description=plain(base.get(0x010E)),
        datetime=plain(base.get(0x0132)), datetime_original=plain(sub.get(0x9003)),
        datetime_digitized=plain(sub.get(0x9004)),
        user_comment=clip(user_comment)[0] if user_comment else None,
        gps=(latitude, longitude) if latitude is not None and longitude is not None else None,
        tags=tuple(tags),
        thumbnail=thumbnail_bytes(image, notes),
    )
    return exif_facts, user_comment
