"""JSON documents per ../shared/CONTRACT.md, built from the result models only."""

from __future__ import annotations

import json
import math
from typing import Any

from .. import __version__
from .. import thresholds as T
from ..compare import Comparison
from ..inspect import Inspection
from ..scan import ScanResult

__all__ = ["TOOL", "compare_document", "dumps", "inspect_document", "scan_document"]

TOOL = {"name": "simforensics", "version": __version__}


def dumps(document: dict[str, Any]) -> str:
    """Stable text: same document, same bytes."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _r(value: float | None, digits: int = 4) -> float | None:
    """Round for stable, readable JSON; NaN (no value) becomes null."""
    if value is None or math.isnan(value):
        return None
    return round(float(value), digits)


def _hashes(hash_sets: tuple[Any, Any] | None, distances: dict[str, int] | None) -> dict[str, Any] | None:
    if hash_sets is None or distances is None:
        return None
    original, copy = (h.hex() for h in hash_sets)
    return {
        name: {"distance": distances[name], "bits": len(hash_sets[0].bits[name]),
               "original": original[name], "copy": copy[name]}
        for name in distances
    }


def compare_document(comparison: Comparison) -> dict[str, Any]:
    m = comparison.measurement
    a = m.alignment
    whole, overlap = m.whole_distances, m.overlap_distances
    basis = overlap if overlap is not None else whole
    changes = m.changes
    return {
        "schema": "simforensics.compare/1",
        "tool": TOOL,
        "original": comparison.original.summary(),
        "copy": comparison.copy.summary(),
        "alignment": {
            "aligned": a.aligned,
            "model": a.model.value,
            "matrix": [[_r(v, 6) for v in row] for row in a.matrix.tolist()],
            "mirrored": a.mirrored,
            "scale": _r(a.scale),
            "rotation_degrees": _r(a.rotation_degrees, 3),
            "matches": a.matches,
            "inliers": a.inliers,
            "reprojection_error": _r(a.reprojection_error),
            "overlap_fraction": _r(a.overlap_fraction),
            "overlap_box": list(a.overlap_box),
            "reason": a.reason,
        },
        "global": {
            "hash_basis": "aligned-overlap" if overlap is not None else "whole-picture",
            "phash_distance": basis["phash"],
            "dhash_distance": basis["dhash"],
            "ahash_distance": basis["ahash"],
            "whash_distance": basis["whash"],
            "colorhash_distance": basis["colorhash"],
            "edge_phash_distance": basis["edge_phash"],
            "pdq_distance": basis["pdq"],
            "pdq_dihedral_distance": m.pdq_dihedral_distance,
            "pdq_quality": [m.whole_hashes[0].pdq_quality, m.whole_hashes[1].pdq_quality],
            "ssim": _r(m.ssim),
            "colour_distance": _r(m.colour_distance),
            "hashes": {"whole": _hashes(m.whole_hashes, whole), "overlap": _hashes(m.overlap_hashes, overlap)},
            "thresholds": {
                "hash64_same": T.HASH64_SAME, "hash64_related": T.HASH64_RELATED,
                "pdq_same": T.PDQ_SAME, "pdq_related": T.PDQ_RELATED, "edge_phash_related": T.EDGE_HASH_RELATED,
            },
        },
        "regions": [
            {"name": r.name, "source": r.source, "box": list(r.box), "ssim": _r(r.ssim),
             "changed_share": _r(r.changed_share), "covered_share": _r(r.covered_share),
             "verdict": r.verdict, "reason": r.reason}
            for r in m.regions
        ],
        "changes": [
            {"box": list(c.box), "area_fraction": _r(c.area_fraction, 5), "kind": c.kind,
             "structure_change": _r(c.structure_change), "colour_change": _r(c.colour_change, 2)}
            for c in (changes.areas if changes else ())
        ],
        "change_detection": None if changes is None else {
            "changed_fraction": _r(changes.changed_fraction, 5),
            "working_scale": _r(changes.working_scale),
            "structure_threshold": _r(changes.structure_threshold),
            "colour_threshold": _r(changes.colour_threshold, 2),
            "colour_compared": changes.colour_compared,
            "unchanged_structure": _r(changes.unchanged_structure),
        },
        "verdict": {
            "label": m.verdict.label,
            "similarity": _r(m.verdict.similarity),
            "summary": m.verdict.summary,
            "reasons": list(m.verdict.reasons),
        },
        "run": {"started_at": comparison.started_at, "finished_at": comparison.finished_at},
    }


def inspect_document(inspection: Inspection) -> dict[str, Any]:
    return {
        "schema": "simforensics.inspect/1",
        "tool": TOOL,
        "images": [item.summary() for item in inspection.images],
        "errors": [{"path": path, "error": reason} for path, reason in inspection.errors],
    }


def scan_document(result: ScanResult) -> dict[str, Any]:
    stats = result.stats
    return {
        "schema": "simforensics.scan/1",
        "tool": TOOL,
        "images": result.images,
        "pairs": [
            {"a": p.a, "b": p.b, "similarity": p.similarity, "label": p.label, "match": p.match,
             "summary": p.summary,
             "candidate": {"pdq_distance": p.pdq_distance, "local_matches": p.local_matches}}
            for p in result.pairs
        ],
        "groups": [list(group) for group in result.groups],
        "errors": [{"path": path, "error": reason} for path, reason in result.errors],
        "thresholds": {
            "match_similarity": T.SCAN_MATCH_SIMILARITY,
            "pdq_candidate": T.SCAN_PDQ_CANDIDATE,
            "local_max_distance": T.SCAN_LOCAL_MAX_DISTANCE,
            "local_min_inliers": T.SCAN_LOCAL_MIN_INLIERS,
            "verify_side": T.SCAN_VERIFY_SIDE,
        },
        # Facts about this run (what the cache saved); they differ between runs on the same files.
        "run": {
            "files": stats.files, "decoded": stats.decoded, "from_cache": stats.from_cache,
            "candidates": stats.candidates, "verified": stats.verified,
            "verdicts_from_cache": stats.verdicts_from_cache,
        },
        "warnings": list(result.warnings),
    }
