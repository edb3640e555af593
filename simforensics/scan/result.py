"""The scan's result model: every report (terminal, JSON, CSV, HTML index) renders this."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..resemblance.model import Likeness, ResemblanceProfile
from ..verdict import Label

__all__ = ["SETTLING_STEPS", "RelatedWorks", "Resembling", "ScanPair", "ScanResult", "ScanStats"]

# The verification's steps (scan/verify.py), cheapest first, as the JSON names them: equal SHA-256
# (nothing decoded), the compare engine at SCAN_VERIFY_SIDE.
SETTLING_STEPS = ("sha256", "full")


@dataclass(frozen=True)
class ScanPair:
    """One scored candidate: ``a`` is the likelier original when the derivation could tell
    (``original_side == "a"``); otherwise, as before, the reference or the larger picture."""

    a: str
    b: str
    similarity: float
    label: Label
    match: bool
    summary: str = ""
    # Why the pair was a candidate: the PDQ distance (rotations/mirrors, of 256 bits) when within
    # the candidate range, and how many local descriptors of one found a partner in the other.
    pdq_distance: int | None = None
    local_matches: int = 0
    via_group: bool = False  # verified because both are in one group of matches
    # "a" when the derivation found ``a`` the likelier original, "undetermined" when it could not tell.
    original_side: str = "undetermined"
    derivation_confidence: float = 0.5
    settled_by: str = SETTLING_STEPS[-1]  # the verification step that gave the verdict
    # The share of ``a``'s frame, then of ``b``'s, that shows what the other shows (0 when they do
    # not align): a picture set into a quarter of a collage covers a quarter of it.
    covered: tuple[float, float] = (1.0, 1.0)


@dataclass(frozen=True)
class Resembling:
    """A reference picture that resembles a scanned one without being a copy of it."""

    reference: str
    profile: ResemblanceProfile

    @property
    def distinctive(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.profile.dimensions if d.finding is Likeness.DISTINCTIVE)


@dataclass(frozen=True)
class RelatedWorks:
    """``scan --against REFERENCE --related K``: a scanned picture's most resembling non-copies."""

    picture: str
    resembling: tuple[Resembling, ...]  # most resembling first


@dataclass(frozen=True)
class ScanStats:
    files: int = 0  # regular files considered
    decoded: int = 0  # files read and decoded in this run
    from_cache: int = 0  # files whose features (or refusal) came from the cache
    candidates: int = 0
    verified: int = 0  # candidate pairs given a verdict in this run (equal SHA-256 or the compare engine)
    verdicts_from_cache: int = 0
    # Pairs verified in this run by each step of the cascade (SETTLING_STEPS order).
    settled_by: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class ScanResult:
    images: int
    pairs: tuple[ScanPair, ...]
    groups: tuple[tuple[str, ...], ...]
    errors: tuple[tuple[str, str], ...]  # (path, reason)
    stats: ScanStats = field(default_factory=ScanStats)
    warnings: tuple[str, ...] = ()
    related: tuple[RelatedWorks, ...] = ()  # with --related K, one entry per scanned picture
