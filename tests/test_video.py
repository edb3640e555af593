"""``simforensics video`` on small clips made in the test with PyAV from scikit-image's pictures:
the span of a picture found with the right times, negatives without a match, motion words, bad
video files refused with one line (exit 3), the JSON document, the HTML exhibit, a folder of
videos, the cache, and the evidence left untouched."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from fixtures import make_fixtures as fx
from fixtures.make_clips import Shot, write_clip
from simforensics.video.geometry import FrameFit
from simforensics.video.spans import cut_frames, hysteresis_runs

from .conftest import snapshot

CLI = [sys.executable, "-m", "simforensics"]
SIZE = (192, 144)  # small, but enough corners for SIFT on a picture that fills the frame
FPS = 24
FRAME = 1 / FPS


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("video-evidence")
    portfolio = folder / "portfolio"
    portfolio.mkdir()
    astronaut, chelsea = fx.source_image("astronaut"), fx.source_image("chelsea")
    Image.fromarray(astronaut).save(portfolio / "astronaut.png")
    Image.fromarray(chelsea).save(portfolio / "chelsea.jpg", quality=90)
    coffee, rocket = fx.source_image("coffee"), fx.source_image("rocket")  # not in the portfolio
    videos = folder / "videos"
    videos.mkdir()
    # Image-to-video: the picture still for 0.75 s, then a zoom; a cut at 2 s to a picture outside.
    write_clip(videos / "i2v.mp4", [Shot(astronaut, "astronaut", 2.0, zoom=(1.0, 1.5), still=0.75),
                                    Shot(coffee, "coffee", 1.0)], size=SIZE, fps=FPS)
    write_clip(videos / "pan.mp4", [Shot(chelsea, "chelsea", 2.0, zoom=(1.4, 1.4), pan=((-0.12, 0), (0.12, 0)))],
               size=SIZE, fps=FPS)
    negatives = folder / "negatives"
    negatives.mkdir()
    write_clip(negatives / "negative.mp4", [Shot(coffee, "coffee", 1.5, zoom=(1.0, 1.3)),
                                            Shot(rocket, "rocket", 1.0, overlay=True)], size=SIZE, fps=FPS)
    return {"folder": folder, "portfolio": portfolio, "videos": videos, "i2v": videos / "i2v.mp4",
            "pan": videos / "pan.mp4", "negative": negatives / "negative.mp4"}


@pytest.fixture(scope="module")
def i2v_document(evidence: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("video-out") / "i2v.json"
    result = run("video", str(evidence["i2v"]), "--against", str(evidence["portfolio"]), "--no-cache",
                 "--workers", "1", "--json", str(out), "-q")
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text())


def test_the_span_is_found_with_the_right_picture_and_times(i2v_document: dict) -> None:
    matches = i2v_document["matches"]
    assert [m["picture"].rsplit("/", 1)[-1] for m in matches] == ["astronaut.png"]
    spans = matches[0]["spans"]
    assert len(spans) == 1
    span = spans[0]
    # Boundaries to the frame: the picture is shown from frame 0 to the cut at 2.0 s.
    assert span["start_s"] == pytest.approx(0.0, abs=FRAME / 2)
    assert span["end_s"] == pytest.approx(2.0, abs=FRAME + 1e-6)
    assert span["start_s"] <= span["best_s"] < span["end_s"]
    assert span["label"] in ("identical", "near-duplicate", "locally-edited")
    assert span["similarity"] >= 0.7
    assert i2v_document["decoding"]["cuts_s"] == [pytest.approx(2.0, abs=FRAME / 2)]


def test_motion_words_follow_the_camera(i2v_document: dict, evidence: dict[str, Path], tmp_path: Path) -> None:
    assert i2v_document["matches"][0]["spans"][0]["motion"] == "zoom"
    out = tmp_path / "pan.json"
    result = run("video", str(evidence["pan"]), "--against", str(evidence["portfolio"]), "--no-cache",
                 "--workers", "1", "--no-regions", "--json", str(out), "-q")
    assert result.returncode == 0, result.stderr
    matches = json.loads(out.read_text())["matches"]
    assert [m["picture"].rsplit("/", 1)[-1] for m in matches] == ["chelsea.jpg"]
    assert [s["motion"] for s in matches[0]["spans"]] == ["pan"]


def test_a_clip_of_pictures_outside_the_portfolio_has_no_match(evidence: dict[str, Path]) -> None:
    result = run("video", str(evidence["negative"]), "--against", str(evidence["portfolio"]), "--no-cache",
                 "--workers", "1", "--no-regions", "--json", "-")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["matches"] == []
    assert document["video"]["frames"] == 60


def test_the_json_document_keeps_the_contract(i2v_document: dict, evidence: dict[str, Path]) -> None:
    d = i2v_document
    assert d["schema"] == "simforensics.video/1"
    assert d["tool"]["name"] == "simforensics"
    video = d["video"]
    for key, kind in (("path", str), ("sha256", str), ("duration_s", float), ("fps", float), ("width", int),
                      ("height", int), ("frames", int)):
        assert isinstance(video[key], kind), key
    assert (video["width"], video["height"], video["frames"], video["fps"]) == (*SIZE, 72, 24.0)
    assert video["duration_s"] == pytest.approx(3.0)
    assert video["sha256"] == hashlib.sha256(evidence["i2v"].read_bytes()).hexdigest()
    assert isinstance(d["errors"], list)
    for match in d["matches"]:
        assert set(match) >= {"picture", "sha256", "spans"}
        starts = [s["start_s"] for s in match["spans"]]
        assert starts == sorted(starts)
        for span in match["spans"]:
            assert set(span) >= {"start_s", "end_s", "best_s", "similarity", "label", "motion"}
            assert span["label"] in ("identical", "near-duplicate", "locally-edited", "similar")
            assert span["motion"] in ("still", "pan", "zoom", "other")
            assert 0.0 <= span["similarity"] <= 1.0
            assert np.array(span["matrix"]).shape == (3, 3)


@pytest.mark.parametrize(("codec", "suffix", "pix_fmt"), [
    ("libx265", "mp4", "yuv420p"), ("libvpx-vp9", "webm", "yuv420p"), ("libsvtav1", "mkv", "yuv420p"),
    # Two bytes a sample: a phone's 10-bit HDR HEVC, a 16-bit grey master. Read a byte a sample,
    # their frames matched nothing.
    ("libx265", "mp4", "yuv420p10le"), ("ffv1", "mkv", "gray16le")])
def test_hevc_vp9_and_av1_are_decoded_and_matched(codec: str, suffix: str, pix_fmt: str, evidence: dict[str, Path],
                                                  tmp_path: Path) -> None:
    # AV1 above all: OpenCV's VideoCapture opens such a file and returns no frame, silently.
    path = tmp_path / f"clip.{suffix}"
    write_clip(path, [Shot(fx.source_image("astronaut"), "astronaut", 1.5, zoom=(1.0, 1.3))], size=SIZE, fps=FPS,
               codec=codec, pix_fmt=pix_fmt)
    result = run("video", str(path), "--against", str(evidence["portfolio"]), "--no-cache", "--workers", "1",
                 "--no-regions", "--json", "-")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["video"]["frames"] == 36
    spans = [s for m in document["matches"] for s in m["spans"]]
    assert [Path(m["picture"]).name for m in document["matches"]] == ["astronaut.png"]
    assert spans[0]["start_s"] == 0.0 and spans[0]["end_s"] == pytest.approx(1.5, abs=FRAME + 1e-6)


def _faststart_truncated(source: Path, target: Path) -> None:
    """The same video with its index first (as web encoders write it), cut to a third: it still
    opens, and FFmpeg stops quietly at the cut."""
    with av.open(str(source)) as inp, av.open(str(target), "w", options={"movflags": "faststart"}) as out:
        stream = inp.streams.video[0]
        copied = out.add_stream_from_template(stream)
        for packet in inp.demux(stream):
            if packet.dts is not None:
                packet.stream = copied
                out.mux(packet)
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize("kind", ["truncated", "truncated-index-first", "truncated-webm", "text", "empty",
                                  "unknown-codec", "picture", "missing"])
def test_a_file_that_is_not_a_decodable_video_exits_3_with_one_line(kind: str, evidence: dict[str, Path],
                                                                    tmp_path: Path) -> None:
    path = tmp_path / f"{kind}.mp4"
    data = evidence["i2v"].read_bytes()
    if kind == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif kind == "truncated-index-first":
        _faststart_truncated(evidence["i2v"], path)
    elif kind == "truncated-webm":
        path = tmp_path / "truncated.webm"
        write_clip(tmp_path / "whole.webm", [Shot(fx.source_image("chelsea"), "chelsea", 1.5)], size=SIZE, fps=FPS,
                   codec="libvpx-vp9")
        whole = (tmp_path / "whole.webm").read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    elif kind == "text":
        path.write_text("this is not a video\n")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "unknown-codec":
        assert data.count(b"avc1") >= 1
        path.write_bytes(data.replace(b"avc1", b"zzz9").replace(b"avcC", b"zzzC"))
    elif kind == "picture":
        path = tmp_path / "still.png"
        Image.fromarray(fx.source_image("coffee")).save(path)
    result = run("video", str(path), "--against", str(evidence["portfolio"]), "--no-cache", "--workers", "1")
    assert result.returncode == 3, (kind, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("simforensics: ") and str(path) in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("arguments, message", [
    (["--cache", "{tmp}/c.sqlite", "--no-cache"], "exclude each other"),
    (["--no-cache", "--json", "{portfolio}/spans.json"], "never written to"),
    (["--cache", "{portfolio}/features.sqlite"], "never written to"),
])
def test_bad_cache_and_output_options_are_refused_before_any_work(
    evidence: dict[str, Path], tmp_path: Path, arguments: list[str], message: str
) -> None:
    before = sorted(p.name for p in evidence["portfolio"].iterdir())
    filled = [a.format(tmp=tmp_path, portfolio=evidence["portfolio"]) for a in arguments]
    result = run("video", str(evidence["i2v"]), "--against", str(evidence["portfolio"]), *filled)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in evidence["portfolio"].iterdir()) == before  # nothing written into the evidence


def test_a_clip_that_animates_the_picture_says_so_and_a_plain_zoom_does_not(evidence: dict[str, Path],
                                                                            tmp_path: Path) -> None:
    # A still camera on a picture whose middle moves (an image-to-video clip animating a figure)
    # read "still", its best frame (the first) a near-duplicate: nothing said the frames stop
    # being copies of the picture.
    astronaut = fx.source_image("astronaut", 320)
    clip = tmp_path / "animated.mp4"
    write_clip(clip, [Shot(astronaut, "astronaut", 3.0, still=0.5, animate=0.04)], size=(320, 320))
    result = run("video", str(clip), "--against", str(evidence["portfolio"]), "--no-cache", "--workers", "1",
                 "--no-regions", "--json", "-")
    assert result.returncode == 0, result.stderr
    (span,) = [s for m in json.loads(result.stdout)["matches"] for s in m["spans"]]
    furthest = span["furthest_frame"]
    assert span["motion"] == "still" and furthest["departs"] and furthest["label"] in ("locally-edited", "similar")
    assert furthest["changed_fraction"] > 0.03 and furthest["frame"] > 24  # after the still half second
    # The zooming clip of the suite keeps the picture as it is: its furthest frame is still a copy.
    document = json.loads(run("video", str(evidence["i2v"]), "--against", str(evidence["portfolio"]), "--no-cache",
                              "--workers", "1", "--no-regions", "--json", "-").stdout)
    zoomed = [s for m in document["matches"] for s in m["spans"] if s["motion"] == "zoom"]
    assert zoomed and all(not s["furthest_frame"]["departs"] for s in zoomed if s["furthest_frame"])


def test_a_folder_of_videos_is_evidence_too(evidence: dict[str, Path]) -> None:
    # `video FOLDER --json FOLDER/clip.mp4` replaced the clip with the JSON report.
    clip = evidence["i2v"]
    before = clip.read_bytes()
    for option, path in (("--json", clip), ("--cache", clip), ("--cache", clip.with_name("features.sqlite"))):
        result = run("video", str(evidence["videos"]), "--against", str(evidence["portfolio"]), option, str(path))
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, (option, result.stderr)
        assert "never written to" in result.stderr or "not a scan cache" in result.stderr
    assert clip.read_bytes() == before


def test_the_html_exhibit_renders_timeline_curves_and_spans(evidence: dict[str, Path], tmp_path: Path) -> None:
    html = tmp_path / "exhibit.html"
    result = run("video", str(evidence["i2v"]), "--against", str(evidence["portfolio"]), "--no-cache",
                 "--workers", "1", "--html", str(html), "-q")
    assert result.returncode == 0, result.stderr
    text = html.read_text()
    assert "Content-Security-Policy" in text and "default-src &#39;none&#39;" in text
    assert "<script" not in text  # nothing runs in the exhibit
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing is loaded
    assert text.count("<polyline") == 1  # one similarity curve: one matched picture
    assert "astronaut.png" in text and "Span 1:" in text
    assert text.count('href="data:image/') >= 2 + 2  # timeline thumbnails and the span's picture
    assert "<polygon" in text  # the best frame's outline on the picture


def test_names_with_markup_stay_text_in_the_exhibit(evidence: dict[str, Path], tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    hostile = 'evil"><img src=x onerror=alert(1)>.png'
    (portfolio / hostile).write_bytes((evidence["portfolio"] / "astronaut.png").read_bytes())
    video = tmp_path / "clip <b onmouseover=alert(2)>bold.mp4"
    video.write_bytes(evidence["i2v"].read_bytes())
    html = tmp_path / "exhibit.html"
    result = run("video", str(video), "--against", str(portfolio), "--no-cache", "--workers", "1", "--no-regions",
                 "--html", str(html), "-q")
    assert result.returncode == 0, result.stderr
    text = html.read_text()
    assert "<img src=x" not in text and "<b onmouseover" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "&lt;b onmouseover=alert(2)&gt;" in text


def test_a_folder_of_videos_reports_each_and_lists_what_is_not_a_video(evidence: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "videos"
    folder.mkdir()
    for name in ("i2v.mp4", "pan.mp4"):
        (folder / name).write_bytes((evidence["videos"] / name).read_bytes())
    (folder / "notes.mp4").write_text("not a video")
    result = run("video", str(folder), "--against", str(evidence["portfolio"]), "--no-cache", "--workers", "2",
                 "--no-regions", "--json", "-")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["schema"] == "simforensics.video/1"
    found = {Path(v["video"]["path"]).name: [Path(m["picture"]).name for m in v["matches"]] for v in document["videos"]}
    assert found == {"i2v.mp4": ["astronaut.png"], "pan.mp4": ["chelsea.jpg"]}
    assert [Path(e["path"]).name for e in document["errors"]] == ["notes.mp4"]


def test_the_portfolio_is_indexed_once_and_evidence_is_untouched(evidence: dict[str, Path], tmp_path: Path) -> None:
    inputs = sorted(p for p in evidence["folder"].rglob("*") if p.is_file())
    before = snapshot(inputs)
    cache = tmp_path / "cache.sqlite"
    runs = []
    for _ in range(2):
        result = run("video", str(evidence["pan"]), "--against", str(evidence["portfolio"]), "--cache", str(cache),
                     "--workers", "1", "--no-regions", "--json", "-")
        assert result.returncode == 0, result.stderr
        runs.append(json.loads(result.stdout))
    assert runs[0]["portfolio"]["from_cache"] == 0 and runs[1]["portfolio"]["from_cache"] == 2
    assert runs[0]["matches"] == runs[1]["matches"]
    assert snapshot(inputs) == before
    assert sorted(p for p in evidence["folder"].rglob("*") if p.is_file()) == inputs  # nothing written beside them


# ------------------------------------------------------------------ spans (pure functions)
def _fit(inliers: int, matches: int | None = None) -> FrameFit:
    return FrameFit(matches if matches is not None else inliers * 2, inliers, np.eye(3))


def test_hysteresis_enters_on_an_aligned_frame_stays_on_weaker_ones_and_stops_at_a_cut() -> None:
    fits = [_fit(0), _fit(12), _fit(40), _fit(11), _fit(10), _fit(3), _fit(12), _fit(11), _fit(50), _fit(30)]
    shots = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    # 1-4: entered at 2 (40 inliers), kept while >= 10 on either side; 6-8: entered at 8; 9 is
    # aligned too but after a cut: a span of its own.
    assert hysteresis_runs(fits, shots) == [(1, 4), (6, 8), (9, 9)]
    assert hysteresis_runs([_fit(14), _fit(14)], [0, 0]) == []  # never MIN_INLIERS: chance level
    assert hysteresis_runs([_fit(20, matches=200)], [0]) == []  # 10 % of the matches: not aligned


def test_a_cut_is_a_spike_not_sustained_motion() -> None:
    steady = np.full(60, 30.0)  # a fast pan: large change on every frame
    steady[0] = 0
    assert cut_frames(steady).tolist() == []
    scores = np.full(60, 2.0)
    scores[0], scores[25] = 0, 80.0
    assert cut_frames(scores).tolist() == [25]


def test_video_help_lists_the_contract_options() -> None:
    result = run("video", "--help")
    assert result.returncode == 0
    for option in ("--against", "--json", "--html", "--workers", "--cache"):
        assert option in result.stdout


def test_the_terminal_table_reads_whole_at_80_columns(evidence: dict[str, Path]) -> None:
    # Each cell's parts on lines of their own: only the picture's path may fold (seven one-line
    # columns were cut mid-word at 80 columns: "near-duplic / ate", "0:00.000-0 / :02.000").
    import os

    result = subprocess.run(CLI + ["video", str(evidence["pan"]), "--against", str(evidence["portfolio"]), "--no-cache",
                                   "--workers", "1"], capture_output=True, text=True, timeout=300, check=False,
                            env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("│")]
    assert max(len(line) for line in rows) <= 80
    cells = [cell.strip() for line in rows for cell in line.split("│")]
    assert "pan" in cells and any(cell.startswith("frames 0-") for cell in cells)
    assert any(cell.startswith("similarity 0.") for cell in cells)
    assert any(cell in ("near-duplicate", "identical", "locally-edited", "similar") for cell in cells)


def test_a_soft_picture_is_found_in_a_studio_range_clip(tmp_path: Path) -> None:
    # H.264 keeps luma in 16-235 (studio range). Matched as it is, a soft micrograph zoomed into
    # lost the weak corners SIFT's contrast threshold keeps in the full range: 12 inliers, under
    # the 15 that align, and no span at all.
    from skimage import data

    cell = np.ascontiguousarray(np.repeat(data.cell()[:, :, None], 3, axis=2))
    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    Image.fromarray(cell).save(portfolio / "cell.png")
    clip = tmp_path / "cell.mp4"
    write_clip(clip, [Shot(cell, "cell", 2.0, zoom=(1.2, 1.2), mirror=True)], size=(640, 360), fps=FPS)
    with av.open(str(clip)) as container:
        frame = next(container.decode(video=0))
        assert frame.format.name == "yuv420p" and frame.color_range != 2  # not flagged full range
        assert np.asarray(frame.planes[0]).max() <= 235
    out = tmp_path / "cell.json"
    result = run("video", str(clip), "--against", str(portfolio), "--no-cache", "--workers", "1", "--no-regions",
                 "--json", str(out), "-q")
    assert result.returncode == 0, result.stderr
    matches = json.loads(out.read_text())["matches"]
    assert [Path(m["picture"]).name for m in matches] == ["cell.png"]
    (span,) = matches[0]["spans"]
    assert span["mirrored"] and span["start_s"] < 0.3 and span["end_s"] > 1.7


def test_a_picture_after_a_cut_that_ends_fast_motion_is_found_among_versions_of_the_first(tmp_path: Path) -> None:
    # The first picture turns 4 degrees a frame (a thumbnail change of about 22 each frame), so
    # the cut to the second (49) is no spike and the clip is one shot. Its candidates were the 8
    # pictures most proposed over the shot: the first's 9 versions in the portfolio crowded out
    # the second, proposed for its own few frames only, and it had no span.
    import cv2

    astronaut, chelsea = fx.source_image("astronaut"), fx.source_image("chelsea")
    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    Image.fromarray(astronaut).save(portfolio / "astronaut.png")
    Image.fromarray(chelsea).save(portfolio / "chelsea.png")
    height, width = astronaut.shape[:2]
    for quality in (95, 85, 75, 65, 55):
        Image.fromarray(astronaut).save(portfolio / f"astronaut-q{quality}.jpg", quality=quality)
    for share in (0.9, 0.8, 0.7):
        Image.fromarray(astronaut[: int(height * share), : int(width * share)]).save(portfolio / f"astronaut-{share}.png")
    size = SIZE

    def cover(rgb: np.ndarray) -> np.ndarray:
        scale = max(size[0] / rgb.shape[1], size[1] / rgb.shape[0])
        fitted = cv2.resize(rgb, (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)), interpolation=cv2.INTER_AREA)
        top, left = (fitted.shape[0] - size[1]) // 2, (fitted.shape[1] - size[0]) // 2
        return np.ascontiguousarray(fitted[top : top + size[1], left : left + size[0]])

    centre = (size[0] / 2, size[1] / 2)
    frames = [cv2.warpAffine(cover(astronaut), cv2.getRotationMatrix2D(centre, 4.0 * i, 1.4), size,
                             borderMode=cv2.BORDER_REFLECT) for i in range(36)]
    frames += [cover(chelsea)] * 12
    clip = tmp_path / "turn-then-cut.mp4"
    with av.open(str(clip), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        for picture in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")))
        container.mux(stream.encode())
    out = tmp_path / "turn.json"
    result = run("video", str(clip), "--against", str(portfolio), "--no-cache", "--workers", "1", "--no-regions",
                 "--json", str(out), "-q")
    assert result.returncode == 0, result.stderr
    spans = {Path(m["picture"]).name: m["spans"] for m in json.loads(out.read_text())["matches"]}
    assert "astronaut.png" in spans
    (span,) = spans["chelsea.png"]
    assert abs(span["start_s"] - 36 * FRAME) < 2 * FRAME and span["end_s"] > 47 * FRAME


def test_of_two_versions_of_a_picture_matched_at_once_the_closer_comes_first(tmp_path: Path) -> None:
    # The portfolio holds the picture and a version with a patch painted over (its name sorts
    # first): both match the clip from its start; the picture itself was listed second.
    astronaut = fx.source_image("astronaut")
    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    Image.fromarray(astronaut).save(portfolio / "astronaut.png")
    painted = astronaut.copy()
    painted[100:200, 150:260] = (200, 40, 40)
    Image.fromarray(painted).save(portfolio / "a-painted.png")
    clip = tmp_path / "zoom.mp4"
    write_clip(clip, [Shot(astronaut, "astronaut", 1.5, zoom=(1.0, 1.3))], size=SIZE, fps=FPS)
    out = tmp_path / "zoom.json"
    result = run("video", str(clip), "--against", str(portfolio), "--no-cache", "--workers", "1", "--no-regions",
                 "--json", str(out), "-q")
    assert result.returncode == 0, result.stderr
    matches = json.loads(out.read_text())["matches"]
    assert [Path(m["picture"]).name for m in matches] == ["astronaut.png", "a-painted.png"]
    assert matches[0]["spans"][0]["similarity"] > matches[1]["spans"][0]["similarity"]


@pytest.mark.parametrize("suffix, options", [("webp", {"duration": 125, "loop": 0}), ("avif", {"duration": 125}),
                                             ("gif", {})])  # no timing, no loop: Pillow writes GIF87a
def test_an_animated_webp_avif_or_untimed_gif_is_a_clip(suffix: str, options: dict, evidence: dict[str, Path],
                                                        tmp_path: Path) -> None:
    # FFmpeg has no decoder for an animated WebP ("a still picture"), reads the first picture of
    # an AVIF sequence only, and one frame of a GIF87a: the second picture had no span.
    astronaut = Image.open(evidence["portfolio"] / "astronaut.png").convert("RGB")
    chelsea = Image.open(evidence["portfolio"] / "chelsea.jpg").convert("RGB")
    side = min(chelsea.size)
    left = (chelsea.width - side) // 2
    chelsea = chelsea.crop((left, 0, left + side, side)).resize(astronaut.size)  # a square from its middle
    frames = [astronaut.rotate(angle) for angle in range(8)] + [chelsea.rotate(angle) for angle in range(8)]
    clip = tmp_path / f"animation.{suffix}"
    frames[0].save(clip, save_all=True, append_images=frames[1:], **options)
    out = tmp_path / "animation.json"
    result = run("video", str(clip), "--against", str(evidence["portfolio"]), "--no-cache", "--workers", "1",
                 "--no-regions", "--json", str(out), "-q")
    assert result.returncode == 0, result.stderr
    document = json.loads(out.read_text())
    frame_s = options.get("duration", 100) / 1000  # browsers show an untimed frame 0.1 s
    assert document["video"]["frames"] == 16 and document["video"]["duration_s"] == pytest.approx(16 * frame_s)
    spans = {Path(m["picture"]).name: [(s["start_s"], s["end_s"]) for s in m["spans"]] for m in document["matches"]}
    assert spans == {"astronaut.png": [(0.0, pytest.approx(8 * frame_s))],
                     "chelsea.jpg": [(pytest.approx(8 * frame_s), pytest.approx(16 * frame_s))]}
    if suffix != "gif":  # cut short, it is refused in one line, not read as its first picture
        data = clip.read_bytes()
        cut = tmp_path / f"cut.{suffix}"
        cut.write_bytes(data[: len(data) * 6 // 10])
        refused = run("video", str(cut), "--against", str(evidence["portfolio"]), "--no-cache", "--workers", "1")
        assert refused.returncode == 3 and refused.stderr.strip().endswith("truncated or damaged"), refused.stderr


def _still_clip(path: Path, stored: np.ndarray, set_up) -> None:
    """One second of ``stored`` (RGB), H.264, with ``set_up(stream)`` saying how to show it."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = stored.shape[1], stored.shape[0], "yuv420p"
        set_up(stream)
        for _ in range(FPS):
            container.mux(stream.encode(av.VideoFrame.from_ndarray(stored, format="rgb24")))
        container.mux(stream.encode())


