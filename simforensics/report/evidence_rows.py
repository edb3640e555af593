"""The evidence table of the comparison report: both files' identity, dates and provenance, row by row.

Rows pick facts from ``Evidence`` and its ``Provenance`` and put them in words; nothing is read
or measured here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..evidence import Evidence
from ..provenance import Provenance, describe_source_type
from .words import size_words, time_words

__all__ = ["EvidenceRow", "evidence_rows", "provenance_facts"]


_TEXT_SHOWN = 400  # longest metadata value quoted in the evidence table; the appendix has more


def _cut(value: str | None, limit: int = _TEXT_SHOWN) -> str | None:
    if value is None:
        return None
    return value if len(value) <= limit else value[:limit] + f" … ({len(value):,} characters in all)"


def _dates(p: Provenance | None) -> list[tuple[str, str | None]]:
    e = p.exif if p else None
    x = p.xmp if p else None
    c = p.c2pa if p else None
    return [
        ("EXIF DateTimeOriginal (capture or creation)", e.datetime_original if e else None),
        ("EXIF DateTimeDigitized", e.datetime_digitized if e else None),
        ("EXIF DateTime (last change)", e.datetime if e else None),
        ("XMP CreateDate", x.create_date if x else None),
        ("XMP ModifyDate", x.modify_date if x else None),
        ("C2PA signed at", c.signed_at if c else None),
    ]


_HIGHLIGHTS = ("metadata present", "declared source type", "AI generation record", "AI prompt", "AI seed / model",
               "C2PA content credentials", "camera", "software that wrote it", "author and rights",
               "EXIF preview (thumbnail)")


def _highlights(p: Provenance | None) -> list[tuple[str, str | None]]:
    """What a reader asks first about where a file came from."""
    if p is None:
        return [(label, "not read" if index == 0 else None) for index, label in enumerate(_HIGHLIGHTS)]
    code, meaning = describe_source_type(p.digital_source_type)
    g = p.generation[0] if p.generation else None
    c = p.c2pa
    e = p.exif
    c2pa = None
    if c is not None:
        c2pa = f"not checked: {c.error}" if c.error else (c.validation_state or "present")
        if c.validation_state == "Valid":
            c2pa += " (intact and correctly signed; signer not checked against a trust list)"
        if c.hash_mismatch:
            c2pa += "; the file was changed after it was signed"
    rights = [v for v in ((e.artist if e else None), (e.copyright if e else None),
                          *(p.xmp.creators if p.xmp else ()), (p.xmp.rights if p.xmp else None)) if v]
    values = [
        "yes" if p.has_metadata else "none (no EXIF, XMP, IPTC, comments, text chunks, AI record or C2PA)",
        f"{code} ({meaning})" if code and meaning else code,
        f"{g.generator}, in {g.found_in}" if g else None,
        _cut("; ".join(g.prompts)) if g else None,
        (" / ".join(v for v in ("; ".join(g.seeds), "; ".join(g.models)) if v) or None) if g else None,
        c2pa,
        " ".join(v for v in ((e.make if e else None), (e.model if e else None)) if v) or None,
        "; ".join(f"{name} ({where})" for where, name in p.writing_software()) or None,
        _cut("; ".join(dict.fromkeys(rights))) or None,
        p.thumbnail.summary if p.thumbnail else None,
    ]
    return list(zip(_HIGHLIGHTS, values, strict=True))


@dataclass(frozen=True)
class EvidenceRow:
    label: str
    original: str | None
    copy: str | None
    mono: bool = False
    section: bool = False


def evidence_rows(original: Evidence, copy: Evidence) -> list[EvidenceRow]:
    def size(e: Evidence) -> str:
        text = f"{e.width} × {e.height} pixels"
        if (e.stored_width, e.stored_height) != (e.width, e.height):
            text += f" (stored {e.stored_width} × {e.stored_height}, EXIF orientation {e.exif_orientation})"
        return text

    rows = [
        EvidenceRow("SHA-256 of the file", original.sha256, copy.sha256, mono=True),
        EvidenceRow("file size", size_words(original.file_size), size_words(copy.file_size)),
        EvidenceRow("format / colour mode", f"{original.format} / {original.mode}", f"{copy.format} / {copy.mode}"),
        EvidenceRow("dimensions (as displayed)", size(original), size(copy)),
        EvidenceRow("bits per channel", str(original.bits_per_channel or "–"), str(copy.bits_per_channel or "–")),
        EvidenceRow("colour profile (ICC)", original.icc_profile or "none", copy.icc_profile or "none"),
        EvidenceRow("file modified (file system)", time_words(original.file_modified), time_words(copy.file_modified)),
        EvidenceRow("decoding notes", "; ".join(original.notes) or "none", "; ".join(copy.notes) or "none"),
        EvidenceRow("Dates recorded in the files", None, None, section=True),
    ]
    for (label, a), (_, b) in zip(_dates(original.provenance), _dates(copy.provenance), strict=True):
        if a or b:
            rows.append(EvidenceRow(label, a, b))
    if not any(a or b for (_, a), (_, b) in zip(_dates(original.provenance), _dates(copy.provenance), strict=True)):
        rows.append(EvidenceRow("dates", "none recorded", "none recorded"))
    rows.append(EvidenceRow("Provenance highlights", None, None, section=True))
    for (label, a), (_, b) in zip(_highlights(original.provenance), _highlights(copy.provenance), strict=True):
        if a or b:
            rows.append(EvidenceRow(label, a, b))
    return rows


def provenance_facts(p: Provenance | None) -> list[tuple[str, str | None]]:
    """One file's dates and provenance highlights, as (label, value) rows (the trace report's sources)."""
    return _dates(p) + _highlights(p)
