"""Orchestrate one pair of files into one `Comparison`."""

from __future__ import annotations

from dataclasses import dataclass

from .evidence import Evidence, load_evidence
from .options import CompareOptions

__all__ = ["Comparison", "compare_files"]


@dataclass(frozen=True)
class Comparison:
    original: Evidence
    copy: Evidence
    options: CompareOptions


def compare_files(options: CompareOptions) -> Comparison:
    original = load_evidence(options.original, max_pixels=options.max_pixels)
    copy = load_evidence(options.copy, max_pixels=options.max_pixels)
    return Comparison(original=original, copy=copy, options=options)
