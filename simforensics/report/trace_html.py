"""The trace's HTML exhibit: the picture coloured by source, each piece beside its source's aligned
crop, the transform in words, and each source's dates and provenance. Self-contained (pictures as
``data:`` URIs, autoescaped text, the reports' Content-Security-Policy); nothing is measured here."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .. import __version__
from .. import thresholds as T
from ..trace import Piece, Trace, TracedSource
from . import images
from .evidence_rows import provenance_facts
from .html import render_page
from .trace_terminal import piece_words

__all__ = ["trace_html"]

# One colour per source (map value k takes the k-th, cycling): distinct at a glance and in print.
_PALETTE = np.array([[230, 25, 75], [60, 180, 75], [0, 130, 200], [245, 130, 48], [145, 30, 180],
                     [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 190], [0, 128, 128]], np.float32)


def _colour(k: int) -> np.ndarray:
    return _PALETTE[(k - 1) % len(_PALETTE)]


def _hex(k: int) -> str:
    r, g, b = (int(v) for v in _colour(k))
    return f"#{r:02x}{g:02x}{b:02x}"


def _coloured(trace: Trace) -> np.ndarray:
    """The picture, each source's area tinted with its colour and outlined; the rest dimmed."""
    view = images.view_of(trace.picture.rgb).astype(np.float32)
    labels = cv2.resize(trace.source_map, (view.shape[1], view.shape[0]), interpolation=cv2.INTER_NEAREST)
    view[labels == 0] = view[labels == 0] * 0.45 + 255 * 0.55 * 0.6
    for k in range(1, len(trace.sources) + 1):
        inside = labels == k
        view[inside] = view[inside] * 0.55 + _colour(k) * 0.45
        edge = inside & ~cv2.erode(inside.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        view[edge] = _colour(k)
    return view.astype(np.uint8)


def _aligned_crop(source: np.ndarray, piece: Piece, source_shape: tuple[int, int]) -> np.ndarray:
    """The source drawn into the piece's box of the picture, through the piece's own matrix."""
    x, y, w, h = piece.box
    to_source = np.diag([source.shape[1] / source_shape[1], source.shape[0] / source_shape[0], 1.0])
    matrix = to_source @ piece.matrix @ np.array([[1.0, 0, x], [0, 1, y], [0, 0, 1]])
    warped = cv2.warpAffine(source, matrix[:2], (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))
    return images.crop_view(warped, (0, 0, w, h)) if w and h else warped


@dataclass(frozen=True)
class _PieceView:
    piece: Piece
    words: str
    picture_crop: str | None
    source_crop: str | None


@dataclass(frozen=True)
class _SourceView:
    number: int
    colour: str
    source: TracedSource
    thumbnail: str | None
    pieces: tuple[_PieceView, ...]
    facts: tuple[tuple[str, str], ...]


def trace_html(trace: Trace, *, command_line: str | None = None) -> str:
    sources = []
    for number, s in enumerate(trace.sources, start=1):
        rgb = s.evidence.rgb if s.evidence is not None else None
        views = []
        for piece in s.pieces:
            own = images.crop_view(trace.picture.rgb, piece.box)
            aligned = _aligned_crop(rgb, piece, (s.height, s.width)) if rgb is not None else None
            views.append(_PieceView(piece, piece_words(piece), images.data_uri(own) if own is not None else None,
                                    images.data_uri(aligned) if aligned is not None else None))
        facts = tuple((label, value) for label, value in provenance_facts(s.evidence.provenance if s.evidence else None)
                      if value)
        if s.evidence is not None:
            facts = (("file modified (file system)", s.evidence.file_modified),) + facts
        thumbnail = images.data_uri(images.view_of(rgb, images.THUMBNAIL_SIDE)) if rgb is not None else None
        sources.append(_SourceView(number, _hex(number), s, thumbnail, tuple(views), facts))
    picture_facts = tuple((label, value) for label, value in provenance_facts(trace.picture.provenance) if value)
    return render_page("trace.html.j2", trace=trace, sources=sources, picture_view=images.data_uri(_coloured(trace)),
                       picture_facts=picture_facts, version=__version__, T=T, command_line=command_line)
