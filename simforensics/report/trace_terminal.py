"""The trace on the terminal: one row per source (share, pieces), then the files skipped."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .. import thresholds as T
from ..trace import Piece, Trace
from .words import box_words, counted, shown_name

__all__ = ["piece_words", "print_trace"]


def piece_words(piece: Piece) -> str:
    """How a piece was placed, in words: scale (or stretch), turn, mirror, colour change."""
    parts = []
    across, down = piece.axis_scales
    if abs(across - down) > T.SUMMARY_MIN_STRETCH * max(across, down):
        parts.append(f"stretched x{across:.2f} across and x{down:.2f} down")
    elif abs(piece.scale - 1) >= 0.02:
        parts.append(f"{'enlarged' if piece.scale > 1 else 'reduced'} x{piece.scale:.2f}")
    if abs(abs(piece.rotation_degrees) - 180) < 0.5:
        parts.append("turned upside down (180 degrees)")
    elif abs(piece.rotation_degrees) >= 0.5:
        side = "counter-clockwise" if piece.rotation_degrees > 0 else "clockwise"
        parts.append(f"turned {abs(piece.rotation_degrees):.1f} degrees {side}")
    if piece.mirrored:
        parts.append("mirrored")
    # MIN_COLOUR_CHANGE's half: under it the colours match as they are, without the mapping.
    if piece.made_grey:
        parts.append("made grey")
    elif piece.colour_shift - piece.residual >= 12:
        parts.append(f"colours changed (mean {piece.colour_shift:.0f} RGB levels, {piece.residual:.0f} after the fitted mapping)")
    return ", ".join(parts) or "copied as it is"


def print_trace(console: Console, trace: Trace) -> None:
    p = trace.picture
    console.print(
        f"{escape(shown_name(p.path))} ({p.width} x {p.height}) against {counted(trace.portfolio_size, 'picture')} under "
        f"{escape(shown_name(trace.folder))} ({counted(trace.candidates_checked, 'candidate')} checked"
        f"{'; the picture itself, under the folder, left out' if trace.picture_in_portfolio else ''}): "
        f"[bold]{counted(len(trace.sources), 'source')}[/], "
        f"{1 - trace.unexplained_fraction:.0%} of the picture explained"
        + (f", {trace.plain_fraction:.0%} plain (no texture to trace)" if trace.plain_fraction >= T.TRACE_MIN_PIECE_AREA else "")
    )
    if trace.sources:
        table = Table(title="Sources, largest share first (map value = #)", title_justify="left")
        for column in ("#", "source", "share", "pieces"):
            table.add_column(column, overflow="fold")
        for number, s in enumerate(trace.sources, start=1):
            pieces = "\n".join(f"{box_words(x.box)} ({x.area_fraction:.1%}): {piece_words(x)}" for x in s.pieces)
            versions = "".join(f"\nalso in {shown_name(v)}" for v in s.versions)
            table.add_row(str(number), escape(shown_name(s.path) + versions), f"{s.share:.1%}", escape(pieces))
        console.print(table)
    for path, reason in trace.errors[:20]:
        console.print(f"skipped {escape(shown_name(path))}: {escape(reason)}")
    if len(trace.errors) > 20:
        console.print(f"... and {len(trace.errors) - 20} more skipped files")
