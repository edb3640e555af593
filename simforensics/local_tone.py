"""A tone curve that changes across the picture: local contrast enhancement, taken out before comparing.

CLAHE (contrast-limited adaptive histogram equalisation, Zuiderveld 1994) and the "enhance" and
HDR looks built on it equalise each tile of a picture by a tone curve of its own and blend the
curves of the four nearest tile centres bilinearly, so that no seam shows. One colour table for
the whole picture cannot explain such a copy: a dark sky brightened in one place and a dark coat
darkened in another read as redrawn areas.

The copy's grey level is modelled as such a blend: a curve (LOCAL_TONE_NODES levels, piecewise
linear) at each centre of a grid of about LOCAL_TONE_TILES tiles across, all fitted together by
least squares so that their bilinear blend gives the copy, with penalties on each curve's bend
and on neighbouring curves' differences (they also fill the levels a tile lacks), trimmed of what
it cannot explain (a local edit) as the colour fits are. Written by hand: no library fits a blend
of curves; scipy holds the sparse design and solves its banded normal equations.

The model is used only when the tone varies throughout the picture: the curves come closer to
the copy than the global colour mapping does, by more than LOCAL_TONE_DEVIATION grey levels, in
LOCAL_TONE_SHARE of the tiles or more. A local edit moves the curves of the few tiles it lies in;
a local-contrast filter moves nearly all of them. A hue turn or another global colour change moves
grey levels by colour, and colours sit in places: the global mapping explains it, and curves of
grey levels do not come closer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solveh_banded
from scipy.sparse import csr_matrix, diags, identity, kron
from scipy.sparse import vstack as sparse_vstack

from . import thresholds as T
from .robust import robust_spread

__all__ = ["LocalTone", "local_tone"]

_LUMA = np.array([0.299, 0.587, 0.114], np.float32)


@dataclass(frozen=True)
class LocalTone:
    toned: np.ndarray  # RGB uint8: the original with its grey levels through the local curves
    departing: float  # the share of the tiles where the curves explain the copy better than one mapping


def _grid(shape: tuple[int, ...]) -> tuple[int, int]:
    """Tiles down and across: LOCAL_TONE_TILES along the longer side, as many of that size along
    the shorter (at least 2 each way, so that every pixel lies between centres)."""
    h, w = shape[:2]
    longer = max(h, w)
    return max(2, round(T.LOCAL_TONE_TILES * h / longer)), max(2, round(T.LOCAL_TONE_TILES * w / longer))


def _cell(coordinate: np.ndarray, size: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Along one axis: the lower of the two tile centres a pixel lies between, and its weight
    towards the upper one (pixels outside the outer centres take the outer curve)."""
    position = np.clip((coordinate + 0.5) * count / size - 0.5, 0, count - 1)
    lower = np.minimum(np.floor(position).astype(np.intp), count - 2)
    return lower, position - lower


def _node_of(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lower of the two curve nodes each grey level lies between, and its weight towards the upper."""
    position = levels * (T.LOCAL_TONE_NODES - 1) / 255.0
    node = np.minimum(np.floor(position).astype(np.intp), T.LOCAL_TONE_NODES - 2)
    return node, position - node


def _bend() -> csr_matrix:
    """Rows of one curve's second differences along the levels."""
    return diags([1.0, -2.0, 1.0], [0, 1, 2], shape=(T.LOCAL_TONE_NODES - 2, T.LOCAL_TONE_NODES)).tocsr()


def _blend(ys: np.ndarray, xs: np.ndarray, levels: np.ndarray, shape: tuple[int, ...],
           grid: tuple[int, int]) -> csr_matrix:
    """The linear map from the curves' node values (tile by tile, LOCAL_TONE_NODES each) to the
    blended value at each pixel (ys, xs) of grey level ``levels``: 4 tiles x 2 nodes per pixel."""
    rows_count, columns_count = grid
    nodes = T.LOCAL_TONE_NODES
    top, down = _cell(ys, shape[0], rows_count)
    left, across = _cell(xs, shape[1], columns_count)
    node, up_level = _node_of(levels)
    pixel = np.arange(len(ys))
    rows, columns, values = [], [], []
    for tile_row, row_weight in ((top, 1 - down), (top + 1, down)):
        for tile_column, column_weight in ((left, 1 - across), (left + 1, across)):
            tile = tile_row * columns_count + tile_column
            for step, level_weight in ((0, 1 - up_level), (1, up_level)):
                rows.append(pixel)
                columns.append(tile * nodes + node + step)
                values.append(row_weight * column_weight * level_weight)
    return csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))),
                      shape=(len(ys), rows_count * columns_count * nodes))


