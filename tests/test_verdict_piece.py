"""A pair aligned on a piece is a copy only when the piece explains most of the copy.

Two different charts in one style (``fixtures.charts``) share an axis title: the piece finder
aligns them on it, and around it the flat panel and margins agree as flat paint agrees with any
flat paint. Before, the change map's share decided ("locally-edited", 13 % changed) though the
piece explained a quarter of the copy.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from fixtures.charts import chart
from simforensics.compare import compare_images

from .conftest import run_cli


@pytest.fixture(scope="module")
def two_charts():
    return chart("lines", (6, 6)), chart("boxes", (6, 8))


def test_two_charts_sharing_an_axis_title_are_no_copy(two_charts) -> None:
    lines, boxes = two_charts
    for first, second in ((lines, boxes), (boxes, lines)):
        result = compare_images(first, second, with_people=False, with_derivation=False)
        assert not result.verdict.label.is_copy, result.verdict.summary
        if result.alignment.method == "sift-piece":
            assert result.alignment.piece_share is not None and result.alignment.piece_share < 0.5
            assert "the original explains only" in result.verdict.summary


def test_the_json_gives_the_piece_s_share(tmp_path: Path, two_charts) -> None:
    paths = []
    for name, rgb in zip(("lines.png", "boxes.png"), two_charts):
        Image.fromarray(rgb).save(tmp_path / name)
        paths.append(str(tmp_path / name))
    run = run_cli("compare", *paths, "--json", str(tmp_path / "report.json"), "--quiet")
    assert run.returncode == 0, run.stderr
    alignment = json.loads((tmp_path / "report.json").read_text())["alignment"]
    assert alignment["method"] == "sift-piece"
    assert 0 < alignment["piece_share"] < 0.5
