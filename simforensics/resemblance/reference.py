"""A reference population of unrelated pairs, and where a pair's likeness falls among them.

A score alone does not tell whether a likeness is remarkable: two unrelated portraits share a
layout more often than two unrelated landscapes share a palette. The reference holds, per
dimension, the scores of pairs of unrelated works; a pair's percentile is the share of those
pairs that are less alike, and its finding follows from the percentile (thresholds.py).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np

from .. import thresholds as T
from .model import Dimension, DimensionScore, Likeness, ReferenceInfo

__all__ = ["BUILTIN_FILE", "Reference", "builtin_reference", "place", "table_name"]

BUILTIN_FILE = "builtin_reference.json"
_SCHEMA = "simforensics.resemblance-reference/1"
HISTOGRAM_BINS = 20  # what a report draws: the shape of the distribution, not its detail


def table_name(dimension: str, stratum: str | None) -> str:
    """The key of a dimension's scores among the pairs of one stratum ("palette/grey pictures")."""
    return dimension if stratum is None else f"{dimension}/{stratum}"


@dataclass(frozen=True)
class Reference:
    info: ReferenceInfo
    # dimension (or "dimension/stratum", table_name) -> the measured scores of its unrelated pairs, sorted
    scores: dict[str, np.ndarray]

    def __post_init__(self) -> None:
        # Every placed pair carries its table's distribution for the report: counted once here,
        # not for each of the many pairs a scan --related places.
        histograms = {name: tuple(int(n) for n in np.histogram(table, bins=HISTOGRAM_BINS, range=(0.0, 1.0))[0])
                      for name, table in self.scores.items() if len(table)}
        object.__setattr__(self, "_histograms", histograms)

    def histogram(self, name: str) -> tuple[int, ...]:
        """Table ``name``'s pairs per twentieth of the score range; empty when it has none."""
        return self._histograms.get(name, ())

    def percentile(self, name: str, score: float) -> float | None:
        """The share of the reference's pairs less alike than ``score`` in table ``name``; None when
        the reference measured too few such pairs for a percentile to mean anything."""
        table = self.scores.get(name)
        if table is None or len(table) < T.RESEMBLANCE_MIN_PAIRS:
            return None
        return float(np.searchsorted(table, score, side="left") / len(table))

    def to_document(self) -> dict:
        return {
            "schema": _SCHEMA, "name": self.info.name, "kind": self.info.kind, "pictures": self.info.pictures,
            "pairs": self.info.pairs, "scores": {name: [round(float(v), 4) for v in values]
                                                 for name, values in self.scores.items()},
        }

    @classmethod
    def from_document(cls, document: dict, warning: str | None = None) -> Reference:
        if document.get("schema") != _SCHEMA:
            raise ValueError(f"not a resemblance reference ({document.get('schema')!r})")
        info = ReferenceInfo(name=str(document["name"]), pictures=int(document["pictures"]),
                             pairs=int(document["pairs"]), kind=str(document["kind"]), warning=warning)
        scores = {str(name): np.sort(np.asarray(values, np.float64)) for name, values in document["scores"].items()}
        return cls(info, scores)


@functools.cache
def builtin_reference() -> Reference:
    """The reference that ships with simforensics (``python -m simforensics.resemblance.builtin``
    makes it from pictures that installed packages ship)."""
    text = resources.files(__package__).joinpath(BUILTIN_FILE).read_text(encoding="utf-8")
    document = json.loads(text)
    warning = (f"the builtin reference is small ({document['pictures']} views of "
               f"{document.get('sources', '?')} shipped pictures of every kind): a percentile says how rare a "
               "likeness is among those, not in the genre of the works compared; give --reference FOLDER "
               "with works of that genre")
    return Reference.from_document(document, warning)


def place(name: str, measured: DimensionScore, reference: Reference, stratum: str | None = None) -> Dimension:
    """A dimension's score placed in the reference (among its pairs of ``stratum`` when given): its
    percentile and finding."""
    key = table_name(name, stratum)
    table = reference.scores.get(key, np.empty(0))
    histogram = reference.histogram(key)
    among = "" if stratum is None else f" of {stratum}"
    if measured.score is None:
        return Dimension(name, None, None, Likeness.NOT_MEASURED, measured.why, histogram)
    percentile = reference.percentile(key, measured.score)
    if percentile is None and stratum is not None and len(table) >= T.RESEMBLANCE_MIN_OWN_KIND:
        pooled = reference.percentile(name, measured.score)
        if pooled is not None:
            # Too few pairs of its own kind to resolve the distinctive level: placed among all the
            # reference's pairs, but never higher than among its own kind (RESEMBLANCE_MIN_OWN_KIND).
            own = float(np.searchsorted(table, measured.score, side="left") / len(table))
            percentile = min(own, pooled)
            if pooled <= own:
                histogram = reference.histogram(name)
            why = (f"{measured.why} (placed among all the reference's {len(reference.scores[name])} pairs, no "
                   f"higher than among its {len(table)} pairs{among}, too few alone)")
            return Dimension(name, measured.score, percentile, _finding(percentile), why, histogram)
    if percentile is None:
        return Dimension(name, measured.score, None, Likeness.NOT_MEASURED,
                         f"{measured.why}; the reference measured this on only {len(table)} of its pairs{among}, "
                         f"too few to say how rare it is (at least {T.RESEMBLANCE_MIN_PAIRS})", histogram)
    why = measured.why if stratum is None else f"{measured.why} (placed among the reference's pairs{among})"
    return Dimension(name, measured.score, percentile, _finding(percentile), why, histogram)


def _finding(percentile: float) -> Likeness:
    if percentile >= T.RESEMBLANCE_DISTINCTIVE:
        return Likeness.DISTINCTIVE
    if percentile >= T.RESEMBLANCE_COMMON:
        return Likeness.COMMON
    return Likeness.DIFFERENT