def _penalties(grid: tuple[int, int]) -> csr_matrix:
    """Rows penalising each curve's bend (second difference along the levels) and the difference
    between neighbouring tiles' curves at each level, weighted by LOCAL_TONE_BEND and
    LOCAL_TONE_NEIGHBOURS."""
    nodes = T.LOCAL_TONE_NODES
    tiles = grid[0] * grid[1]
    blocks = [T.LOCAL_TONE_BEND * kron(identity(tiles), _bend())]
    index = np.arange(tiles).reshape(grid)
    for first, second in ((index[:, :-1], index[:, 1:]), (index[:-1, :], index[1:, :])):
        pairs = len(first.ravel())
        rows = np.repeat(np.arange(pairs * nodes), 2)
        level = np.tile(np.arange(nodes), pairs)
        columns = np.stack([np.repeat(first.ravel(), nodes) * nodes + level,
                            np.repeat(second.ravel(), nodes) * nodes + level], axis=1).ravel()
        values = np.tile([1.0, -1.0], pairs * nodes)
        blocks.append(T.LOCAL_TONE_NEIGHBOURS * csr_matrix((values, (rows, columns)),
                                                           shape=(pairs * nodes, tiles * nodes)))
    return sparse_vstack(blocks).tocsr()


def _solve(design: csr_matrix, penalties: csr_matrix, target: np.ndarray) -> np.ndarray:
    """Least squares of design @ x = target with the penalties' rows = 0, through the normal
    equations. They are banded (a curve meets only its own tile's and the next row's neighbours),
    so a banded Cholesky solves them in a few milliseconds; a tiny ridge keeps them regular."""
    normal = (design.T @ design + penalties.T @ penalties).todia()
    # The diagonal storage holds normal[j - offset, j] at [k, j] for each offset: the upper
    # diagonals (offset >= 0) are the banded form solveh_banded reads, the widest first.
    upper = normal.offsets >= 0
    width = int(normal.offsets[upper].max())
    banded = np.zeros((width + 1, normal.shape[0]))
    banded[width - normal.offsets[upper]] = normal.data[upper]
    banded[width] += 1e-6
    return solveh_banded(banded, design.T @ target)


