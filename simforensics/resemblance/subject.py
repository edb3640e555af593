"""Subject: what is depicted, as far as the portrait models and the figure's shape can tell.

Whether each picture shows a person (the portrait models' findings), and when it does: how many
faces, the largest face's size and place in the picture and its view (frontal, three-quarter,
profile), how much of the person the picture shows (the framing), and the person's silhouette and
share of the picture. Without a person, only the main figure is compared: its silhouette and its
share of the picture (composition.figure_of: the region standing out from the picture's edges).

Not compared, and said so: who the people are (no face recognition), what a figure without a
person depicts, and the kind of scene (no image classifier ships with the project's pinned
dependencies; statistics such as a horizon line would guess). Posture belongs to the pose
dimension; the body keypoints are not used here (Pose also reports hips and knees "seen" inside
a painted copy of a bust, so they would not tell the framing either: the person mask does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import thresholds as T
from ..portrait import Portrait
from .composition import figure_of, place_words, silhouette_likeness, silhouette_overlap
from .model import DimensionScore, PictureView

__all__ = ["NAME", "SubjectDescriptor", "compare", "describe", "stratum"]

NAME = "subject"


@dataclass(frozen=True)
class SubjectDescriptor:
    """What one picture shows. Places and sizes are relative to the picture (0..1)."""

    looked: bool  # whether the portrait models were run (False: whether it shows a person is unknown)
    person: bool
    faces: int
    face_height: float | None  # the largest face's box height, share of the picture's height
    face_centre: tuple[float, float] | None  # (x, y) of its box's centre
    face_yaw: float | None  # degrees, 0 frontal, +-90 profile (from its nose between its ears)
    framing: float | None  # the person shown from the face's top to the figure's lowest point, in face heights
    figure_source: str  # composition.figure_of's: "person", "figure", "salient region" or "none"
    figure_share: float  # share of the picture's area
    silhouette: np.ndarray  # float32: the figure centred on its centroid and scaled to one size


def _yaw(keypoints: dict[str, tuple[float, float]]) -> float | None:
    """The head's turn from the nose's place between the ear tragions. On a round head of radius
    r turned by yaw, the ears project to -r cos(yaw) and r cos(yaw) and the nose to r sin(yaw), so
    the nose's share t of the way from one ear to the other gives tan(yaw) = 2t - 1."""
    right, left, nose = keypoints["right_ear"][0], keypoints["left_ear"][0], keypoints["nose"][0]
    span = left - right
    if abs(span) < 1e-6:
        return None
    return math.degrees(math.atan(2 * (nose - right) / span - 1))


def describe(view: PictureView) -> SubjectDescriptor:
    """What the portrait models found in the picture, and its main figure."""
    people: Portrait | None = view.people
    figure = figure_of(view)
    face_height = face_centre = face_yaw = framing = None
    if people is not None and people.faces:
        x, y, w, h = people.faces[0].box
        face_height = h / people.height
        face_centre = ((x + w / 2) / people.width, (y + h / 2) / people.height)
        face_yaw = _yaw(people.faces[0].keypoints)
        if figure.source == "person":
            lowest = figure.box[1] + figure.box[3]
            framing = max(0.0, lowest - y / people.height) / face_height
    return SubjectDescriptor(
        looked=people is not None,
        person=people is not None and people.has_person,
        faces=0 if people is None else len(people.faces),
        face_height=face_height, face_centre=face_centre, face_yaw=face_yaw, framing=framing,
        figure_source=figure.source, figure_share=figure.share, silhouette=figure.silhouette,
    )


# ---------------------------------------------------------------- two pictures


def _ratio(a: float, b: float) -> float:
    """The smaller over the larger (1 when both are 0)."""
    return 1.0 if max(a, b) <= 0 else min(a, b) / max(a, b)


def _silhouette(a: SubjectDescriptor, b: SubjectDescriptor) -> float | None:
    """Silhouette overlap, the better of as they are and mirrored (a mirror image shows the same)."""
    as_they_are = silhouette_overlap(a.silhouette, b.silhouette)
    mirrored = silhouette_overlap(a.silhouette, b.silhouette[:, ::-1])
    if as_they_are is None or mirrored is None:
        return as_they_are
    return max(as_they_are, mirrored)


def _face_distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Between two faces' centres, the nearer of as they are and with one picture mirrored."""
    return min(math.hypot(a[0] - b[0], a[1] - b[1]), math.hypot(a[0] - (1 - b[0]), a[1] - b[1]))


@dataclass(frozen=True)
class _Parts:
    """Each measure from 0 (unlike) to 1 (alike); None when neither picture has what it measures."""

    faces: float | None = None
    face_size: float | None = None
    face_place: float | None = None
    face_view: float | None = None
    framing: float | None = None
    silhouette: float | None = None
    share: float | None = None

    def score(self) -> float | None:
        """Their mean: equal weights, since nothing ranks one of them above another."""
        values = [v for v in (self.faces, self.face_size, self.face_place, self.face_view, self.framing,
                              self.silhouette, self.share) if v is not None]
        return sum(values) / len(values) if values else None


