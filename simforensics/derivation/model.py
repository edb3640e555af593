"""The derivation's answer and its parts: directions, strengths, cues, and the facts of each file."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .. import thresholds as T

if TYPE_CHECKING:
    from ..evidence import Evidence
    from ..provenance import Provenance


__all__ = ["Cue", "Derivation", "Direction", "FileFacts", "Strength", "facts_from_bytes", "facts_of"]


class Direction(StrEnum):
    """Which argument is likelier the original (../shared/CONTRACT.md)."""

    ORIGINAL = "original"
    COPY = "copy"
    UNDETERMINED = "undetermined"

    @property
    def other(self) -> Direction:
        return {Direction.ORIGINAL: Direction.COPY, Direction.COPY: Direction.ORIGINAL}.get(self, self)


class Strength(StrEnum):
    """How much a cue weighs: its log likelihood ratio is thresholds.DERIVATION_WEIGHTS[strength]."""

    NONE = "none"
    WEAK = "weak"
    MODERATE = "moderate"
    STRONG = "strong"

    @property
    def weight(self) -> float:
        return T.DERIVATION_WEIGHTS[self.value]


@dataclass(frozen=True)
class Cue:
    name: str
    points_to: Direction
    strength: Strength
    detail: str

    @property
    def signed_weight(self) -> float:
        """+weight toward the first argument, -weight toward the second, 0 for no vote."""
        if self.points_to is Direction.UNDETERMINED:
            return 0.0
        return self.strength.weight if self.points_to is Direction.ORIGINAL else -self.strength.weight


@dataclass(frozen=True)
class Derivation:
    likely_original: Direction
    confidence: float  # probability of the named side under the rule; 0.5 when undetermined
    score: float  # summed log likelihood ratio, + toward the first argument
    cues: tuple[Cue, ...]
    summary: str


@dataclass(frozen=True)
class FileFacts:
    """What the file (not the pixels) tells the derivation: its format, JPEG tables, metadata.

    ``full_size``: the pixels are the file's own decoded pixels, not a reduced decode (scan), so
    compression traces on the 8 x 8 grid can be read from them.
    """

    format: str | None = None
    quantization: tuple[tuple[int, ...], ...] | None = None  # JPEG tables, as Pillow reads them
    subsampling: int | None = None  # JPEG chroma subsampling, Pillow's code (0 4:4:4, 1 4:2:2, 2 4:2:0)
    # EXIF orientation: the pixels are the stored ones turned for display, and a JPEG's 8 x 8
    # blocks lie on the stored grid (evidence.stored turns them back).
    orientation: int | None = None
    provenance: Provenance | None = None
    full_size: bool = True
    # The file's pixels per decoded pixel along a side: above 1 for a reduced decode (scan's).
    reduction: float = 1.0
    transparent: bool = False  # some pixels are (partly) transparent: decoded as composited on white
    # ... or shown on this colour (RGB) instead: the one the other picture shows there (compare.matte)
    matte: tuple[int, int, int] | None = None
    # bool, the picture's size: its fully transparent pixels, left out of a comparison with an
    # opaque copy (they have no colour of their own to compare); on the copy's side, those whose
    # changed areas are called transparent (compare._made_transparent); None when it has none
    clear: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def is_jpeg(self) -> bool:
        return self.format == "JPEG" and bool(self.quantization)

    @property
    def is_lossless(self) -> bool:
        return self.format in T.DERIVATION_LOSSLESS_FORMATS


def facts_of(evidence: Evidence, *, full_size: bool = True) -> FileFacts:
    """The facts of a file read as evidence."""
    return FileFacts(format=evidence.format, quantization=evidence.jpeg_quantization,
                     subsampling=evidence.jpeg_subsampling, orientation=evidence.exif_orientation,
                     provenance=evidence.provenance, full_size=full_size, transparent=evidence.uses_transparency)


def facts_from_bytes(data: bytes) -> FileFacts:
    """The facts of an encoded file in memory (benchmarks and tests), read as evidence is."""
    from ..evidence import (
        DEFAULT_MAX_PIXELS,
        exif_orientation,
        jpeg_tables,
        open_checked,
    )

    image, _ = open_checked("<memory>", data, DEFAULT_MAX_PIXELS)
    quantization, subsampling = jpeg_tables(image) if image.format == "JPEG" else (None, None)
    return FileFacts(format=image.format, quantization=quantization, subsampling=subsampling,
                     orientation=exif_orientation(image))


def _grey(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY).astype(np.float32)


def _tone_fit_residual(source: np.ndarray, target_grey: np.ndarray, sample: np.ndarray) -> float:
    """RMS of what a global tone-and-colour mapping of ``source`` (grey from quadratic RGB terms)
    leaves unexplained of ``target_grey``, over the ``sample`` pixels (bool)."""
    pixels = source[sample].reshape(-1, 3).astype(np.float64) / 255.0
    target = target_grey[sample].astype(np.float64) / 255.0
    design = np.hstack([np.ones((len(pixels), 1)), pixels, pixels**2])
    # Least squares by the normal equations (7 unknowns), with a whisker of ridge for flat pictures.
    gram = design.T @ design + 1e-9 * len(design) * np.eye(design.shape[1])
    coefficients = np.linalg.solve(gram, design.T @ target)
    return float(np.sqrt(np.mean((design @ coefficients - target) ** 2)) * 255.0)


def _no_vote(name: str, detail: str) -> Cue:
    return Cue(name, Direction.UNDETERMINED, Strength.NONE, detail)


def _side_words(direction: Direction) -> str:
    return {Direction.ORIGINAL: "the first picture", Direction.COPY: "the second picture"}[direction]
