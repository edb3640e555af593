"""Perceptual hashes of a picture: imagehash's pHash, dHash, aHash, wHash, colour hash, and PDQ.

Every hash is a bit vector compared by Hamming distance. ``HASHES`` describes each one once (its
length, the distance expected between unrelated pictures, and the limits for "same picture" and
"related"): the verdict and every report read them from there.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import imagehash
import numpy as np
import pdqhash
from PIL import Image

from . import thresholds as T
from .resample import shrink_to_side

__all__ = ["HASHES", "HASH_NAMES", "HashKind", "HashSet", "compute_hashes", "hash_distances", "hash_kind",
           "outline_agreement", "outline_map", "pdq_dihedral_distance", "pdq_dihedral_variants", "thumbnail"]

THUMBNAIL_SIDE = T.HASH_THUMBNAIL_SIDE



@dataclass(frozen=True)
class HashKind:
    """What one hash is and how its distances are read."""

    name: str  # the key in HashSet.bits and in the JSON
    title: str  # for people
    captures: str  # what it is a hash of, in a few words
    bits: int
    chance: int  # the distance expected between unrelated pictures
    same: int | None  # at or below: the same picture (None: this hash does not say so)
    related: int | None  # at or below: related pictures (None: this hash does not say so)
    reason: str  # where the limits come from

    def relatedness(self, distance: int) -> float:
        """How far below chance ``distance`` is, in [0, 1] (0 = chance level or above)."""
        return min(1.0, max(0.0, (self.chance - distance) / self.chance))


_HASH64_REASON = (f"unrelated pictures differ in Binomial(64, 0.5) bits ({T.HASH64_CHANCE} +- 4); same <= "
                  f"{T.HASH64_SAME} is imagehash's near-duplicate level, related <= {T.HASH64_RELATED} is 3 sd "
                  "below chance")
HASHES = (
    HashKind("phash", "pHash", "the coarse pattern of light and dark (cosine transform of a 32 × 32 grey thumbnail)",
             64, T.HASH64_CHANCE, T.HASH64_SAME, T.HASH64_RELATED, _HASH64_REASON),
    HashKind("dhash", "dHash", "whether each cell is brighter than its neighbour (9 × 8 grey thumbnail)",
             64, T.HASH64_CHANCE, T.HASH64_SAME, T.HASH64_RELATED, _HASH64_REASON),
    HashKind("ahash", "aHash", "whether each cell is brighter than the mean (8 × 8 grey thumbnail)",
             64, T.HASH64_CHANCE, T.HASH64_SAME, T.HASH64_RELATED, _HASH64_REASON),
    HashKind("whash", "wHash", "the coarse wavelet pattern (Haar, 8 × 8)",
             64, T.HASH64_CHANCE, T.HASH64_SAME, T.HASH64_RELATED, _HASH64_REASON),
    # binbits=3 gives 14 x 3 = 42 bits (imagehash's default). Colour shares alone are no evidence
    # of a copy or a relation: shown, never counted.
    HashKind("colorhash", "colour hash", "the share of each hue and saturation (not where they are)",
             42, 21, None, None, "shown only: a palette is shared by unrelated pictures"),
    HashKind("edge_phash", "outline pHash", "pHash of the outlines: survives a redraw in another medium",
             64, T.EDGE_HASH_CHANCE, None, T.EDGE_HASH_RELATED,
             f"outlines of unrelated natural pictures differ in {T.EDGE_HASH_CHANCE} +- 4 bits; related <= "
             f"{T.EDGE_HASH_RELATED} is 3 sd below"),
    HashKind("pdq", "PDQ", "Meta's 256-bit hash for matching copies (cosine transform of 64 × 64)",
             256, T.PDQ_CHANCE, T.PDQ_SAME, T.PDQ_RELATED,
             f"unrelated pictures differ in {T.PDQ_CHANCE} +- 8 bits; same <= {T.PDQ_SAME} is Meta's match level, "
             f"related <= {T.PDQ_RELATED} is 4.75 sd below chance"),
)
HASH_NAMES = tuple(kind.name for kind in HASHES)
_BY_NAME = {kind.name: kind for kind in HASHES}


def hash_kind(name: str) -> HashKind:
    return _BY_NAME[name]


@dataclass(frozen=True)
class HashSet:
    bits: dict[str, np.ndarray]  # name -> flat bool array
    pdq_quality: int  # PDQ's own confidence, 0-100; below 50 the hash is unreliable (flat picture)
    grey_spread: float  # sd of the grey levels on pHash's 32 x 32 grid: a blank picture gives its hashes nothing to read

    def hex(self) -> dict[str, str]:
        return {name: _hex(bits) for name, bits in self.bits.items()}


def _hex(bits: np.ndarray) -> str:
    padded = np.concatenate([bits.astype(np.uint8), np.zeros(-len(bits) % 8, np.uint8)])
    return np.packbits(padded).tobytes().hex()


def thumbnail(rgb: np.ndarray, side: int = THUMBNAIL_SIDE) -> np.ndarray:
    """Area-averaged copy whose longest side is at most ``side``."""
    return shrink_to_side(rgb, side)


def edge_map(rgb: np.ndarray) -> np.ndarray:
    """Where the outlines are: smoothed gradient magnitude of the grey picture, 8-bit, 256 px.

    A sketch, a painting or a cartoon of a picture keeps its outlines while its tones change;
    the pHash of this map lets such redrawings be recognised as related.
    """
    magnitude = cv2.GaussianBlur(_gradient_magnitude(rgb), (0, 0), 3.0)
    return (255 * magnitude / max(1e-6, float(magnitude.max()))).astype(np.uint8)


def _gradient_magnitude(rgb: np.ndarray) -> np.ndarray:
    """Sobel gradient magnitude of the grey picture at 256 px, lightly smoothed first (float32)."""
    grey = cv2.cvtColor(thumbnail(rgb, 256), cv2.COLOR_RGB2GRAY).astype(np.float32)
    grey = cv2.GaussianBlur(grey, (0, 0), 1.0)
    return cv2.magnitude(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))


def outline_map(rgb: np.ndarray) -> np.ndarray:
    """Where the outlines are, whatever their contrast: the gradient magnitude of the grey picture
    at 256 px, log-compressed against its median, reduced to OUTLINE_SIDE x OUTLINE_SIDE (the
    whole frame, whatever its proportions) and smoothed (float32).

    The log lets each outline count: a lamp's glare outweighed a tower's edges by tens of times
    in the magnitude, where a pencil sketch of the picture draws both alike."""
    magnitude = _gradient_magnitude(rgb)
    compressed = np.log1p(magnitude / (float(np.median(magnitude)) + 1e-3))
    reduced = cv2.resize(compressed, (T.OUTLINE_SIDE, T.OUTLINE_SIDE), interpolation=cv2.INTER_AREA)
    return cv2.GaussianBlur(reduced, (0, 0), T.OUTLINE_SMOOTHING)


def outline_agreement(original: np.ndarray, copy: np.ndarray) -> float:
    """Correlation of two ``outline_map``s, the copy's as it is or mirrored, whichever is higher:
    how far the outlines lie in the same places of the two frames (a sketch, a tracing or a
    restyle of the whole picture keeps them there; its tones and texture change)."""
    a = original.ravel() - original.mean()
    best = -1.0
    for view in (copy, copy[:, ::-1]):
        b = view.ravel() - view.mean()
        spread = float(np.sqrt((a * a).sum() * (b * b).sum()))
        best = max(best, float((a * b).sum()) / spread if spread > 0 else 0.0)
    return best


def compute_hashes(rgb: np.ndarray) -> HashSet:
    rgb = thumbnail(rgb)
    image = Image.fromarray(rgb)
    shown = Image.fromarray(thumbnail(rgb, T.HASH_SHOWN_SIDE))  # for the hashes only shown (thresholds.py)
    bits = {
        "phash": imagehash.phash(image).hash.ravel(),
        "dhash": imagehash.dhash(image).hash.ravel(),
        "ahash": imagehash.average_hash(image).hash.ravel(),
        "whash": imagehash.whash(shown).hash.ravel(),
        "colorhash": imagehash.colorhash(shown).hash.ravel(),
    }
    bits["edge_phash"] = imagehash.phash(Image.fromarray(edge_map(rgb))).hash.ravel()
    pdq_bits, quality = pdqhash.compute(np.ascontiguousarray(rgb))
    bits["pdq"] = np.asarray(pdq_bits).astype(bool).ravel()
    grey = cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), (32, 32), interpolation=cv2.INTER_AREA)
    return HashSet(bits={k: np.asarray(v, bool) for k, v in bits.items()}, pdq_quality=int(quality),
                   grey_spread=float(grey.std()))


def hash_distances(a: HashSet, b: HashSet) -> dict[str, int]:
    return {name: int(np.count_nonzero(a.bits[name] != b.bits[name])) for name in HASH_NAMES}


def pdq_dihedral_variants(rgb: np.ndarray) -> np.ndarray:
    """PDQ of ``rgb``'s 8 rotations/mirrors, (8, 256) bool."""
    variants, _ = pdqhash.compute_dihedral(np.ascontiguousarray(rgb))
    return np.asarray(variants).astype(bool).reshape(8, -1)


def pdq_dihedral_distance(original: HashSet, copy_variants: np.ndarray) -> int:
    """The smallest PDQ distance between the original and any of the copy's 8 rotations/mirrors
    (``pdq_dihedral_variants``)."""
    return int(np.count_nonzero(copy_variants != original.bits["pdq"], axis=1).min())
