"""``scan --against REFERENCE --related K``: for each scanned picture, the K pictures of the
reference that resemble it most without being copies of it (an illustrator checking an app's
gallery against a portfolio).

Each picture is described once (resemblance/profile.py, with its people found as `compare` finds
them), on the runner's workers; every (scanned, reference) pair that is not a match is scored
from the descriptions and placed in the builtin reference; the pairs with the most distinctive
likenesses, then the rarest ones, come first.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from .. import thresholds as T
from ..resemblance.profile import Description, resemblance_profile
from ..resemblance.reference import builtin_reference
from .jobs import describe
from .result import RelatedWorks, Resembling, ScanPair
from .runners import Runner

__all__ = ["related_csv_path", "related_works"]


def related_csv_path(csv_path: str) -> str:
    """Where ``scan --related`` puts its table beside the pairs' CSV: ``matches.csv`` ->
    ``matches-related.csv`` (the pairs' CSV keeps its own columns for the tools that read it)."""
    stem, extension = os.path.splitext(csv_path)
    return f"{stem}-related{extension or '.csv'}"


def _order(resembling: Resembling) -> tuple[int, float, str]:
    """Sort key: most distinctive likenesses first, then the highest mean percentile."""
    measured = [d.percentile for d in resembling.profile.dimensions if d.percentile is not None]
    return -len(resembling.distinctive), -sum(measured) / max(1, len(measured)), resembling.reference


def related_works(scanned: list[str], references: list[str], matches: Iterable[ScanPair], k: int, *,
                  runner: Runner, max_pixels: int, errors: list[tuple[str, str]],
                  advance: Callable[[], None] = lambda: None) -> tuple[RelatedWorks, ...]:
    """The ``k`` most resembling non-copies in ``references`` for each of ``scanned``, placed in
    the builtin reference."""
    population = builtin_reference()
    given = {os.path.abspath(p): p for p in (*scanned, *references)}
    descriptions: dict[str, Description] = {}
    jobs = [(path, max_pixels) for path in given]
    for described in runner.map(describe, jobs, max_batch=T.SCAN_CLUSTER_VERIFY_BATCH):
        advance()
        if described.description is None:
            errors.append((given[described.path], f"unreadable when describing it: {described.error}"))
        else:
            descriptions[given[described.path]] = described.description
    copies = {frozenset((p.a, p.b)) for p in matches if p.match}
    result = []
    for picture in scanned:
        if picture not in descriptions:
            continue
        found = [
            Resembling(other, resemblance_profile(descriptions[picture], descriptions[other], population))
            for other in references if other in descriptions and frozenset((picture, other)) not in copies
        ]
        found.sort(key=_order)
        result.append(RelatedWorks(picture, tuple(found[:k])))
    return tuple(result)
