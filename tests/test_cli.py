"""The command line as a user meets it: exit codes, one-line errors, outputs, no tracebacks."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fixtures import make_fixtures as fx
from simforensics import __version__

from .conftest import snapshot

CLI = [sys.executable, "-m", "simforensics"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=120, cwd=cwd, check=False)


@pytest.fixture()
def pair(tmp_path: Path, astronaut: np.ndarray) -> tuple[Path, Path]:
    original, copy = tmp_path / "original.png", tmp_path / "copy.jpg"
    Image.fromarray(astronaut).save(original)
    Image.fromarray(fx.scaled(astronaut, 0.5).rgb).save(copy, quality=80)
    return original, copy


def test_version_and_help() -> None:
    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"simforensics {__version__}"
    helptext = run("--help")
    assert helptext.returncode == 0
    for word in ("compare", "scan", "inspect", "Examples:", "simforensics compare original.png copy.jpg"):
        assert word in helptext.stdout
    compare_help = run("compare", "--help")
    for option in ("--json", "--html", "--pdf", "--mask", "--region", "--regions", "--quiet", "--max-pixels"):
        assert option in compare_help.stdout
    scan_help = run("scan", "--help")
    for option in ("--against", "--json", "--html", "--csv", "--workers", "--cache"):
        assert option in scan_help.stdout


def test_compare_reads_both_inputs_as_evidence(pair: tuple[Path, Path], tmp_path: Path, astronaut: np.ndarray) -> None:
    original, copy = pair
    out = tmp_path / "report.json"
    before = snapshot([original, copy])
    result = run("compare", str(original), str(copy), "--json", str(out))
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    assert document["schema"] == "simforensics.compare/1"
    assert document["tool"] == {"name": "simforensics", "version": __version__}
    assert document["original"]["sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
    half = (astronaut.shape[1] // 2, astronaut.shape[0] // 2)
    assert (document["copy"]["width"], document["copy"]["height"]) == half
    assert document["copy"]["format"] == "JPEG"
    assert snapshot([original, copy]) == before


def test_html_report_is_written_quietly(pair: tuple[Path, Path], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = run("compare", str(pair[0]), str(pair[1]), "--html", str(target), "-q")
    assert result.returncode == 0 and result.stderr == "" and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_json_to_stdout_is_only_json(pair: tuple[Path, Path]) -> None:
    result = run("compare", str(pair[0]), str(pair[1]), "--json", "-")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["schema"] == "simforensics.compare/1"


def test_a_command_computes_with_the_garbage_collector_on(pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # main holds the cyclic collector off while the command's modules load, and no longer.
    from simforensics import cli
    from simforensics import compare as compare_module
    from simforensics.errors import EvidenceError

    seen = []

    def stopped_here(options: object) -> None:
        seen.append(gc.isenabled())
        raise EvidenceError(str(pair[0]), "stopped here")

    monkeypatch.setattr(compare_module, "compare_files", stopped_here)
    monkeypatch.setattr(sys, "argv", ["simforensics", "compare", str(pair[0]), str(pair[1]), "-q"])
    try:
        with pytest.raises(SystemExit) as exited:
            cli.main()
    finally:
        gc.unfreeze()
        gc.enable()
    assert exited.value.code == 3 and seen == [True]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: p.write_bytes(b""), "empty file (0 bytes)"),
        (lambda p: p.write_text("hello"), "not a recognised image"),
        (lambda p: p.write_bytes(fx.png_bomb_header()), "= 3,600 megapixels exceeds the limit of 250 megapixels"),
        (lambda p: fx.write_truncated(p, fx.jpeg_bytes(fx.source_image("coffee"), 90), 0.4), "truncated"),
        (lambda p: None, "no such file"),
    ],
    ids=["empty", "text", "bomb", "truncated", "missing"],
)
def test_unreadable_input_exits_3_with_one_line(pair: tuple[Path, Path], tmp_path: Path, make, expected: str) -> None:
    bad = tmp_path / "bad input.png"
    make(bad)
    for args in (("compare", str(pair[0]), str(bad)), ("compare", str(bad), str(pair[1])), ("inspect", str(bad))):
        result = run(*args)
        assert result.returncode == 3, (args, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(bad) in lines[0] and expected in lines[0]
        assert "Traceback" not in result.stderr


def test_a_small_pixel_limit_is_said_in_pixels(pair: tuple[Path, Path]) -> None:
    # Rounded to megapixels it read "= 0 megapixels exceeds the limit of 0 megapixels".
    with Image.open(pair[0]) as picture:
        width, height = picture.size
    result = run("compare", str(pair[0]), str(pair[1]), "--max-pixels", "100")
    assert result.returncode == 3
    assert f"{width} x {height} = {width * height:,} pixels exceeds the limit of 100 pixels" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--region", "face"],
        ["--region", "face=1,2,3"],
        ["--region", "face=1,2,-3,4"],
        ["--region", "face=1,2,3,4", "--region", "face=5,6,7,8"],
        ["--max-pixels", "0"],
        ["--bogus"],
    ],
)
def test_usage_errors_exit_2(pair: tuple[Path, Path], args: list[str]) -> None:
    result = run("compare", str(pair[0]), str(pair[1]), *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_region_names_may_be_written_in_any_script() -> None:
    from simforensics.options import OptionError, parse_region

    # "must be letters, digits, ..." refused 头饰 and Unterschrift-ä, which are letters.
    for name in ("头饰", "Unterschrift-ä", "signature 2", "耳环_left.1"):
        assert parse_region(f"{name}=1,2,3,4").name == name
    for name in ("a\u202eb", "(c)", "_hidden", "x" * 65, "tab\there"):
        with pytest.raises(OptionError, match="must be 1-64 letters"):
            parse_region(f"{name}=1,2,3,4")


def test_regions_file_is_validated(pair: tuple[Path, Path], tmp_path: Path) -> None:
    good = tmp_path / "regions.json"
    good.write_text(json.dumps([{"name": "signature", "box": [10, 260, 150, 40]}]))
    assert run("compare", str(pair[0]), str(pair[1]), "--regions", str(good), "-q").returncode == 0
    from simforensics.options import read_regions_file

    saved_by_notepad = tmp_path / "notepad.json"  # a UTF-8 byte order mark first: was "not valid JSON"
    saved_by_notepad.write_bytes(b"\xef\xbb\xbf" + good.read_bytes())
    assert [(r.name, r.box) for r in read_regions_file(str(saved_by_notepad))] == [("signature", (10, 260, 150, 40))]
    bad = tmp_path / "bad.json"
    bad.write_text('[{"name": "x", "box": [1, 2]}]')
    result = run("compare", str(pair[0]), str(pair[1]), "--regions", str(bad))
    assert result.returncode == 2 and "four integers" in result.stderr
    # A box wholly outside the original (typed for another picture) is refused, not reported absent.
    outside = run("compare", str(pair[0]), str(pair[1]), "--region", "signature=5000,5000,100,40")
    assert outside.returncode == 2 and "lies outside the original" in outside.stderr
    assert len(outside.stderr.strip().splitlines()) == 1 and "Traceback" not in outside.stderr
    # A box reaching beyond the original's edge (a corner signature typed too wide) is measured on
    # the part inside it, and said so: it was reported with the typed box, 10,000 px across.
    with Image.open(pair[0]) as picture:
        width = picture.width
    report = tmp_path / "beyond.json"
    assert run("compare", str(pair[0]), str(pair[1]), "--region", f"corner={width - 40},0,10000,30", "--json", str(report),
               "-q").returncode == 0
    corner = next(r for r in json.loads(report.read_text())["regions"] if r["name"] == "corner")
    assert corner["box"] == [width - 40, 0, 40, 30] and f"[{width - 40}, 0, 10000, 30]" in corner["basis"]


def test_refuses_to_write_over_evidence_or_into_a_missing_folder(pair: tuple[Path, Path], tmp_path: Path) -> None:
    original, copy = pair
    before = snapshot([original, copy])
    result = run("compare", str(original), str(copy), "--json", str(copy))
    assert result.returncode == 2 and "refusing to overwrite the input" in result.stderr
    result = run("compare", str(original), str(copy), "--json", str(tmp_path / "nowhere" / "r.json"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert snapshot([original, copy]) == before


def test_a_scan_never_writes_over_a_picture_it_scans_nor_its_index_into_a_scanned_folder(tmp_path: Path) -> None:
    # `scan FOLDER --json FOLDER/picture.png` replaced a scanned picture with the JSON report.
    folder = tmp_path / "gallery"
    folder.mkdir()
    pictures = [folder / "cat.png", folder / "cat-copy.jpg"]
    Image.fromarray(fx.source_image("chelsea", 200)).save(pictures[0])
    Image.fromarray(fx.source_image("chelsea", 160)).save(pictures[1], quality=85)
    before = snapshot(pictures)
    for option, path in (("--json", pictures[0]), ("--csv", pictures[1]), ("--html", folder / "index.html")):
        result = run("scan", str(folder), "--no-cache", option, str(path), "-q")
        assert result.returncode == 2 and "never written to" in result.stderr, (option, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
    result = run("scan", str(pictures[0]), str(pictures[1]), "--no-cache", "--json", str(pictures[1]), "-q")
    assert result.returncode == 2 and "refusing to overwrite the input" in result.stderr
    # A picture named as the cache (inside or outside the scanned folder) was moved aside as a
    # "corrupt cache" and replaced by a database; trace's cache was written over its picture.
    outside = tmp_path / "elsewhere.png"
    Image.fromarray(fx.source_image("coffee", 120)).save(outside)
    before.update(snapshot([outside]))
    for arguments in (["scan", str(folder), "--cache", str(pictures[0])], ["scan", str(folder), "--cache", str(outside)],
                      ["trace", str(outside), "--against", str(folder), "--cache", str(outside)]):
        result = run(*arguments, "-q")
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, (arguments, result.stderr)
    assert snapshot([*pictures, outside]) == before and sorted(p.name for p in folder.iterdir()) == ["cat-copy.jpg", "cat.png"]
    # A new JSON file beside the pictures is a report, not a change to them: written.
    result = run("scan", str(folder), "--no-cache", "--json", str(folder / "matches.json"), "-q")
    assert result.returncode == 0 and json.loads((folder / "matches.json").read_text())["schema"] == "simforensics.scan/1"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only folders")
def test_read_only_output_folder(pair: tuple[Path, Path], tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run("compare", str(pair[0]), str(pair[1]), "--json", str(locked / "r.json"))
        assert result.returncode == 2 and "not writable" in result.stderr
    finally:
        locked.chmod(0o700)


def test_inspect_json_and_partial_failure(pair: tuple[Path, Path], tmp_path: Path) -> None:
    bad = tmp_path / "empty.jpg"
    bad.write_bytes(b"")
    result = run("inspect", str(pair[0]), str(bad), "--json", "-")
    assert result.returncode == 3
    document = json.loads(result.stdout)
    assert document["schema"] == "simforensics.inspect/1"
    assert [i["path"] for i in document["images"]] == [str(pair[0])]
    assert document["errors"] == [{"path": str(bad), "error": "empty file (0 bytes)"}]


def test_scan_finds_identical_pictures_and_lists_what_it_skipped(tmp_path: Path, chelsea: np.ndarray, astronaut: np.ndarray) -> None:
    folder = tmp_path / "gallery"
    (folder / "sub").mkdir(parents=True)
    Image.fromarray(chelsea).save(folder / "cat.png")
    Image.fromarray(chelsea).save(folder / "sub" / "cat-copy.bmp")  # same pixels, other format
    Image.fromarray(astronaut).save(folder / "astronaut.png")
    (folder / "broken.jpg").write_bytes(fx.jpeg_bytes(chelsea, 90)[:300])
    (folder / "readme.txt").write_text("not a picture")
    os.mkfifo(folder / "pipe")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    out, table = tmp_path / "scan.json", tmp_path / "scan.csv"
    result = run("scan", str(folder), "--json", str(out), "--csv", str(table))
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    assert document["schema"] == "simforensics.scan/1"
    assert document["images"] == 3
    pair = {"a": str(folder / "cat.png"), "b": str(folder / "sub" / "cat-copy.bmp"),
            "similarity": 1.0, "label": "identical", "match": True}
    assert [{k: p[k] for k in pair} for p in document["pairs"] if p["match"]] == [pair]
    assert document["groups"] == [[pair["a"], pair["b"]]]
    skipped = {e["path"]: e["error"] for e in document["errors"]}
    assert set(skipped) == {str(folder / n) for n in ("broken.jpg", "readme.txt", "pipe")}
    assert "not a regular file" in skipped[str(folder / "pipe")]
    assert table.read_text().splitlines()[1].startswith(f"{pair['a']},{pair['b']},1.0000,identical,true")


def test_demo_writes_a_pair_and_a_report(tmp_path: Path) -> None:
    result = run("demo", "--out", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    document = json.loads((tmp_path / "demo" / "report.json").read_text())
    assert document["original"]["width"] == 512 and document["copy"]["width"] == 409


def test_no_traceback_for_a_directory_argument(tmp_path: Path, pair: tuple[Path, Path]) -> None:
    result = run("compare", str(tmp_path), str(pair[1]))
    assert result.returncode == 3 and "is a directory" in result.stderr and "Traceback" not in result.stderr
