"""The result of a trace: which areas of one picture came from which portfolio pictures.

One ``Trace`` is what every report (terminal, JSON, map, HTML) renders; none of them measures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..evidence import DEFAULT_MAX_PIXELS, Evidence

__all__ = ["Piece", "Trace", "TraceOptions", "TracedSource"]


@dataclass(frozen=True)
class TraceOptions:
    picture: str
    folder: str
    workers: int = 1
    cache_path: str | None = None  # None: nothing persists
    max_pixels: int = DEFAULT_MAX_PIXELS


@dataclass(frozen=True)
class Piece:
    """One area of the picture explained by one transform of one source."""

    box: tuple[int, int, int, int]  # [x, y, w, h] in the picture
    area_fraction: float  # share of the picture's area
    matrix: np.ndarray = field(repr=False)  # 3x3: a picture pixel -> its position in the source
    mirrored: bool
    inliers: int  # feature matches that agree on the transform
    scale: float  # picture pixels per source pixel (the piece was enlarged when > 1)
    axis_scales: tuple[float, float]  # the same along the source's width and its height (apart: stretched)
    rotation_degrees: float  # the piece's turn in the picture, counter-clockwise positive
    colour_shift: float  # mean RGB distance between the source's pixels and the picture's, before the colour mapping
    residual: float  # mean RGB distance left after the colour mapping
    source_box: tuple[int, int, int, int]  # where the piece lies in the source, [x, y, w, h]
    made_grey: bool = False  # the source is coloured there, the picture grey (changes.is_grey)


@dataclass(frozen=True)
class TracedSource:
    path: str  # as found under the folder
    sha256: str
    width: int
    height: int
    share: float  # share of the picture's area it explains
    pieces: tuple[Piece, ...]
    retrieval_pass: int  # 1: found by the whole picture's features; 2: by the unexplained areas'
    evidence: Evidence | None = field(default=None, repr=False, compare=False)  # pixels and metadata, for the reports
    # Other portfolio pictures that show the same pieces (versions of one work: a crop, a re-encode,
    # a watermarked copy), as found under the folder; the pieces are given to this one.
    versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trace:
    picture: Evidence
    folder: str
    sources: tuple[TracedSource, ...]  # largest share first
    source_map: np.ndarray = field(repr=False)  # uint8, the picture's size: 0 unexplained, k = sources[k-1]
    unexplained_fraction: float
    plain_fraction: float  # of the picture: unexplained and without texture to trace (engine._plain_areas)
    errors: tuple[tuple[str, str], ...]  # (path, reason) of portfolio files that could not be read
    portfolio_size: int  # readable pictures under the folder (PICTURE itself left out when it is one of them)
    from_cache: int  # of which features came from the cache
    candidates_checked: int
    seconds: float
    picture_in_portfolio: bool = False  # PICTURE lies under the folder: left out of the portfolio
