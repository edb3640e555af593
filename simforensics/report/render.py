"""Write each requested output of a command, and print its terminal view."""

from __future__ import annotations

import csv
import io
import sys
from typing import TYPE_CHECKING

from PIL import Image
from rich.console import Console

from ..outputs import STDOUT, OutputError, printable, write_atomically
from . import terminal
from .words import percentile_words

# What only some outputs need is imported when asked for: a comparison with the default outputs
# writes no JSON, HTML or mask and shows no progress bar, and need not load the scan engine,
# jinja2 or Rich's progress bars (together about 0.06 s of its start-up, on one core).
if TYPE_CHECKING:
    from ..compare import Comparison
    from ..inspection import Inspection
    from ..options import CompareOptions
    from ..scan import ScanResult

__all__ = [
    "print_compare",
    "print_inspect",
    "print_scan",
    "write_compare_outputs",
    "write_inspect_outputs",
    "write_scan_outputs",
]


def _emit(path: str | None, text: str) -> None:
    if path is None:
        return
    text = printable(text)
    if path == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomically(path, text.encode("utf-8"))


def write_compare_outputs(comparison: Comparison, options: CompareOptions) -> None:
    if options.json_path is not None:
        from . import json_report

        _emit(options.json_path, json_report.dumps(json_report.compare_document(comparison)))
    if options.html_path is not None:
        from . import html

        write_atomically(options.html_path, html.compare_html(comparison).encode("utf-8"))
    if options.pdf_path is not None:
        write_atomically(options.pdf_path, _pdf(comparison, options.pdf_path))
    if options.mask_path is not None:
        buffer = io.BytesIO()
        Image.fromarray(comparison.change_mask, mode="L").save(buffer, "PNG")
        write_atomically(options.mask_path, buffer.getvalue())


def _pdf(comparison: Comparison, path: str) -> bytes:
    from .pdf import compare_pdf

    try:
        return compare_pdf(comparison)
    except (ImportError, OSError) as exc:  # WeasyPrint or the Pango library it loads is missing
        raise OutputError(f"--pdf {path}: PDF rendering is unavailable here ({type(exc).__name__}: {exc})") from None


def print_compare(console: Console, comparison: Comparison, *, brief: bool = False) -> None:
    terminal.print_comparison(console, comparison, brief=brief)


def write_inspect_outputs(inspection: Inspection, json_path: str | None) -> None:
    if json_path is not None:
        from . import json_report

        _emit(json_path, json_report.dumps(json_report.inspect_document(inspection)))


def print_inspect(console: Console, inspection: Inspection) -> None:
    if inspection.images:
        terminal.print_evidence(console, list(inspection.images))
        terminal.print_provenance(console, list(inspection.images))


def write_scan_outputs(result: ScanResult, json_path: str | None, csv_path: str | None) -> None:
    """JSON and CSV; the HTML index is scan_index.write_scan_index (it compares the pairs it shows)."""
    if json_path is not None:
        from . import json_report

        _emit(json_path, json_report.dumps(json_report.scan_document(result)))
    if csv_path is not None:
        from ..scan.related import related_csv_path

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["a", "b", "similarity", "label", "match", "pdq_distance", "local_matches", "summary",
                         "original_side", "settled_by"])
        for p in result.pairs:
            writer.writerow([p.a, p.b, f"{p.similarity:.4f}", p.label, str(p.match).lower(),
                             "" if p.pdq_distance is None else p.pdq_distance, p.local_matches, p.summary,
                             p.original_side, p.settled_by])
        _emit(csv_path, buffer.getvalue())
        if result.related:
            _emit(related_csv_path(csv_path), _related_csv(result))


def _related_csv(result: ScanResult) -> str:
    """One row per (scanned picture, resembling reference picture), with each dimension's
    score, percentile and finding."""
    from ..resemblance.profile import DIMENSIONS

    names = [module.NAME for module in DIMENSIONS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["picture", "rank", "reference", "distinctive",
                     *(f"{name}_{field}" for name in names for field in ("score", "percentile", "finding"))])
    for related in result.related:
        for rank, found in enumerate(related.resembling, start=1):
            cells = []
            for d in found.profile.dimensions:
                cells += ["" if d.score is None else f"{d.score:.4f}",
                          "" if d.percentile is None else percentile_words(d.percentile, 4), d.finding]
            writer.writerow([related.picture, rank, found.reference, " ".join(found.distinctive), *cells])
    return buffer.getvalue()


def print_scan(console: Console, result: ScanResult) -> None:
    terminal.print_scan(console, result)


