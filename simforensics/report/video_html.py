"""The HTML exhibit of a ``simforensics video`` run: one self-contained file.

Per video: a timeline strip drawn as inline SVG (the sampled frames' thumbnails at their times,
each matched picture's span bars and its match-strength curve, the cuts), then for each span its
best frame beside the picture, the frame's outline on the picture, the frame laid onto the
picture by the compare engine's alignment, and the compare findings. Like html.py: Jinja2 with
autoescape, pictures as ``data:`` URIs, a Content-Security-Policy that loads nothing and runs no
script. Nothing is measured here; coordinates are only scaled for drawing.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
import numpy as np

from .. import __version__
from .. import thresholds as T
from ..outputs import printable
from ..video import PictureMatch, Span, VideoMatch, VideoRun
from . import images, words
from .html import content_security_policy

__all__ = ["video_html"]

# The timeline's drawing size (SVG user units; it scales with the page).
_WIDTH, _STRIP, _ROW = 1000.0, 64.0, 40.0
# One colour per matched picture, in order (colour-blind-safe Okabe-Ito palette).
_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
# Views of a span's pictures: as large as a laptop-width figure needs.
_VIEW_SIDE = 640

_STYLE = """
.timeline svg { width: 100%; height: auto; display: block; border: 1px solid #ccc; background: #fafafa; }
.span-figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin: 10px 0; }
.span-figures figure { margin: 0; }
.span-figures svg, .span-figures img { width: 100%; height: auto; display: block; border: 1px solid #ccc; }
.swatch { display: inline-block; width: 0.9em; height: 0.9em; vertical-align: -0.1em; margin-right: 0.3em; }
"""


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("simforensics.report", "templates"),
        autoescape=True,  # paths and summaries come from files and are hostile text
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    environment.filters.update(number=words.number_words, percent=words.percent_words, size=words.size_words,
                               when=words.time_words, basename=words.shown_basename, name=words.shown_name)
    return environment


_ENVIRONMENT = _environment()


@dataclass(frozen=True)
class _Thumb:
    x: float
    width: float
    height: float
    uri: str
    time_s: float


@dataclass(frozen=True)
class _Row:
    picture: PictureMatch
    colour: str
    y: float
    bars: tuple[tuple[float, float, str], ...]  # x, width, title
    curve: str  # SVG polyline points


@dataclass(frozen=True)
class _Timeline:
    height: float
    thumbs: tuple[_Thumb, ...]
    rows: tuple[_Row, ...]
    cuts: tuple[float, ...]  # x of each cut
    ticks: tuple[tuple[float, str], ...]


@dataclass(frozen=True)
class _SpanView:
    span: Span
    picture_path: str
    number: int
    colour: str
    picture: str  # data: URI
    frame: str
    aligned: str | None
    view: tuple[int, int]  # the picture view's size, the SVG's coordinate system
    outline: str | None  # polygon points of the best frame's outline on the picture view


def _x(time_s: float, duration: float) -> float:
    return round(_WIDTH * time_s / duration, 2) if duration > 0 else 0.0


def _timeline(v: VideoMatch) -> _Timeline:
    duration = max(v.info.duration_s, 1e-6)
    thumbs = []
    slot = _WIDTH / max(1, len(v.timeline))
    for frame in v.timeline:
        h, w = frame.thumbnail.shape[:2]
        width = min(slot, _STRIP * w / h)
        x = min(max(0.0, _x(frame.time_s, duration) - width / 2), _WIDTH - width)
        thumbs.append(_Thumb(round(x, 2), round(width, 2), round(width * h / w, 2), images.data_uri(frame.thumbnail),
                             frame.time_s))
    rows = []
    for n, m in enumerate(v.matches):
        y = _STRIP + 10 + n * (_ROW + 6)
        bars = tuple((_x(s.start_s, duration), max(1.0, _x(s.end_s, duration) - _x(s.start_s, duration)),
                      f"{s.start_s:.3f}-{s.end_s:.3f} s, {s.label.value}, {s.motion}") for s in m.spans)
        points = " ".join(f"{_x(c.time_s, duration)},{round(y + _ROW - c.strength * (_ROW - 4), 2)}" for c in m.curve)
        rows.append(_Row(m, _COLOURS[n % len(_COLOURS)], y, bars, points))
    height = _STRIP + 10 + len(rows) * (_ROW + 6) + 18
    step = next(s for s in (0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600, float("inf"))
                if duration / s <= 12)
    ticks = tuple((_x(t, duration), f"{t:g} s") for t in np.arange(0, duration, step)) if step != float("inf") else ()
    return _Timeline(round(height, 2), tuple(thumbs), tuple(rows), tuple(_x(c, duration) for c in v.cuts), ticks)


def _span_views(v: VideoMatch) -> list[_SpanView]:
    views = []
    number = 0
    for n, m in enumerate(v.matches):
        for s in m.spans:
            number += 1
            picture = images.view_of(s.picture_view, _VIEW_SIDE)
            size = (picture.shape[1], picture.shape[0])
            alignment = s.measurement.alignment
            aligned = outline = None
            if alignment.aligned:
                original = (s.picture_view.shape[1], s.picture_view.shape[0])
                aligned = images.data_uri(images.aligned_copy_view(s.frame_view, alignment, size, original))
            # The best frame's outline: its corners through the frame -> picture matrix, drawn on the view.
            fw, fh = v.info.width, v.info.height
            corners = np.array([[0, 0, 1], [fw - 1, 0, 1], [fw - 1, fh - 1, 1], [0, fh - 1, 1]], float).T
            placed = s.matrix @ corners
            placed = placed[:2] / placed[2]
            scale = size[0] / m.width
            outline = " ".join(f"{round(x * scale, 1)},{round(y * scale, 1)}" for x, y in placed.T)
            views.append(_SpanView(s, m.picture, number, _COLOURS[n % len(_COLOURS)], images.data_uri(picture),
                                   images.data_uri(images.view_of(s.frame_view, _VIEW_SIDE)), aligned, size, outline))
    return views


def video_html(run: VideoRun) -> str:
    """The exhibit of every video of the run."""
    style = _asset("report.css") + _STYLE
    videos: list[dict[str, Any]] = [{"v": v, "timeline": _timeline(v), "spans": _span_views(v)} for v in run.videos]
    command_line = shlex.join(["simforensics", *run.command_line[1:]]) if run.command_line else None
    spans = sum(len(m.spans) for v in run.videos for m in v.matches)
    return printable(_ENVIRONMENT.get_template("video.html.j2").render(
        style=style, script=None, csp=content_security_policy(style, None), static=True,
        run=run, videos=videos, spans=spans, T=T, version=__version__, command_line=command_line,
        strip=_STRIP, row=_ROW, width=_WIDTH,
    ))
