"""Provenance: what a file says about where it came from, read without writing anything.

``read_provenance`` takes the bytes and the Pillow image that evidence intake already holds (the
file is read once) and returns a ``Provenance``: EXIF, XMP (with IPTC DigitalSourceType), IPTC,
ICC, comments, PNG text chunks, parsed AI-generation records (AUTOMATIC1111/Forge, ComfyUI,
NovelAI, InvokeAI) and C2PA content credentials. Every reader survives hostile input: what it
cannot read becomes a note.

Libraries: Pillow for EXIF, IPTC, ICC and XMP packets, defusedxml to parse XMP, c2pa-python for
C2PA. The generation records are parsed here, not with sd-parsers 0.6 (the one maintained
parser): it caches the EXIF UserComment in a module global keyed by ``id(image)``, so a plain
JPEG read after an AUTOMATIC1111 JPEG can be given the first file's record when Python reuses
the id (reproduced; fatal when comparing two files), it reads a ComfyUI graph only when both
``prompt`` and ``workflow`` are present, splits settings on every ':' and ',' (quoted values
break), and does not list LoRAs.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

from PIL import Image

from .a1111 import looks_like_a1111, parse_a1111
from .comfyui import parse_comfyui
from .content_credentials import TRUST_NOTE, read_content_credentials
from .exif import read_exif
from .iptc import read_iptc
from .model import (
    AI_SOURCE_TYPES,
    C2paAction,
    C2paIngredient,
    ContentCredentials,
    Exif,
    GenerationRecord,
    Lora,
    Provenance,
    TextChunk,
    ValidationCode,
    Xmp,
    XmpEvent,
    describe_source_type,
)
from .novelai_invokeai import parse_invokeai, parse_novelai
from .png_text import read_png_text
from .text import as_text
from .xmp import read_xmp

__all__ = [
    "AI_SOURCE_TYPES",
    "TRUST_NOTE",
    "C2paAction",
    "C2paIngredient",
    "ContentCredentials",
    "Exif",
    "GenerationRecord",
    "Lora",
    "Provenance",
    "TextChunk",
    "ValidationCode",
    "Xmp",
    "XmpEvent",
    "describe_source_type",
    "read_provenance",
]

T = TypeVar("T")


def _guarded(section: str, notes: list[str], default: T, read: Callable[[], T]) -> T:
    """Run one reader; an unexpected failure costs that section only, and is said."""
    try:
        return read()
    except Exception as exc:  # noqa: BLE001 - hostile metadata must never stop the examination
        notes.append(f"{section}: reader failed on this file ({type(exc).__name__}: {as_text(str(exc), 200)}); section skipped")
        return default


def _xmp_packet(image: Image.Image) -> bytes | None:
    value: Any = image.info.get("xmp")
    if value is None and image.format == "TIFF":
        value = getattr(image, "tag_v2", {}).get(700)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, tuple):  # TIFF may hand the bytes over as a tuple of ints
        try:
            return bytes(value)
        except (TypeError, ValueError):
            return None
    return value if isinstance(value, bytes) else None


def _icc_copyright(image: Image.Image) -> str | None:
    icc = image.info.get("icc_profile")
    if not icc:
        return None
    from PIL import ImageCms  # only for a picture with a profile (10 ms of loading)

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.getProfileCopyright(profile).strip() or None
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def _comments(image: Image.Image) -> tuple[str, ...]:
    raw = image.info.get("comment")
    if isinstance(raw, bytes):
        text = raw.decode("utf-8", "replace").strip("\x00 \r\n")
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        return ()
    return (as_text(text),) if text else ()


def _generation_records(chunks: dict[str, str], user_comment: str | None, notes: list[str]) -> tuple[GenerationRecord, ...]:
    records: list[GenerationRecord | None] = []
    if "parameters" in chunks:
        records.append(parse_a1111(chunks["parameters"], "PNG text 'parameters'", notes))
    if "prompt" in chunks or "workflow" in chunks:
        records.append(parse_comfyui(chunks, notes))
    if chunks.get("Software", "").strip().lower().startswith("novelai"):
        records.append(parse_novelai(chunks, notes))
    if {"invokeai_metadata", "sd-metadata", "Dream"} & chunks.keys():
        records.append(parse_invokeai(chunks, notes))
    if user_comment and looks_like_a1111(user_comment):
        records.append(parse_a1111(user_comment, "EXIF UserComment", notes))
    return tuple(r for r in records if r is not None)


def read_provenance(data: bytes, image: Image.Image, *, icc_description: str | None = None) -> Provenance:
    """Everything ``image`` (opened by Pillow from ``data``) says about its origin."""
    notes: list[str] = []
    image_format = image.format or "unknown"
    exif, user_comment = _guarded("EXIF", notes, (None, None), lambda: read_exif(image, notes))
    chunks: tuple[TextChunk, ...] = ()
    full_texts: dict[str, str] = {}
    xmp_packet: bytes | None = None
    if image_format == "PNG":
        png = _guarded("PNG text chunks", notes, None, lambda: read_png_text(data))
        if png is not None:
            chunks, full_texts, xmp_packet = png.chunks, png.full_texts, png.xmp
            notes.extend(png.notes)
    else:
        xmp_packet = _guarded("XMP", notes, None, lambda: _xmp_packet(image))
    xmp = _guarded("XMP", notes, None, lambda: read_xmp(xmp_packet, "XMP", notes)) if xmp_packet else None
    iptc = _guarded("IPTC", notes, (), lambda: read_iptc(image, notes))
    generation = _guarded("AI generation record", notes, (), lambda: _generation_records(full_texts, user_comment, notes))
    c2pa = _guarded("C2PA", notes, None, lambda: read_content_credentials(data, image_format, notes))
    if c2pa is not None and c2pa.remote_url is None and xmp is not None and xmp.provenance_url and c2pa.error:
        c2pa = ContentCredentials(validation_state=None, remote_url=xmp.provenance_url, error=c2pa.error)
    return Provenance(
        format=image_format,
        exif=exif,
        xmp=xmp,
        iptc=iptc,
        icc_description=icc_description,
        icc_copyright=_guarded("ICC", notes, None, lambda: _icc_copyright(image)),
        comments=_guarded("comment", notes, (), lambda: _comments(image)),
        text_chunks=chunks,
        generation=generation,
        c2pa=c2pa,
        notes=tuple(dict.fromkeys(notes)),  # the same note twice says nothing new
    )
