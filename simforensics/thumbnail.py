"""The EXIF preview checked against the picture it is stored in.

Cameras store a small JPEG preview in the EXIF block (IFD1), and many editors and tools change
the picture without writing a new preview. A preview that shows something else is then what the
picture held before: the object painted out still in it, a signature cut off, the uncropped
frame (a classic check of photo forensics; Forensically's "thumbnail analysis"). The preview is
decoded, turned by the picture's EXIF orientation (it is stored as the picture's pixels are), and
compared with the picture by the compare engine itself, the picture as the original and the
preview as the copy, so that differences are placed in the picture's pixels.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import math
import warnings
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
from PIL import Image

from . import thresholds as T
from .align import Alignment
from .evidence import Evidence, displayed, to_rgb8
from .provenance.limits import THUMBNAIL_MAX_PIXELS
from .provenance.model import EmbeddedThumbnail
from .report.words import counted
from .resample import shrink_to_side
from .verdict import Label

__all__ = ["check_thumbnail", "checked", "decoded_thumbnail", "disagreeing_previews"]


def checked(evidence: Evidence, compare: Callable[..., Any]) -> Evidence:
    """``evidence`` with its provenance's ``thumbnail`` filled when its EXIF holds a preview.
    ``compare``: the compare engine's ``compare_images`` (given, as the engine loads evidence
    through this module)."""
    provenance = evidence.provenance
    if provenance is None or provenance.exif is None or provenance.exif.thumbnail is None:
        return evidence
    found = check_thumbnail(evidence.rgb, provenance.exif.thumbnail, evidence.exif_orientation, compare)
    return dataclasses.replace(evidence, provenance=dataclasses.replace(provenance, thumbnail=found))


def disagreeing_previews(files: tuple[tuple[str, Evidence], ...]) -> list[tuple[str, Evidence, EmbeddedThumbnail]]:
    """Of ``files`` ((which file, its evidence)), those whose EXIF preview does not show the picture
    as it is, with the preview's finding: what the verdict and the report point out."""
    found = []
    for side, evidence in files:
        preview = evidence.provenance.thumbnail if evidence.provenance is not None else None
        if preview is not None and preview.agrees is False:
            found.append((side, evidence, preview))
    return found


def check_thumbnail(picture: np.ndarray, data: bytes, orientation: int | None,
                    compare: Callable[..., Any]) -> EmbeddedThumbnail:
    """The preview ``data`` decoded and compared with ``picture`` (RGB uint8, as displayed) by
    ``compare`` (``compare_images``)."""
    digest = hashlib.sha256(data).hexdigest()
    try:
        preview = decoded_thumbnail(data, orientation)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as exc:
        return EmbeddedThumbnail(0, 0, len(data), digest, None, None, None,
                                 f"The EXIF preview ({len(data):,} bytes) cannot be decoded ({exc or type(exc).__name__}).")
    height, width = preview.shape[:2]
    # The preview's few pixels set what can be seen (the change map's frame is no finer than the
    # coarser picture): the picture is compared reduced, at the features' side or four times the
    # preview's, and what is found is given back in its own pixels.
    reduced = shrink_to_side(picture, max(T.FEATURE_SIDE, 4 * max(height, width)))
    back = picture.shape[1] / reduced.shape[1]
    measurement = compare(reduced, preview, with_people=False, with_derivation=False, find_pieces=False)
    verdict = measurement.verdict
    alignment = measurement.alignment
    fill = _picture_fill(alignment, reduced.shape, preview)
    cropped = fill < T.THUMBNAIL_CROPPED_FILL
    same = verdict.label in (Label.IDENTICAL, Label.NEAR_DUPLICATE)
    agrees = same and not cropped
    areas = tuple(_in_picture(a.box, back, picture.shape) for a in measurement.changes.areas) \
        if measurement.changes is not None and not same else ()
    what = f"The EXIF preview ({width} x {height} px)"
    if agrees:
        summary = f"{what} shows the picture as it is."
    elif same:
        summary = f"{what} shows the picture, uncropped."
    elif verdict.label == Label.LOCALLY_EDITED:
        where = "; ".join(str(list(box)) for box in areas[:5]) + (f" and {len(areas) - 5} more" if len(areas) > 5 else "")
        summary = (f"{what} differs from the picture in {counted(len(areas), 'area')} ({where}, in the picture's "
                   "pixels): the picture was changed after the preview was written (an editor that kept the camera's "
                   "preview), or the preview was replaced; there the preview shows what the picture held before.")
    elif verdict.label == Label.SIMILAR and alignment.aligned:
        summary = (f"{what} shows the same scene, mostly different from the picture: much of the picture was "
                   "changed after the preview was written, or the preview was replaced.")
    else:
        summary = (f"{what} shows another picture: the preview belongs to another file or an earlier state of this "
                   "one (copied metadata, or a picture replaced inside its file).")
    if cropped:
        summary += (f" The preview shows more than the picture, which fills {fill:.0%} of it: the picture was cropped "
                    "after the preview was written, and the preview holds what the crop cut away.")
    return EmbeddedThumbnail(width, height, len(data), digest, verdict.label.value, round(verdict.similarity, 4), agrees,
                             summary, areas)


def _in_picture(box: tuple[int, int, int, int], scale: float, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """A box of the reduced picture in the picture's own pixels, kept inside it."""
    x, y = math.floor(box[0] * scale), math.floor(box[1] * scale)
    right, bottom = min(shape[1], math.ceil((box[0] + box[2]) * scale)), min(shape[0], math.ceil((box[1] + box[3]) * scale))
    return x, y, right - x, bottom - y


def _picture_fill(alignment: Alignment, picture_shape: tuple[int, ...], preview: np.ndarray) -> float:
    """The share of the preview that the picture covers, 1.0 when what it leaves uncovered is one
    uniform colour (the bands with which a preview pads a picture of another aspect ratio: a
    picture's own dark edge can keep them from being trimmed as padding) or when they are not
    aligned. Uniform as a padding line is: PADDING_LINE_SHARE of its pixels within
    PADDING_TOLERANCE of the median colour."""
    if not alignment.aligned or alignment.copy_fill_fraction >= T.THUMBNAIL_CROPPED_FILL:
        return 1.0
    height, width = preview.shape[:2]
    frame = np.ones(picture_shape[:2], np.uint8)
    covered = cv2.warpPerspective(frame, alignment.matrix, (width, height), flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP)
    # A pixel or two beside the picture's edge mixes it with the band (resampling, JPEG blocks).
    uncovered = cv2.dilate(covered, np.ones((5, 5), np.uint8)) == 0
    rest = preview[uncovered].astype(np.int16)
    if len(rest) and (np.abs(rest - np.median(rest, axis=0)).max(axis=1) <= T.PADDING_TOLERANCE).mean() >= T.PADDING_LINE_SHARE:
        return 1.0
    return alignment.copy_fill_fraction


def decoded_thumbnail(data: bytes, orientation: int | None) -> np.ndarray:
    """The EXIF preview ``data`` as RGB uint8, turned by the picture's EXIF ``orientation``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # decoder chatter; failures raise
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "JPEG":
                raise ValueError(f"{image.format or 'unknown'} data, not the JPEG EXIF defines")
            if image.width * image.height > THUMBNAIL_MAX_PIXELS:
                raise ValueError(f"{image.width} x {image.height} px, over {THUMBNAIL_MAX_PIXELS:,} pixels")
            image.load()
            return displayed(to_rgb8(image, image.info.get("icc_profile"), [])[0], orientation)
