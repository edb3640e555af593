"""Find the people in a picture: faces with landmarks, body keypoints and a person mask.

The models are mediapipe 0.10.21's "legacy solutions", the last release that ships its models
inside the wheel (later releases download them at run time, which fails offline). Choice and
measurements: README, "Portrait regions". Every coordinate returned is in the pixels of the
picture passed in.

- faces: the full-range face detector (box + 6 keypoints, both ear tragions included); the
  short-range model fires on painted hands. FaceMesh (478 points) runs on a crop around each
  face, so small and several faces get landmarks too; when it finds nothing (heavy paint) the
  detector's keypoints are all there is.
- body: Pose (one person, model_complexity=1; the other complexities download their model),
  with a greyscale and a softened second look when a face is there but no body was found.
- models must agree: a body must lie on the person mask; a face too, and a face without
  landmarks must also hold the body's head or be seen by a second detector (OpenCV's Haar
  cascades, frontal and profile, shipped inside opencv-contrib). Pose does not run where the
  mask finds nobody.
- person mask: SelfieSegmentation's general model, > 0.5.
- figure: the person mask's main part, kept when another model agrees that someone is there (a
  face or body that counts, or a face detection on it that lacked the landmarks to count), so a
  painted or non-human figure whose face cannot be read still gets ``figure`` and ``background``.

The models see the picture padded to a square: Pose's landmark projection assumes a square input
(it says so on stderr) and a padded square costs nothing.
"""

from __future__ import annotations

import functools
import sys
import types
from dataclasses import dataclass

import cv2
import numpy as np

from . import thresholds as T
from .changes import fill_holes
from .quiet import quiet_stderr
from .resample import shrink_to_side

__all__ = ["POSE_POINTS", "Face", "Portrait", "find_people", "holds_head"]

# mediapipe Pose's 33 landmarks, by index; left/right are the subject's own (anatomical) sides.
POSE_POINTS = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)
# The face detector's 6 keypoints, in its order (subject's sides).
FACE_POINTS = ("right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear")
# FaceMesh landmark indices (mediapipe's canonical face model).
MESH_FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
                  400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21,
                  54, 103, 67, 109)
MESH_EYES = (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173,
             263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398,
             70, 63, 105, 66, 107, 336, 296, 334, 293, 300)  # eye contours and brows
MESH_LIPS = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269,
             270, 409)


@dataclass(frozen=True)
class Face:
    box: tuple[int, int, int, int]  # detector box [x, y, w, h]
    score: float
    keypoints: dict[str, tuple[float, float]]  # FACE_POINTS
    mesh: np.ndarray | None  # (478, 2) float, or None when FaceMesh found no face
    cascade: bool = False  # OpenCV's Haar cascade saw it too (asked only when FaceMesh found nothing)

    def mesh_box(self, indices: tuple[int, ...]) -> tuple[float, float, float, float] | None:
        if self.mesh is None:
            return None
        points = self.mesh[list(indices)]
        x0, y0 = points.min(axis=0)
        x1, y1 = points.max(axis=0)
        return float(x0), float(y0), float(x1 - x0), float(y1 - y0)


@dataclass(frozen=True)
class Portrait:
    """What the models found in one picture (its own pixels)."""

    width: int
    height: int
    faces: tuple[Face, ...]  # largest first
    body: dict[str, tuple[float, float, float]] | None  # POSE_POINTS -> (x, y, visibility)
    person_mask: np.ndarray  # bool, at the models' resolution (the picture's proportions, smaller)
    figure_mask: np.ndarray | None = None  # bool, same resolution: the main figure, when one counts

    def scale_to_mask(self) -> float:
        """Mask pixels per picture pixel."""
        return self.person_mask.shape[1] / self.width

    @property
    def has_person(self) -> bool:
        return bool(self.faces) or self.body is not None

    @property
    def has_figure(self) -> bool:
        """Someone is there: a face or body counts, or at least the figure does."""
        return self.has_person or self.figure_mask is not None

    def body_point(self, name: str) -> tuple[float, float] | None:
        """A body keypoint the model saw (visibility above the threshold), else None."""
        if self.body is None:
            return None
        x, y, visibility = self.body[name]
        return (x, y) if visibility >= T.BODY_POINT_VISIBLE else None


