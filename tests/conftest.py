from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import simforensics
from fixtures import make_fixtures


@pytest.fixture(autouse=True)
def _private_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scans without --cache write to the user cache folder: keep the tests' out of the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture(scope="session")
def fixture_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The full fixture set, written once per test session by the committed script."""
    folder = tmp_path_factory.mktemp("fixtures")
    manifest = make_fixtures.build(folder)
    return folder, manifest


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    return make_fixtures.source_image("astronaut")


@pytest.fixture(scope="session")
def chelsea() -> np.ndarray:
    return make_fixtures.source_image("chelsea")


def copy_of_the_package(folder: Path) -> Path:
    """The simforensics package's files copied to ``folder``/simforensics, compiled ones left out."""
    copy = folder / "simforensics"
    shutil.copytree(Path(simforensics.__file__).resolve().parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def snapshot(paths: list[Path]) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of each input, to prove evidence is never touched."""
    return {str(p): (p.read_bytes(), os.stat(p).st_mtime_ns) for p in paths}


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# ------------------------------------------------------------------ reports (HTML, PDF, index)
# Made once per session through the command line, and read by test_report_html.py (the documents)
# and test_report_browser.py (the documents in Chromium).

HOSTILE_PROMPT = (
    "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"
    "</style><script>window.__pwned = 3</script> a portrait"
)
HOSTILE_COMMENT = "</textarea><svg onload=\"window.__pwned = 4\"></svg>"
HOSTILE_NAME = "evil\"><img src=x onerror=window.__pwned=5>.png"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "simforensics", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd, check=False)


def assert_runs_in_a_fresh_process(script: str) -> None:
    """``script`` passes in a new interpreter, from the repository's root (nothing imported yet:
    what a command's start loads is what the script sees)."""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False,
                         cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 0, run.stderr[-2000:]


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The demo dispute (a face redrawn, a patch painted out, shrunk to 80 %, JPEG) as HTML, PDF and JSON."""
    from simforensics.demo import write_demo_pair

    folder = tmp_path_factory.mktemp("demo-report")
    original, copy = (Path(p) for p in write_demo_pair(str(folder / "evidence")))
    paths: dict = {"original": original, "copy": copy, "html": folder / "report.html", "pdf": folder / "report.pdf",
             "json": folder / "report.json"}
    paths["before"] = snapshot([original, copy])
    result = run_cli("compare", str(original), str(copy), "--html", str(paths["html"]), "--pdf", str(paths["pdf"]),
                     "--json", str(paths["json"]), "-q")
    assert result.returncode == 0, result.stderr
    return paths


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A pair whose file name, AI prompt (PNG 'parameters') and EXIF UserComment carry markup and script."""
    from fixtures import metadata_fixtures as mf

    folder = tmp_path_factory.mktemp("hostile")
    picture = make_fixtures.source_image("chelsea")
    original = folder / HOSTILE_NAME
    original.write_bytes(mf.png_with_text(picture, {"parameters": mf.a1111_parameters(prompt=HOSTILE_PROMPT),
                                                     "Comment": HOSTILE_COMMENT}))
    copy = folder / "copy <b onmouseover=\"window.__pwned = 6\">bold.jpg"
    copy.write_bytes(mf.jpeg_with_user_comment(picture[:, ::-1].copy(), mf.a1111_parameters(prompt=HOSTILE_COMMENT)))
    html = folder / "hostile.html"
    result = run_cli("compare", str(original), str(copy), "--html", str(html), "-q")
    assert result.returncode == 0, result.stderr
    return {"original": original, "copy": copy, "html": html}


@pytest.fixture(scope="session")
def scan_index(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A folder with a locally edited copy, a cropped copy and an unrelated picture, scanned with --html."""
    from PIL import Image

    from simforensics.demo import make_demo_pair

    folder = tmp_path_factory.mktemp("scan-index")
    gallery = folder / "gallery"
    gallery.mkdir()
    original, copy = make_demo_pair()
    Image.fromarray(original).save(gallery / "astronaut.png")
    Image.fromarray(copy).save(gallery / "astronaut-redrawn.jpg", quality=85)
    cat = make_fixtures.source_image("chelsea")
    Image.fromarray(cat).save(gallery / "cat.png")
    Image.fromarray(cat[40:260, 60:400]).save(gallery / "cat-crop.jpg", quality=80)
    Image.fromarray(make_fixtures.source_image("coffee")).save(gallery / "coffee.png")
    index = folder / "matches.html"
    result = run_cli("scan", str(gallery), "--no-cache", "--workers", "1", "--html", str(index), "--json",
                     str(folder / "matches.json"), "-q")
    assert result.returncode == 0, result.stderr
    return {"gallery": gallery, "index": index, "json": folder / "matches.json", "pairs": folder / "matches-pairs"}
