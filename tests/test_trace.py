"""trace: pieces of a small collage attributed to the right portfolio pictures, through the command line.

The collage is built here from scikit-image's pictures with known boxes: a crop of the astronaut
pasted as it is, a crop of the coffee cup mirrored and reduced to 0.8. The portfolio holds both
sources, two distractors and a file that is not a picture; a second picture is built from
pictures outside the portfolio.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data

from fixtures import make_fixtures as fx

from .conftest import snapshot

CLI = [sys.executable, "-m", "simforensics"]
ASTRONAUT_BOX = (20, 30, 120, 140)  # [x, y, w, h] in the collage
COFFEE_BOX = (220, 120, 144, 120)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # A wide terminal, so the table does not fold file names.
    return subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "COLUMNS": "200"})


def _work(name: str, side: int = 320) -> np.ndarray:
    rgb = getattr(data, name)()
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[..., None], 3, axis=2)
    scale = side / max(rgb.shape[:2])
    return cv2.resize(rgb, (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)), interpolation=cv2.INTER_AREA)


def _paste(canvas: np.ndarray, piece: np.ndarray, box: tuple[int, int, int, int]) -> None:
    x, y, w, h = box
    canvas[y : y + h, x : x + w] = cv2.resize(piece, (w, h), interpolation=cv2.INTER_AREA)


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("trace")
    portfolio = root / "portfolio"
    portfolio.mkdir()
    astronaut, coffee = _work("astronaut"), _work("coffee")
    Image.fromarray(astronaut).save(portfolio / "astronaut.png")
    Image.fromarray(coffee).save(portfolio / "coffee <cup>.jpg", quality=92)
    Image.fromarray(_work("camera")).save(portfolio / "camera.png")
    Image.fromarray(_work("coins")).save(portfolio / "coins.png")
    (portfolio / "broken.png").write_bytes(b"not a picture at all")

    canvas = np.full((300, 400, 3), 128, np.uint8)
    _paste(canvas, astronaut[40:180, 130:250], ASTRONAUT_BOX)  # as it is (120 x 140)
    _paste(canvas, coffee[40:190, 60:240][:, ::-1], COFFEE_BOX)  # mirrored, 180 x 150 reduced to 0.8
    picture = root / "collage.png"
    Image.fromarray(canvas).save(picture)

    outside = np.full((300, 400, 3), 128, np.uint8)
    _paste(outside, _work("chelsea")[30:180, 60:220], (30, 40, 160, 150))
    _paste(outside, _work("immunohistochemistry")[50:200, 50:200], (220, 100, 150, 150))
    negative = root / "outside.png"
    Image.fromarray(outside).save(negative)

    files = sorted(portfolio.iterdir())
    before = snapshot(files)
    cache = root / "cache.sqlite"
    out = {name: root / name for name in ("trace.json", "map.png", "trace.html")}
    result = run("trace", str(picture), "--against", str(portfolio), "--cache", str(cache), "--workers", "1",
                 "--json", str(out["trace.json"]), "--map", str(out["map.png"]), "--html", str(out["trace.html"]))
    assert result.returncode == 0, result.stderr
    return {"root": root, "portfolio": portfolio, "picture": picture, "negative": negative, "cache": cache,
            "files": files, "before": before, "result": result, **out,
            "document": json.loads(out["trace.json"].read_text(encoding="utf-8"))}


def _source(document: dict, name: str) -> dict:
    matches = [s for s in document["sources"] if Path(s["path"]).name == name]
    assert len(matches) == 1, [s["path"] for s in document["sources"]]
    return matches[0]


def test_pieces_are_attributed_to_their_sources_with_their_boxes(case: dict) -> None:
    document = case["document"]
    assert sorted(Path(s["path"]).name for s in document["sources"]) == ["astronaut.png", "coffee <cup>.jpg"]
    astronaut = _source(document, "astronaut.png")
    assert len(astronaut["regions"]) == 1
    region = astronaut["regions"][0]
    assert _iou(tuple(region["box"]), ASTRONAUT_BOX) >= 0.85, region["box"]
    assert region["mirrored"] is False
    assert abs(region["scale"] - 1.0) < 0.05
    # The matrix maps a picture pixel to its place in the source: the crop's corner.
    corner = np.array(region["matrix"]) @ [ASTRONAUT_BOX[0] + 10, ASTRONAUT_BOX[1] + 10, 1]
    assert np.allclose(corner[:2] / corner[2], [140, 50], atol=2.0)
    assert astronaut["share"] == pytest.approx(120 * 140 / (400 * 300), abs=0.02)


def test_a_mirrored_piece_is_found_and_called_mirrored(case: dict) -> None:
    coffee = _source(case["document"], "coffee <cup>.jpg")
    region = coffee["regions"][0]
    assert region["mirrored"] is True
    assert _iou(tuple(region["box"]), COFFEE_BOX) >= 0.85, region["box"]
    assert region["scale"] == pytest.approx(0.8, abs=0.05)


def test_the_map_names_each_pixel_by_its_source(case: dict) -> None:
    source_map = np.asarray(Image.open(case["map.png"]))
    assert source_map.shape == (300, 400) and source_map.dtype == np.uint8
    names = [Path(s["path"]).name for s in case["document"]["sources"]]
    x, y, w, h = ASTRONAUT_BOX
    assert np.mean(source_map[y + 10 : y + h - 10, x + 10 : x + w - 10] == names.index("astronaut.png") + 1) > 0.95
    x, y, w, h = COFFEE_BOX
    assert np.mean(source_map[y + 10 : y + h - 10, x + 10 : x + w - 10] == names.index("coffee <cup>.jpg") + 1) > 0.95
    assert np.mean(source_map[260:, :] == 0) > 0.95  # the grey background came from nowhere
    assert case["document"]["unexplained_fraction"] == pytest.approx(float(np.mean(source_map == 0)), abs=1e-3)
    # The flat grey ground is told apart as plain: unexplained, with no texture to trace.
    ground = 1 - (120 * 140 + 144 * 120) / (400 * 300)
    assert ground - 0.08 <= case["document"]["plain_fraction"] <= min(ground, case["document"]["unexplained_fraction"])


def test_json_follows_the_contract(case: dict) -> None:
    document = case["document"]
    assert document["schema"] == "simforensics.trace/1"
    assert set(document["picture"]) >= {"path", "sha256", "width", "height"}
    assert (document["picture"]["width"], document["picture"]["height"]) == (400, 300)
    shares = [s["share"] for s in document["sources"]]
    assert shares == sorted(shares, reverse=True)
    for source in document["sources"]:
        assert set(source) >= {"path", "sha256", "share", "regions"}
        for region in source["regions"]:
            assert set(region) >= {"box", "area_fraction", "matrix", "mirrored", "inliers"}
            assert np.array(region["matrix"]).shape == (3, 3)
            # Unstretched pieces: the same scale along both axes.
            assert region["axis_scales"] == pytest.approx([region["scale"]] * 2, rel=0.03)
    assert 0 < document["unexplained_fraction"] < 1


def test_an_unreadable_portfolio_file_is_listed_and_the_folder_untouched(case: dict) -> None:
    errors = case["document"]["errors"]
    assert [Path(e["path"]).name for e in errors] == ["broken.png"] and errors[0]["error"]
    assert sorted(case["portfolio"].iterdir()) == case["files"]  # nothing written into the folder
    assert snapshot(case["files"]) == case["before"]


def test_terminal_table_names_sources_and_pieces(case: dict) -> None:
    text = case["result"].stdout
    assert "astronaut.png" in text and "mirrored" in text and "2 sources" in text
    assert f"{case['document']['plain_fraction']:.0%} plain (no texture to trace)" in text


def test_html_renders_the_exhibit(case: dict) -> None:
    page = case["trace.html"].read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src" in page and "<script" not in page
    assert "coffee &lt;cup&gt;.jpg" in page and "coffee <cup>" not in page  # file names are escaped
    assert page.count('alt="the source, aligned"') == 2
    assert "plain (no texture to trace)" in page
    assert "mirrored" in page and "http://" not in page.replace("http://www.w3.org", "")


def test_a_picture_from_outside_the_portfolio_has_no_sources(case: dict) -> None:
    result = run("trace", str(case["negative"]), "--against", str(case["portfolio"]), "--cache", str(case["cache"]),
                 "--workers", "1", "--json", "-")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["sources"] == [] and document["unexplained_fraction"] == 1.0
    # Unexplained, but not all alike: the flat grey ground is plain, the two unknown pictures are
    # not (the flat insides of a textured picture are not taken for a blank ground).
    ground = 1 - (160 * 150 + 150 * 150) / (400 * 300)
    assert ground - 0.08 <= document["plain_fraction"] <= ground
    # The portfolio was read by the first trace: this one took all five files from the cache.
    assert document["run"]["from_cache"] == 5 and document["portfolio"]["pictures"] == 4


def test_an_unreadable_picture_exits_3_with_one_line(case: dict, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    result = run("trace", str(bad), "--against", str(case["portfolio"]), "--cache", str(case["cache"]))
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1 and "bad.jpg" in result.stderr
    assert "Traceback" not in result.stderr


def test_outputs_inside_the_portfolio_are_refused(case: dict) -> None:
    result = run("trace", str(case["picture"]), "--against", str(case["portfolio"]), "--cache", str(case["cache"]),
                 "--map", str(case["portfolio"] / "map.png"))
    assert result.returncode == 2 and "never written to" in result.stderr
    assert sorted(case["portfolio"].iterdir()) == case["files"]


def test_a_flat_feathered_piece_is_attributed_up_to_its_outline(tmp_path: Path) -> None:
    """A piece whose right half is plain sky, pasted enlarged with a feathered edge onto a textured
    picture from outside the portfolio: the sky is attributed with the textured half, and the
    outline follows the piece's edge, not the few pixels inside it where the blend with the cat
    makes the source's prediction fail (before outlines were moved onto the picture's edges,
    only 15 % of the 4-px band inside the edge was attributed, and the area's overlap with the
    piece was 0.91)."""
    from simforensics.trace import TraceOptions, trace_picture

    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    camera = _work("camera")
    for name in ("camera", "astronaut", "coffee", "coins"):
        Image.fromarray(_work(name)).save(portfolio / f"{name}.png")
    canvas = cv2.resize(_work("chelsea", 400), (400, 300), interpolation=cv2.INTER_AREA).astype(np.float32)
    x, y, w, h = 150, 60, 216, 180  # the crop below, enlarged 1.2
    piece = np.zeros_like(canvas)
    piece[y : y + h, x : x + w] = cv2.resize(camera[0:150, 130:310], (w, h), interpolation=cv2.INTER_CUBIC)
    inside = np.zeros((300, 400), np.float32)
    inside[y : y + h, x : x + w] = 1
    alpha = (cv2.GaussianBlur(inside, (0, 0), 4) * inside)[..., None]  # 0.5 at the edge, 1 inside
    Image.fromarray((alpha * piece + (1 - alpha) * canvas).astype(np.uint8)).save(tmp_path / "collage.png")

    trace = trace_picture(TraceOptions(picture=str(tmp_path / "collage.png"), folder=str(portfolio)))

    assert [Path(s.path).name for s in trace.sources] == ["camera.png"]
    attributed, truth = trace.source_map == 1, inside.astype(bool)
    assert (attributed & truth).sum() / (attributed | truth).sum() >= 0.95
    grey = cv2.cvtColor(camera[0:150, 130:310], cv2.COLOR_RGB2GRAY).astype(np.float32)
    spread = np.sqrt(np.maximum(cv2.blur(grey * grey, (9, 9)) - cv2.blur(grey, (9, 9)) ** 2, 0))
    flat = cv2.resize((spread < 2).astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)
    assert flat.mean() > 0.3  # the case is what it says: a third of the piece is plain sky
    assert attributed[y : y + h, x : x + w][flat].mean() >= 0.95
    depth = cv2.distanceTransform(truth.astype(np.uint8), cv2.DIST_L2, 3)
    assert attributed[truth & (depth <= 4)].mean() >= 0.6


def test_pieces_stretched_to_fit_their_slots_are_found_whole_and_called_stretched(tmp_path: Path) -> None:
    """Two pictures squeezed into the halves of a frame, each scaled apart in width and height (a
    collage tool's "fill the slot"): each is one piece covering its half, described as stretched
    by its true factors. A similarity fit covers only a band of such a piece (before the affine
    fit: the cat in four strips turned 0.5-0.8 degrees, the rocket's half in five)."""
    from simforensics.trace import TraceOptions, trace_picture

    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    works = {name: _work(name) for name in ("chelsea", "rocket", "astronaut", "coins")}
    for name, rgb in works.items():
        Image.fromarray(rgb).save(portfolio / f"{name}.png")
    canvas = np.zeros((300, 400, 3), np.uint8)
    cat = works["chelsea"][20:200, 40:280]  # 240 x 180, to 200 x 300: x0.83 across, x1.67 down
    rocket = works["rocket"][10:200, 30:290]  # 260 x 190, to 200 x 300: x0.77 across, x1.58 down
    canvas[:, :200] = cv2.resize(cat, (200, 300), interpolation=cv2.INTER_AREA)
    canvas[:, 200:] = cv2.resize(rocket, (200, 300), interpolation=cv2.INTER_AREA)
    Image.fromarray(canvas).save(tmp_path / "collage.png")

    trace = trace_picture(TraceOptions(picture=str(tmp_path / "collage.png"), folder=str(portfolio)))

    found = {Path(s.path).name: s for s in trace.sources}
    assert sorted(found) == ["chelsea.png", "rocket.png"]
    for name, left, factors in (("chelsea.png", 0, (200 / 240, 300 / 180)), ("rocket.png", 200, (200 / 260, 300 / 190))):
        source = found[name]
        largest = source.pieces[0]
        assert largest.area_fraction >= 0.45, (name, [p.area_fraction for p in source.pieces])
        assert largest.axis_scales == pytest.approx(factors, rel=0.03)
        rank = trace.sources.index(source) + 1
        assert (trace.source_map[:, left:left + 200] == rank).mean() >= 0.9


def test_a_piece_made_grey_or_turned_upside_down_is_called_so(tmp_path: Path) -> None:
    # A grey piece read "colours changed (mean 75 RGB levels ...)", and a piece turned half round
    # "turned 180.0 degrees clockwise".
    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    coffee, astronaut = _work("coffee"), _work("astronaut")
    Image.fromarray(coffee).save(portfolio / "coffee.png")
    Image.fromarray(astronaut).save(portfolio / "astronaut.png")
    canvas = np.full((300, 420, 3), 235, np.uint8)
    grey = cv2.cvtColor(cv2.cvtColor(coffee[20:190, 40:230], cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    _paste(canvas, grey, (10, 20, 190, 170))
    _paste(canvas, np.ascontiguousarray(astronaut[20:200, 90:250][::-1, ::-1]), (220, 60, 160, 180))
    picture = tmp_path / "collage.png"
    Image.fromarray(canvas).save(picture)
    result = run("trace", str(picture), "--against", str(portfolio), "--no-cache", "--workers", "1", "--json", "-")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    (grey_piece,) = _source(document, "coffee.png")["regions"]
    (turned,) = _source(document, "astronaut.png")["regions"]
    assert grey_piece["made_grey"] is True and turned["made_grey"] is False
    assert abs(abs(turned["rotation_degrees"]) - 180) < 1.0
    words = run("trace", str(picture), "--against", str(portfolio), "--no-cache", "--workers", "1").stdout
    assert "made grey" in words and "upside down" in " ".join(words.split())


def test_a_picture_under_the_portfolio_folder_is_left_out_and_said_so(case: dict) -> None:
    # Tracing a portfolio's own picture found nothing, and nothing said the picture had been left
    # out of the portfolio it was traced against.
    picture = case["portfolio"] / "astronaut.png"
    result = run("trace", str(picture), "--against", str(case["portfolio"]), "--cache", str(case["cache"]),
                 "--workers", "1", "--json", "-")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["portfolio"]["picture_left_out"] is True and document["portfolio"]["pictures"] == 3
    assert case["document"]["portfolio"]["picture_left_out"] is False
    words = run("trace", str(picture), "--against", str(case["portfolio"]), "--cache", str(case["cache"]), "--workers", "1")
    assert "the picture itself, under the folder, left out" in " ".join(words.stdout.split())


def test_versions_of_one_work_make_one_source_that_names_the_others(tmp_path: Path) -> None:
    """A portfolio holding a work three times (the original, a watermarked JPEG, a crop): each
    explains the piece taken from it, and one source per pixel shared the piece out among them
    (the crop took a patch of its middle as a source of its own). The largest explanation takes
    the piece whole and names the others as versions."""
    from simforensics.trace import TraceOptions, trace_picture

    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    chelsea, coffee = _work("chelsea"), _work("coffee")
    Image.fromarray(chelsea).save(portfolio / "chelsea.png")
    marked = chelsea.copy()
    cv2.putText(marked, "(c) studio", (170, 190), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 255), 1, cv2.LINE_AA)
    Image.fromarray(marked).save(portfolio / "chelsea-marked.jpg", quality=80)
    Image.fromarray(chelsea[:170, :260]).save(portfolio / "chelsea-crop.jpg", quality=90)
    Image.fromarray(coffee).save(portfolio / "coffee.png")
    Image.fromarray(_work("astronaut")).save(portfolio / "astronaut.png")
    canvas = np.ascontiguousarray(cv2.resize(_work("grass"), (400, 300)))
    box = (30, 40, 180, 150)
    _paste(canvas, chelsea[30:180, 60:240], box)
    _paste(canvas, coffee[40:190, 60:240], (230, 120, 144, 120))
    Image.fromarray(canvas).save(tmp_path / "collage.jpg", quality=90)

    trace = trace_picture(TraceOptions(picture=str(tmp_path / "collage.jpg"), folder=str(portfolio)))

    ranks = {Path(s.path).name: rank for rank, s in enumerate(trace.sources, start=1)}
    (name,) = [n for n in ranks if n.startswith("chelsea")]
    source = trace.sources[ranks[name] - 1]
    versions = {"chelsea.png", "chelsea-marked.jpg", "chelsea-crop.jpg"} - {name}
    assert {Path(v).name for v in source.versions} == versions
    attributed = trace.source_map == ranks[name]
    truth = np.zeros(attributed.shape, bool)
    truth[box[1] : box[1] + box[3], box[0] : box[0] + box[2]] = True
    assert (attributed & truth).sum() / (attributed | truth).sum() >= 0.9


def test_pieces_pasted_on_a_work_with_many_versions_are_found(tmp_path: Path) -> None:
    """A collage laid on a portfolio work (the grass) whose portfolio holds it 9 times over: the
    first retrieval pass's 8 candidates were all versions of the grass, whose area, holes filled,
    claimed the pasted pieces, so no second pass ran and neither piece was found."""
    from simforensics.trace import TraceOptions, trace_picture

    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    grass = np.ascontiguousarray(cv2.resize(_work("grass", 400), (400, 300), interpolation=cv2.INTER_AREA))
    Image.fromarray(grass).save(portfolio / "grass.png")
    for quality in (95, 90, 85, 80, 75):
        Image.fromarray(grass).save(portfolio / f"grass-q{quality}.jpg", quality=quality)
    for name, box in (("top", (0, 0, 400, 240)), ("left", (0, 0, 320, 300)), ("middle", (40, 30, 360, 270))):
        x, y, w, h = box
        Image.fromarray(grass[y : y + h, x : x + w]).save(portfolio / f"grass-{name}.png")
    chelsea, coffee = _work("chelsea"), _work("coffee")
    Image.fromarray(chelsea).save(portfolio / "chelsea.png")
    Image.fromarray(coffee).save(portfolio / "coffee.png")
    canvas = grass.copy()
    _paste(canvas, chelsea[30:180, 60:240], (20, 30, 150, 125))
    _paste(canvas, coffee[40:190, 60:240], (230, 150, 144, 120))
    Image.fromarray(canvas).save(tmp_path / "collage.png")

    trace = trace_picture(TraceOptions(picture=str(tmp_path / "collage.png"), folder=str(portfolio)))

    names = {Path(s.path).name for s in trace.sources}
    assert {"chelsea.png", "coffee.png"} <= names, names
    assert sum(name.startswith("grass") for name in names) == 1


def test_a_picture_from_outside_pasted_on_a_portfolio_work_is_not_given_to_that_work(tmp_path: Path) -> None:
    """The grass, a portfolio work, is the collage's ground; the cat comes from the portfolio, the
    cup from outside it. The grass's area, holes filled as a piece's area is, enclosed the cup,
    and with no other source there the cup was attributed to the grass."""
    from simforensics.trace import TraceOptions, trace_picture

    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    grass = np.ascontiguousarray(cv2.resize(_work("grass", 400), (400, 300), interpolation=cv2.INTER_AREA))
    chelsea = _work("chelsea")
    Image.fromarray(grass).save(portfolio / "grass.png")
    Image.fromarray(chelsea).save(portfolio / "chelsea.png")
    Image.fromarray(_work("astronaut")).save(portfolio / "astronaut.png")
    canvas = grass.copy()
    _paste(canvas, chelsea[30:180, 60:240], (20, 30, 150, 125))
    cup = (230, 150, 144, 120)
    _paste(canvas, _work("coffee")[40:190, 60:240], cup)
    Image.fromarray(canvas).save(tmp_path / "collage.png")

    trace = trace_picture(TraceOptions(picture=str(tmp_path / "collage.png"), folder=str(portfolio)))

    assert sorted(Path(s.path).name for s in trace.sources) == ["chelsea.png", "grass.png"]
    x, y, w, h = cup
    inner = trace.source_map[y + 6 : y + h - 6, x + 6 : x + w - 6]
    assert (inner == 0).mean() >= 0.9
    grass_share = next(s.share for s in trace.sources if Path(s.path).name == "grass.png")
    assert grass_share == pytest.approx(1 - (150 * 125 + 144 * 120) / (400 * 300), abs=0.03)


def test_a_cached_portfolio_follows_the_max_pixels_of_the_run(tmp_path: Path) -> None:
    # A refusal kept in the cache under a low --max-pixels left the work out of every later trace.
    from simforensics.trace.portfolio import read_portfolio

    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    Image.fromarray(fx.source_image("astronaut", 200)).save(portfolio / "astronaut.png")
    Image.fromarray(fx.source_image("coffee", 100)).save(portfolio / "coffee.png")
    cache = str(tmp_path / "cache.sqlite")

    def read(max_pixels: int) -> tuple[list[str], list[str], int]:
        read = read_portfolio(str(portfolio), cache_path=cache, workers=1, max_pixels=max_pixels)
        return sorted(Path(p.path).name for p in read.pictures), [Path(p).name for p, _ in read.errors], read.from_cache

    assert read(150 * 150) == (["coffee.png"], ["astronaut.png"], 0)
    assert read(250_000_000) == (["astronaut.png", "coffee.png"], [], 1)
    assert read(150 * 150) == (["coffee.png"], ["astronaut.png"], 1)  # coffee's features from the cache
