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
import math
import os
import shlex
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
import numpy as np

from .. import thresholds as T
from ..compare import Comparison
from ..evidence import Evidence
from ..provenance import Provenance, describe_source_type
from ..scan import ScanPair, ScanResult
from ..verdict import transform_words
from . import images
from .metadata_terminal import provenance_rows
from .threshold_notes import ThresholdNote, threshold_notes

__all__ = ["IndexEntry", "compare_html", "content_security_policy", "scan_index_html"]


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
def _size(n: int) -> str:
    value = float(n)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{n:,} bytes" if unit == "bytes" else f"{value:.1f} {unit} ({n:,} bytes)"
        value /= 1024
    return f"{n:,} bytes"


def _number(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def _percent(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 100:.{digits}f} %"


def _plain(value: float) -> str:
    """24.0 -> "24", 0.85 -> "0.85": a parameter as a person writes it."""
    return f"{value:g}"


def _when(iso: str | None) -> str:
    """An ISO 8601 time as "21 November 2026, 13:48:21 UTC" (UTC times only; others as given)."""
    import datetime as dt

    if not iso:
        return "–"
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.utcoffset() != dt.timedelta(0):
        return iso
    return f"{moment.day} {moment:%B %Y, %H:%M:%S} UTC"


def _box(box: tuple[int, int, int, int] | None) -> str:
    return "–" if box is None else f"[{box[0]}, {box[1]}, {box[2]}, {box[3]}]"


def _whereabouts(box: tuple[int, int, int, int], width: int, height: int) -> str:
    """Where a box lies in words: "upper left", "centre", "lower middle"."""
    cx, cy = (box[0] + box[2] / 2) / width, (box[1] + box[3] / 2) / height
    row = "upper" if cy < 1 / 3 else "lower" if cy > 2 / 3 else "middle"
    column = "left" if cx < 1 / 3 else "right" if cx > 2 / 3 else "centre"
    if row == "middle":
        return "centre" if column == "centre" else f"middle {column}"
    return f"{row} {'middle' if column == 'centre' else column}"


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("simforensics.report", "templates"),
        autoescape=True,  # every value from a file (names, metadata, prompts) is hostile text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(size=_size, number=_number, percent=_percent, box=_box, whereabouts=_whereabouts,
                               plain=_plain, when=_when,
                               basename=os.path.basename)
    return environment


_ENVIRONMENT = _environment()


def _render(template: str, *, script_name: str | None, static: bool, **context: Any) -> str:
    style = _asset("report.css")
    script = None if static or script_name is None else _asset(script_name)
    return _ENVIRONMENT.get_template(template).render(
        style=style, script=script, csp=content_security_policy(style, script), static=static, **context,
    )


# ------------------------------------------------------------------------------- compare
@dataclass(frozen=True)
class _Figures:
    """The pictures of one report, as data: URIs, with the sizes the viewers need."""

    original: str
    copy: str
    aligned: str | None  # the copy drawn into the original's frame; None when not aligned
    heat: str | None  # heat layer over the original; None without a change map
    crops: tuple[tuple[str | None, str | None], ...]  # (original, copy) per region finding


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
    crops = []
    for region in m.regions:
        pair = (images.crop_view(original, region.box),
                None if region.copy_box is None else images.crop_view(copy, region.copy_box))
        crops.append(tuple(None if c is None else images.data_uri(c) for c in pair))
    return _Figures(images.data_uri(original_view), images.data_uri(images.view_of(copy)), aligned, heat, tuple(crops))  # type: ignore[arg-type]


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


_TEXT_SHOWN = 400  # longest metadata value quoted in the evidence table; the appendix has more


def _cut(value: str | None, limit: int = _TEXT_SHOWN) -> str | None:
    if value is None:
        return None
    return value if len(value) <= limit else value[:limit] + f" … ({len(value):,} characters in all)"


def _dates(p: Provenance | None) -> list[tuple[str, str | None]]:
    e = p.exif if p else None
    x = p.xmp if p else None
    c = p.c2pa if p else None
    return [
        ("EXIF DateTimeOriginal (capture or creation)", e.datetime_original if e else None),
        ("EXIF DateTimeDigitized", e.datetime_digitized if e else None),
        ("EXIF DateTime (last change)", e.datetime if e else None),
        ("XMP CreateDate", x.create_date if x else None),
        ("XMP ModifyDate", x.modify_date if x else None),
        ("C2PA signed at", c.signed_at if c else None),
    ]


