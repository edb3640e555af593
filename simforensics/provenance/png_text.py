"""PNG text chunks (tEXt, zTXt, iTXt), read from the file's bytes.

Pillow reads these too, but for evidence it drops or refuses too quietly: an iTXt chunk with
invalid UTF-8 disappears without a word, a zTXt chunk larger than 1 MB after decompression makes
the whole image unreadable, and a damaged CRC is not reported. This walk over the chunk list is
short, bounded (limits.py) and says in a note what it could not read.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from .limits import TAGS_MAX_COUNT, TEXT_CHUNK_MAX_BYTES, TEXT_TOTAL_MAX_BYTES
from .model import TextChunk
from .text import clip, decode_utf8

__all__ = ["PNG_SIGNATURE", "PngText", "read_png_text", "without_text_chunks"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_TYPES = (b"tEXt", b"zTXt", b"iTXt")
XMP_KEYWORD = "XML:com.adobe.xmp"


@dataclass(frozen=True)
class PngText:
    chunks: tuple[TextChunk, ...]
    full_texts: dict[str, str]  # keyword -> full text (first chunk of that keyword), for parsers
    xmp: bytes | None
    notes: tuple[str, ...]


def _inflate(data: bytes, where: str, notes: list[str]) -> bytes | None:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, TEXT_CHUNK_MAX_BYTES + 1)
    except zlib.error as exc:
        notes.append(f"{where}: compressed text is not valid zlib data ({exc}); not read")
        return None
    if len(out) > TEXT_CHUNK_MAX_BYTES:
        notes.append(
            f"{where}: decompresses to more than {TEXT_CHUNK_MAX_BYTES // (1024 * 1024)} MB "
            "(a decompression bomb or an oversized record); not read"
        )
        return None
    if not inflater.eof:
        notes.append(f"{where}: compressed text ends early; the part that decompressed is shown")
    return out


def _latin1_or_utf8(raw: bytes, where: str, notes: list[str]) -> str:
    """tEXt/zTXt are Latin-1 by the PNG standard, but some tools write UTF-8 there."""
    if raw.isascii():
        return raw.decode("ascii")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
    notes.append(f"{where}: holds UTF-8 (the PNG standard says Latin-1); read as UTF-8")
    return text


def _keyword(raw: bytes) -> str:
    return raw.decode("latin-1")[:79] or "(empty keyword)"


def _parse_chunk(kind: bytes, body: bytes, notes: list[str]) -> tuple[str, str | None, dict[str, str]] | None:
    """(keyword, text or None, extra fields) for one text chunk; None when it has no keyword."""
    name = kind.decode("ascii")
    keyword_raw, sep, rest = body.partition(b"\x00")
    keyword = _keyword(keyword_raw)
    where = f"PNG {name} '{keyword}'"
    if not sep:
        notes.append(f"PNG {name} chunk of {len(body)} bytes has no keyword separator; not read")
        return None
    if kind == b"tEXt":
        return keyword, _latin1_or_utf8(rest, where, notes), {}
    if kind == b"zTXt":
        if not rest or rest[0] != 0:
            notes.append(f"{where}: unknown compression method; not read")
            return keyword, None, {}
        raw = _inflate(rest[1:], where, notes)
        return keyword, None if raw is None else _latin1_or_utf8(raw, where, notes), {}
    # iTXt: compression flag, method, language \0 translated keyword \0 text (UTF-8)
    if len(rest) < 2:
        notes.append(f"{where}: iTXt header is cut short; not read")
        return keyword, None, {}
    compressed, method, rest = rest[0], rest[1], rest[2:]
    language, sep1, rest = rest.partition(b"\x00")
    translated, sep2, raw = rest.partition(b"\x00")
    if not (sep1 and sep2):
        notes.append(f"{where}: iTXt header is incomplete; not read")
        return keyword, None, {}
    extra = {
        "language": decode_utf8(language, where + " language tag", notes),
        "translated_keyword": decode_utf8(translated, where + " translated keyword", notes),
    }
    if compressed:
        if method != 0:
            notes.append(f"{where}: unknown compression method {method}; not read")
            return keyword, None, extra
        inflated = _inflate(raw, where, notes)
        if inflated is None:
            return keyword, None, extra
        raw = inflated
    return keyword, decode_utf8(raw, where, notes), extra


def read_png_text(data: bytes) -> PngText:
    """Every text chunk of a PNG, in file order, with notes on damaged or oversized ones."""
    notes: list[str] = []
    chunks: list[TextChunk] = []
    full: dict[str, str] = {}
    xmp: bytes | None = None
    if not data.startswith(PNG_SIGNATURE):
        return PngText((), {}, None, ("not a PNG signature; text chunks not read",))
    position, total, seen_image_data, ended = len(PNG_SIGNATURE), 0, False, False
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        body_start, body_end = position + 8, position + 8 + length
        if body_end + 4 > len(data):
            if kind in _TEXT_TYPES:
                notes.append(f"PNG {kind.decode('latin-1')} chunk is cut short by the end of the file; not read")
            break
        position = body_end + 4
        if kind == b"IDAT":
            seen_image_data = True
        elif kind == b"IEND":
            ended = True
            break
        if kind not in _TEXT_TYPES:
            continue
        body = data[body_start:body_end]
        if len(chunks) >= TAGS_MAX_COUNT:
            notes.append(f"more than {TAGS_MAX_COUNT} text chunks; the rest are not read")
            break
        total += length
        if total > TEXT_TOTAL_MAX_BYTES:
            notes.append(f"text chunks exceed {TEXT_TOTAL_MAX_BYTES // (1024 * 1024)} MB in all; the rest are not read")
            break
        stored_crc = struct.unpack(">I", data[body_end : body_end + 4])[0]
        parsed = _parse_chunk(kind, body, notes)
        if parsed is None:
            continue
        keyword, text, extra = parsed
        if stored_crc != zlib.crc32(kind + body) & 0xFFFFFFFF:
            notes.append(f"PNG {kind.decode()} '{keyword}': CRC does not match (chunk damaged or edited); read anyway")
        if text is None:
            continue
        if keyword == XMP_KEYWORD:
            xmp = xmp or text.encode("utf-8")
            continue
        kept, cut = clip(text)
        chunks.append(TextChunk(
            chunk=kind.decode(), keyword=keyword, text=kept, length=len(text), truncated=cut,
            language=extra.get("language") or None, translated_keyword=extra.get("translated_keyword") or None,
            after_image_data=seen_image_data,
        ))
        if keyword in full:
            notes.append(f"PNG text keyword '{keyword}' appears more than once; the first is parsed")
        else:
            full[keyword] = text
    if ended and position < len(data):
        notes.append(f"{len(data) - position} bytes follow the PNG end chunk (IEND): data appended to the file")
    return PngText(tuple(chunks), full, xmp, tuple(notes))


def without_text_chunks(data: bytes) -> bytes:
    """The same PNG bytes less its text chunks, which hold no pixels: lets the decoder read a
    picture whose metadata it refuses (a zTXt bomb before the image data). Memory only."""
    if not data.startswith(PNG_SIGNATURE):
        return data
    kept = [PNG_SIGNATURE]
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = min(len(data), position + 12 + length)
        if kind not in _TEXT_TYPES:
            kept.append(data[position:end])
        position = end
    kept.append(data[position:])
    return b"".join(kept)
