"""Self-contained HTML documents of the result models: the comparison report and the scan index.

Jinja2 with autoescape on renders templates/; everything a page needs is inside it: pictures as
``data:`` URIs, the one style sheet and the one script inline. A Content-Security-Policy meta
forbids every load from anywhere and lets run only the inline script and style whose SHA-256 it
names, so even text that slipped through unescaped could not execute. Nothing is measured here:
the pictures come from images.py, the words and numbers from the models.
"""

from __future__ import annotations

import base64
import hashlib
import shlex
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
import numpy as np

from .. import __version__
from .. import thresholds as T
from ..compare import Comparison
from ..fingerprints import HASHES
from ..outputs import printable
from ..scan import ScanPair, ScanResult
from ..thumbnail import decoded_thumbnail, disagreeing_previews
from ..verdict import Label, cut_away, transform_words
from . import images, words
from .evidence_rows import evidence_rows
from .metadata_terminal import provenance_rows
from .threshold_notes import ThresholdNote, threshold_notes

__all__ = ["IndexEntry", "compare_html", "content_security_policy", "render_page", "scan_index_html"]


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def content_security_policy(style: str, script: str | None) -> str:
    """No load from anywhere; pictures only as data: URIs; only this style and this script run."""
    script_source = f"'{_sha256(script)}'" if script else "'none'"
    return (
        "default-src 'none'; img-src data:; "
        f"style-src '{_sha256(style)}'; script-src {script_source}; "
        "base-uri 'none'; form-action 'none'"
    )


# ------------------------------------------------------------------------------- filters
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("simforensics.report", "templates"),
        autoescape=True,  # every value from a file (names, metadata, prompts) is hostile text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(size=words.size_words, number=words.number_words, percent=words.percent_words,
                               percentile=words.percentile_words,
                               box=words.box_words, whereabouts=words.whereabouts, plain=words.plain_number,
                               when=words.time_words, band=words.band_words,
                               basename=words.shown_basename, name=words.shown_name)
    return environment


_ENVIRONMENT = _environment()


def _render(template: str, *, script_name: str | None, static: bool, **context: Any) -> str:
    style = _asset("report.css")
    script = None if static or script_name is None else _asset(script_name)
    return printable(_ENVIRONMENT.get_template(template).render(
        style=style, script=script, csp=content_security_policy(style, script), static=static, **context,
    ))


def render_page(template: str, **context: Any) -> str:
    """A page of templates/ with the reports' style sheet, no script (the trace report)."""
    return _render(template, script_name=None, static=False, **context)


# ------------------------------------------------------------------------------- compare
@dataclass(frozen=True)
class _Figures:
    """The pictures of one report, as data: URIs, with the sizes the viewers need."""

    original: str
    copy: str
    aligned: str | None  # the copy drawn into the original's frame; None when not aligned
    heat: str | None  # heat layer over the original; None without a change map
    crops: tuple[tuple[str | None, str | None], ...]  # (original, copy) per region finding
    layouts: tuple[str, str] | None = None  # each picture's composition map (light and dark, figure tinted)
    # What an upright crop cut away from the original: (side, pixels, its box, the original there)
    cut_away: tuple[tuple[str, int, tuple[int, int, int, int], str], ...] = ()
    # Each file whose EXIF preview shows something else: (which file, the preview, the picture
    # with the areas where they differ outlined, the finding in words, how many areas)
    previews: tuple[tuple[str, str, str, str, int], ...] = ()


def _figures(comparison: Comparison) -> _Figures:
    m = comparison.measurement
    original, copy = comparison.original.rgb, comparison.copy.rgb
    original_view = images.view_of(original)
    aligned = heat = None
    if m.alignment.aligned:
        size = (original_view.shape[1], original_view.shape[0])
        aligned = images.data_uri(images.aligned_copy_view(copy, m.alignment, size, (original.shape[1], original.shape[0])))
    if m.changes is not None:
        heat = images.data_uri(images.heat_layer(m.changes.strength_map, m.change_mask))
    def crop(rgb: np.ndarray, box: tuple[int, int, int, int] | None) -> str | None:
        pixels = None if box is None else images.crop_view(rgb, box)
        return None if pixels is None else images.data_uri(pixels)

    crops = tuple((crop(original, r.box), crop(copy, r.copy_box)) for r in m.regions)
    layouts = None
    if m.descriptions is not None:
        maps = [d["composition"] for d in m.descriptions]
        layouts = tuple(images.data_uri(images.layout_map(c.lightness, c.inside, figure=c.figure), lossless=True)
                        for c in maps)
    # Where a signature or a watermark often sat: what the crop took away is shown, not only named.
    cut = tuple((side, px, box, images.data_uri(pixels)) for side, px, box in cut_away(m.alignment)
                if (pixels := images.crop_view(original, box, images.VIEW_SIDE)) is not None)
    return _Figures(images.data_uri(original_view), images.data_uri(images.view_of(copy)), aligned, heat, crops,
                    layouts, cut, _previews(comparison))


