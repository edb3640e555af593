"""A picture's neighbourhood among a reference's works: how near its k-th nearest work lies.

Palette and style widen their kernels by it (``situate``). Making a reference places each of its
pictures among the others once for every pair it is in, each time with that pair's two works
left out: each work's distance is found once per picture (``Neighbours``), and the k-th nearest
with any works left out is then read from that list, not computed again over the whole cohort
(which made a 300-picture reference cost 300 times 300 times 300).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

__all__ = ["Neighbours", "kth_nearest_work", "nearest_works"]


@dataclass(frozen=True)
class Neighbours:
    """Each work's distance to one picture (the nearest of the work's pictures), nearest first."""

    distances: np.ndarray  # float, ascending
    works: np.ndarray  # int64, the work of each distance


def nearest_works(distances: np.ndarray, works: np.ndarray) -> Neighbours:
    """``distances``: to each picture of the cohort; ``works``: each picture's work."""
    labels, index = np.unique(works, return_inverse=True)
    nearest = np.full(len(labels), np.inf)
    np.minimum.at(nearest, index, distances)
    order = np.argsort(nearest, kind="stable")
    return Neighbours(nearest[order], labels[order])


def kth_nearest_work(neighbours: Neighbours, k: int, leave_out: Collection[int] = ()) -> float | None:
    """The distance to the ``k``-th nearest work, the works ``leave_out`` not counted; None when
    fewer than ``k`` works remain."""
    counted = 0
    for distance, work in zip(neighbours.distances, neighbours.works, strict=True):
        if work in leave_out:
            continue
        counted += 1
        if counted == k:
            return float(distance)
    return None
