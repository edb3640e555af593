"""JSON documents per ../shared/CONTRACT.md, built from the result models only."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from .. import thresholds as T
from ..compare import Comparison
from ..inspect import Inspection
from ..portrait import Portrait
from ..scan import ScanResult

__all__ = ["compare_document", "inspect_document", "scan_document", "dumps", "TOOL"]

TOOL = {"name": "simforensics", "version": __version__}


def dumps(document: dict[str, Any]) -> str:
    """Stable text: same document, same bytes."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _r(value: float | None, digits: int = 4) -> float | None:
    """Round for stable, readable JSON; NaN (no value) becomes null."""
    if value is None or value != value:
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


def _people(people: Portrait) -> dict[str, Any]:
    body = None
    if people.body is not None:
        body = {name: [_r(x, 1), _r(y, 1)] for name in people.body if (p := people.body_point(name)) for x, y in [p]}
    return {
        "person_found": people.has_person,
        "faces": [
            {"box": list(f.box), "score": _r(f.score, 3),
             "landmarks": "FaceMesh 478 points" if f.mesh is not None else "detector keypoints only",
             "keypoints": {name: [_r(x, 1), _r(y, 1)] for name, (x, y) in f.keypoints.items()}}
            for f in people.faces
        ],
        "body_keypoints": body,
        "person_share": _r(float(people.person_mask.mean())),
        "note": None if people.has_person else "no person found: a 3 x 3 grid stands in for named regions",
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
        "people": {"original": _people(m.people[0]), "copy": _people(m.people[1])},
        "pose": None if m.pose is None else {
            "verdict": m.pose.verdict, "distance": _r(m.pose.distance), "agreement": _r(m.pose.agreement),
            "keypoints": m.pose.points, "limbs": m.pose.limbs, "mirrored": m.pose.mirrored, "reason": m.pose.reason,
            "thresholds": {"same": T.POSE_SAME, "similar": T.POSE_SIMILAR, "point_tolerance": T.POSE_POINT_TOLERANCE},
        },
        "regions": [
            {"name": r.name, "source": r.source, "box": list(r.box),
             "copy_box": None if r.copy_box is None else list(r.copy_box), "basis": r.basis,
             "ssim": _r(r.ssim), "hash_distance": r.hash_distance,
             "changed_share": _r(r.changed_share), "covered_share": _r(r.covered_share),
             "palette_distance": _r(r.palette_distance), "palette": r.palette,
             "texture_difference": _r(r.texture_difference), "texture": r.texture,
             "verdict": r.verdict, "reason": r.reason}
            for r in m.regions
        ],
        "region_thresholds": {
            "min_covered": T.REGION_MIN_COVERED, "different_changed_share": T.REGION_DIFFERENT_SHARE,
            "similar_changed_share": T.REGION_SIMILAR_SHARE, "palette_same": T.PALETTE_SAME,
            "texture_same": T.TEXTURE_SAME, "unaligned_ssim_same": T.REGION_SSIM_SAME,
        },
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
    return {
        "schema": "simforensics.scan/1",
        "tool": TOOL,
        "images": result.images,
        "pairs": [
            {"a": p.a, "b": p.b, "similarity": p.similarity, "label": p.label, "match": p.match}
            for p in result.pairs
        ],
        "groups": [list(group) for group in result.groups],
        "errors": [{"path": path, "error": reason} for path, reason in result.errors],
    }