def _figure_parts(a: SubjectDescriptor, b: SubjectDescriptor) -> tuple[float | None, float | None, float | None]:
    """(silhouette measure, share measure, raw silhouette overlap); None when neither has a figure."""
    if a.figure_source == "none" and b.figure_source == "none":
        return None, None, None
    overlap = _silhouette(a, b) or 0.0
    return silhouette_likeness(overlap), _ratio(a.figure_share, b.figure_share), overlap


def _face_parts(a: SubjectDescriptor, b: SubjectDescriptor) -> dict[str, float | None]:
    if a.face_height is None and b.face_height is None:
        return {}
    if a.face_height is None or b.face_height is None:  # a face in one picture only
        return {"face_size": 0.0, "face_place": 0.0, "face_view": 0.0}
    parts: dict[str, float | None] = {
        "face_size": _ratio(a.face_height, b.face_height),
        "face_place": max(0.0, 1 - _face_distance(a.face_centre, b.face_centre) / T.FACE_PLACE_SCALE),
    }
    if a.face_yaw is not None and b.face_yaw is not None:
        parts["face_view"] = 1 - abs(abs(a.face_yaw) - abs(b.face_yaw)) / 90
    if a.framing is not None and b.framing is not None:
        parts["framing"] = _ratio(a.framing, b.framing)
    return parts


def stratum(a: SubjectDescriptor, b: SubjectDescriptor) -> str | None:
    """Which unrelated pairs a subject likeness is placed among: two pictures of people share
    faces, framing and a person's silhouette as a person and a figure without one cannot (their
    scores are of another population: placed among all pairs, two unrelated portraits were the
    rarest subject likeness of the builtin reference); None when neither shows a person (not
    measured)."""
    people = a.person + b.person
    return (None, "a picture of a person and one without", "pictures of people")[people]


def compare(a: SubjectDescriptor, b: SubjectDescriptor) -> DimensionScore:
    """How alike what the two pictures show is: the mean of the measures both can be given."""
    if not a.looked or not b.looked:
        which = "either picture" if not a.looked and not b.looked else ("the first" if not a.looked else "the second")
        return DimensionScore(score=None, why=f"the portrait models were not run on {which}: whether there is a "
                                              "person to compare is unknown")
    silhouette, share, overlap = _figure_parts(a, b)
    if a.person and b.person:
        parts = _Parts(faces=_ratio(a.faces, b.faces), silhouette=silhouette, share=share, **_face_parts(a, b))
    elif a.person or b.person:
        # A person against no person: no faces in common, even when the person's face was not found.
        # The person's silhouette against the other picture's main figure is their layout's shape,
        # which composition measures: counted here too, a figure filled anew in a person's outline
        # passed for a shared subject (the resemblance benchmark's composition-only pairs did).
        parts = _Parts(faces=0.0, **_face_parts(a, b))
    else:
        # Without people, what is left of a subject here is the main figure's shape and size, which
        # composition already measures: counted twice, a shared layout would pass for a shared
        # subject too (the resemblance benchmark's composition-only pairs did).
        return DimensionScore(score=None, why="no person in either picture: what the pictures depict is not "
                                              "judged (the main figure's shape and place are compared under "
                                              "composition)")
    return DimensionScore(score=parts.score(), why=_why(a, b, overlap if a.person and b.person else None))


# ---------------------------------------------------------------- words


def _view(yaw: float | None) -> str:
    if yaw is None:
        return "its turn unknown"
    turn = abs(yaw)
    word = "frontal" if turn < T.FACE_VIEW_THREE_QUARTER else ("in three-quarter view" if turn < T.FACE_VIEW_PROFILE else "in profile")
    return f"{word} (turned {turn:.0f}°)"


def _one(d: SubjectDescriptor) -> str:
    """What one picture shows, in words."""
    if not d.person:
        if d.figure_source == "none":
            return "no person, nothing standing out"
        return f"no person; the main figure takes {d.figure_share:.0%} of the picture"
    faces = {0: "a person, no face found", 1: "a person, one face"}.get(d.faces, f"{d.faces} faces")
    words = [faces]
    if d.face_height is not None:
        x, y = d.face_centre
        words.append(f"the face {d.face_height:.0%} of the picture's height, {place_words(x, y)}, {_view(d.face_yaw)}")
    if d.framing is not None:
        words.append(f"the person shown to {d.framing:.1f} face heights below the face's top")
    words.append(f"taking {d.figure_share:.0%} of the picture")
    return ", ".join(words)


def _why(a: SubjectDescriptor, b: SubjectDescriptor, overlap: float | None) -> str:
    if a.person and b.person:
        kind = "both show people"
    elif a.person or b.person:
        kind = (f"a person in the {'first' if a.person else 'second'} picture only (the person's outline against "
                "the other's main figure is compared under composition)")
    else:
        kind = "no person in either picture: only the main figure (what stands out from the edges) is compared"
    one_a, one_b = _one(a), _one(b)
    described = f"both: {one_a}" if one_a == one_b else f"first: {one_a}; second: {one_b}"
    shapes = "" if overlap is None else f"; silhouettes {overlap:.0%} alike once centred and scaled"
    unknown = "who the people are, what else is depicted" if a.person or b.person else "what the figures depict"
    return f"{kind}; {described}{shapes}; not compared: {unknown}, the kind of scene"
