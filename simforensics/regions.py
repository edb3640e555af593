"""Named regions of a picture: the "identifying parts" of a portrait, the user's regions, a grid.

Geometry (all in the picture's pixels; ``fw``/``fh`` are the face's width and height, ``sw`` the
shoulder width). Left and right are the subject's own sides, as in the models (a subject's left
ear is on the right of a frontal portrait).

| region | from | box |
|---|---|---|
| face | FaceMesh face oval, else the detector box raised by 0.15 fh (it starts at the brows) | as found |
| eyes | FaceMesh eye contours and brows, else both eye keypoints | padded 0.12 fw; 0.2 fw x 0.15 fh around keypoints |
| mouth | FaceMesh lips, else the mouth keypoint | padded 0.08 fw; 0.22 fw x 0.12 fh around the keypoint |
| hair-headwear | above the face | 1.7 fw wide, from 0.9 fh above the face top to 0.2 fh below it |
| left-ear, right-ear | ear tragion keypoints | 0.35 fw wide, 0.3 fh above to 0.55 fh below (earrings hang) |
| neck | below the chin | 0.8 fw wide, from the chin to the shoulder line (or 0.5 fh) |
| clothing | torso: shoulders to hips (Pose) | shoulder span + 0.15 sw each side, to the hips or the picture's edge |
| waist | the hip line (Pose) | hip span + 0.35 sw each side, 0.25 of the torso above to 0.12 below |
| hands | wrist, thumb, index and pinky points (Pose) | their box, at least 0.5 fw square |
| head | the figure's top, when no face was found (source `estimated`) | 1.3 x the figure's width near its top, at most half its height |
| figure | the person mask's main figure | mask |
| background | outside the person mask, kept 1 % of the diagonal away from the person | mask |
| pose | the body keypoints | their box; compared as geometry, not pixels |

A picture with several faces names the largest face's parts plainly and the others' with a
suffix ("face-2"). A figure that the mask and a face detector agree on, but whose face could not
be read (paint, a non-human face), gets ``figure``, an estimated ``head`` and ``background``.
With nobody found, a 3 x 3 grid stands in (top-left … bottom-right).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from . import thresholds as T
from .options import UserRegion
from .portrait import MESH_EYES, MESH_FACE_OVAL, MESH_LIPS, Face, Portrait, holds_head

__all__ = ["PORTRAIT_REGION_NAMES", "Region", "grid_regions", "portrait_regions", "user_regions"]

PORTRAIT_REGION_NAMES = (
    "face", "eyes", "mouth", "head", "hair-headwear", "left-ear", "right-ear", "neck", "clothing", "waist",
    "hands", "figure", "background", "pose",
)
GRID_NAMES = ("top-left", "top", "top-right", "left", "centre", "right", "bottom-left", "bottom", "bottom-right")


@dataclass(frozen=True)
class Region:
    name: str
    source: str  # detected (a model found it) / derived (geometry from landmarks) / estimated (from the figure's outline) / user / grid
    box: tuple[int, int, int, int]  # [x, y, w, h] in the picture's pixels
    mask: np.ndarray | None = None  # bool, the whole picture at any resolution, when the region is not its box
    basis: str = ""  # what it was derived from, for the report

    def mask_at(self, width: int, height: int) -> np.ndarray | None:
        """The region's mask over a picture of this size (None: the box is the region)."""
        if self.mask is None:
            return None
        if self.mask.shape == (height, width):
            return self.mask
        return cv2.resize(self.mask.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST).astype(bool)


def _clip_box(x0: float, y0: float, x1: float, y1: float, width: int, height: int) -> tuple[int, int, int, int] | None:
    left, top = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
    right, bottom = min(width, int(np.ceil(x1))), min(height, int(np.ceil(y1)))
    if right - left < 2 or bottom - top < 2:
        return None
    return left, top, right - left, bottom - top


def _face_extent(face: Face) -> tuple[float, float, float, float]:
    """Face box (x0, y0, x1, y1) and where it came from."""
    oval = face.mesh_box(MESH_FACE_OVAL)
    if oval is not None:
        x, y, w, h = oval
        return x, y, x + w, y + h
    x, y, w, h = face.box
    return x, y - 0.15 * h, x + w, y + h


