"""The reports in a real browser (Debian's Chromium, driven by Playwright with the system browser):
the viewers work, nothing is loaded from anywhere, nothing logs an error, and hostile names and
metadata in the files execute nothing. One browser for the whole session.

Screenshots go to the test's temporary folder, and also to $SIMFORENSICS_SCREENSHOTS when set.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import HOSTILE_PROMPT

CHROMIUM = "/usr/bin/chromium"
# Headless, as root in CI, with Chromium's own background traffic (updates, safe browsing) off:
# the machine has no network, and a report must not need one.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        message = (f"{CHROMIUM} is missing: the report's browser tests need Debian's chromium package "
                   "(apt-get install -y chromium; .ci/run installs it)")
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class _Watched:
    """A page with everything it tries to load, says or opens recorded."""

    def __init__(self, browser: object, allowed_folder: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1366, "height": 900}, java_script_enabled=True)  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.loads: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        allowed = allowed_folder.resolve().as_uri()

        def route(request_route: object) -> None:
            url = request_route.request.url  # type: ignore[attr-defined]
            if url.startswith(allowed) and url.endswith(".html"):
                request_route.continue_()  # type: ignore[attr-defined]
            else:
                self.loads.append(url)
                request_route.abort()  # type: ignore[attr-defined]

        self.page.route("**/*", route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path: Path) -> object:
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")
        return self.page

    def assert_clean(self) -> None:
        assert self.loads == [], f"the page tried to load {self.loads}"
        assert self.errors == [], f"console: {self.errors}"
        assert self.dialogs == []


@pytest.fixture()
def watched(browser: object, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[_Watched]:
    folder = Path(request.getfixturevalue(request.param)["html" if request.param != "scan_index" else "index"]).parent
    page = _Watched(browser, folder)
    yield page
    page.context.close()


def _screenshot(page: object, tmp_path: Path, name: str, **options: object) -> Path:
    path = tmp_path / name
    page.screenshot(path=str(path), **options)  # type: ignore[attr-defined]
    shots = os.environ.get("SIMFORENSICS_SCREENSHOTS")
    if shots:
        os.makedirs(shots, exist_ok=True)
        shutil.copy(path, Path(shots) / name)
    assert path.stat().st_size > 10_000
    return path


def _style(page: object, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")  # type: ignore[attr-defined]


@pytest.mark.parametrize("watched", ["demo_reports"], indirect=True)
def test_viewers_work_and_load_nothing(watched: _Watched, demo_reports: dict, tmp_path: Path) -> None:
    page = watched.open(demo_reports["html"])
    page.wait_for_selector("html[data-viewer=ready]")
    _screenshot(page, tmp_path, "report-full.png", full_page=True)
    overlay = page.locator("#overlay")
    overlay.scroll_into_view_if_needed()

    # Swipe: the divider follows the slider, and the copy is clipped to its right.
    assert page.eval_on_selector("#copy-layer", "e => e.style.clipPath").startswith("inset(0px 0px 0px 50")
    before = overlay.screenshot()
    page.locator("#swipe").fill("20")
    assert page.eval_on_selector("#copy-layer", "e => e.style.clipPath").startswith("inset(0px 0px 0px 20")
    assert page.eval_on_selector("#swipe-line", "e => e.style.left") == "20%"
    assert overlay.screenshot() != before
    _screenshot(page, tmp_path, "report-swipe.png", full_page=False)

    # Onion skin: the copy's opacity follows its slider.
    page.click("[data-mode=onion]")
    assert _style(page, "#copy-layer", "opacity") == "0.5"
    page.locator("#opacity").fill("30")
    assert _style(page, "#copy-layer", "opacity") == "0.3"

    # Blink: the toggle shows the copy, then the original; started, it alternates by itself.
    page.click("[data-mode=blink]")
    assert _style(page, "#copy-layer", "display") == "none"
    original_frame = overlay.screenshot()
    page.click("#blink-flip")
    assert _style(page, "#copy-layer", "display") != "none"
    assert page.text_content("#blink-showing") == "copy"
    assert overlay.screenshot() != original_frame
    page.click("#blink-flip")
    page.click("#blink-toggle")
    expect(page.locator("#blink-showing")).to_have_text("copy", timeout=3000)  # by itself, within a blink
    page.click("#blink-toggle")

    # Heatmap: the heat layer replaces the copy.
    page.click("[data-mode=heat]")
    assert _style(page, "#heat-layer", "display") != "none" and _style(page, "#copy-layer", "display") == "none"
    _screenshot(page, tmp_path, "report-heatmap.png", full_page=False)

    # Synced zoom: every picture follows, the copy's to the same place of the original.
    transforms = page.eval_on_selector_all(".stage", "s => s.map(e => e.style.transform)")
    assert all("scale(1)" in t for t in transforms) and len(transforms) == 3
    page.click("[data-zoom=in]")
    page.click("[data-zoom=in]")
    zoomed = page.eval_on_selector_all(".stage", "s => s.map(e => e.style.transform)")
    assert all("scale(1)" not in t for t in zoomed)
    # Where each picture's corner now lies, in widths of its pane: the original's two panes agree.
    offsets = page.eval_on_selector_all(".viewport", """v => v.map(e => {
        const pane = e.getBoundingClientRect(), stage = e.querySelector('.stage').getBoundingClientRect();
        return [(stage.left - pane.left) / pane.width, (stage.top - pane.top) / pane.height]; })""")
    assert offsets[0] == pytest.approx(offsets[2], abs=1e-3) and offsets[0][0] < -0.5
    assert page.text_content("#zoom-level") == "2.3×"
    page.click("[data-mode=swipe]")
    _screenshot(page, tmp_path, "report-zoomed.png", full_page=False)
    page.click("[data-zoom=fit]")
    assert all("scale(1)" in t for t in page.eval_on_selector_all(".stage", "s => s.map(e => e.style.transform)"))

    # The outlines can be hidden, the identifying parts shown.
    page.uncheck("#show-areas")
    assert _style(page, "svg.outlines .areas", "display") == "none"
    page.check("#show-parts")
    assert _style(page, "svg.outlines .parts", "display") != "none"
    watched.assert_clean()


@pytest.mark.parametrize("watched", ["hostile_report"], indirect=True)
def test_hostile_names_and_metadata_execute_nothing(watched: _Watched, hostile_report: dict, tmp_path: Path) -> None:
    page = watched.open(hostile_report["html"])
    page.wait_for_selector("html[data-viewer=ready]")
    page.hover("text=copy <b onmouseover")  # the file name is text: hovering it runs nothing
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert HOSTILE_PROMPT.split("</style>")[0] in page.inner_text("#evidence")
    assert page.locator("img[src=x], svg[onload]").count() == 0
    _screenshot(page, tmp_path, "report-hostile.png", full_page=False)
    watched.assert_clean()


@pytest.mark.parametrize("watched", ["hostile_report"], indirect=True)
def test_the_policy_blocks_a_script_that_slipped_in(watched: _Watched, hostile_report: dict, tmp_path: Path) -> None:
    """Defence in depth: even markup the escaping missed could not run or load anything."""
    html = hostile_report["html"].read_text(encoding="utf-8")
    tampered = hostile_report["html"].with_name("tampered.html")
    tampered.write_text(html.replace("<main", "<script>window.__pwned = 7</script><img src=\"https://example.org/x.png\"><main", 1),
                        encoding="utf-8")
    page = watched.open(tampered)
    page.wait_for_selector("html[data-viewer=ready]")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert any("Content Security Policy" in e for e in watched.errors)
    assert watched.loads == []  # the policy stopped the picture before any request


@pytest.mark.parametrize("watched", ["scan_index"], indirect=True)
def test_scan_index_filters_by_label_and_opens_each_comparison(watched: _Watched, scan_index: dict, tmp_path: Path) -> None:
    page = watched.open(scan_index["index"])
    page.wait_for_selector("html[data-index=ready]")
    _screenshot(page, tmp_path, "index.png", full_page=True)
    rows = page.locator("table.pairs tbody tr")
    total = rows.count()
    near = page.locator("table.pairs tbody tr[data-label=near-duplicate]").count()
    assert total >= 2 and near >= 1
    page.uncheck("input[data-label=near-duplicate]")
    assert page.locator("table.pairs tbody tr:visible").count() == total - near
    assert page.text_content("#shown-count") == f"{total - near} of {total} shown"
    page.check("input[data-label=near-duplicate]")
    assert page.locator("table.pairs tbody tr:visible").count() == total
    page.click("table.pairs tbody tr >> nth=0 >> text=open the comparison")
    page.wait_for_selector("html[data-viewer=ready]")
    assert page.url.endswith("/matches-pairs/0001.html")
    watched.assert_clean()
