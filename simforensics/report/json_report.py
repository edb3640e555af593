"""JSON documents per ../shared/CONTRACT.md, built from the result models only."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from .. import __version__
from .. import thresholds as T
from ..compare import Comparison
from ..derivation import Derivation
from ..evidence import Evidence
from ..fingerprints import HASHES, hash_kind
from ..inspection import Inspection
from ..integrity import Reverification
from ..metadata_diff import MetadataDiff
from ..outputs import printable_document
from ..portrait import Portrait
from ..provenance import TRUST_NOTE, Provenance, describe_source_type
from ..resemblance.model import ResemblanceProfile

if TYPE_CHECKING:  # a compare's JSON needs none of the scan package (0.02 s to import)
    from ..scan import ScanResult

__all__ = [
    "TOOL", "compare_document", "derivation_document", "dumps", "inspect_document", "integrity_document", "metadata_diff_document",
    "provenance_document", "resemblance_document",
    "scan_document",
]

TOOL = {"name": "simforensics", "version": __version__}


def dumps(document: dict[str, Any]) -> str:
    """Stable text: same document, same bytes."""
    return json.dumps(printable_document(document), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _floored(value: float | None, digits: int = 4) -> float | None:
    """A percentile cut to ``digits``, never rounded up onto the distinctive level it is below."""
    return None if value is None else math.floor(float(value) * 10**digits) / 10**digits


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
        kind.name: {"distance": distances[kind.name], "bits": kind.bits, "original": original[kind.name],
                    "copy": copy[kind.name], "chance": kind.chance, "same": kind.same, "related": kind.related}
        for kind in HASHES
    }


def _hash_thresholds() -> dict[str, int | None]:
    """The limits under the names this document has always used (64-bit hashes share theirs)."""
    phash, edges, pdq = hash_kind("phash"), hash_kind("edge_phash"), hash_kind("pdq")
    return {"hash64_same": phash.same, "hash64_related": phash.related, "pdq_same": pdq.same,
            "pdq_related": pdq.related, "edge_phash_related": edges.related}


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
        "figure_found": people.has_figure,
        "figure_share": None if people.figure_mask is None else _r(float(people.figure_mask.mean())),
        "note": (None if people.has_person else
                 "a figure but no readable face or body: figure, an estimated head and background are named"
                 if people.has_figure else "no person found: a 3 x 3 grid stands in for named regions"),
    }


def resemblance_document(profile: ResemblanceProfile) -> dict[str, Any]:
    r = profile.reference
    return {
        "reference": {"name": r.name, "pairs": r.pairs, "pictures": r.pictures, "kind": r.kind, "warning": r.warning},
        "dimensions": [
            {"name": d.name, "score": _r(d.score), "percentile": _floored(d.percentile), "finding": d.finding, "why": d.why}
            for d in profile.dimensions
        ],
    }


def derivation_document(d: Derivation) -> dict[str, Any]:
    """``derivation`` per the contract (likely_original, confidence, cues with points_to and
    detail), with each cue's strength and the rule that combined them."""
    return {
        "likely_original": str(d.likely_original),
        "confidence": _r(d.confidence),
        "score": _r(d.score),
        "summary": d.summary,
        "cues": [{"name": c.name, "points_to": str(c.points_to), "strength": str(c.strength), "detail": c.detail}
                 for c in d.cues],
        "rule": {"weights": dict(T.DERIVATION_WEIGHTS), "decide_at": T.DERIVATION_DECIDE,
                 "statement": "the cues' log likelihood ratios are summed (+ toward the first argument); a side is "
                              "named when the sum reaches decide_at and no cue of moderate strength or more points "
                              "the other way; confidence is the logistic of the sum (0.5 when undetermined)"},
    }


