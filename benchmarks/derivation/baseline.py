"""The naive rule the benchmark is measured against: the bigger file is the original.

More pixels first (a crop or a reduction is smaller); at the same pixel count, more bytes (a
lossless file, or a JPEG of higher quality, is larger). Undetermined only when both are equal.
"""

from __future__ import annotations

__all__ = ["decide"]


def decide(first: tuple[int, int], second: tuple[int, int]) -> str:
    """``first``/``second``: (pixels, bytes) of each file. Returns original, copy or undetermined."""
    if first == second:
        return "undetermined"
    return "original" if first > second else "copy"
