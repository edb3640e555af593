"""Benchmarks for simforensics (run from the repository root, e.g. ``python -m benchmarks.compare``).

Nothing here is part of the installed package; results go to ``benchmarks/out/`` (git-ignored).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["json_safe", "write_results"]


def json_safe(value: Any) -> Any:
    """A results document made JSON-safe: NaN/inf -> None, tuples -> lists, numpy scalars -> Python."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def write_results(path: Path, document: dict[str, Any], seconds: float) -> None:
    """Write a benchmark's per-pair results document and say where (relative to the repository)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(json_safe(document), indent=1) + "\n")
    root = Path(__file__).resolve().parents[1]
    print(f"\nper-pair results: {path.relative_to(root) if path.is_relative_to(root) else path}  ({seconds:.0f} s)")
