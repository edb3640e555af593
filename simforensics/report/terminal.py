"""Rich renderings for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..evidence import Evidence

__all__ = ["evidence_table", "print_evidence"]


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def evidence_table(items: list[Evidence], title: str = "Evidence", labels: list[str] | None = None) -> Table:
    """One column per file: identity and how it was decoded."""
    table = Table(title=title, show_lines=False, title_justify="left")
    table.add_column("", style="bold")
    for index, item in enumerate(items):
        table.add_column(labels[index] if labels else f"#{index + 1}", overflow="fold")
    rows: list[tuple[str, list[str]]] = [
        ("file", [e.path for e in items]),
        ("SHA-256", [e.sha256 for e in items]),
        ("size", [_size(e.file_size) for e in items]),
        ("format / mode", [f"{e.format} / {e.mode}" for e in items]),
        ("pixels (as displayed)", [f"{e.width} x {e.height}" for e in items]),
        ("bits per channel", [str(e.bits_per_channel or "?") for e in items]),
        ("ICC profile", [e.icc_profile or "none" for e in items]),
        ("notes", ["; ".join(e.notes) or "-" for e in items]),
    ]
    for name, values in rows:
        table.add_row(name, *[escape(v) for v in values])
    return table


def print_evidence(console: Console, items: list[Evidence], labels: list[str] | None = None) -> None:
    console.print(evidence_table(items, labels=labels))
