"""The terminal report renders every finding a comparison can hold, whatever its words."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from rich.console import Console

from fixtures import make_fixtures as fx
from simforensics.compare import compare_files
from simforensics.options import CompareOptions
from simforensics.report import terminal
from simforensics.resemblance.model import Likeness


def test_a_pair_with_a_different_dimension_prints(tmp_path: Path) -> None:
    # A cup of coffee against a portrait: no subject in common (a "different" likeness, whose
    # style is no style: the terminal once read "[]different[/]" as broken markup and crashed).
    original, other = tmp_path / "coffee.png", tmp_path / "astronaut.png"
    Image.fromarray(fx.source_image("coffee", 320)).save(original)
    Image.fromarray(fx.source_image("astronaut", 320)).save(other)
    comparison = compare_files(CompareOptions(original=str(original), copy=str(other)))
    findings = {d.name: d.finding for d in comparison.measurement.resemblance.dimensions}
    assert Likeness.DIFFERENT in findings.values()
    console = Console(record=True, width=160, color_system=None)
    terminal.print_comparison(console, comparison)
    text = console.export_text()
    assert "Resemblance" in text and "[/]" not in text
    # Not aligned: no scale or turn is printed for a fit that was rejected.
    assert not any(line.startswith(("│ scale", "│ rotation")) for line in text.splitlines())
    different = [name for name, finding in findings.items() if finding == Likeness.DIFFERENT]
    assert any(name in line and "different" in line for line in text.splitlines() for name in different)


def test_the_transform_reads_whole_on_an_80_column_terminal(tmp_path: Path) -> None:
    # A crop of a picture: each quantity of the transform is named in full and given its value
    # at the width of an ordinary terminal (nine columns side by side were cut to "rotat…").
    original, crop = tmp_path / "original.png", tmp_path / "crop.png"
    picture = Image.fromarray(fx.source_image("astronaut", 320))
    picture.save(original)
    picture.crop((0, 0, 320, 280)).save(crop)
    comparison = compare_files(CompareOptions(original=str(original), copy=str(crop)))
    console = Console(record=True, width=80, color_system=None)
    terminal.print_comparison(console, comparison)
    lines = console.export_text().splitlines()
    for quantity, value in (("rotation", "+0.00 deg"), ("mirrored", "no"), ("fills copy", "100%"),
                            ("overlap (of the original)", "88% [0, 0, 320, 280]")):
        assert any(quantity in line and value in line for line in lines), quantity


def test_scan_pairs_read_whole_on_an_80_column_terminal(tmp_path: Path) -> None:
    # Only the paths fold; labels and numbers keep their words whole (six one-line columns were
    # cut mid-word at 80 columns: "near-duplic / ate").
    from simforensics.scan import ScanOptions, scan_folders

    cat = fx.source_image("chelsea", 320)
    folder = tmp_path / "a folder with a rather long name for its pictures"
    folder.mkdir()
    Image.fromarray(cat).save(folder / "chelsea-the-cat-original.png")
    Image.fromarray(cat).resize((240, 160)).save(folder / "chelsea-the-cat-reposted-smaller.jpg", quality=85)
    result = scan_folders(ScanOptions(folders=(str(folder),), cache_path=None))
    console = Console(record=True, width=80, color_system=None)
    terminal.print_scan(console, result)
    lines = console.export_text().splitlines()
    assert max(len(line) for line in lines) <= 80
    cells = [cell.strip() for line in lines for cell in line.split("│")]
    assert "near-duplicate" in cells and any(cell.startswith("similarity 0.") for cell in cells)
    assert "yes" in cells
    # One pair, one match: counted in the singular ("1 matches in 1 groups" before).
    header = " ".join(lines[:2])
    assert "2 images" in header and "1 candidate pair " in header and "1 match in 1 group;" in header
    assert "0 files skipped" in header


def test_a_stretched_copy_shows_its_scale_along_each_axis(tmp_path: Path) -> None:
    # Squeezed to three quarters of its height: one overall scale would hide that.
    original, squeezed = tmp_path / "original.png", tmp_path / "squeezed.png"
    picture = Image.fromarray(fx.source_image("astronaut", 320))
    picture.save(original)
    picture.resize((320, 240)).save(squeezed)
    comparison = compare_files(CompareOptions(original=str(original), copy=str(squeezed)))
    console = Console(record=True, width=80, color_system=None)
    terminal.print_comparison(console, comparison)
    row = next(line for line in console.export_text().splitlines() if "scale across / down" in line)
    across, down = (float(v) for v in row.split("│")[2].split("/"))
    assert across == pytest.approx(1.0, abs=0.01) and down == pytest.approx(4 / 3, abs=0.02)


def test_a_file_name_cannot_break_a_line_or_reverse_the_text_in_a_report(tmp_path: Path) -> None:
    # A newline split a name over two table lines, and a right-to-left override (U+202E) reversed
    # what followed it, in the terminal and in the HTML report: both are shown as escapes.
    from simforensics.report.html import compare_html

    cat = fx.source_image("chelsea", 240)
    original, copy = tmp_path / "cat\nline.png", tmp_path / "copy \u202egnp.jpg"
    Image.fromarray(cat).save(original)
    Image.fromarray(cat).save(copy, format="JPEG", quality=90)
    comparison = compare_files(CompareOptions(original=str(original), copy=str(copy)))
    console = Console(record=True, width=400, color_system=None)
    terminal.print_comparison(console, comparison)
    text = console.export_text()
    page = compare_html(comparison)
    for shown in (text, page):
        assert "\u202e" not in shown and "cat\nline" not in shown
        assert "copy \\u202egnp.jpg" in shown and "cat\\nline.png" in shown
