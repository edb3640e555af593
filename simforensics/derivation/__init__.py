"""Which picture of a related pair is the likelier original: one function per cue, one rule.

Image phylogeny reads the direction of a derivation from the pixels: a crop is contained in its
source; a reduction loses detail that an enlargement cannot invent; a re-encode carries the
second compression; a painted-out area is smoother than what it replaced. Each cue looks at one
of these, in both directions, and returns a ``Cue``: the side it points to, how strongly (a
likelihood ratio class, thresholds.py) and its evidence in words. ``combine`` is the one rule:
the cues' log likelihood ratios are summed; a side is named only when the sum reaches
DERIVATION_DECIDE and no cue of moderate strength or more points the other way. Otherwise the
answer is ``undetermined``. Identical pixels are always undetermined: nothing in them can tell.

The cues, one module per family: ``containment``; ``detail`` (information loss both ways,
resampling traces); ``tone`` (tonal history, colour mapping); ``resizes`` (exact reproduction of
a lossless resize); ``compression`` (re-encoding, the block grid); ``edits`` (local edits);
``metadata`` (weak). ``model`` holds the answer's types, ``grid`` the common pixel grid.

Sides are named as the contract names them: ``original`` is the first argument, ``copy`` the
second; "points to original" means "the first argument is likelier the original".
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .. import thresholds as T
from .compression import block_grid, reencoding
from .containment import containment
from .detail import information_loss, resampling
from .edits import local_edits
from .grid import _common_grid
from .metadata import metadata
from .model import (
    Cue,
    Derivation,
    Direction,
    FileFacts,
    Strength,
    _side_words,
    facts_from_bytes,
    facts_of,
)
from .resizes import reproduction
from .tone import colour_mapping, tonal_history

if TYPE_CHECKING:
    import numpy as np

    from ..align import Alignment
    from ..changes import ChangeMap

__all__ = [
    "Cue", "Derivation", "Direction", "FileFacts", "Strength", "block_grid", "colour_mapping", "combine", "containment",
    "derive", "facts_from_bytes", "facts_of", "information_loss", "local_edits", "metadata", "reencoding",
    "reproduction", "resampling", "tonal_history",
]


def combine(cues: tuple[Cue, ...]) -> Derivation:
    """Sum the cues' log likelihood ratios (thresholds.DERIVATION_WEIGHTS); name a side when the
    sum reaches DERIVATION_DECIDE and no cue of moderate strength or more points the other way."""
    score = sum(c.signed_weight for c in cues)
    leaning = Direction.ORIGINAL if score > 0 else Direction.COPY
    against = [c for c in cues if c.points_to is leaning.other and c.strength.weight >= Strength.MODERATE.weight]
    voting = [c for c in cues if c.points_to is not Direction.UNDETERMINED]
    if abs(score) >= T.DERIVATION_DECIDE and not against:
        confidence = 1.0 / (1.0 + math.exp(-abs(score)))
        names = ", ".join(c.name for c in voting if c.points_to is leaning)
        summary = f"{_side_words(leaning).capitalize()} is likelier the original ({names})."
        return Derivation(leaning, round(confidence, 4), round(score, 4), cues, summary)
    if against:
        why = "the cues disagree: " + "; ".join(f"{c.name} points to {_side_words(c.points_to)}" for c in voting)
    elif voting:
        why = "the cues are too weak: " + "; ".join(f"{c.name} ({c.strength}) points to {_side_words(c.points_to)}" for c in voting)
    else:
        why = "no cue tells the order"
    return Derivation(Direction.UNDETERMINED, 0.5, round(score, 4), cues, f"Which picture came first is undetermined: {why}.")


def derive(original: np.ndarray, copy: np.ndarray, *, alignment: Alignment, changes: ChangeMap | None,
           identical: bool, facts: tuple[FileFacts, FileFacts] | None = None,
           previews: tuple[np.ndarray, np.ndarray] | None = None) -> Derivation:
    """The derivation of one compared pair. ``facts``: each file's format, JPEG tables and
    metadata (None: pixels only, the compression and metadata cues cannot vote). ``previews``:
    both pictures area-averaged by ``resample.shrink_to_side`` (the comparison's previews), used
    where a cue reads a picture reduced to their size."""
    facts = facts or (FileFacts(), FileFacts())
    if identical:
        return Derivation(Direction.UNDETERMINED, 0.5, 0.0, (metadata(facts),),
                          "Which picture came first is undetermined: the decoded pixels are identical, "
                          "so nothing in them can tell.")
    if not alignment.aligned:
        return Derivation(Direction.UNDETERMINED, 0.5, 0.0, (metadata(facts),),
                          "Which picture came first is undetermined: the pictures are not the same picture "
                          "(no geometric correspondence), so no derivation is read from their pixels.")
    changed = changes.mask == 255 if changes is not None else None
    grid = _common_grid(original, copy, alignment, changed)
    encoded = reencoding(original, copy, facts, grid, changed)
    cues = (
        containment(alignment, original, copy, previews),
        information_loss(grid, (original, copy), facts),
        resampling(grid, alignment.rotation_degrees),
        tonal_history(facts, grid),
        colour_mapping(facts, grid),
        encoded,
        reproduction(original, copy, facts, grid, changed),
        block_grid(original, copy, facts, grid, encoded),
        local_edits(original, copy, alignment, changes, previews),
        metadata(facts),
    )
    return combine(cues)
