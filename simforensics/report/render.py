"""Write each requested output of a command, and print its terminal view."""

from __future__ import annotations

import csv
import io
import sys

from PIL import Image
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..compare import Comparison
from ..inspect import Inspection
from ..options import CompareOptions
from ..outputs import STDOUT, write_atomically
from ..scan import ScanResult
from . import json_report, terminal

__all__ = [
    "write_compare_outputs", "print_compare",
    "write_inspect_outputs", "print_inspect",
    "write_scan_outputs", "print_scan",
]


def _emit(path: str | None, text: str) -> None:
    if path is None:
        return
    if path == STDOUT:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomically(path, text.encode("utf-8"))


def write_compare_outputs(comparison: Comparison, options: CompareOptions) -> None:
    _emit(options.json_path, json_report.dumps(json_report.compare_document(comparison)))
    if options.mask_path is not None:
        buffer = io.BytesIO()
        Image.fromarray(comparison.change_mask, mode="L").save(buffer, "PNG")
        write_atomically(options.mask_path, buffer.getvalue())


def print_compare(console: Console, comparison: Comparison, *, brief: bool = False) -> None:
    terminal.print_comparison(console, comparison, brief=brief)


def write_inspect_outputs(inspection: Inspection, json_path: str | None) -> None:
    _emit(json_path, json_report.dumps(json_report.inspect_document(inspection)))


def print_inspect(console: Console, inspection: Inspection) -> None:
    if inspection.images:
        terminal.print_evidence(console, list(inspection.images))
        terminal.print_provenance(console, list(inspection.images))


def write_scan_outputs(result: ScanResult, json_path: str | None, csv_path: str | None) -> None:
    _emit(json_path, json_report.dumps(json_report.scan_document(result)))
    if csv_path is not None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["a", "b", "similarity", "label", "match"])
        for p in result.pairs:
            writer.writerow([p.a, p.b, f"{p.similarity:.4f}", p.label, str(p.match).lower()])
        _emit(csv_path, buffer.getvalue())


def print_scan(console: Console, result: ScanResult) -> None:
    table = Table(title=f"{result.images} images, {len(result.pairs)} pairs, {len(result.errors)} skipped",
                  title_justify="left")
    for column in ("a", "b", "similarity", "label"):
        table.add_column(column, overflow="fold")
    for p in result.pairs[:50]:
        table.add_row(escape(p.a), escape(p.b), f"{p.similarity:.3f}", p.label)
    console.print(table)
    if len(result.pairs) > 50:
        console.print(f"... and {len(result.pairs) - 50} more pairs (see --json or --csv)")
    for path, reason in result.errors[:20]:
        console.print(f"skipped {escape(path)}: {escape(reason)}")
    if len(result.errors) > 20:
        console.print(f"... and {len(result.errors) - 20} more skipped files")
