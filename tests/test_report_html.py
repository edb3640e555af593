"""The HTML report, the PDF and the scan index as documents: self-contained, locked down by their
Content-Security-Policy, escaped, in the promised order, rendered from the result model."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from simforensics.align import AlignModel
from simforensics.compare import Comparison, compare_files
from simforensics.options import CompareOptions
from simforensics.report import images, words
from simforensics.report.html import compare_html
from simforensics.report.threshold_notes import threshold_notes

from .conftest import HOSTILE_PROMPT, read_json, run_cli, snapshot

SECTIONS = ["finding", "evidence", "viewers", "parts", "resemblance", "derivation", "measurements", "metadata", "method", "limitations",
            "reproducibility"]


class _Document(HTMLParser):
    """Every tag with its attributes, and the text inside each <script> and <style>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = tag
            if tag == "script":
                self.scripts.append((dict(attrs), ""))
            else:
                self.styles.append("")

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "script":
            self.scripts[-1] = (self.scripts[-1][0], self.scripts[-1][1] + data)
        elif self._open == "style":
            self.styles[-1] += data


def _parse(html: str) -> _Document:
    document = _Document()
    document.feed(html)
    return document


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _policy(document: _Document) -> dict[str, list[str]]:
    content = next(a["content"] for tag, a in document.tags
                   if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy")
    assert content is not None
    return {part.split()[0]: part.split()[1:] for part in content.split(";") if part.strip()}


def _check_locked_down(html: str) -> _Document:
    document = _parse(html)
    policy = _policy(document)
    assert policy["default-src"] == ["'none'"]
    assert policy["img-src"] == ["data:"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    executable = [text for attrs, text in document.scripts if attrs.get("type") in (None, "text/javascript")]
    assert policy["script-src"] == [f"'{_hash(text)}'" for text in executable]
    assert policy["style-src"] == [f"'{_hash(text)}'" for text in document.styles]
    for tag, attrs in document.tags:
        assert "style" not in attrs, f"<{tag} style=...> would be blocked by the policy"
        assert not any(name.startswith("on") for name in attrs), f"<{tag}> has an inline event handler"
        for name in ("src", "href"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith(("data:", "#")) or not re.match(r"^[a-z][a-z0-9+.-]*:", value), (tag, value[:60])
    return document


def test_compare_report_is_one_locked_down_file_in_the_promised_order(demo_reports: dict) -> None:
    html = demo_reports["html"].read_text(encoding="utf-8")
    document = _check_locked_down(html)
    assert [a.get("src", "")[:5] for tag, a in document.tags if tag == "img"] == ["data:"] * sum(
        1 for tag, _ in document.tags if tag == "img")
    assert len([1 for attrs, _ in document.scripts if attrs.get("type") is None]) == 1
    positions = [html.index(f'<section id="{name}"') for name in SECTIONS]
    assert positions == sorted(positions)
    assert "url(" not in document.styles[0].replace("url(data:", "")  # no font or picture fetched by CSS


def test_compare_report_renders_the_result_model(demo_reports: dict) -> None:
    html = demo_reports["html"].read_text(encoding="utf-8")
    document = read_json(demo_reports["json"])
    for side in ("original", "copy"):
        assert document[side]["sha256"] in html
    assert "locally-edited" in html and f"{document['verdict']['similarity']:.3f}" in html
    for number, area in enumerate(document["changes"], start=1):
        assert f"<strong>#{number}</strong>" in html
        assert f"[{', '.join(map(str, area['box']))}]" in html
        assert f"[{', '.join(map(str, area['copy_box']))}]" in html
    for region in document["regions"]:
        assert f"<th>{region['name']}<div" in html
    assert "resized to 80% of the original" in html.lower()
    assert "simforensics compare" in html  # the command line, for reproducibility
    assert document["integrity"]["unchanged"] and "both files were read again: their SHA-256 is unchanged" in html
    for name in ("numpy", "opencv-contrib-python", "mediapipe", "weasyprint"):
        assert f"<td>{name}</td>" in html
    for note in threshold_notes():
        assert f">{note.name}<" in html


def test_every_threshold_is_reported_with_its_reason() -> None:
    notes = threshold_notes()
    assert len(notes) > 40
    assert all(note.reason for note in notes), [n.name for n in notes if not n.reason]


def _pdf_texts(pdf: bytes) -> list[bytes]:
    """The file and its compressed object streams, inflated."""
    texts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.DOTALL):
        try:
            texts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return texts


def _pdf_pages(pdf: bytes) -> int:
    """Page objects, looked for in the file and inside its compressed object streams."""
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", text)) for text in _pdf_texts(pdf))


CJK_FONT = Path("/usr/share/fonts/truetype/wqy")  # Debian's fonts-wqy-microhei (README, Set-up)


def test_chinese_names_are_written_in_a_font_that_has_them(tmp_path: Path) -> None:
    # With no CJK font on the machine, WeasyPrint drew "原图.png" as empty boxes in the PDF for counsel.
    import os

    if not CJK_FONT.is_dir():
        message = f"{CJK_FONT} is missing: PDFs need a CJK font (apt-get install -y fonts-wqy-microhei; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from simforensics.report.pdf import compare_pdf

    picture = np.full((64, 64, 3), 90, np.uint8)
    picture[16:48, 16:48] = (200, 120, 40)
    Image.fromarray(picture).save(tmp_path / "原图.png")
    Image.fromarray(picture).save(tmp_path / "副本.png")
    comparison = compare_files(CompareOptions(original=str(tmp_path / "原图.png"), copy=str(tmp_path / "副本.png")))
    fonts = {name for text in _pdf_texts(compare_pdf(comparison))
             for name in re.findall(rb"/(?:BaseFont|FontName)\s*/[A-Z]{6}\+([A-Za-z0-9\-]+)", text)}
    assert any(name.startswith(b"WenQuanYi") for name in fonts), fonts


def test_making_a_pdf_leaves_truncated_pictures_refused(tmp_path: Path) -> None:
    # WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process: after a
    # PDF was made in-process, a truncated JPEG decoded grey-padded and a scan test failed.
    from simforensics.errors import TruncatedImageError
    from simforensics.evidence import load_evidence
    from simforensics.report.pdf import compare_pdf

    picture = np.full((64, 64, 3), 90, np.uint8)
    Image.fromarray(picture).save(tmp_path / "a.png")
    compare_pdf(compare_files(CompareOptions(original=str(tmp_path / "a.png"), copy=str(tmp_path / "a.png"))))
    whole = (tmp_path / "a.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(TruncatedImageError):
        load_evidence(tmp_path / "cut.png")


def test_pdf_is_paginated_and_inputs_are_untouched(demo_reports: dict) -> None:
    pdf = demo_reports["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert _pdf_pages(pdf) >= 6
    assert snapshot([demo_reports["original"], demo_reports["copy"]]) == demo_reports["before"]


def test_hostile_names_and_metadata_are_text_not_markup(hostile_report: dict) -> None:
    html = hostile_report["html"].read_text(encoding="utf-8")
    document = _check_locked_down(html)
    assert len(document.scripts) == 2  # the viewer and its JSON data, nothing else
    for needle in ("<script>window.__pwned", "<img src=x", "<svg onload", "</textarea>", "<b onmouseover"):
        assert needle not in html
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in html  # the prompt is quoted, as text
    assert "copy &lt;b onmouseover=&#34;window.__pwned = 6&#34;&gt;bold.jpg" in html
    assert "&lt;/textarea&gt;&lt;svg onload=&#34;window.__pwned = 4&#34;&gt;" in html  # EXIF and PNG comments
    assert HOSTILE_PROMPT.split("</style>")[0].replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;") in html


@pytest.fixture(scope="module")
def demo_comparison(demo_reports: dict) -> Comparison:
    return compare_files(CompareOptions(original=str(demo_reports["original"]), copy=str(demo_reports["copy"])))


def test_static_rendering_has_no_script_and_shows_every_view(demo_comparison: Comparison) -> None:
    static = compare_html(demo_comparison, static=True)
    assert "<script" not in static
    for caption in ("(a) Swipe", "(b) Onion skin", "(c) The aligned copy", "(d) Change heatmap"):
        assert caption in static


def test_unaligned_pair_says_why_there_is_no_overlay(tmp_path: Path, astronaut: np.ndarray, chelsea: np.ndarray) -> None:
    original, copy = tmp_path / "a.png", tmp_path / "b.png"
    Image.fromarray(astronaut).save(original)
    Image.fromarray(chelsea).save(copy)
    comparison = compare_files(CompareOptions(original=str(original), copy=str(copy)))
    assert comparison.alignment.model is AlignModel.NONE
    html = compare_html(comparison)
    _check_locked_down(html)
    assert "could not be aligned" in html and 'id="overlay"' not in html


def test_what_a_crop_cut_away_is_shown(tmp_path: Path, astronaut: np.ndarray) -> None:
    """A repost with the bottom band (where the signature was) cut off: the report shows that band
    of the original, the pixels themselves, as Figure 3; a copy of the whole picture has none."""
    original, cropped, whole = tmp_path / "a.png", tmp_path / "b.jpg", tmp_path / "c.jpg"
    signed = astronaut.copy()
    signed[-30:-12, -110:-20] = 255  # a light label in the bottom-right corner
    Image.fromarray(signed).save(original)
    kept = Image.fromarray(signed[:-48])
    kept.resize((kept.width * 4 // 5, kept.height * 4 // 5)).save(cropped, quality=90)
    Image.fromarray(signed).save(whole, quality=90)
    html = compare_html(compare_files(CompareOptions(original=str(original), copy=str(cropped))))
    _check_locked_down(html)
    assert "Figure 3. What the crop cut away" in html and "bottom 48 px" in html, html[:200]
    figure = html.split("Figure 3. What the crop cut away", 1)[1].split("</div>", 1)[0]
    shown = re.search(r'src="data:image/(?:png|jpeg);base64,([^"]+)"', figure)
    assert shown is not None
    from io import BytesIO
    band = np.asarray(Image.open(BytesIO(base64.b64decode(shown.group(1)))).convert("RGB")).astype(int)
    assert band.shape[:2] == (48, signed.shape[1]) and np.abs(band - signed[-48:]).mean() < 4  # the original's band
    html = compare_html(compare_files(CompareOptions(original=str(original), copy=str(whole))))
    assert "What the crop cut away" not in html


def test_aligned_copy_view_is_the_copy_drawn_by_the_alignment(demo_comparison: Comparison) -> None:
    comparison = demo_comparison
    original = comparison.original.rgb
    view = images.aligned_copy_view(comparison.copy.rgb, comparison.alignment, (original.shape[1], original.shape[0]),
                                     (original.shape[1], original.shape[0]))
    unchanged = comparison.change_mask == 0
    difference = np.abs(view.astype(int) - original.astype(int)).max(axis=2)
    assert np.median(difference[unchanged]) <= 6  # laid in place: only JPEG and resampling differ
    heat = images.heat_layer(comparison.measurement.changes.strength_map, comparison.change_mask)
    assert heat.shape[2] == 4 and heat[..., 3].max() > 0


def test_scan_index_links_every_shown_pair_to_its_report(scan_index: dict) -> None:
    html = scan_index["index"].read_text(encoding="utf-8")
    _check_locked_down(html)
    document = read_json(scan_index["json"])
    related = [p for p in document["pairs"] if p["label"] != "unrelated"]
    assert related and all(p["label"] in html for p in related)
    links = re.findall(r'<a class="open" href="([^"]+)">open the comparison</a>', html)
    assert links == [f"matches-pairs/{n:04d}.html" for n in range(1, len(related) + 1)]
    for link in links:
        report = (scan_index["index"].parent / link).read_text(encoding="utf-8")
        _check_locked_down(report)
    order = [float(s) for s in re.findall(r'<span class="score">([0-9.]+)</span>', html)]
    assert order == sorted(order, reverse=True)
    assert re.search(r'data-label="near-duplicate" checked', html) and 'data-label="locally-edited" checked' in html


def test_scan_index_reports_made_by_two_processes_are_the_same(scan_index: dict, tmp_path: Path) -> None:
    # The index's comparison reports are made by a process pool with --workers 2; the pairs,
    # verdicts, thumbnails and links must be those of the one-process index.
    index = tmp_path / "two.html"
    result = run_cli("scan", str(scan_index["gallery"]), "--no-cache", "--workers", "2", "--html", str(index), "-q")
    assert result.returncode == 0, result.stderr

    def shown(html: str) -> tuple[list[str], ...]:
        return (re.findall(r'<a class="open" href="[^"/]+(/[^"]+)">', html), re.findall(r'data:image/[^"]+', html),
                re.findall(r'data-label="([a-z-]+)"', html))

    one, two = scan_index["index"].read_text(encoding="utf-8"), index.read_text(encoding="utf-8")
    assert shown(one) == shown(two) and shown(two)[0]
    for link in shown(two)[0]:
        _check_locked_down((tmp_path / ("two-pairs" + link)).read_text(encoding="utf-8"))


def test_report_options_refuse_stdout_and_inputs(demo_reports: dict, tmp_path: Path) -> None:
    original, copy = str(demo_reports["original"]), str(demo_reports["copy"])
    same = str(tmp_path / "same.html")
    for args in (["--pdf", "-"], ["--html", "-"], ["--pdf", original], ["--html", copy],
                 ["--html", same, "--json", same]):
        result = run_cli("compare", original, copy, *args)
        assert result.returncode == 2 and "Traceback" not in result.stderr, (args, result.stderr)
    assert snapshot([demo_reports["original"], demo_reports["copy"]]) == demo_reports["before"]


def test_json_carries_what_the_report_shows(demo_reports: dict) -> None:
    document = json.loads(demo_reports["json"].read_text(encoding="utf-8"))
    assert all(len(area["copy_box"]) == 4 for area in document["changes"])
    assert {item["name"] for item in document["run"]["software"]} >= {"simforensics", "Python", "numpy", "mediapipe"}
    assert document["original"]["file_modified"].endswith("+00:00")


def test_words_for_sizes_times_and_places() -> None:
    assert words.size_words(424_520) == "414.6 KiB (424,520 bytes)"
    assert words.time_words("2026-11-21T13:48:21+00:00") == "21 November 2026, 13:48:21 UTC"
    assert words.time_words("2026:11:21 13:48:21") == "2026:11:21 13:48:21"  # EXIF text stays as written
    assert words.whereabouts((0, 0, 10, 10), 300, 300) == "upper left"
    assert words.whereabouts((140, 140, 20, 20), 300, 300) == "centre"
    assert words.whereabouts((140, 280, 20, 20), 300, 300) == "lower middle"
    assert words.plain_number(24.0) == "24" and words.percent_words(float("nan")) == "–"