def _previews(comparison: Comparison) -> tuple[tuple[str, str, str, str, int], ...]:
    shown = []
    for side, evidence, preview in disagreeing_previews((("original", comparison.original), ("copy", comparison.copy))):
        exif = evidence.provenance.exif if evidence.provenance is not None else None
        if exif is None or exif.thumbnail is None:
            continue
        pixels = decoded_thumbnail(exif.thumbnail, evidence.exif_orientation)
        shown.append((side, images.data_uri(images.view_of(pixels, images.PREVIEW_SIDE)),
                      images.data_uri(images.outlined(evidence.rgb, preview.areas)), preview.summary, len(preview.areas)))
    return tuple(shown)


def _viewer_data(comparison: Comparison) -> dict[str, Any]:
    """What the script needs to keep the zoom of every pane on the same place of the original."""
    a = comparison.alignment
    to_copy = np.linalg.inv(a.matrix).tolist() if a.aligned else None
    return {
        "original": [comparison.original.width, comparison.original.height],
        "copy": [comparison.copy.width, comparison.copy.height],
        "toCopy": to_copy,
        "scale": a.scale,
    }


def _command_line(comparison: Comparison) -> str | None:
    words = comparison.options.command_line
    if not words:
        return None
    return shlex.join(["simforensics", *words[1:]])


def _threshold_groups(notes: tuple[ThresholdNote, ...]) -> list[tuple[list[ThresholdNote], str]]:
    """Constants that share one reason, together, in the module's order."""
    groups: list[tuple[list[ThresholdNote], str]] = []
    for note in notes:
        if groups and note.reason and groups[-1][1] == note.reason:
            groups[-1][0].append(note)
        else:
            groups.append(([note], note.reason))
    return groups


def compare_html(comparison: Comparison, *, static: bool = False) -> str:
    """The comparison report. ``static``: no script, every viewer as still frames (for PDF)."""
    m = comparison.measurement
    return _render(
        "compare.html.j2", script_name="viewer.js", static=static,
        c=comparison, m=m, v=m.verdict, a=m.alignment, T=T, hashes=HASHES,
        figures=_figures(comparison),
        view_side=images.VIEW_SIDE,
        evidence_rows=evidence_rows(comparison.original, comparison.copy),
        viewer_data=_viewer_data(comparison),
        transform=transform_words(m.alignment) if m.alignment.aligned else [],
        provenance_rows=provenance_rows,
        command_line=_command_line(comparison),
        duration=words.duration_words(comparison.started_at, comparison.finished_at),
        thresholds=_threshold_groups(threshold_notes()),
    )


# ------------------------------------------------------------------------------- scan index
@dataclass(frozen=True)
class IndexEntry:
    """One pair of the scan shown in the index: thumbnails and where its comparison report is."""

    number: int
    pair: ScanPair
    thumbnail_a: str | None
    thumbnail_b: str | None
    report: str | None  # relative link to the comparison report
    full_label: str | None  # the full-size comparison's verdict, when it was made
    problem: str | None = None  # why there is no report (an input became unreadable)


def scan_index_html(result: ScanResult, entries: list[IndexEntry], *, shown_limit: int, started_at: str,
                    command_line: str | None, folders: tuple[str, ...], against: tuple[str, ...] | None,
                    thumbnails: dict[str, str | None] | None = None) -> str:
    """The index of a scan: the pairs shown, strongest first, each with its report link.
    ``thumbnails``: path -> data URI of the pictures of the resembling works shown (--related)."""
    labels = [label for label in Label if any(e.pair.label == label for e in entries)]
    return _render(
        "scan_index.html.j2", script_name="index.js", static=False,
        result=result, entries=entries, labels=labels, shown_limit=shown_limit, T=T, thumbnails=thumbnails or {},
        related_reference=next((x.profile.reference for r in result.related for x in r.resembling), None),
        started_at=started_at, command_line=command_line, folders=folders, against=against, version=__version__,
        matched=sum(1 for p in result.pairs if p.match),
        counts={label: sum(1 for e in entries if e.pair.label == label) for label in labels},
    )
