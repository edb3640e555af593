"""A pixelated picture: a nearest-neighbour enlargement of a smaller one (a mosaic filter, a
"pixelate" effect, pixel art shown large), found and smoothed for comparison.

A pixelated copy repeats each pixel of a small picture over a block. Its block edges are sharp
lines the original never had, and the change detector, which takes a soft copy for an enlargement
(a blur), read them as redrawn: copies of seven shipped pictures pixelated by 4 px had 2-14 false
areas, and grass and gravel read "similar". Compared through its block means enlarged back by
linear interpolation, such a copy is an ordinary enlargement of a small picture, which the
detector knows; compare keeps that comparison when it explains more of the copy
(``compare._compared_smoothed``: smoothed, a page of text loses its strokes).

Found from the picture alone: between two lines (rows or columns) of a block nothing changes,
between blocks nearly every line does. The mean absolute difference of each pair of adjacent
lines is split at PIXELATED_SAME of its high (90th percentile) level; the picture is pixelated
when, along both axes, at least PIXELATED_MIN_SAME of the pairs are the same, the blocks are
PIXELATED_MIN_BLOCK lines or more (median), and regular (nine in ten within one line of the
median): a photograph's lines all differ, and a page's blank margins or a logo's flat fields
give same lines in runs of every length. Written here: no library finds a nearest-neighbour
enlargement's factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import thresholds as T

__all__ = ["Blocks", "blocks", "smoothed"]


@dataclass(frozen=True)
class Blocks:
    columns: np.ndarray  # the first column of each block
    rows: np.ndarray  # the first row of each block

    @property
    def size(self) -> float:
        """The blocks' mean side in pixels."""
        return float(np.sqrt(np.mean(np.diff(self.columns)) * np.mean(np.diff(self.rows))))


def _starts(rgb: np.ndarray, axis: int) -> np.ndarray | None:
    """The first line of each block along ``axis`` (1: columns, 0: rows), or None when the lines
    do not come in regular blocks."""
    # Every 4th line across (a block's lines are the same on any of them): a quarter of the cost.
    lines = (rgb[::4] if axis == 1 else rgb[:, ::4]).astype(np.int16)
    other = (0, 2) if axis == 1 else (1, 2)
    change = np.abs(np.diff(lines, axis=axis)).mean(axis=other)
    high = float(np.quantile(change, 0.9)) if len(change) else 0.0
    if high <= 0:
        return None
    same = change <= T.PIXELATED_SAME * high
    if same.mean() < T.PIXELATED_MIN_SAME:
        return None
    starts = np.concatenate([[0], np.flatnonzero(~same) + 1])
    sizes = np.diff(starts)
    if len(sizes) < T.PIXELATED_MIN_BLOCKS:
        return None
    typical = float(np.median(sizes))
    if typical < T.PIXELATED_MIN_BLOCK or np.mean(np.abs(sizes - typical) <= 1) < T.PIXELATED_REGULAR:
        return None
    return starts


def blocks(rgb: np.ndarray) -> Blocks | None:
    """The picture's blocks when it is pixelated (module docstring), else None."""
    columns = _starts(rgb, 1)
    rows = _starts(rgb, 0) if columns is not None else None
    return None if columns is None or rows is None else Blocks(columns, rows)


def smoothed(rgb: np.ndarray, found: Blocks) -> np.ndarray:
    """The picture's block means enlarged back to its size by linear interpolation."""
    sums = np.add.reduceat(np.add.reduceat(rgb.astype(np.float64), found.rows, axis=0), found.columns, axis=1)
    heights = np.diff(np.append(found.rows, rgb.shape[0]))
    widths = np.diff(np.append(found.columns, rgb.shape[1]))
    means = (sums / (heights[:, None, None] * widths[None, :, None])).astype(np.float32)
    enlarged = cv2.resize(means, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.clip(enlarged + 0.5, 0, 255).astype(np.uint8)
