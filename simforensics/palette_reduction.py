"""A copy reduced to a few colours (a GIF, a posterise filter): its palette, and the original
rendered in it, so that the change detector compares like with like.

Quantisers (Pillow's, libimagequant's, GIF encoders without dithering) give each pixel the
palette colour nearest to it; merging colours that way can erase a pupil into its iris, which a
comparison with the full-colour original would mark as redrawn, though the edit is global. The
original rendered in the copy's palette is what the quantiser would have made of it: only what
was changed besides differs. A dithering quantiser scatters other colours among the nearest
ones, which the plain original explains better; ``compare`` keeps whichever comparison explains
more.

The other way round, an original reduced to a palette against a copy that kept the full colours
(a GIF posted first; in a scan, either of two siblings), the copy rendered in the original's
palette is compared, when its colours fill the palette's cells (``fills_the_palette``), not
when they gather at its colours as a flat graphic's JPEG copy does.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from . import thresholds as T

__all__ = ["fills_the_palette", "in_palette", "reduced_palette"]


def _sample(rgb: np.ndarray, pixels: int = T.PALETTE_SAMPLE) -> np.ndarray:
    """At most about ``pixels`` pixels of ``rgb`` on a regular grid, packed as 24-bit integers."""
    step = max(1, int(np.sqrt(rgb.shape[0] * rgb.shape[1] / pixels)))
    pixels = rgb[::step, ::step].reshape(-1, 3).astype(np.int32)
    return (pixels[:, 0] << 16) | (pixels[:, 1] << 8) | pixels[:, 2]


def reduced_palette(original: np.ndarray, copy: np.ndarray) -> np.ndarray | None:
    """The copy's colours (K x 3 uint8) when it holds at most PALETTE_MAX_COLOURS and the original
    many times more (PALETTE_RICHER): a copy of a rich picture reduced to a palette. None otherwise
    (a graphic of few colours may have had one of them changed locally, which rendering it in the
    copy's palette could hide)."""
    if copy.ndim != 3 or original.ndim != 3:
        return None
    # A few thousand pixels of a photograph already hold more colours than a palette: most pairs
    # stop here, at a fraction of a millisecond.
    if len(np.unique(_sample(copy, 64 * T.PALETTE_MAX_COLOURS))) > T.PALETTE_MAX_COLOURS:
        return None
    colours = np.unique(_sample(copy))
    if len(colours) > T.PALETTE_MAX_COLOURS:
        return None
    if len(np.unique(_sample(original))) < T.PALETTE_RICHER * len(colours):
        return None
    return np.stack([(colours >> 16) & 255, (colours >> 8) & 255, colours & 255], axis=1).astype(np.uint8)


# Colours equally near one level's centre (a tie of integer squared distances) considered: more
# than 4 equidistant palette colours would need a palette laid out on a sphere about it.
_TIES = 4


def in_palette(rgb: np.ndarray, palette: np.ndarray) -> np.ndarray:
    """``rgb`` with each pixel replaced by its nearest ``palette`` colour (RGB distance, as
    quantisers measure it). Through a table over 64 levels a channel (a pixel's nearest colour
    is that of its level's centre, off by at most 2 levels at the boundary between two colours):
    a 12-MP picture against 64 colours would otherwise take 800 million distances. The table's
    262,144 nearest colours are found with a k-d tree (scipy): all distances at once took 1.7 s
    and 200 MB."""
    levels = np.arange(2, 256, 4, dtype=np.float64)  # the centres of 64 bins of 4 levels
    grid = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 3)
    # Of equally near colours, the first in the palette, as quantisers (and np.argmin) pick.
    distances, candidates = cKDTree(palette.astype(np.float64)).query(grid, k=min(_TIES, len(palette)))
    if candidates.ndim == 2:
        tied = np.isclose(distances, distances[:, :1])
        candidates = np.where(tied, candidates, len(palette)).min(axis=1)
    table = palette[candidates].reshape(64, 64, 64, 3)
    index = rgb >> 2
    return table[index[..., 0], index[..., 1], index[..., 2]]


def fills_the_palette(rgb: np.ndarray, rendered: np.ndarray, where: np.ndarray) -> bool:
    """Whether ``rgb``'s colours fill the cells of a palette (``rendered``: each pixel's nearest
    colour, ``in_palette``) rather than gather at its colours: under PALETTE_AT_ITS_COLOURS of the
    pixels ``where`` within PALETTE_NEAR of theirs. A picture whose sibling was reduced to the
    palette spreads over each colour's cell; a copy of a flat graphic, JPEG noise and all, stays
    at its colours, and rendering it in them would turn back a colour changed in one place (one
    circle of two lightened)."""
    off = np.sqrt(np.sum((rgb.astype(np.float32) - rendered) ** 2, axis=-1))[where]
    return bool(len(off)) and float(np.mean(off <= T.PALETTE_NEAR)) < T.PALETTE_AT_ITS_COLOURS
