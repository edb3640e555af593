"""Every deciding number of thresholds.py with the reason written above it, for the report.

The reasons are the comments of that module, read from its source: one text, so the report can
never tell a different story from the code.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

from .. import thresholds

__all__ = ["ThresholdNote", "threshold_notes"]

_ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)\s*=")
_RULE = re.compile(r"^#\s*[-=]{4,}")


@dataclass(frozen=True)
class ThresholdNote:
    name: str
    value: object
    reason: str  # the comment block above it (shared by the constants it introduces); "" if none


def threshold_notes() -> tuple[ThresholdNote, ...]:
    """Each constant in thresholds.py, in the module's order, with its reason."""
    try:
        lines = inspect.getsource(thresholds).splitlines()
    except (OSError, TypeError):  # installed without sources: values only
        lines = []
    reasons: dict[str, str] = {}
    block: list[str] = []
    last_reason = ""
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("#") and not _RULE.match(stripped):
            block.append(stripped.lstrip("#").strip())
            continue
        match = _ASSIGNMENT.match(stripped)
        if match:
            if block:
                last_reason = " ".join(block)
            reasons[match.group(1)] = last_reason
        elif not stripped:  # a blank line ends what a comment block speaks for
            last_reason = ""
        block = []
    return tuple(
        ThresholdNote(name, value, reasons.get(name, ""))
        for name, value in vars(thresholds).items()
        if name.isupper() and isinstance(value, int | float)
    )
