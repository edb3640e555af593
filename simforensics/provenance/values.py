"""Reading values out of untrusted JSON: wrong types become notes, never exceptions."""

from __future__ import annotations

import json
import re
from typing import Any

from .limits import JSON_MAX_CHARS
from .text import as_text

__all__ = ["load_json", "number_text", "scalar"]


def load_json(text: str, where: str, notes: list[str]) -> Any:
    """Parsed JSON, or None with a note (too large, not JSON, nested too deeply)."""
    if len(text) > JSON_MAX_CHARS:
        notes.append(f"{where}: {len(text)} characters of JSON exceeds the limit; not parsed")
        return None
    try:
        return json.loads(text)
    except RecursionError:
        notes.append(f"{where}: JSON nested too deeply to parse; not read")
    except ValueError as exc:
        notes.append(f"{where}: not valid JSON ({exc}); not read")
    return None


def scalar(value: Any, what: str, notes: list[str]) -> str | None:
    """A setting that must be a single text or number, as text; anything else is noted and dropped."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        text = as_text(value).strip()
        return text or None
    notes.append(f"{what} is a {type(value).__name__}, not a text or number; ignored")
    return None


def number_text(value: str | None, what: str, notes: list[str], *, whole: bool = False) -> str | None:
    """Keep the value as written, with a note when it is not the number it should be."""
    if value is None:
        return None
    pattern = _WHOLE if whole else _NUMBER
    if not pattern.fullmatch(value.strip()):
        notes.append(f"{what} '{as_text(value, 64)}' is not a {'whole ' if whole else ''}number")
    return value


_WHOLE = re.compile(r"[-+]?\d+")
_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