def local_tone(original: np.ndarray, copy: np.ndarray, use: np.ndarray,
               global_mapping: Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]) -> LocalTone | None:
    """The original through the copy's local tone curves, or None when they do not explain the
    copy better than the global colour mapping (or too little is in ``use`` to tell). RGB uint8
    pictures of one size; ``use``: bool, the pixels to fit; ``global_mapping(original, copy,
    use)``: the copy (float RGB) as the global colour mapping fitted on ``use`` predicts it, asked
    of the samples only."""
    step = max(1, round(np.sqrt(use.size / T.LOCAL_TONE_SAMPLES)))
    sampled = use[::step, ::step]
    ys, xs = np.nonzero(sampled)
    if len(ys) < T.CHANGE_MIN_SAMPLE:
        return None
    predicted = global_mapping(original[::step, ::step], copy[::step, ::step], sampled)[ys, xs]
    ys, xs = ys * step, xs * step
    grey_original = original[ys, xs].astype(np.float32) @ _LUMA
    grey_copy = copy[ys, xs].astype(np.float32) @ _LUMA
    grid = _grid(use.shape)
    tile = ((ys * grid[0]) // use.shape[0]) * grid[1] + (xs * grid[1]) // use.shape[1]
    # The curves can gain no more than the global mapping errs: when too many tiles err by less
    # than LOCAL_TONE_DEVIATION on average, nothing is fitted (most pairs: a faithful copy's
    # error is its JPEG noise's).
    global_error = np.abs(grey_copy - predicted.astype(np.float32) @ _LUMA)
    if _share_of_tiles_above(tile, global_error, np.ones(len(ys), bool), grid) < T.LOCAL_TONE_SHARE:
        return None
    design = _blend(ys, xs, grey_original, use.shape, grid)
    penalties = _penalties(grid)
    kept = np.ones(len(ys), bool)
    for _ in range(T.LOCAL_TONE_ROUNDS):
        nodes = _solve(design[kept], penalties, grey_copy[kept])
        residual = grey_copy - design @ nodes
        median, spread = robust_spread(residual[kept])
        kept = np.abs(residual - median) <= T.LOCAL_TONE_TRIM_SIGMAS * max(spread, 1.0)
        if kept.sum() < T.CHANGE_MIN_SAMPLE:
            return None
    # How much closer to the copy the local curves come than the global colour mapping, tile by
    # tile (a hue turn moves grey levels by colour, and colours sit in places: the mapping
    # explains it, curves of grey levels do not).
    departing = _share_of_tiles_above(tile, global_error - np.abs(residual), kept, grid)
    if departing < T.LOCAL_TONE_SHARE:
        return None
    return LocalTone(_toned(original, nodes, grid), departing)


def _share_of_tiles_above(tile: np.ndarray, values: np.ndarray, counted: np.ndarray, grid: tuple[int, int]) -> float:
    """The share of the tiles with LOCAL_TONE_TILE_SAMPLES ``counted`` samples or more whose
    samples' ``values`` average above LOCAL_TONE_DEVIATION (0 when no tile has so many)."""
    counts = np.bincount(tile[counted], minlength=grid[0] * grid[1])
    sums = np.bincount(tile[counted], weights=values[counted], minlength=grid[0] * grid[1])
    enough = counts >= T.LOCAL_TONE_TILE_SAMPLES
    return float(np.mean(sums[enough] / counts[enough] > T.LOCAL_TONE_DEVIATION)) if enough.any() else 0.0


def _toned(original: np.ndarray, nodes: np.ndarray, grid: tuple[int, int]) -> np.ndarray:
    """The original with each pixel's grey level moved to the blend of its tiles' curves (the
    same shift in every channel, so that a grey stays grey and the colour table maps the rest)."""
    h, w = original.shape[:2]
    grey = original.astype(np.float32) @ _LUMA
    level = np.clip(np.rint(grey), 0, 255).astype(np.intp)
    # Each tile's curve at every level, then the four nearest curves blended per pixel.
    node_levels = np.linspace(0.0, 255.0, T.LOCAL_TONE_NODES)
    curves = np.stack([np.interp(np.arange(256), node_levels, tile_nodes)
                       for tile_nodes in nodes.reshape(-1, T.LOCAL_TONE_NODES)]).reshape(*grid, 256)
    top, down = _cell(np.arange(h), h, grid[0])
    left, across = _cell(np.arange(w), w, grid[1])
    top, down, left, across = top[:, None], down[:, None].astype(np.float32), left[None, :], across[None, :].astype(np.float32)
    blended = ((1 - down) * ((1 - across) * curves[top, left, level] + across * curves[top, left + 1, level])
               + down * ((1 - across) * curves[top + 1, left, level] + across * curves[top + 1, left + 1, level]))
    return np.clip(np.rint(original.astype(np.float32) + (blended - grey)[..., None]), 0, 255).astype(np.uint8)
