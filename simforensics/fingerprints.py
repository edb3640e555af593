"""Perceptual hashes of a picture: imagehash's pHash, dHash, aHash, wHash, colour hash, and PDQ.

Every hash is a bit vector compared by Hamming distance; ``max_distance`` is its length, so a
distance can be read against chance (half the bits).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import imagehash
import numpy as np
import pdqhash
from PIL import Image

from .resample import shrink_to_side

__all__ = ["HASH_NAMES", "HashSet", "compute_hashes", "hash_distances", "thumbnail"]

# Every hash here reduces the picture to at most 64 x 64 samples; area-averaging to 512 px first
# (as PDQ's reference pipeline does) changes no hash materially and keeps 12-MP inputs fast.
THUMBNAIL_SIDE = 512

HASH_NAMES = ("phash", "dhash", "ahash", "whash", "colorhash", "edge_phash", "pdq")


@dataclass(frozen=True)
class HashSet:
    bits: dict[str, np.ndarray]  # name -> flat bool array
    pdq_quality: int  # PDQ's own confidence, 0-100; below 50 the hash is unreliable (flat picture)

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
    grey = cv2.cvtColor(thumbnail(rgb, 256), cv2.COLOR_RGB2GRAY).astype(np.float32)
    grey = cv2.GaussianBlur(grey, (0, 0), 1.0)
    magnitude = cv2.magnitude(cv2.Sobel(grey, cv2.CV_32F, 1, 0), cv2.Sobel(grey, cv2.CV_32F, 0, 1))
    magnitude = cv2.GaussianBlur(magnitude, (0, 0), 3.0)
    return (255 * magnitude / max(1e-6, float(magnitude.max()))).astype(np.uint8)


def compute_hashes(rgb: np.ndarray) -> HashSet:
    rgb = thumbnail(rgb)
    image = Image.fromarray(rgb)
    bits = {
        "phash": imagehash.phash(image).hash.ravel(),
        "dhash": imagehash.dhash(image).hash.ravel(),
        "ahash": imagehash.average_hash(image).hash.ravel(),
        "whash": imagehash.whash(image).hash.ravel(),
        # binbits=3 gives 14 x 3 = 42 bits (imagehash's default).
        "colorhash": imagehash.colorhash(image).hash.ravel(),
    }
    bits["edge_phash"] = imagehash.phash(Image.fromarray(edge_map(rgb))).hash.ravel()
    pdq_bits, quality = pdqhash.compute(np.ascontiguousarray(rgb))
    bits["pdq"] = np.asarray(pdq_bits).astype(bool).ravel()
    return HashSet(bits={k: np.asarray(v, bool) for k, v in bits.items()}, pdq_quality=int(quality))


def hash_distances(a: HashSet, b: HashSet) -> dict[str, int]:
    return {name: int(np.count_nonzero(a.bits[name] != b.bits[name])) for name in HASH_NAMES}
