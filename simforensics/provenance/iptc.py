"""IPTC-IIM (the older binary IPTC block in JPEG and TIFF), read with Pillow's IptcImagePlugin."""

from __future__ import annotations

import warnings
from typing import Any

from PIL import Image, IptcImagePlugin

from .limits import TAGS_MAX_COUNT
from .text import as_text

__all__ = ["read_iptc"]

# IPTC-IIM 4.2, record 2 (application record): the datasets that name people, places, dates,
# software and rights.
_DATASETS = {
    5: "ObjectName", 7: "EditStatus", 10: "Urgency", 15: "Category", 20: "SupplementalCategories",
    25: "Keywords", 40: "SpecialInstructions", 55: "DateCreated", 60: "TimeCreated",
    62: "DigitalCreationDate", 63: "DigitalCreationTime", 65: "OriginatingProgram",
    70: "ProgramVersion", 80: "By-line", 85: "By-lineTitle", 90: "City", 92: "Sub-location",
    95: "Province-State", 100: "CountryCode", 101: "Country", 103: "OriginalTransmissionReference",
    105: "Headline", 110: "Credit", 115: "Source", 116: "CopyrightNotice", 118: "Contact",
    120: "Caption-Abstract", 122: "Writer-Editor",
}
_UTF8_MARKER = b"\x1b%G"  # dataset 1:90, CodedCharacterSet = UTF-8


def _decode(raw: Any, utf8: bool) -> str:
    if not isinstance(raw, bytes):
        return as_text(raw)
    try:
        return as_text(raw.decode("utf-8"))
    except UnicodeDecodeError:
        # Without the UTF-8 marker, older writers used Latin-1 (or a local code page).
        return as_text(raw.decode("latin-1")) + ("" if not utf8 else " (invalid UTF-8)")


def read_iptc(image: Image.Image, notes: list[str]) -> tuple[tuple[str, str], ...]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            info = IptcImagePlugin.getiptcinfo(image)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - a malformed block is a note
            notes.append(f"IPTC block unreadable ({exc or type(exc).__name__})")
            return ()
    for warning in caught:
        notes.append(f"IPTC: {warning.message}")
    if not info:
        return ()
    utf8 = info.get((1, 90)) == _UTF8_MARKER
    fields: list[tuple[str, str]] = []
    for key, raw in info.items():
        if not (isinstance(key, tuple) and len(key) == 2):
            continue
        record, dataset = key
        if record == 1:
            continue  # envelope: transport details, not about the picture
        name = _DATASETS.get(dataset, f"{record}:{dataset}") if record == 2 else f"{record}:{dataset}"
        values = raw if isinstance(raw, list) else [raw]
        fields.append((name, "; ".join(_decode(v, utf8) for v in values)))
    if len(fields) > TAGS_MAX_COUNT:
        notes.append(f"IPTC holds {len(fields)} fields; the first {TAGS_MAX_COUNT} are listed")
    return tuple(fields[:TAGS_MAX_COUNT])