def _pairs(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    """Name/value lists keep their order and any repeated name (JSON objects would lose both)."""
    return [{"name": name, "value": value} for name, value in pairs]


def provenance_document(p: Provenance) -> dict[str, Any]:
    e, x, c = p.exif, p.xmp, p.c2pa
    source_code, source_meaning = describe_source_type(p.digital_source_type)
    return {
        "has_metadata": p.has_metadata,
        "digital_source_type": p.digital_source_type,
        "digital_source_type_code": source_code,
        "digital_source_type_meaning": source_meaning,
        "writing_software": [{"where": where, "name": name} for where, name in p.writing_software()],
        "exif": None if e is None else {
            "make": e.make, "model": e.model, "lens": e.lens, "serial_number": e.serial_number,
            "software": e.software, "host_computer": e.host_computer, "artist": e.artist,
            "copyright": e.copyright, "description": e.description, "datetime": e.datetime,
            "datetime_original": e.datetime_original, "datetime_digitized": e.datetime_digitized,
            "user_comment": e.user_comment,
            "gps": None if e.gps is None else {"latitude": _r(e.gps[0], 7), "longitude": _r(e.gps[1], 7)},
            "tags": _pairs(e.tags),
        },
        "embedded_thumbnail": None if p.thumbnail is None else {
            "width": p.thumbnail.width, "height": p.thumbnail.height, "bytes": p.thumbnail.byte_count,
            "sha256": p.thumbnail.sha256, "label": p.thumbnail.label, "similarity": p.thumbnail.similarity,
            "agrees": p.thumbnail.agrees, "summary": p.thumbnail.summary, "areas": [list(a) for a in p.thumbnail.areas],
        },
        "xmp": None if x is None else {
            "digital_source_type": x.digital_source_type, "creator_tool": x.creator_tool,
            "create_date": x.create_date, "modify_date": x.modify_date, "metadata_date": x.metadata_date,
            "creators": list(x.creators), "rights": x.rights, "title": x.title, "description": x.description,
            "document_id": x.document_id, "instance_id": x.instance_id,
            "original_document_id": x.original_document_id, "provenance_url": x.provenance_url,
            "history": [{"action": h.action, "software_agent": h.software_agent, "when": h.when} for h in x.history],
            "properties": _pairs(x.properties),
        },
        "iptc": _pairs(p.iptc),
        "icc_profile": None if p.icc_description is None else {"description": p.icc_description, "copyright": p.icc_copyright},
        "comments": list(p.comments),
        "text_chunks": [
            {"chunk": t.chunk, "keyword": t.keyword, "length": t.length, "text": t.text, "truncated": t.truncated,
             "language": t.language, "translated_keyword": t.translated_keyword, "after_image_data": t.after_image_data}
            for t in p.text_chunks
        ],
        "generation": [
            {"generator": g.generator, "found_in": g.found_in, "prompts": list(g.prompts),
             "negative_prompts": list(g.negative_prompts), "seeds": list(g.seeds), "steps": g.steps,
             "sampler": g.sampler, "cfg_scale": g.cfg_scale, "size": g.size, "models": list(g.models),
             "model_hashes": list(g.model_hashes),
             "loras": [{"name": lo.name, "weight": lo.weight, "hash": lo.hash} for lo in g.loras],
             "version": g.version, "settings": _pairs(g.settings)}
            for g in p.generation
        ],
        "c2pa": None if c is None else {
            "validation_state": c.validation_state, "trusted": c.trusted,
            "trust_note": None if c.validation_state is None else TRUST_NOTE,
            "hash_mismatch": c.hash_mismatch, "active_manifest": c.active_manifest,
            "manifest_count": c.manifest_count, "claim_generator": c.claim_generator, "title": c.title,
            "format": c.format,
            "signature": {"issuer": c.signer_issuer, "common_name": c.signer_name,
                          "algorithm": c.signature_algorithm, "time": c.signed_at},
            "actions": [{"action": a.action, "software_agent": a.software_agent,
                         "digital_source_type": a.digital_source_type, "when": a.when} for a in c.actions],
            "ingredients": [{"title": i.title, "relationship": i.relationship, "format": i.format} for i in c.ingredients],
            "failures": [{"code": f.code, "explanation": f.explanation} for f in c.failures],
            "remote_url": c.remote_url, "error": c.error,
        },
        "notes": list(p.notes),
    }


def _evidence(e: Evidence) -> dict[str, Any]:
    document = e.summary()
    if e.provenance is not None:
        document["provenance"] = provenance_document(e.provenance)
    return document


def integrity_document(checks: tuple[Reverification, ...]) -> dict[str, Any]:
    unchanged = bool(checks) and all(c.unchanged for c in checks)
    return {
        "statement": ("Every input was read again at the end of the run: its SHA-256 is unchanged."
                      if unchanged else "An input could not be confirmed unchanged at the end of the run: see inputs."),
        "unchanged": unchanged,
        "inputs": [{"path": c.path, "sha256": c.sha256, "sha256_at_end": c.sha256_at_end, "unchanged": c.unchanged,
                    "modified_ns": c.modified_ns, "problem": c.problem} for c in checks],
    }


def metadata_diff_document(diff: MetadataDiff) -> dict[str, Any]:
    return {
        "findings": [{"code": f.code, "meaning": f.meaning, "original": f.original, "copy": f.copy} for f in diff.findings],
        "fields": [{"field": f.field, "status": f.status, "original": f.original, "copy": f.copy} for f in diff.fields],
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
        "original": _evidence(comparison.original),
        "copy": _evidence(comparison.copy),
        "alignment": {
            "aligned": a.aligned,
            "model": a.model.value,
            "method": a.method,
            "matrix": [[_r(v, 6) for v in row] for row in a.matrix.tolist()],
            "mirrored": a.mirrored,
            "inverted": a.inverted,
            "lens_bend_px": _r(a.lens_bend),
            "pixelated_block_px": _r(a.pixelated),
            "scale": _r(a.scale),
            "rotation_degrees": _r(a.rotation_degrees, 3),
            "matches": a.matches,
            "inliers": a.inliers,
            "reprojection_error": _r(a.reprojection_error),
            "overlap_fraction": _r(a.overlap_fraction),
            "overlap_box": list(a.overlap_box),
            "copy_fill_fraction": _r(a.copy_fill_fraction),
            "cut_margins": dict(a.cut_margins),
            "transparent_margins": a.transparent_margins,
            "piece_share": _r(a.piece_share),
            "axis_scales": [_r(v) for v in a.axis_scales],
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
            "outline_agreement": _r(m.outline_agreement),
            "pdq_distance": basis["pdq"],
            "pdq_dihedral_distance": m.pdq_dihedral_distance,
            "pdq_quality": [m.whole_hashes[0].pdq_quality, m.whole_hashes[1].pdq_quality],
            "ssim": _r(m.ssim),
            "colour_distance": _r(m.colour_distance),
            "colour_shift": _r(m.colour_shift),
            "copy_palette_colours": m.palette_colours,
            "hashes": {"whole": _hashes(m.whole_hashes, whole), "overlap": _hashes(m.overlap_hashes, overlap)},
            "thresholds": _hash_thresholds(),
        },
        "people": {"original": _people(m.people[0]), "copy": _people(m.people[1])} if m.people else None,
        "pose": None if m.pose is None else {
            "verdict": m.pose.verdict, "distance": _r(m.pose.distance), "agreement": _r(m.pose.agreement),
            "keypoints": m.pose.points, "limbs": m.pose.limbs, "limb_distance": _r(m.pose.limb_distance),
            "mirrored": m.pose.mirrored, "reason": m.pose.reason,
            "thresholds": {"same": T.POSE_SAME, "similar": T.POSE_SIMILAR, "point_tolerance": T.POSE_POINT_TOLERANCE},
        },
        "resemblance": None if m.resemblance is None else resemblance_document(m.resemblance),
        "derivation": None if m.derivation is None else derivation_document(m.derivation),
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
            {"box": list(c.box), "copy_box": None if c.copy_box is None else list(c.copy_box),
             "area_fraction": _r(c.area_fraction, 5), "kind": c.kind,
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
            "unchanged_colour": _r(changes.unchanged_colour, 2),
            "brightness_field": _r(changes.brightness_field),
            "local_tone": _r(changes.local_tone),
            "overlay": None if changes.overlay is None else {
                "ink": list(changes.overlay.ink), "opacity": _r(changes.overlay.opacity),
                "explained": _r(changes.overlay.explained), "on": changes.overlay.on,
            },
        },
        "verdict": {
            "label": m.verdict.label,
            "similarity": _r(m.verdict.similarity),
            "summary": m.verdict.summary,
            "reasons": list(m.verdict.reasons),
        },
        "metadata_diff": None if comparison.metadata_diff is None else metadata_diff_document(comparison.metadata_diff),
        "integrity": integrity_document(comparison.integrity),
        # Every timestamp lives here, so the rest of the document is the same for the same inputs.
        "run": {
            "started_at": comparison.started_at, "finished_at": comparison.finished_at,
            "integrity_checked_at": comparison.integrity[-1].checked_at if comparison.integrity else None,
            "software": [{"name": name, "version": version} for name, version in comparison.software],
        },
    }


def inspect_document(inspection: Inspection) -> dict[str, Any]:
    return {
        "schema": "simforensics.inspect/1",
        "tool": TOOL,
        "images": [_evidence(item) for item in inspection.images],
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
             # "a" when a is the likelier original (the derivation package), "undetermined" when it could not tell
             "original_side": p.original_side, "derivation_confidence": p.derivation_confidence,
             # the verification step that gave the verdict: "sha256" or "full" (scan/verify.py)
             "settled_by": p.settled_by,
             # the share of a's frame, and of b's, that shows what the other shows, as aligned (0: not aligned)
             "covered": {"a": p.covered[0], "b": p.covered[1]},
             "candidate": {"pdq_distance": p.pdq_distance, "local_matches": p.local_matches,
                           "via_group": p.via_group}}
            for p in result.pairs
        ],
        "groups": [list(group) for group in result.groups],
        "errors": [{"path": path, "error": reason} for path, reason in result.errors],
        # scan --related K: each scanned picture's most resembling non-copies in the reference.
        "related": [
            {"picture": r.picture,
             "resembling": [{"reference": x.reference, "distinctive": list(x.distinctive),
                             "resemblance": resemblance_document(x.profile)} for x in r.resembling]}
            for r in result.related
        ],
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
            "settled_by": dict(stats.settled_by),
        },
        "warnings": list(result.warnings),
    }
