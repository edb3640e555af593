"""The alignment tried last: a piece of the original set into another picture.

When most of the copy is another picture, that picture's texture takes SIFT's strongest keypoints
and its chance matches outnumber the piece's: a piece of a cat's fur pasted on grass left 3
consistent matches of the 15 needed, and on a brick wall the best fit of a rocket's piece
collapsed to scale 0. ``trace`` finds such pieces: keypoints spread over a grid of cells, repeated
robust fits, and the dense test that keeps a fit only where the original, warped by it, explains
the copy's pixels (``trace.explain.source_pieces``). The piece of the largest area so confirmed
aligns the pair; what lies around it is then measured as changed, as any replaced part is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from . import thresholds as T
from .align import Alignment, aligned_by
from .resample import shrink_to_side
from .trace.explain import picture_frame, source_pieces
from .trace.fit import sift_keypoints

__all__ = ["PastedPiece", "aligned_on_a_piece", "pasted_piece"]


@dataclass(frozen=True)
class PastedPiece:
    matrix: np.ndarray  # 3x3, COPY -> ORIGINAL
    inliers: int
    share: float  # of the copy that the original explains through ``matrix``


def aligned_on_a_piece(original: np.ndarray, copy: np.ndarray) -> Alignment | None:
    """The pair aligned on a piece of ORIGINAL set into COPY, for a pair the whole-picture ways
    of ``align`` did not align; None when no piece is found."""
    piece = pasted_piece(original, copy)
    # As many agreeing matches as any alignment needs (trace asks 8, with its retrieval behind it):
    # two pictures that share only a silhouette's outline, or a restyle that keeps the outlines,
    # give 8-13, which the dense test, explaining flat paint with any flat paint, let through.
    if piece is None or piece.inliers < T.MIN_INLIERS:
        return None
    reason = (f"a piece of the original set into the copy: {piece.inliers} feature matches agree on it, and the "
              f"original explains {piece.share:.0%} of the copy through it")
    aligned = aligned_by(original, copy, piece.matrix, piece.inliers, "sift-piece", reason)
    return None if aligned is None else replace(aligned, piece_share=piece.share)


def pasted_piece(original: np.ndarray, copy: np.ndarray) -> PastedPiece | None:
    """The largest piece of ``original`` that the dense test finds in ``copy``, or None."""
    frame = picture_frame(copy)
    # Both at their own size when smaller than trace's sides: trace enlarges the cells short of
    # keypoints (a small piece of a collage), four fifths of its time on a 480-px pair.
    keypoints = sift_keypoints(copy, side=min(T.TRACE_PICTURE_FEATURE_SIDE, max(copy.shape[:2])),
                               count=T.TRACE_PICTURE_FEATURES, grid=T.TRACE_QUERY_GRID)
    side = min(T.TRACE_SOURCE_SIDE, max(original.shape[:2]))
    pieces = source_pieces(frame, keypoints, shrink_to_side(original, side), original.shape, side=side)
    if not pieces:
        return None
    best = max(pieces, key=lambda piece: int(np.isfinite(piece.cost).sum()))
    return PastedPiece(best.model.matrix, best.model.inliers, float(np.isfinite(best.cost).mean()))
