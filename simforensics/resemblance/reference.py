"""A reference population of unrelated pairs, and where a pair's likeness falls among them.

A score alone does not tell whether a likeness is remarkable: two unrelated portraits share a
layout more often than two unrelated landscapes share a palette. The reference holds, per
dimension, the scores of pairs of unrelated works; a pair's percentile is the share of those
pairs that are less alike, and its finding follows from the percentile (thresholds.py).

The body of the distribution is counted; its upper tail, where "distinctive" lies, is fitted
(peaks over a threshold: an exponential tail on the logit of the score, as biometric and
forensic-voice systems normalise a score against a small impostor cohort). Counted alone, a
pair just beyond a small reference's most alike pair would be at 1.0, "rarer than every
unrelated pair", when the reference only measured a few dozen unrelated works. Pairs are
weighed by the works they come from (the builtin reference holds four views of each picture):
the independent units are pairs of works, not of views.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
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
class _Tail:
    """One table's distribution: counted (weighted) up to ``start`` (logit), fitted beyond it."""

    logits: np.ndarray  # the table's scores as logits, sorted
    below: np.ndarray  # below[i]: the weighted share of pairs before logits[i] (len + 1 entries)
    start: float  # where the fitted tail begins (logit of the RESEMBLANCE_TAIL_FROM quantile)
    share: float  # the weighted share of pairs beyond start
    mean_excess: float  # their mean distance beyond start (logit units): the exponential's scale

    @classmethod
    def fit(cls, scores: np.ndarray, weights: np.ndarray) -> _Tail:
        logits = _logit(scores)
        below = np.concatenate([[0.0], np.cumsum(weights)]) / weights.sum()
        at = min(int(np.searchsorted(below[1:], T.RESEMBLANCE_TAIL_FROM, side="left")), len(logits) - 1)
        start = float(logits[at])
        beyond = logits > start
        share = float(weights[beyond].sum() / weights.sum())
        mean_excess = float(np.average(logits[beyond] - start, weights=weights[beyond])) if beyond.any() else 0.0
        return cls(logits, below, start, share, mean_excess)

    def rank(self, score: float) -> float:
        x = float(_logit(np.float64(score)))
        if x <= self.start or self.mean_excess <= 0:
            return float(self.below[np.searchsorted(self.logits, x, side="left")])
        return 1.0 - self.share * math.exp(-(x - self.start) / self.mean_excess)


def _logit(scores: np.ndarray) -> np.ndarray:
    clipped = np.clip(scores, T.RESEMBLANCE_LOGIT_MARGIN, 1 - T.RESEMBLANCE_LOGIT_MARGIN)
    return np.log(clipped / (1 - clipped))


@dataclass(frozen=True)
class Reference:
    info: ReferenceInfo
    # dimension (or "dimension/stratum", table_name) -> the measured scores of its unrelated pairs, sorted
    scores: dict[str, np.ndarray]
    # table name -> for each of its scores (in the same order), how many of the table's pairs come
    # from the same two works (views of them); a pair weighs 1 / that. Missing: every pair its own works.
    units: dict[str, np.ndarray] = field(default_factory=dict)
    # dimension -> (one row of numbers per picture of the reference, each row's work as an integer):
    # what a dimension module with ``situate`` places a picture among (style: how many works lie
    # near it). Empty for a reference made before it kept them: those dimensions are then scored alone.
    cohorts: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Every placed pair carries its table's distribution for the report: counted once here,
        # not for each of the many pairs a scan --related places; likewise each table's tail.
        histograms = {name: tuple(int(n) for n in np.histogram(table, bins=HISTOGRAM_BINS, range=(0.0, 1.0))[0])
                      for name, table in self.scores.items() if len(table)}
        object.__setattr__(self, "_histograms", histograms)
        tails = {name: _Tail.fit(table, 1.0 / self.units.get(name, np.ones(len(table))))
                 for name, table in self.scores.items() if len(table)}
        object.__setattr__(self, "_tails", tails)

    def rank(self, name: str, score: float) -> float:
        """The (weighted) share of table ``name``'s pairs less alike than ``score``, its upper
        tail fitted; the table must hold pairs."""
        return self._tails[name].rank(score)

    def histogram(self, name: str) -> tuple[int, ...]:
        """Table ``name``'s pairs per twentieth of the score range; empty when it has none."""
        return self._histograms.get(name, ())

    def percentile(self, name: str, score: float) -> float | None:
        """The share of the reference's pairs less alike than ``score`` in table ``name`` (beyond its
        RESEMBLANCE_TAIL_FROM quantile, from the fitted tail); None when the reference measured too
        few such pairs for a percentile to mean anything."""
        table = self.scores.get(name)
        if table is None or len(table) < T.RESEMBLANCE_MIN_PAIRS:
            return None
        return self.rank(name, score)

    def to_document(self) -> dict:
        return {
            "schema": _SCHEMA, "name": self.info.name, "kind": self.info.kind, "pictures": self.info.pictures,
            "pairs": self.info.pairs, "scores": {name: [round(float(v), 4) for v in values]
                                                 for name, values in self.scores.items()},
            "units": {name: [int(n) for n in counts] for name, counts in self.units.items()},
            "cohorts": {name: {"works": [int(w) for w in works], "rows": [[round(float(v), 4) for v in row] for row in rows]}
                        for name, (rows, works) in self.cohorts.items()},
        }

    @classmethod
    def from_document(cls, document: dict, warning: str | None = None) -> Reference:
        if document.get("schema") != _SCHEMA:
            raise ValueError(f"not a resemblance reference ({document.get('schema')!r})")
        info = ReferenceInfo(name=str(document["name"]), pictures=int(document["pictures"]),
                             pairs=int(document["pairs"]), kind=str(document["kind"]), warning=warning)
        scores, units = {}, {}
        for name, values in document["scores"].items():
            values = np.asarray(values, np.float64)
            order = np.argsort(values, kind="stable")
            scores[str(name)] = values[order]
            if name in document.get("units", {}):
                units[str(name)] = np.asarray(document["units"][name], np.float64)[order]
        cohorts = {str(name): (np.asarray(cohort["rows"], np.float64), np.asarray(cohort["works"], np.int64))
                   for name, cohort in document.get("cohorts", {}).items()}
        return cls(info, scores, units, cohorts)


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