def _face_regions(face: Face, suffix: str, portrait: Portrait, shoulder_y: float | None) -> list[Region]:
    width, height = portrait.width, portrait.height
    fx0, fy0, fx1, fy1 = _face_extent(face)
    fw, fh = fx1 - fx0, fy1 - fy0
    cx = (fx0 + fx1) / 2
    has_mesh = face.mesh is not None
    kp = face.keypoints
    boxes: list[tuple[str, str, tuple[float, float, float, float], str]] = [
        ("face", "detected", (fx0, fy0, fx1, fy1), "face oval (FaceMesh)" if has_mesh else "face detector box"),
    ]
    eyes = face.mesh_box(MESH_EYES)
    if eyes is not None:
        x, y, w, h = eyes
        pad = 0.12 * fw
        boxes.append(("eyes", "detected", (x - pad, y - pad, x + w + pad, y + h + pad), "eye contours and brows (FaceMesh)"))
    else:
        (rx, ry), (lx, ly) = kp["right_eye"], kp["left_eye"]
        boxes.append(("eyes", "derived", (min(rx, lx) - 0.2 * fw, min(ry, ly) - 0.15 * fh,
                                          max(rx, lx) + 0.2 * fw, max(ry, ly) + 0.15 * fh), "eye keypoints"))
    lips = face.mesh_box(MESH_LIPS)
    if lips is not None:
        x, y, w, h = lips
        pad = 0.08 * fw
        boxes.append(("mouth", "detected", (x - pad, y - pad, x + w + pad, y + h + pad), "lips (FaceMesh)"))
    else:
        mx, my = kp["mouth"]
        boxes.append(("mouth", "derived", (mx - 0.22 * fw, my - 0.12 * fh, mx + 0.22 * fw, my + 0.12 * fh), "mouth keypoint"))
    boxes.append(("hair-headwear", "derived", (cx - 0.85 * fw, fy0 - 0.9 * fh, cx + 0.85 * fw, fy0 + 0.2 * fh), "above the face"))
    for side in ("left", "right"):
        ex, ey = kp[f"{side}_ear"]
        boxes.append((f"{side}-ear", "derived", (ex - 0.175 * fw, ey - 0.3 * fh, ex + 0.175 * fw, ey + 0.55 * fh),
                      f"{side} ear keypoint"))
    neck_bottom = shoulder_y if shoulder_y is not None and shoulder_y > fy1 + 0.1 * fh else fy1 + 0.5 * fh
    boxes.append(("neck", "derived", (cx - 0.4 * fw, fy1, cx + 0.4 * fw, neck_bottom), "below the chin"))
    regions = []
    for name, source, (x0, y0, x1, y1), basis in boxes:
        box = _clip_box(x0, y0, x1, y1, width, height)
        if box is not None:
            regions.append(Region(name + suffix, source, box, basis=basis))
    return regions


def _body_regions(portrait: Portrait, face: Face | None, suffix: str) -> list[Region]:
    width, height = portrait.width, portrait.height
    point = portrait.body_point
    regions: list[Region] = []
    shoulders = [p for p in (point("left_shoulder"), point("right_shoulder")) if p is not None]
    hips = [p for p in (point("left_hip"), point("right_hip")) if p is not None]
    fw = (face.box[2] if face is not None else 0.0) or 1.0
    if len(shoulders) == 2:
        xs, ys = [p[0] for p in shoulders], [p[1] for p in shoulders]
        sw = max(xs) - min(xs) or fw
        top = min(ys) - 0.1 * sw
        bottom = max(p[1] for p in hips) if hips else float(height)
        box = _clip_box(min(xs) - 0.15 * sw, top, max(xs) + 0.15 * sw, bottom, width, height)
        if box is not None:
            regions.append(Region("clothing" + suffix, "derived", box, basis="shoulders to hips (Pose)"))
        if hips:
            hip_y = float(np.mean([p[1] for p in hips]))
            torso = max(1.0, hip_y - float(np.mean(ys)))
            hx = [p[0] for p in hips]
            box = _clip_box(min(hx) - 0.35 * sw, hip_y - 0.25 * torso, max(hx) + 0.35 * sw, hip_y + 0.12 * torso,
                            width, height)
            if box is not None:
                regions.append(Region("waist" + suffix, "derived", box, basis="hip line (Pose)"))
    hand_points = []
    for side in ("left", "right"):
        if point(f"{side}_wrist") is None:
            continue
        hand_points += [p for p in (point(f"{side}_{n}") for n in ("wrist", "thumb", "index", "pinky")) if p is not None]
    if hand_points:
        xs, ys = [p[0] for p in hand_points], [p[1] for p in hand_points]
        half = 0.25 * fw
        box = _clip_box(min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half, width, height)
        if box is not None:
            regions.append(Region("hands" + suffix, "detected", box, basis="wrist and finger points (Pose)"))
    return regions


def _pose_region(portrait: Portrait, suffix: str) -> list[Region]:
    if portrait.body is None:
        return []
    seen = [portrait.body_point(name) for name in portrait.body]
    points = np.array([p for p in seen if p is not None])
    if len(points) < 3:
        return []
    x0, y0 = points.min(axis=0)
    x1, y1 = points.max(axis=0)
    box = _clip_box(x0, y0, x1 + 1, y1 + 1, portrait.width, portrait.height)
    return [] if box is None else [Region("pose" + suffix, "detected", box, basis="body keypoints (Pose)")]


