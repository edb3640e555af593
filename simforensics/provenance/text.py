"""Turn untrusted metadata values into bounded, printable text, noting what had to be repaired."""

from __future__ import annotations

from typing import Any

from .limits import TAG_VALUE_MAX_CHARS, TEXT_KEPT_CHARS

__all__ = ["as_text", "clip", "decode_utf8", "plain"]


def decode_utf8(raw: bytes, where: str, notes: list[str]) -> str:
    """UTF-8 with invalid bytes replaced (U+FFFD), and a note saying how many."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        notes.append(f"{where}: invalid UTF-8 ({text.count(chr(0xFFFD))} bad bytes replaced by U+FFFD)")
        return text


def clip(text: str, limit: int = TEXT_KEPT_CHARS) -> tuple[str, bool]:
    """(text cut to ``limit`` characters, whether it was cut)."""
    return (text, False) if len(text) <= limit else (text[:limit], True)


def plain(value: Any) -> str | None:
    """A short single value as text, or None when it is missing or empty."""
    if value is None:  # a tag the file does not have (str(None) would read as the text "None")
        return None
    text = as_text(value).strip().strip("\x00").strip()
    return text or None


def as_text(value: Any, limit: int = TAG_VALUE_MAX_CHARS) -> str:
    """Any tag value as readable text: binary shown by size, long values cut."""
    if isinstance(value, bytes):
        stripped = value.rstrip(b"\x00")
        if stripped and all(32 <= b < 127 or b in (9, 10, 13) for b in stripped[:limit]):
            text = stripped.decode("ascii")
        else:
            return f"<{len(value)} bytes>"
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, tuple) and value and all(isinstance(v, (int, float)) for v in value):
        text = ", ".join(as_text(v) for v in value)
    else:
        text = str(value)
    # Control characters other than line breaks would disturb a terminal; show them escaped.
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        text = "".join(c if ord(c) >= 32 or c in "\t\n\r" else f"\\x{ord(c):02x}" for c in text)
    clipped, cut = clip(text, limit)
    return clipped + (" ..." if cut else "")