# mediapipe's package imports, besides the four models used here, its drawing helpers (and with
# them matplotlib's pyplot, about 0.3 s of every comparison's start, for plotting simforensics
# never does), its newer "tasks" API, three other solutions (hands, holistic, objectron) and the
# downloader of the models it does not ship (urllib's HTTP client; Pose asks it only for model
# complexities 0 and 2): about 0.07 s more. While the four models are imported, those modules are
# stood in for by empty ones, removed after (with the names mediapipe's packages bound to them),
# so anyone who asks for them later gets the real ones (tests/test_regions.py checks). Pose keeps
# the empty downloader: nothing can be downloaded through it.
# Careful: mediapipe hands each graph's calculator options to its C++ side through Python's
# protobuf classes, and a node whose options type Python has not imported loses its options on
# the way. FaceMesh's TensorsToFloatsCalculator (the sigmoid on its face-presence score) has its
# type imported by holistic and objectron only: it is imported here. With it, every node of the
# five graphs gets the options it got with all of mediapipe imported (checked node by node).
_UNUSED_MODULES = (
    "mediapipe.python.solutions.drawing_utils", "mediapipe.python.solutions.drawing_styles",
    "mediapipe.tasks", "mediapipe.tasks.python",
    "mediapipe.python.solutions.hands", "mediapipe.python.solutions.holistic",
    "mediapipe.python.solutions.objectron", "mediapipe.python.solutions.download_utils",
)


def _solutions() -> tuple[types.ModuleType, ...]:
    stand_ins = {name: types.ModuleType(name) for name in _UNUSED_MODULES if name not in sys.modules}
    sys.modules.update(stand_ins)
    try:
        from mediapipe.calculators.tensor import tensors_to_floats_calculator_pb2  # noqa: F401 - see above
        from mediapipe.python.solutions import (
            face_detection,
            face_mesh,
            pose,
            selfie_segmentation,
        )
    finally:
        for name in stand_ins:
            del sys.modules[name]
        fakes = {id(module) for module in stand_ins.values()}
        for package in ("mediapipe", "mediapipe.python.solutions"):
            namespace = vars(sys.modules[package]) if package in sys.modules else {}
            for attribute in [a for a, value in namespace.items() if id(value) in fakes]:
                del namespace[attribute]
    return face_detection, face_mesh, pose, selfie_segmentation


@functools.cache
def _model(name: str) -> object:
    """One mediapipe model, built on first use: building costs 10-50 ms each, and FaceMesh is
    needed only where a face was found."""
    face_detection, face_mesh, pose, selfie_segmentation = _solutions()
    builders = {
        "faces": lambda: face_detection.FaceDetection(model_selection=1, min_detection_confidence=T.FACE_MIN_SCORE),
        "near faces": lambda: face_detection.FaceDetection(model_selection=0, min_detection_confidence=T.FIGURE_FACE_MIN_SCORE),
        "mesh": lambda: face_mesh.FaceMesh(static_image_mode=True, refine_landmarks=True, max_num_faces=1,
                                           min_detection_confidence=T.MESH_MIN_SCORE),
        "pose": lambda: pose.Pose(static_image_mode=True, model_complexity=1,
                                  min_detection_confidence=T.BODY_MIN_SCORE),
        "person": lambda: selfie_segmentation.SelfieSegmentation(model_selection=0),
    }
    return builders[name]()