def place(name: str, measured: DimensionScore, reference: Reference,
          stratum: str | tuple[str, ...] | None = None) -> Dimension:
    """A dimension's score placed in the reference: its percentile and finding. ``stratum``: the
    kinds of pairs it is placed among, its own kind first, then wider ones (all pairs last, in any
    case). Among its own kind when the reference holds enough of them (RESEMBLANCE_MIN_PAIRS);
    else among the narrowest wider kind that it holds enough of, no higher than among each
    narrower kind of at least RESEMBLANCE_MIN_OWN_KIND pairs; no percentile when its own kind has
    fewer than that."""
    kinds = () if stratum is None else ((stratum,) if isinstance(stratum, str) else tuple(stratum))
    keys = [table_name(name, kind) for kind in kinds] + [name]  # narrowest first, all pairs last
    tables = [reference.scores.get(key, np.empty(0)) for key in keys]
    among = "" if not kinds else f" of {kinds[0]}"
    own = tables[0]
    if measured.score is None:
        return Dimension(name, None, None, Likeness.NOT_MEASURED, measured.why, reference.histogram(keys[0]))
    if len(own) >= T.RESEMBLANCE_MIN_PAIRS:
        percentile = reference.rank(keys[0], measured.score)
        why = measured.why if not kinds else f"{measured.why} (placed among the reference's pairs{among})"
        return Dimension(name, measured.score, percentile, _finding(percentile), why, reference.histogram(keys[0]))
    wide = next((i for i in range(1, len(keys)) if len(tables[i]) >= T.RESEMBLANCE_MIN_PAIRS), None)
    if wide is None or len(own) < T.RESEMBLANCE_MIN_OWN_KIND:
        return Dimension(name, measured.score, None, Likeness.NOT_MEASURED,
                         f"{measured.why}; the reference measured this on only {len(own)} of its pairs{among}, "
                         f"too few to say how rare it is (at least {T.RESEMBLANCE_MIN_PAIRS})",
                         reference.histogram(keys[0]))
    # Too few of its own kind to resolve the distinctive level: placed among a wider kind, but never
    # higher than among any narrower kind that tells its rank (RESEMBLANCE_MIN_OWN_KIND).
    ranks = {i: reference.rank(keys[i], measured.score) for i in range(wide + 1)
             if len(tables[i]) >= T.RESEMBLANCE_MIN_OWN_KIND}
    lowest = min(ranks, key=lambda i: (ranks[i], -i))
    wider = (f"all the reference's {len(tables[wide])} pairs" if wide == len(kinds)
             else f"the reference's {len(tables[wide])} pairs of {kinds[wide]}")
    why = f"{measured.why} (placed among {wider}, no higher than among its {len(own)} pairs{among}, too few alone)"
    return Dimension(name, measured.score, ranks[lowest], _finding(ranks[lowest]), why, reference.histogram(keys[lowest]))


def _finding(percentile: float) -> Likeness:
    if percentile >= T.RESEMBLANCE_DISTINCTIVE:
        return Likeness.DISTINCTIVE
    if percentile >= T.RESEMBLANCE_COMMON:
        return Likeness.COMMON
    return Likeness.DIFFERENT