def _highlights(p: Provenance | None) -> list[tuple[str, str | None]]:
    """What a reader asks first about where a file came from."""
    if p is None:
        return [("metadata", "not read")]
    code, meaning = describe_source_type(p.digital_source_type)
    g = p.generation[0] if p.generation else None
    c = p.c2pa
    e = p.exif
    c2pa = None
    if c is not None:
        c2pa = f"not checked: {c.error}" if c.error else (c.validation_state or "present")
        if c.validation_state == "Valid":
            c2pa += " (intact and correctly signed; signer not checked against a trust list)"
        if c.hash_mismatch:
            c2pa += "; the file was changed after it was signed"
    rights = [v for v in ((e.artist if e else None), (e.copyright if e else None),
                          *(p.xmp.creators if p.xmp else ()), (p.xmp.rights if p.xmp else None)) if v]
    return [
        ("metadata present", "yes" if p.has_metadata else "none (no EXIF, XMP, IPTC, comments, text chunks, AI record or C2PA)"),
        ("declared source type", f"{code} ({meaning})" if code and meaning else code),
        ("AI generation record", f"{g.generator}, in {g.found_in}" if g else None),
        ("AI prompt", _cut("; ".join(g.prompts)) if g else None),
        ("AI seed / model", " / ".join(v for v in ("; ".join(g.seeds), "; ".join(g.models)) if v) or None if g else None),
        ("C2PA content credentials", c2pa),
        ("camera", " ".join(v for v in ((e.make if e else None), (e.model if e else None)) if v) or None),
        ("software that wrote it", "; ".join(f"{name} ({where})" for where, name in p.writing_software()) or None),
        ("author and rights", _cut("; ".join(dict.fromkeys(rights))) or None),
    ]


@dataclass(frozen=True)
class _EvidenceRow:
    label: str
    original: str | None
    copy: str | None
    mono: bool = False
    section: bool = False


def _evidence_rows(original: Evidence, copy: Evidence) -> list[_EvidenceRow]:
    def size(e: Evidence) -> str:
        text = f"{e.width} × {e.height} pixels"
        if (e.stored_width, e.stored_height) != (e.width, e.height):
            text += f" (stored {e.stored_width} × {e.stored_height}, EXIF orientation {e.exif_orientation})"
        return text

    rows = [
        _EvidenceRow("SHA-256 of the file", original.sha256, copy.sha256, mono=True),
        _EvidenceRow("file size", _size(original.file_size), _size(copy.file_size)),
        _EvidenceRow("format / colour mode", f"{original.format} / {original.mode}", f"{copy.format} / {copy.mode}"),
        _EvidenceRow("dimensions (as displayed)", size(original), size(copy)),
        _EvidenceRow("bits per channel", str(original.bits_per_channel or "–"), str(copy.bits_per_channel or "–")),
        _EvidenceRow("colour profile (ICC)", original.icc_profile or "none", copy.icc_profile or "none"),
        _EvidenceRow("file modified (file system)", _when(original.file_modified), _when(copy.file_modified)),
        _EvidenceRow("decoding notes", "; ".join(original.notes) or "none", "; ".join(copy.notes) or "none"),
        _EvidenceRow("Dates recorded in the files", None, None, section=True),
    ]
    for (label, a), (_, b) in zip(_dates(original.provenance), _dates(copy.provenance), strict=True):
        if a or b:
            rows.append(_EvidenceRow(label, a, b))
    if not any(a or b for (_, a), (_, b) in zip(_dates(original.provenance), _dates(copy.provenance), strict=True)):
        rows.append(_EvidenceRow("dates", "none recorded", "none recorded"))
    rows.append(_EvidenceRow("Provenance highlights", None, None, section=True))
    for (label, a), (_, b) in zip(_highlights(original.provenance), _highlights(copy.provenance), strict=True):
        if a or b:
            rows.append(_EvidenceRow(label, a, b))
    return rows


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


def _duration(started: str, finished: str) -> str:
    import datetime as dt

    try:
        seconds = (dt.datetime.fromisoformat(finished) - dt.datetime.fromisoformat(started)).total_seconds()
    except ValueError:
        return "–"
    return f"{seconds:.0f} s"


def compare_html(comparison: Comparison, *, static: bool = False) -> str:
    """The comparison report. ``static``: no script, every viewer as still frames (for PDF)."""
    m = comparison.measurement
    return _render(
        "compare.html.j2", script_name="viewer.js", static=static,
        c=comparison, m=m, v=m.verdict, a=m.alignment, T=T,
        figures=_figures(comparison),
        view_side=images.VIEW_SIDE,
        evidence_rows=_evidence_rows(comparison.original, comparison.copy),
        viewer_data=_viewer_data(comparison),
        transform=transform_words(m.alignment) if m.alignment.aligned else [],
        provenance_rows=provenance_rows,
        command_line=_command_line(comparison),
        duration=_duration(comparison.started_at, comparison.finished_at),
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
                    command_line: str | None, folders: tuple[str, ...], against: tuple[str, ...] | None) -> str:
    """The index of a scan: the pairs shown, strongest first, each with its report link."""
    labels = [label for label in ("identical", "near-duplicate", "locally-edited", "similar", "unrelated")
              if any(e.pair.label == label for e in entries)]
    return _render(
        "scan_index.html.j2", script_name="index.js", static=False,
        result=result, entries=entries, labels=labels, shown_limit=shown_limit, T=T,
        started_at=started_at, command_line=command_line, folders=folders, against=against,
        matched=sum(1 for p in result.pairs if p.match),
        counts={label: sum(1 for e in entries if e.pair.label == label) for label in labels},
    )