def _only_span(clip: Path, picture: Path) -> tuple[dict, dict]:
    """The JSON document of ``clip`` against ``picture`` alone, and its one span."""
    result = run("video", str(clip), "--against", str(picture), "--no-cache", "--workers", "1", "--no-regions",
                 "--json", "-")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    (match,) = document["matches"]
    (span,) = match["spans"]
    return document, span


@pytest.mark.parametrize("rotation", [-90, 90, 180])
def test_a_clip_stored_on_its_side_with_a_display_rotation_is_read_as_shown(rotation: int, tmp_path: Path) -> None:
    # A phone stores a portrait clip on its side and says how to turn it: read as stored, the
    # picture was "rotated by +90 degrees" in a clip every player shows upright.
    import cv2

    astronaut = cv2.resize(fx.source_image("astronaut")[:, 32:-32], (144, 192), interpolation=cv2.INTER_AREA)
    Image.fromarray(astronaut).save(tmp_path / "astronaut.png")
    stored = np.ascontiguousarray(np.rot90(astronaut, -rotation // 90))  # shown turned by `rotation` back
    _still_clip(tmp_path / "phone.mp4", stored, lambda stream: stream.set_display_rotation(rotation))
    document, span = _only_span(tmp_path / "phone.mp4", tmp_path / "astronaut.png")
    assert (document["video"]["width"], document["video"]["height"]) == (144, 192)
    assert span["summary"].startswith("The copy is the same picture (same size and position)"), span["summary"]


def test_an_anamorphic_clip_is_read_with_square_pixels(tmp_path: Path) -> None:
    # Stored 240 x 180 with pixels shown 4/3 as wide (as HDV stores 1920 x 1080 in 1440 x 1080):
    # read as stored, the picture was squeezed to 3/4 of its width and matched nothing.
    from fractions import Fraction

    import cv2

    astronaut = fx.source_image("astronaut")
    Image.fromarray(astronaut).save(tmp_path / "astronaut.png")
    shown = np.zeros((180, 320, 3), np.uint8)
    shown[:, 70:250] = cv2.resize(astronaut, (180, 180), interpolation=cv2.INTER_AREA)
    stored = cv2.resize(shown, (240, 180), interpolation=cv2.INTER_AREA)

    def anamorphic(stream: av.VideoStream) -> None:
        stream.codec_context.sample_aspect_ratio = Fraction(4, 3)

    _still_clip(tmp_path / "anamorphic.mp4", stored, anamorphic)
    document, span = _only_span(tmp_path / "anamorphic.mp4", tmp_path / "astronaut.png")
    assert (document["video"]["width"], document["video"]["height"]) == (320, 180)
    assert span["label"] == "near-duplicate" and span["start_s"] == 0.0, span


def test_a_cover_picture_stored_before_the_clip_is_not_taken_for_the_video(tmp_path: Path) -> None:
    # The first video stream was read as the video: a one-frame cover (a thumbnail a downloader
    # stored first) stood for the whole file, and the clip itself was never looked at.
    import cv2

    astronaut = cv2.resize(fx.source_image("astronaut"), (192, 192), interpolation=cv2.INTER_AREA)
    cover = cv2.resize(fx.source_image("coffee"), (192, 144), interpolation=cv2.INTER_AREA)
    Image.fromarray(astronaut).save(tmp_path / "astronaut.png")
    clip = tmp_path / "with-cover.mkv"
    with av.open(str(clip), "w") as container:
        thumbnail = container.add_stream("mjpeg", rate=1)
        thumbnail.width, thumbnail.height, thumbnail.pix_fmt = 192, 144, "yuvj420p"
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = 192, 192, "yuv420p"
        for packet in [*thumbnail.encode(av.VideoFrame.from_ndarray(cover, format="rgb24")), *thumbnail.encode()]:
            container.mux(packet)
        for _ in range(FPS):
            container.mux(video.encode(av.VideoFrame.from_ndarray(astronaut, format="rgb24")))
        container.mux(video.encode())
    document, span = _only_span(clip, tmp_path / "astronaut.png")
    assert (document["video"]["codec"], document["video"]["frames"]) == ("h264", FPS)
    assert span["start_s"] == 0.0 and span["label"] == "near-duplicate", span
