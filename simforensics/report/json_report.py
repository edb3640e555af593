"""JSON documents per ../shared/CONTRACT.md, built from the result models only."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..compare import Comparison
from ..inspect import Inspection
from ..scan import ScanResult

__all__ = ["compare_document", "inspect_document", "scan_document", "dumps", "TOOL"]

TOOL = {"name": "simforensics", "version": __version__}


def dumps(document: dict[str, Any]) -> str:
    """Stable text: same document, same bytes."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def compare_document(comparison: Comparison) -> dict[str, Any]:
    return {
        "schema": "simforensics.compare/1",
        "tool": TOOL,
        "original": comparison.original.summary(),
        "copy": comparison.copy.summary(),
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
