"""`simforensics inspect`: what each file is, as evidence, and what its metadata says of its origin."""

from __future__ import annotations

from dataclasses import dataclass

from .compare import compare_images
from .errors import EvidenceError
from .evidence import DEFAULT_MAX_PIXELS, Evidence, load_evidence
from .thumbnail import checked

__all__ = ["Inspection", "inspect_files"]


@dataclass(frozen=True)
class Inspection:
    images: tuple[Evidence, ...]
    errors: tuple[tuple[str, str], ...]  # (path, reason)


def inspect_files(paths: list[str], *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Inspection:
    images: list[Evidence] = []
    errors: list[tuple[str, str]] = []
    for path in paths:
        try:
            images.append(checked(load_evidence(path, max_pixels=max_pixels, with_provenance=True), compare_images))
        except EvidenceError as exc:
            errors.append((exc.path, exc.reason))
    return Inspection(images=tuple(images), errors=tuple(errors))
