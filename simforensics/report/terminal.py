"""Rich renderings for the terminal."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .. import thresholds as T
from ..derivation import Derivation
from ..evidence import Evidence
from ..fingerprints import HASHES, hash_kind
from ..region_findings import Finding
from ..resemblance.model import Likeness, ResemblanceProfile
from ..thumbnail import disagreeing_previews
from ..verdict import Label
from .words import counted, percentile_words, shown_name

if TYPE_CHECKING:
    from ..compare import Comparison
    from ..region_findings import RegionFinding
    from ..scan import ScanResult

__all__ = ["evidence_table", "print_comparison", "print_derivation", "print_evidence", "print_integrity", "print_provenance",
           "print_regions", "print_scan"]

_FINDING_STYLE = {Finding.SAME: "green", Finding.SIMILAR: "yellow", Finding.DIFFERENT: "red", Finding.ABSENT: "dim"}


def _styled(text: str, style: str) -> str:
    """Rich markup for text in a style; no tag for no style ("[]x[/]" is a markup error)."""
    return f"[{style}]{escape(str(text))}[/]" if style else escape(str(text))


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
    for index in range(len(items)):
        table.add_column(labels[index] if labels else f"#{index + 1}", overflow="fold")
    rows: list[tuple[str, list[str]]] = [
        ("file", [shown_name(e.path) for e in items]),
        ("SHA-256", [e.sha256 for e in items]),
        ("size", [_size(e.file_size) for e in items]),
        ("format / mode", [f"{e.format} / {e.mode}" for e in items]),
        ("pixels (as displayed)", [f"{e.width} x {e.height}" for e in items]),
        ("bits per channel", [str(e.bits_per_channel or "?") for e in items]),
        ("ICC profile", [e.icc_profile or "none" for e in items]),
        ("notes", ["; ".join(e.notes) or "-" for e in items]),
    ]
    previews = [e.provenance.thumbnail if e.provenance is not None else None for e in items]
    if any(previews):
        rows.append(("EXIF preview", [p.summary if p else "none" for p in previews]))
    for name, values in rows:
        table.add_row(name, *[escape(v) for v in values])
    return table


def print_evidence(console: Console, items: list[Evidence], labels: list[str] | None = None) -> None:
    console.print(evidence_table(items, labels=labels))


def print_provenance(console: Console, items: list[Evidence]) -> None:
    """One metadata table per file that was read with its provenance."""
    from .metadata_terminal import provenance_table

    for index, item in enumerate(items, start=1):
        if item.provenance is not None:
            console.print(provenance_table(item.provenance, title=f"Metadata #{index}: {escape(shown_name(item.path))}"))


_LIKENESS_STYLE = {Likeness.DISTINCTIVE: "bold magenta", Likeness.COMMON: "cyan", Likeness.DIFFERENT: "",
                   Likeness.NOT_MEASURED: "dim"}

_LABEL_STYLE = {
    Label.IDENTICAL: "bold green", Label.NEAR_DUPLICATE: "bold green", Label.LOCALLY_EDITED: "bold yellow",
    Label.SIMILAR: "bold cyan", Label.UNRELATED: "bold",
}


def print_comparison(console: Console, comparison: Comparison, *, brief: bool = False) -> None:
    """Verdict first, then the transform, the hashes, the changed areas and the evidence."""
    m = comparison.measurement
    v = m.verdict
    console.print(Panel(
        f"{_styled(v.label, _LABEL_STYLE[v.label])}   similarity {v.similarity:.3f}\n{escape(v.summary)}"
        + (f"\nWhich is the original? {escape(m.derivation.summary)}" if m.derivation is not None else "")
        + "".join(f"\nThe {side}'s EXIF preview: {escape(preview.summary)}"
                  for side, _, preview in disagreeing_previews((("original", comparison.original), ("copy", comparison.copy)))),
        title=Text("Verdict"), title_align="left",  # plain text: a str title is markup, emoji codes loaded (4 ms)
    ))
    if brief:
        return
    a = m.alignment
    # One quantity per row: nine columns side by side were cut to "align…", "rotat…" at 80 columns.
    transform = Table(title="Transform (copy onto original)", title_justify="left", show_header=False, min_width=32)
    transform.add_column("quantity", style="bold")
    transform.add_column("value")
    error = a.reprojection_error
    rows = [("aligned", "yes" if a.aligned else "no"), ("inliers / matches", f"{a.inliers}/{a.matches}")]
    if a.aligned:  # unaligned, the best rejected fit's scale and turn mean nothing
        rows[1:1] = [("model", f"{a.model.value}, found by {a.method}"), ("scale", f"{a.scale:.3f}"), ("rotation", f"{a.rotation_degrees:+.2f} deg"),
                     ("mirrored", "yes" if a.mirrored else "no")]
        across, down = a.axis_scales
        if abs(across - down) > T.SUMMARY_MIN_STRETCH * max(across, down):  # stretched: the scale is their mean
            rows.insert(3, ("scale across / down", f"{across:.3f} / {down:.3f}"))
        rows += [("error (px)", "-" if math.isnan(error) else f"{error:.2f}"),
                 ("overlap (of the original)", f"{a.overlap_fraction:.0%} {list(a.overlap_box)}"),
                 ("fills copy", f"{a.copy_fill_fraction:.0%}")]
    for quantity, value in rows:
        transform.add_row(quantity, value)
    console.print(transform)
    if not a.aligned:
        console.print(f"  {escape(a.reason)}")

    hashes = Table(title="Perceptual hashes (Hamming distance)", title_justify="left")
    for column in ("hash", "whole picture", "aligned overlap", "bits", "same <=", "related <="):
        hashes.add_column(column)
    whole, overlap = m.whole_distances, m.overlap_distances
    for kind in HASHES:
        hashes.add_row(kind.name, str(whole[kind.name]), str(overlap[kind.name]) if overlap else "-", str(kind.bits),
                       _limit(kind.same), _limit(kind.related))
    pdq = hash_kind("pdq")
    hashes.add_row("pdq (any turn or mirror)", str(m.pdq_dihedral_distance), "-", str(pdq.bits),
                   _limit(pdq.same), _limit(pdq.related))
    console.print(hashes)
    if m.outline_agreement is not None:
        console.print(f"Outline agreement (not aligned): {m.outline_agreement:.2f} (related >= {T.OUTLINE_RELATED})")
    console.print(f"SSIM over the aligned overlap: {'-' if m.ssim is None else f'{m.ssim:.4f}'}    "
                  f"colour-distribution distance: {m.colour_distance:.3f}")

    if m.changes is not None and m.changes.areas:
        areas = Table(title=f"Changed areas ({m.changes.changed_fraction:.1%} of the compared area)", title_justify="left")
        for column in ("#", "kind", "box [x, y, w, h]", "share of picture", "structure change", "colour change"):
            areas.add_column(column)
        for index, area in enumerate(m.changes.areas, start=1):
            areas.add_row(str(index), area.kind, str(list(area.box)), f"{area.area_fraction:.2%}",
                          f"{area.structure_change:.3f}", f"{area.colour_change:.1f}")
        console.print(areas)
    if m.regions:
        print_regions(console, comparison)
    if m.resemblance is not None:
        print_resemblance(console, m.resemblance)
    if m.derivation is not None:
        print_derivation(console, m.derivation)
    if comparison.metadata_diff is not None:
        from .metadata_terminal import metadata_diff_table

        console.print(metadata_diff_table(comparison.metadata_diff))
    print_evidence(console, [comparison.original, comparison.copy], labels=["original", "copy"])
    print_integrity(console, comparison.integrity)


def _limit(value: int | None) -> str:
    return "-" if value is None else str(value)


def _region_measures(r: RegionFinding) -> str:
    parts = []
    if r.changed_share is not None:
        parts.append(f"changed {r.changed_share:.0%}")
    if r.ssim is not None:
        parts.append(f"SSIM {r.ssim:.2f}")
    if r.hash_distance is not None:
        parts.append(f"pHash {r.hash_distance}")
    if r.palette_distance is not None:
        parts.append(f"palette {r.palette_distance:.2f} ({r.palette})")
    if r.texture_difference is not None:
        parts.append(f"texture {r.texture_difference:.2f} ({r.texture})")
    return ", ".join(parts) or "-"


def print_regions(console: Console, comparison: Comparison) -> None:
    """region | finding | measures | why, in the order counsel reads them."""
    m = comparison.measurement
    for side, people in zip(("original", "copy"), m.people, strict=False):
        if not people.has_figure:
            console.print(f"No person found in the {side}: a 3 x 3 grid stands in for named regions.")
        elif not people.has_person:
            console.print(f"A figure but no readable face or body in the {side}: figure, head (estimated "
                          "from the figure's top) and background are named.")
        elif len(people.faces) > 1:
            console.print(f"{len(people.faces)} faces in the {side}; the second and later have a suffix (face-2).")
    table = Table(title="Regions (left/right are the subject's own sides)", title_justify="left")
    for column in ("region", "finding", "measures", "why"):
        table.add_column(column)
    for r in m.regions:
        table.add_row(escape(r.name), _styled(r.verdict, _FINDING_STYLE.get(r.verdict, "")),
                      _region_measures(r), escape(r.reason))
    console.print(table)


def print_resemblance(console: Console, profile: ResemblanceProfile) -> None:
    """dimension | score | percentile | finding | why, then which reference placed them."""
    r = profile.reference
    table = Table(title=f"Resemblance (percentile: share of {r.pairs} unrelated pairs of the {r.name} reference "
                        "that are less alike)", title_justify="left")
    for column in ("dimension", "score", "percentile", "finding", "why"):
        table.add_column(column)
    for d in profile.dimensions:
        table.add_row(d.name, "-" if d.score is None else f"{d.score:.2f}",
                      "-" if d.percentile is None else percentile_words(d.percentile, 3),
                      _styled(d.finding, _LIKENESS_STYLE[d.finding]), escape(d.why))
    console.print(table)
    if r.warning:
        console.print(f"Note: {escape(r.warning)}.")


def print_derivation(console: Console, derivation: Derivation) -> None:
    """Which is the original: the answer, then each cue with the side it points to and why."""
    answer = {"original": f"the first picture (confidence {derivation.confidence:.2f})",
              "copy": f"the second picture (confidence {derivation.confidence:.2f})"}.get(str(derivation.likely_original),
                                                                                        "undetermined")
    table = Table(title=f"Which is the original? {answer}", title_justify="left")
    for column in ("cue", "points to", "strength", "evidence"):
        table.add_column(column)
    for cue in derivation.cues:
        table.add_row(cue.name, str(cue.points_to), str(cue.strength), escape(cue.detail))
    console.print(table)
    console.print(escape(derivation.summary))


def print_scan(console: Console, result: ScanResult, *, limit: int = 50) -> None:
    """Counts, then the strongest pairs (matches first), then the groups and skipped files."""
    s = result.stats
    matched = [p for p in result.pairs if p.match]
    console.print(
        f"{counted(result.images, 'image')} ({s.decoded} read, {s.from_cache} from the cache), "
        f"{counted(s.candidates, 'candidate pair')} ({s.verified} verified, "
        f"{counted(s.verdicts_from_cache, 'verdict')} from the cache): [bold]{counted(len(matched), 'match', 'matches')}[/] "
        f"in {counted(len(result.groups), 'group')}; {counted(len(result.errors), 'file')} skipped"
    )
    if result.pairs:
        table = Table(title=f"Pairs, most similar first (match: a copy, similarity >= {T.SCAN_MATCH_SIMILARITY:.2f})", title_justify="left")
        # Only the paths fold; the other cells keep their words whole on lines of their own (six
        # one-line columns were cut mid-word at 80 columns: "near-duplic / ate").
        table.add_column("a", overflow="fold", ratio=1)
        table.add_column("b", overflow="fold", ratio=1)
        for column in ("original is", "label", "match"):
            table.add_column(column, no_wrap=True)
        for p in result.pairs[:limit]:
            side = f"a ({p.derivation_confidence:.2f})" if p.original_side == "a" else "could not\ntell"
            table.add_row(escape(shown_name(p.a)), escape(shown_name(p.b)), side,
                          f"{_styled(p.label, _LABEL_STYLE[p.label])}\nsimilarity {p.similarity:.3f}",
                          "yes" if p.match else "no")
        console.print(table)
        if len(result.pairs) > limit:
            console.print(f"... and {len(result.pairs) - limit} more pairs (see --json or --csv)")
    if result.related:
        table = Table(title="Resembling works in the reference (not copies; distinctive: rarer than "
                            f"{T.RESEMBLANCE_DISTINCTIVE:.0%} of unrelated pairs)", title_justify="left")
        for column in ("picture", "resembling reference picture", "distinctive in"):
            table.add_column(column, overflow="fold")
        for related in result.related[:limit]:
            for rank, found in enumerate(related.resembling):
                table.add_row(escape(shown_name(related.picture)) if rank == 0 else "", escape(shown_name(found.reference)),
                              ", ".join(found.distinctive) or "-")
        console.print(table)
    for path, reason in result.errors[:20]:
        console.print(f"skipped {escape(shown_name(path))}: {escape(reason)}")
    if len(result.errors) > 20:
        console.print(f"... and {len(result.errors) - 20} more skipped files")


def print_integrity(console: Console, checks: tuple) -> None:
    """The end-of-run re-read of every input: said plainly, and loudly when it failed."""
    if not checks:
        return
    if all(c.unchanged for c in checks):
        console.print("Integrity: every input was read again at the end of the run; its SHA-256 is unchanged.")
        return
    for c in checks:
        if not c.unchanged:
            console.print(f"[bold red]Integrity: {escape(shown_name(c.path))}: {escape(c.problem or 'changed')}[/] "
                          f"(SHA-256 at start {c.sha256}, at end {c.sha256_at_end or '-'})")
