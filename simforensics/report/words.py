"""Numbers, sizes, times and places in the words a report uses (the HTML templates' filters)."""

from __future__ import annotations

import datetime as dt
import math
import os
import unicodedata

from ..outputs import printable

__all__ = ["band_words", "box_words", "counted", "duration_words", "number_words", "percent_words", "percentile_words", "plain_number", "shown_name", "size_words", "time_words", "whereabouts"]


def band_words(band: tuple[float, float]) -> str:
    """A label's similarity band: "exactly 1", "from 0.70 to 0.90", "below 0.40"."""
    low, high = band

    def edge(value: float) -> str:
        return "1" if value == 1 else f"{value:.2f}"

    if low == high:
        return f"exactly {edge(low)}"
    return f"below {edge(high)}" if low == 0 else f"from {edge(low)} to {edge(high)}"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """3 as "3 matches", 1 as "1 match": a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def shown_name(path: str) -> str:
    """A file name as a report shows it: control, format and separator characters other than the
    space (a newline, a tab, a right-to-left override, a no-break space) written as escapes ("\\n",
    "\\u202e"), so that a name cannot break a line, reverse the text after it or pass for another
    name, in a terminal or a browser. A byte that is not UTF-8 is written "\\xff", as every report does."""
    return "".join(c.encode("unicode_escape").decode("ascii") if unicodedata.category(c)[0] in "CZ" and c != " " else c
                   for c in printable(path))


def shown_basename(path: str) -> str:
    return shown_name(os.path.basename(path))


def size_words(n: int) -> str:
    """4,520 bytes as "4.4 KiB (4,520 bytes)"."""
    value = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{n:,} bytes" if unit == "bytes" else f"{value:.1f} {unit} ({n:,} bytes)"
        value /= 1024
    return f"{n:,} bytes"


def number_words(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def percent_words(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{digits}f} %"


def percentile_words(value: float | None, digits: int = 3) -> str:
    """A percentile cut, not rounded, to ``digits``: shown as 0.990 it is at least 0.99, the
    distinctive level (0.9896, rounded, read "0.990" beside the finding "common")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{math.floor(value * 10**digits) / 10**digits:.{digits}f}"


def plain_number(value: float) -> str:
    """24.0 -> "24", 0.85 -> "0.85": a parameter as a person writes it."""
    return f"{value:g}"


def time_words(iso: str | None) -> str:
    """An ISO 8601 time as "21 November 2026, 13:48:21 UTC" (UTC times only; others as given)."""
    if not iso:
        return "–"
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.utcoffset() != dt.timedelta(0):
        return iso
    return f"{moment.day} {moment:%B %Y, %H:%M:%S} UTC"


def duration_words(started: str, finished: str) -> str:
    """The time between two ISO 8601 times, as "12 s"."""
    try:
        seconds = (dt.datetime.fromisoformat(finished) - dt.datetime.fromisoformat(started)).total_seconds()
    except ValueError:
        return "–"
    return f"{seconds:.0f} s"


def box_words(box: tuple[int, int, int, int] | None) -> str:
    return "–" if box is None else f"[{box[0]}, {box[1]}, {box[2]}, {box[3]}]"


def whereabouts(box: tuple[int, int, int, int], width: int, height: int) -> str:
    """Where a box lies in words: "upper left", "centre", "lower middle"."""
    cx, cy = (box[0] + box[2] / 2) / width, (box[1] + box[3] / 2) / height
    row = "upper" if cy < 1 / 3 else "lower" if cy > 2 / 3 else "middle"
    column = "left" if cx < 1 / 3 else "right" if cx > 2 / 3 else "centre"
    if row == "middle":
        return "centre" if column == "centre" else f"middle {column}"
    return f"{row} {'middle' if column == 'centre' else column}"
