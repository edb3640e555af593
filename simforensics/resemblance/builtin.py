"""Make the builtin reference: ``python -m simforensics.resemblance.builtin [OUT]``.

The population is made of pictures that installed packages ship (scikit-image's sample data and
matplotlib's portrait of Grace Hopper): each picture whole and in three crops (its centre, and
its left and right two thirds), so that a picture's views are unrelated to every other
picture's. Pairs are counted only between views of different pictures: the scores of unrelated
works. It is small and of every kind (photographs, micrographs, textures, a page of text), so
reports say so and point to ``--reference FOLDER`` for works of one genre.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .population import describe_rgb, reference_from_pictures
from .reference import BUILTIN_FILE, Reference

__all__ = ["SOURCES", "build", "load_source", "views"]

# scikit-image's pictures that ship inside its wheel (the rest are downloaded on first use).
SKIMAGE_PICTURES = (
    "astronaut", "brick", "camera", "chelsea", "clock", "coffee", "coins", "colorwheel", "grass", "gravel",
    "horse", "hubble_deep_field", "immunohistochemistry", "logo", "microaneurysms", "moon", "page", "retina",
    "rocket", "text",
)
SOURCES = (*(f"skimage:{name}" for name in SKIMAGE_PICTURES), "matplotlib:grace_hopper.jpg")


def load_source(source: str) -> np.ndarray:
    """One of ``SOURCES`` as RGB uint8 ("skimage:NAME" or "matplotlib:FILE")."""
    package, name = source.split(":")
    if package == "skimage":
        from skimage import data

        picture = getattr(data, name)()
    else:
        import matplotlib
        from PIL import Image

        with Image.open(Path(matplotlib.get_data_path()) / "sample_data" / name) as image:
            picture = np.asarray(image.convert("RGB"))
    if picture.ndim == 2:
        picture = np.repeat(picture[..., None], 3, axis=2)
    if picture.dtype != np.uint8:  # e.g. the horse silhouette is boolean
        picture = (255 * (picture.astype(np.float64) / max(1.0, float(picture.max())))).astype(np.uint8)
    return np.ascontiguousarray(picture[..., :3])


def views(picture: np.ndarray) -> list[tuple[str, np.ndarray]]:
    h, w = picture.shape[:2]
    return [
        ("whole", picture),
        ("centre", picture[h // 6 : h - h // 6, w // 6 : w - w // 6]),
        ("left", picture[:, : 2 * w // 3]),
        ("right", picture[:, w // 3 :]),
    ]


def build() -> Reference:
    pictures = []
    for source in SOURCES:
        for _, rgb in views(load_source(source)):
            description, phash = describe_rgb(np.ascontiguousarray(rgb))
            pictures.append((source, description, phash))
    return reference_from_pictures(
        pictures, name="builtin",
        kind="pictures shipped by scikit-image and matplotlib: photographs, a portrait, micrographs, textures, "
             "text, a logo")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m simforensics.resemblance.builtin", description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=Path(__file__).with_name(BUILTIN_FILE))
    args = parser.parse_args()
    reference = build()
    document = {**reference.to_document(), "sources": len(SOURCES), "source_names": list(SOURCES)}
    args.out.write_text(json.dumps(document, indent=0) + "\n", encoding="utf-8")
    counts = ", ".join(f"{name} {len(values)}" for name, values in reference.scores.items())
    print(f"{args.out}: {reference.info.pictures} pictures, {reference.info.pairs} pairs; measured: {counts}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
