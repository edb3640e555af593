"""An example dispute built from a portrait that ships with scikit-image (public domain, NASA).

The copy is the original with the face redrawn in a painterly style and the mission patch on
the suit painted out, then shrunk to 80 % and saved as JPEG: a "partial redraw" of the kind
disputed in court, with the answer known.
"""

from __future__ import annotations

import os

import cv2
import numpy as np
from PIL import Image
from skimage import data

__all__ = ["DEMO_FACE_BOX", "DEMO_PATCH_BOX", "make_demo_pair", "write_demo_pair"]

# Boxes in the original's pixels, [x, y, width, height].
DEMO_FACE_BOX = (170, 60, 120, 130)
DEMO_PATCH_BOX = (300, 320, 80, 80)


def _feathered(box: tuple[int, int, int, int], shape: tuple[int, int], sigma: float = 4.0) -> np.ndarray:
    x, y, w, h = box
    mask = np.zeros(shape, np.float32)
    mask[y : y + h, x : x + w] = 1.0
    return cv2.GaussianBlur(mask, (0, 0), sigma)[:, :, None]


def make_demo_pair() -> tuple[np.ndarray, np.ndarray]:
    """Return (original, copy) as RGB uint8 arrays; the copy is 80 % of the original's size."""
    original = data.astronaut()
    redrawn = cv2.stylization(original, sigma_s=40, sigma_r=0.35)
    weight = _feathered(DEMO_FACE_BOX, original.shape[:2])
    edited = (original * (1 - weight) + redrawn * weight).astype(np.uint8)
    x, y, w, h = DEMO_PATCH_BOX
    hole = np.zeros(original.shape[:2], np.uint8)
    hole[y : y + h, x : x + w] = 255
    edited = cv2.inpaint(edited, hole, 9, cv2.INPAINT_TELEA)
    height, width = original.shape[:2]
    copy = cv2.resize(edited, (width * 4 // 5, height * 4 // 5), interpolation=cv2.INTER_AREA)
    return original, copy


def write_demo_pair(folder: str) -> tuple[str, str]:
    """Write ``original.png`` and ``copy.jpg`` into ``folder``; return their paths."""
    os.makedirs(folder, exist_ok=True)
    original, copy = make_demo_pair()
    original_path = os.path.join(folder, "original.png")
    copy_path = os.path.join(folder, "copy.jpg")
    Image.fromarray(original).save(original_path)
    Image.fromarray(copy).save(copy_path, quality=85)
    return original_path, copy_path
