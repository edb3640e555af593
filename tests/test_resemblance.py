"""The resemblance profile in a comparison: every dimension, placed in a reference, in every report."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fixtures import make_fixtures as fx
from simforensics.compare import compare_images
from simforensics.portrait import find_people
from simforensics.resemblance import pose
from simforensics.resemblance.model import Likeness, PictureView
from simforensics.resemblance.reference import builtin_reference

from .conftest import read_json, run_cli

DIMENSIONS = ["composition", "palette", "style", "subject", "pose"]


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    return fx.source_image("astronaut", 384)


def test_every_comparison_has_a_profile_placed_in_the_builtin_reference(astronaut: np.ndarray) -> None:
    painted = fx.painted(astronaut, "oil")
    profile = compare_images(astronaut, painted).resemblance
    assert profile is not None and [d.name for d in profile.dimensions] == DIMENSIONS
    assert profile.reference.name == "builtin" and profile.reference.pairs >= 1000
    assert profile.reference.warning and "--reference" in profile.reference.warning
    for d in profile.dimensions:
        assert d.why
        if d.finding is not Likeness.NOT_MEASURED:
            assert 0 <= d.score <= 1 and 0 <= d.percentile <= 1
    # A painted version keeps the layout and the subject: rarer than almost every unrelated pair.
    assert profile.dimension("composition").finding is Likeness.DISTINCTIVE
    unrelated = compare_images(astronaut, fx.source_image("coffee", 384)).resemblance
    assert unrelated.dimension("composition").score < profile.dimension("composition").score
    assert unrelated.dimension("composition").finding is not Likeness.DISTINCTIVE


def test_scan_verification_leaves_the_profile_out(astronaut: np.ndarray) -> None:
    measured = compare_images(astronaut, astronaut[:, ::-1].copy(), with_people=False)
    assert measured.resemblance is None and measured.descriptions is None


def test_posture_scores_the_same_body_high_and_says_when_there_is_none(astronaut: np.ndarray) -> None:
    people = find_people(astronaut)
    mirrored = astronaut[:, ::-1].copy()
    same = pose.compare(pose.describe(PictureView(astronaut, people)),
                        pose.describe(PictureView(mirrored, find_people(mirrored))))
    assert same.score is not None and same.score > 0.8 and "same posture" in same.why
    coffee = fx.source_image("coffee", 384)
    none = pose.compare(pose.describe(PictureView(astronaut, people)),
                        pose.describe(PictureView(coffee, find_people(coffee))))
    assert none.score is None and "no body found in the second picture" in none.why
    assert pose.compare(pose.describe(PictureView(astronaut, None)), pose.describe(PictureView(astronaut, people))).score is None


def test_the_builtin_reference_is_the_shipped_data() -> None:
    reference = builtin_reference()
    assert set(DIMENSIONS[:4]) <= set(reference.scores)
    for name in DIMENSIONS[:4]:
        table = reference.scores[name]
        assert len(table) >= 1000 and np.all(np.diff(table) >= 0) and 0 <= table[0] and table[-1] <= 1


def test_the_json_and_terminal_carry_the_profile(tmp_path: Path, astronaut: np.ndarray) -> None:
    Image.fromarray(astronaut).save(tmp_path / "a.png")
    Image.fromarray(fx.painted(astronaut, "stylised")).save(tmp_path / "b.png")
    done = run_cli("compare", str(tmp_path / "a.png"), str(tmp_path / "b.png"), "--json", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    document = read_json(tmp_path / "r.json")
    resemblance = document["resemblance"]
    assert resemblance["reference"]["name"] == "builtin" and resemblance["reference"]["pairs"] >= 1000
    assert [d["name"] for d in resemblance["dimensions"]] == DIMENSIONS
    assert {d["finding"] for d in resemblance["dimensions"]} <= {"distinctive", "common", "different", "not-measured"}
    done = run_cli("compare", str(tmp_path / "a.png"), str(tmp_path / "b.png"))
    assert "Resemblance" in done.stdout and "composition" in done.stdout


def test_a_folder_reference_is_made_once_and_named(tmp_path: Path) -> None:
    folder = tmp_path / "genre"
    folder.mkdir()
    rng = np.random.default_rng(3)
    for name in ("astronaut", "chelsea", "coffee", "rocket"):
        picture = fx.source_image(name, 200)
        Image.fromarray(picture).save(folder / f"{name}.png")
        Image.fromarray(np.ascontiguousarray(picture[:, ::-1])).save(folder / f"{name}-mirrored.png")  # a copy: left out
    (folder / "notes.txt").write_text("not a picture")
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    Image.fromarray(fx.source_image("astronaut", 200)).save(a)
    Image.fromarray((rng.random((150, 200, 3)) * 255).astype(np.uint8)).save(b)
    cache = tmp_path / "cache"
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    import subprocess
    import sys

    command = [sys.executable, "-m", "simforensics", "compare", str(a), str(b), "--reference", str(folder),
               "--json", str(tmp_path / "r.json")]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert f"making the reference from the pictures under {folder}, once" in done.stderr  # it takes a while
    reference = json.loads((tmp_path / "r.json").read_text())["resemblance"]["reference"]
    assert reference["name"] == str(folder)
    # 8 pictures, mirrored twins of one another are copies: 28 pairs less the 4 twin pairs.
    assert reference["pictures"] == 8 and reference["pairs"] == 24
    assert "1 unreadable" in reference["kind"]
    made = list((cache / "simforensics").glob("reference-*.json"))
    assert len(made) == 1
    # 24 pairs cannot give a percentile: the report says so once, not only dimension by dimension.
    assert "too small to place any likeness" in reference["warning"] and "24 pairs" in reference["warning"]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300, check=False)
    assert done.returncode == 0 and list((cache / "simforensics").glob("reference-*.json")) == made
    assert "making the reference" not in done.stderr
    again = json.loads((tmp_path / "r.json").read_text())["resemblance"]["reference"]
    assert again["warning"] == reference["warning"]  # from the cache too
    bad = run_cli("compare", str(a), str(b), "--reference", str(tmp_path / "absent"))
    assert bad.returncode == 2 and "not a folder" in bad.stderr


def test_the_shipped_builtin_reference_is_what_its_script_makes() -> None:
    # The data must follow the code: a change to a dimension's score without making the builtin
    # reference again (python -m simforensics.resemblance.builtin) fails here.
    from simforensics.resemblance.builtin import build

    made, shipped = build(), builtin_reference()
    assert (made.info.pictures, made.info.pairs) == (shipped.info.pictures, shipped.info.pairs)
    assert set(made.scores) == set(shipped.scores)
    for name, scores in made.scores.items():
        # Equal up to the shipped file's 4 digits; a model that places a keypoint a little
        # differently on another machine may move a few pairs, not the distribution.
        assert abs(len(scores) - len(shipped.scores[name])) <= 0.01 * len(scores), name
        quantiles = np.linspace(0.05, 0.99, 20)
        assert np.allclose(np.quantile(scores, quantiles), np.quantile(shipped.scores[name], quantiles), atol=0.01), name


def test_a_posture_shared_in_head_and_shoulders_only_does_not_make_two_portraits_similar() -> None:
    import cv2

    from simforensics import thresholds as T
    from simforensics.region_findings import Finding
    from simforensics.resemblance.builtin import load_source

    hopper = load_source("matplotlib:grace_hopper.jpg")
    astronaut = fx.source_image("astronaut", 448)
    hopper = cv2.resize(hopper, (448 * hopper.shape[1] // hopper.shape[0], 448), interpolation=cv2.INTER_AREA)
    # Two people facing the camera: their heads and shoulders match, their arms do not.
    unrelated = compare_images(astronaut[20:-20, 20:-20].copy(), hopper[30:-10, 20:-20].copy())
    assert unrelated.pose is not None and unrelated.pose.verdict is Finding.SAME and unrelated.pose.limbs
    assert unrelated.pose.limb_distance is not None and unrelated.pose.limb_distance > T.POSE_SAME
    assert "arms and legs offset" in unrelated.pose.reason
    assert str(unrelated.verdict.label) == "unrelated"
    # The same body mirrored has its arms where they were.
    mirrored = compare_images(astronaut, astronaut[:, ::-1].copy())
    assert mirrored.pose is not None and mirrored.pose.limb_distance is not None
    assert mirrored.pose.limb_distance <= T.POSE_SAME


def _shipped_graphic(package: str, relative: str) -> np.ndarray:
    """A graphic an installed package ships (a logo), read as compare reads a file."""
    from importlib import resources

    from simforensics.evidence import load_evidence

    return load_evidence(str(resources.files(package).joinpath(relative)), max_pixels=50_000_000).rgb


def _drawn_graphic(seed: int) -> np.ndarray:
    """Clip art: a few shapes in pure colours on a white ground, each seed its own."""
    import cv2

    rng = np.random.default_rng(seed)
    picture = np.full((300, 400, 3), 255, np.uint8)
    for _ in range(4):
        colour = tuple(int(c) for c in rng.choice([0, 60, 200, 255], 3))
        x, y, r = (int(v) for v in rng.integers([40, 40, 20], [360, 260, 90]))
        if rng.random() < 0.5:
            cv2.circle(picture, (x, y), r, colour, -1, cv2.LINE_AA)
        else:
            cv2.rectangle(picture, (x - r, y - r // 2), (x + r, y + r // 2), colour, -1)
    return picture


def test_two_unrelated_graphics_are_not_alike_as_photographs_never_are(astronaut: np.ndarray) -> None:
    # Two logos on white, drawn in a few flat colours, share a rendering and a palette that hardly
    # any photograph of the builtin reference has: placed among its photographs, both were
    # "distinctive" (style at the 100th percentile, palette at the 99.4th) and the pair "similar".
    from simforensics.resemblance.builtin import views
    from simforensics.resemblance.population import (
        describe_rgb,
        reference_from_pictures,
    )
    from simforensics.resemblance.profile import view_of

    numpy_logo = _shipped_graphic("distributed", "http/static/images/numpy.png")
    pandas_logo = _shipped_graphic("distributed", "http/static/images/pandas.png")
    python_logo = _shipped_graphic("matplotlib", "mpl-data/sample_data/logo2.png")
    for a, b in ((numpy_logo, pandas_logo), (pandas_logo, python_logo)):
        pair = compare_images(a, b)
        assert str(pair.verdict.label) == "unrelated", pair.verdict.summary
        for name in ("style", "palette"):
            found = pair.resemblance.dimension(name)
            assert found.finding is Likeness.NOT_MEASURED and found.score is not None
            assert "pictures drawn in flat colours" in found.why
    # A painted photograph is not drawn so: its flat patches are many colours.
    from simforensics.resemblance.colour import drawn_in_flat_colours

    assert drawn_in_flat_colours(view_of(numpy_logo, None))
    assert not drawn_in_flat_colours(view_of(fx.painted(astronaut, "cartoon"), None))
    # Against a reference of graphics, two graphics' style and palette are placed among them.
    graphics = [(f"clip art {seed}", *describe_rgb(np.ascontiguousarray(view)))
                for seed in range(6) for _, view in views(_drawn_graphic(seed))]
    reference = reference_from_pictures(graphics, name="clip art", kind="drawn graphics")
    pair = compare_images(numpy_logo, pandas_logo, reference=reference)
    for name in ("style", "palette"):
        found = pair.resemblance.dimension(name)
        assert found.percentile is not None and "among the reference's pairs of pictures drawn in flat colours" in found.why
