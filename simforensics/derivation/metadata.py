"""Cue: metadata. Weak by rule: dates and records of origin are easy to strip and to forge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Cue, Direction, FileFacts, Strength, _no_vote, _side_words

if TYPE_CHECKING:
    from ..provenance import Provenance


__all__ = ["metadata"]


def _earliest_date(provenance: Provenance) -> str | None:
    dates = []
    if provenance.exif:
        dates += [provenance.exif.datetime_original, provenance.exif.datetime_digitized]
    if provenance.xmp:
        dates.append(provenance.xmp.create_date)
    dates = [d.replace("-", ":").replace("T", " ")[:19] for d in dates if d and d[:4].isdigit()]
    return min(dates) if dates else None


def _origin_record(provenance: Provenance) -> str | None:
    """A record of where the picture came from: a camera, or a generator's parameters."""
    if provenance.exif and (provenance.exif.make or provenance.exif.model):
        return "camera data"
    if provenance.generation:
        return f"{provenance.generation[0].generator} generation parameters"
    return None


def metadata(facts: tuple[FileFacts, FileFacts]) -> Cue:
    """Weak by rule, whatever it says: metadata is easy to strip and to forge. Earlier capture or
    creation dates, and a record of origin (camera, generator parameters) on one side only."""
    name = "metadata"
    first, second = facts[0].provenance, facts[1].provenance
    if first is None or second is None:
        return _no_vote(name, "metadata not read")
    votes: list[tuple[Direction, str]] = []
    date_a, date_b = _earliest_date(first), _earliest_date(second)
    if date_a and date_b and date_a != date_b:
        earlier = Direction.ORIGINAL if date_a < date_b else Direction.COPY
        votes.append((earlier, (f"{_side_words(earlier)} states the earlier creation date ({min(date_a, date_b)} "
                               f"against {max(date_a, date_b)})")))
    origin_a, origin_b = _origin_record(first), _origin_record(second)
    if bool(origin_a) != bool(origin_b):
        side = Direction.ORIGINAL if origin_a else Direction.COPY
        votes.append((side, f"only {_side_words(side)} carries {origin_a or origin_b}"))
    if not votes:
        return _no_vote(name, "the metadata names no order (weak evidence at best: it is easy to strip and forge)")
    if len({v for v, _ in votes}) > 1:
        return _no_vote(name, "; ".join(w for _, w in votes) + ": they disagree (weak evidence: easy to strip and forge)")
    return Cue(name, votes[0][0], Strength.WEAK,
               "; ".join(w for _, w in votes) + " (weak evidence: metadata is easy to strip and forge)")
