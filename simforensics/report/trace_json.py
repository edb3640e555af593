"""The trace's JSON document (``simforensics.trace/1``, ../shared/CONTRACT.md), from the ``Trace`` alone."""

from __future__ import annotations

from typing import Any

from .. import thresholds as T
from ..trace import Trace
from .json_report import TOOL

__all__ = ["trace_document"]


def _r(value: float, digits: int = 4) -> float:
    return round(float(value), digits)


def trace_document(trace: Trace) -> dict[str, Any]:
    p = trace.picture
    return {
        "schema": "simforensics.trace/1",
        "tool": TOOL,
        "picture": {"path": p.path, "sha256": p.sha256, "width": p.width, "height": p.height},
        "folder": trace.folder,
        "sources": [
            {"path": s.path, "sha256": s.sha256, "width": s.width, "height": s.height, "share": _r(s.share),
             "retrieval_pass": s.retrieval_pass,
             # Other pictures under the folder that show the same pieces (versions of one work).
             "versions": list(s.versions),
             "regions": [
                 {"box": list(r.box), "area_fraction": _r(r.area_fraction),
                  "matrix": [[round(float(v), 8) for v in row] for row in r.matrix],
                  "mirrored": r.mirrored, "inliers": r.inliers,
                  # How the piece was placed: picture pixels per source pixel (overall, and along
                  # the source's width and height: apart for a stretched piece), degrees
                  # counter-clockwise as seen, and the colour distance before and after the fitted
                  # colour mapping (RGB levels).
                  "scale": _r(r.scale), "axis_scales": [_r(v) for v in r.axis_scales],
                  "rotation_degrees": _r(r.rotation_degrees, 2),
                  "colour_shift": _r(r.colour_shift, 2), "residual": _r(r.residual, 2),
                  "source_box": list(r.source_box), "made_grey": r.made_grey}
                 for r in s.pieces]}
            for s in trace.sources
        ],
        "unexplained_fraction": _r(trace.unexplained_fraction),
        # Of the picture: unexplained and without texture to trace (a blank ground, a border).
        "plain_fraction": _r(trace.plain_fraction),
        "errors": [{"path": path, "error": reason} for path, reason in trace.errors],
        "portfolio": {"pictures": trace.portfolio_size, "candidates_checked": trace.candidates_checked,
                      "picture_left_out": trace.picture_in_portfolio},
        "thresholds": {
            "min_inliers": T.TRACE_MIN_INLIERS, "min_structure_change": T.MIN_STRUCTURE_CHANGE,
            "min_colour_change": T.MIN_COLOUR_CHANGE, "min_hull_explained": T.TRACE_MIN_HULL_EXPLAINED,
            "min_piece_area": T.TRACE_MIN_PIECE_AREA, "candidates_per_pass": T.TRACE_CANDIDATES,
        },
        # A fact of this run (what the cache saved); it differs between runs on the same files.
        "run": {"from_cache": trace.from_cache},
    }