def _background(portrait: Portrait) -> list[Region]:
    """Outside the person mask, kept 1 % of the diagonal away from the person (the mask's edge is
    soft); at the models' resolution, as the mask is."""
    person = portrait.person_mask.astype(np.uint8)
    margin = max(1, round(0.01 * np.hypot(*person.shape)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * margin + 1, 2 * margin + 1))
    background = cv2.dilate(person, kernel) == 0
    if background.mean() < 0.01:
        return []
    ys, xs = np.nonzero(background)
    to_picture = 1 / portrait.scale_to_mask()
    box = _clip_box(xs.min() * to_picture, ys.min() * to_picture, (xs.max() + 1) * to_picture,
                    (ys.max() + 1) * to_picture, portrait.width, portrait.height)
    if box is None:
        return []
    return [Region("background", "detected", box, mask=background, basis="outside the person mask (SelfieSegmentation)")]


def _figure_regions(portrait: Portrait) -> list[Region]:
    """The figure (its mask), and a head estimated from its top when no face was found."""
    figure = portrait.figure_mask
    if figure is None:
        return []
    to_picture = 1 / portrait.scale_to_mask()
    rows = np.flatnonzero(figure.any(axis=1))
    columns = np.flatnonzero(figure.any(axis=0))
    box = _clip_box(columns[0] * to_picture, rows[0] * to_picture, (columns[-1] + 1) * to_picture,
                    (rows[-1] + 1) * to_picture, portrait.width, portrait.height)
    if box is None:
        return []
    regions = [Region("figure", "detected", box, mask=figure, basis="the person mask's main figure (SelfieSegmentation)")]
    if portrait.faces:
        return regions
    # The head: the figure's top, as tall as HEAD_HEIGHT_PER_WIDTH times its width there (the
    # width over the top tenth of the figure, where a head is alone), at most half the figure.
    top, figure_height = rows[0], rows[-1] + 1 - rows[0]
    near_top = figure[top : top + max(1, figure_height // 10)]
    xs = np.flatnonzero(near_top.any(axis=0))
    head_width = xs[-1] + 1 - xs[0]
    head_height = min(T.HEAD_HEIGHT_PER_WIDTH * head_width, T.HEAD_MAX_SHARE_OF_FIGURE * figure_height)
    head_rows = figure[top : top + max(1, round(head_height))]
    xs = np.flatnonzero(head_rows.any(axis=0))
    head = _clip_box(xs[0] * to_picture, top * to_picture, (xs[-1] + 1) * to_picture, (top + head_height) * to_picture,
                     portrait.width, portrait.height)
    if head is not None:
        regions.insert(0, Region("head", "estimated", head, basis="the figure's top (no face was found)"))
    return regions


def _owner_of_body(portrait: Portrait) -> int | None:
    """Index of the face the body keypoints belong to (the one around the body's nose)."""
    if portrait.body is None:
        return None
    for index, face in enumerate(portrait.faces):
        if holds_head(face.box, portrait.body):
            return index
    return None


def portrait_regions(portrait: Portrait) -> list[Region]:
    """The named parts of every person found, the figure, then the background; empty when nobody
    was found."""
    if not portrait.has_figure:
        return []
    owner = _owner_of_body(portrait)
    shoulders = [p for p in (portrait.body_point("left_shoulder"), portrait.body_point("right_shoulder")) if p]
    shoulder_y = float(np.mean([p[1] for p in shoulders])) if len(shoulders) == 2 else None
    regions: list[Region] = []
    for index, face in enumerate(portrait.faces):
        suffix = "" if index == 0 else f"-{index + 1}"
        regions += _face_regions(face, suffix, portrait, shoulder_y if index == owner else None)
        if index == owner:
            regions += _body_regions(portrait, face, suffix)
            regions += _pose_region(portrait, suffix)
    if owner is None and portrait.body is not None:
        suffix = "" if not portrait.faces else f"-{len(portrait.faces) + 1}"
        regions += _body_regions(portrait, None, suffix)
        regions += _pose_region(portrait, suffix)
    return regions + _figure_regions(portrait) + _background(portrait)


def grid_regions(width: int, height: int) -> list[Region]:
    """A 3 x 3 grid, for pictures with nobody in them."""
    regions = []
    for index, name in enumerate(GRID_NAMES):
        row, column = divmod(index, 3)
        x0, x1 = round(column * width / 3), round((column + 1) * width / 3)
        y0, y1 = round(row * height / 3), round((row + 1) * height / 3)
        if x1 > x0 and y1 > y0:  # a picture under 3 pixels across has empty cells
            regions.append(Region(name, "grid", (x0, y0, x1 - x0, y1 - y0), basis="3 x 3 grid"))
    return regions


def user_regions(regions: tuple[UserRegion, ...]) -> list[Region]:
    return [Region(r.name, "user", r.box, basis="given by the user" if r.typed_box is None else
                   f"given by the user as {list(r.typed_box)}, which reaches beyond the original: the part inside it")
            for r in regions]