def _square(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[:2]
    side = max(h, w)
    if h == w:
        return np.ascontiguousarray(rgb)
    padded = np.zeros((side, side, 3), np.uint8)
    padded[:h, :w] = rgb
    return padded


def _mesh_for(rgb: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """FaceMesh on a square crop of 1.8x the detector box (it needs the whole head in view)."""
    x, y, w, h = box
    side = 1.8 * max(w, h)
    cx, cy = x + w / 2, y + h / 2
    x0, y0 = round(cx - side / 2), round(cy - side / 2)
    size = round(side)
    height, width = rgb.shape[:2]
    crop = np.zeros((size, size, 3), np.uint8)
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(width, x0 + size), min(height, y0 + size)
    if sx1 <= sx0 or sy1 <= sy0:
        return None
    crop[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = rgb[sy0:sy1, sx0:sx1]
    result = _model("mesh").process(crop)
    if not result.multi_face_landmarks:
        return None
    points = np.array([(p.x * size + x0, p.y * size + y0) for p in result.multi_face_landmarks[0].landmark])
    # A mesh of another face in the crop (a neighbour) would lie elsewhere: keep it only if it
    # sits on this detection.
    mx, my = points[:, 0].mean(), points[:, 1].mean()
    return points if (x <= mx <= x + w and y <= my <= y + h) else None


def _body_landmarks(square: np.ndarray, second_looks: bool) -> list | None:
    """Pose, with second looks when it sees nobody though a face is there: paint strokes and
    recoloured costumes throw its person detector off, and a greyscale or slightly softened view
    often brings it back. Without a face, second looks find bodies in coffee cups."""
    views = (
        lambda: square,
        lambda: cv2.cvtColor(cv2.cvtColor(square, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB),
        lambda: cv2.GaussianBlur(square, (0, 0), square.shape[0] / 256),
    )
    for view in views if second_looks else views[:1]:
        result = _model("pose").process(view())
        if result.pose_landmarks:
            return list(result.pose_landmarks.landmark)
    return None


def find_people(rgb: np.ndarray, size: tuple[int, int] | None = None) -> Portrait:
    """Faces, body keypoints and person mask of an RGB uint8 picture.

    ``size``: (width, height) of the full picture when ``rgb`` is a reduced copy of it; the
    coordinates returned are then the full picture's.
    """
    height, width = rgb.shape[:2] if size is None else size[::-1]
    small = shrink_to_side(rgb, T.PORTRAIT_SIDE)
    if max(width, height) < T.PORTRAIT_MIN_SIDE:
        return Portrait(width=width, height=height, faces=(), body=None,
                        person_mask=np.zeros(small.shape[:2], bool))
    factor = width / small.shape[1]  # picture pixels per model-input pixel
    square = _square(small)
    side = square.shape[0]
    with quiet_stderr():
        person = _model("person").process(square).segmentation_mask
        mask = np.ascontiguousarray(person[: small.shape[0], : small.shape[1]] > 0.5)
        if not mask.any():
            # Nobody: every face must lie on the mask, a body too, and the figure is its largest
            # part, so neither the face detector nor Pose need run (nor be built).
            return Portrait(width=width, height=height, faces=(), body=None, person_mask=mask)
        # Models must agree. Every face must lie on the person mask (FaceMesh runs a detector of
        # its own on the crop, so its landmarks alone confirm nothing: it meshed a face the
        # detector saw in a motorcycle); a face without landmarks must also hold the body's head
        # or be seen by the Haar cascades (detector and mask together saw a face in a galaxy).
        faces = []
        seen_on_mask = []  # face detections on the person mask, counted or not: they confirm a figure
        for detection in _model("faces").process(square).detections or []:
            b = detection.location_data.relative_bounding_box
            box = (b.xmin * side, b.ymin * side, b.width * side, b.height * side)
            small_box = tuple(round(v) for v in box)
            if _person_share_of_box(mask, small_box, 1.0) < T.FACE_PERSON_CONFIRMS:
                continue
            seen_on_mask.append(small_box)
            keypoints = {
                name: (k.x * side * factor, k.y * side * factor)
                for name, k in zip(FACE_POINTS, detection.location_data.relative_keypoints, strict=False)
            }
            mesh = _mesh_for(small, small_box)
            faces.append(Face(
                box=tuple(round(v * factor) for v in box),
                score=float(detection.score[0]),
                keypoints=keypoints,
                mesh=None if mesh is None else mesh * factor,
                cascade=mesh is None and _cascade_sees_face(small, small_box),
            ))
        # A body counts only on the person mask: with no mask, Pose need not run.
        landmarks = _body_landmarks(square, second_looks=bool(faces)) if mask.any() else None
    body = None
    if landmarks is not None:
        body = {
            name: (p.x * side * factor, p.y * side * factor, float(p.visibility))
            for name, p in zip(POSE_POINTS, landmarks, strict=True)
        }
    if body is not None and _person_share_of_points(mask, body, 1 / factor) < T.BODY_PERSON_CONFIRMS:
        body = None
    faces = [f for f in faces if f.mesh is not None or f.cascade or holds_head(f.box, body)]
    faces.sort(key=lambda f: -f.box[2] * f.box[3])
    figure = _main_figure(mask)
    if figure is not None and not (faces or body is not None or _figure_confirmed(figure, square, seen_on_mask)):
        figure = None  # the mask alone saw someone: it also sees people in cups and retinas
    return Portrait(width=width, height=height, faces=tuple(faces), body=body, person_mask=mask, figure_mask=figure)


def _figure_confirmed(figure: np.ndarray, square: np.ndarray, seen: list[tuple[int, int, int, int]]) -> bool:
    """Whether a face detector agrees that someone is on the figure: a full-range detection that
    did not count as a face, else the short-range model (asked only here), whose detections on
    painted hands and furred or scaled faces are no face but are part of a figure."""
    def on_figure(box: tuple[int, int, int, int]) -> bool:
        return _person_share_of_box(figure, box, 1.0) >= T.FACE_PERSON_CONFIRMS

    if any(on_figure(box) for box in seen):
        return True
    side = square.shape[0]
    with quiet_stderr():
        detections = _model("near faces").process(square).detections or []
    return any(on_figure(tuple(round(v * side) for v in (b.xmin, b.ymin, b.width, b.height)))
               for b in (d.location_data.relative_bounding_box for d in detections))


def _main_figure(mask: np.ndarray) -> np.ndarray | None:
    """The person mask's largest part, holes filled, with the parts at least FIGURE_PART_SHARE of
    its size (an arm the mask cut off); None when it is too small to be the picture's figure."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if count < 2:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    largest = int(areas.max())
    if largest < T.FIGURE_MIN_SHARE * mask.size:
        return None
    keep = np.flatnonzero(areas >= T.FIGURE_PART_SHARE * largest) + 1
    figure = np.isin(labels, keep)
    return fill_holes(figure)


_CASCADES = ("haarcascade_frontalface_default.xml", "haarcascade_frontalface_alt2.xml", "haarcascade_profileface.xml")


@functools.cache
def _cascade(name: str) -> cv2.CascadeClassifier:
    """One Haar cascade, read on first need (about 8 ms each): the first that sees the face
    settles the vote, and the rest are not read."""
    return cv2.CascadeClassifier(cv2.data.haarcascades + name)


def _cascade_sees_face(rgb: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """Whether OpenCV's Haar cascades (frontal, frontal alt2, profile; the crop also mirrored, as
    the profile cascade knows one side) find a face centred on ``box``: the second detector's vote
    for a face FaceMesh could not mesh. They run on a crop around the box only, so they cost little
    and cannot see faces elsewhere."""
    x, y, w, h = box
    pad = max(w, h) // 2
    x0, y0 = max(0, x - pad), max(0, y - pad)
    grey = cv2.equalizeHist(cv2.cvtColor(rgb[y0 : y + h + pad, x0 : x + w + pad], cv2.COLOR_RGB2GRAY))
    if min(grey.shape) < 24:
        return False
    smallest = max(12, round(T.CASCADE_MIN_FACE_SHARE * min(w, h)))
    for flipped in (False, True):
        view = np.ascontiguousarray(grey[:, ::-1]) if flipped else grey
        for name in _CASCADES:
            found = _cascade(name).detectMultiScale(view, scaleFactor=1.1, minNeighbors=T.CASCADE_MIN_NEIGHBOURS,
                                                    minSize=(smallest, smallest))
            for fx, fy, fw, fh in found:
                cx = (view.shape[1] - (fx + fw / 2)) if flipped else fx + fw / 2
                cy = fy + fh / 2
                if x <= x0 + cx <= x + w and y <= y0 + cy <= y + h:
                    return True
    return False


def holds_head(box: tuple[int, int, int, int], body: dict[str, tuple[float, float, float]] | None) -> bool:
    """Whether the body's nose lies on this face box (widened by HEAD_BOX_MARGIN of its size)."""
    if body is None:
        return False
    x, y, w, h = box
    nose_x, nose_y, _ = body["nose"]
    margin = T.HEAD_BOX_MARGIN
    return (x - margin * w <= nose_x <= x + (1 + margin) * w
            and y - margin * h <= nose_y <= y + (1 + margin) * h)


def _person_share_of_box(mask: np.ndarray, box: tuple[int, int, int, int], scale: float) -> float:
    x, y, w, h = (round(v * scale) for v in box)
    window = mask[max(0, y) : max(0, y + h), max(0, x) : max(0, x + w)]
    return float(window.mean()) if window.size else 0.0


def _person_share_of_points(mask: np.ndarray, body: dict[str, tuple[float, float, float]], scale: float) -> float:
    height, width = mask.shape
    seen = [(x * scale, y * scale) for x, y, visibility in body.values() if visibility >= T.BODY_POINT_VISIBLE]
    inside = [mask[int(y), int(x)] for x, y in seen if 0 <= x < width and 0 <= y < height]
    return float(np.mean(inside)) if inside else 0.0
