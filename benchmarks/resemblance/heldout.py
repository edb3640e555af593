"""The held-out reference: a population made like the builtin one from the reference half only.

Each picture of the reference half (``sources.split``) is described whole and in the builtin's
three crops (``simforensics.resemblance.builtin.views``) and every pair of views of different
pictures is scored (``simforensics.resemblance.population.reference_from_pictures``, which also
leaves out pairs whose pHashes say they are copies). No picture of the benchmark half is in it.
"""

from __future__ import annotations

import numpy as np

from simforensics.resemblance.builtin import views
from simforensics.resemblance.population import describe_rgb, reference_from_pictures
from simforensics.resemblance.reference import Reference

from . import sources as S

__all__ = ["build"]


def build(pictures: tuple[str, ...]) -> Reference:
    described = []
    for source in pictures:
        for _, rgb in views(S.load(source)):
            description, phash = describe_rgb(np.ascontiguousarray(rgb))
            described.append((source, description, phash))
    names = ", ".join(S.short(n) for n in pictures)
    return reference_from_pictures(described, name="held-out",
                                   kind=f"the benchmark's reference half, each whole and in 3 crops: {names}")
