"""Portrait regions on real (and painted) portraits: detection, geometry, findings, posture."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fixtures import make_fixtures as F
from simforensics.compare import compare_images
from simforensics.portrait import find_people
from simforensics.region_findings import compare_pose, findings_unaligned
from simforensics.regions import grid_regions, portrait_regions

from .conftest import assert_runs_in_a_fresh_process


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    return w * h / (aw * ah + bw * bh - w * h)


def _overlap_share(box: tuple[int, int, int, int], mask: np.ndarray) -> float:
    x, y, w, h = box
    return float(mask[y : y + h, x : x + w].mean())


def _centre(box: tuple[int, int, int, int]) -> tuple[float, float]:
    return box[0] + box[2] / 2, box[1] + box[3] / 2


@pytest.fixture(scope="module")
def astronaut_portrait() -> np.ndarray:
    return F.portrait("astronaut")


@pytest.mark.parametrize(("name", "style"), [
    ("astronaut", None), ("astronaut", "oil"), ("astronaut", "cartoon"),
    ("grace_hopper", None), ("grace_hopper", "stylised"),
])
def test_finds_the_identifying_parts_of_photos_and_paintings(name: str, style: str | None) -> None:
    rgb = F.portrait(name)
    if style:
        rgb = F.painted(rgb, style)
    people = find_people(rgb)
    assert len(people.faces) == 1
    regions = {r.name: r for r in portrait_regions(people)}
    assert {"face", "eyes", "mouth", "hair-headwear", "left-ear", "right-ear", "neck", "background"} <= set(regions)
    face = regions["face"].box
    assert _iou(face, F.PORTRAIT_PARTS[name]["face"]) >= 0.5
    fx, fy, fw, fh = face
    for part in ("eyes", "mouth"):
        cx, cy = _centre(regions[part].box)
        assert fx <= cx <= fx + fw and fy <= cy <= fy + fh, part
    assert _centre(regions["eyes"].box)[1] < _centre(regions["mouth"].box)[1]
    assert regions["hair-headwear"].box[1] < fy  # reaches above the face
    assert regions["neck"].box[1] >= fy + fh * 0.8  # starts at the chin
    # The subject's left ear is on the right of a frontal portrait.
    assert _centre(regions["left-ear"].box)[0] > _centre(regions["right-ear"].box)[0]
    background = regions["background"].mask_at(rgb.shape[1], rgb.shape[0])
    assert background is not None
    for part in ("eyes", "mouth"):
        assert _overlap_share(regions[part].box, background) == 0, part


@pytest.mark.parametrize(("part", "how"), [
    ("face", "repaint"), ("face", "replace"), ("left-ear", "recolour"), ("clothing", "recolour"),
])
def test_a_redrawn_part_is_the_one_found_different(astronaut_portrait: np.ndarray, part: str, how: str) -> None:
    truth = F.PORTRAIT_PARTS["astronaut"][part]
    copy = F.redrawn_part(astronaut_portrait, truth, how)
    measured = compare_images(astronaut_portrait, copy.rgb)
    assert measured.verdict.label == "locally-edited"
    findings = {r.name: r for r in measured.regions}
    assert findings[part].verdict == "different", findings[part].reason
    for finding in measured.regions:
        if finding.name != "pose" and _overlap_share(finding.box, copy.edited_mask) < 0.02:
            assert finding.verdict == "same", (finding.name, finding.reason)
    assert findings["pose"].verdict == "same"
    assert f"different {part}" in measured.verdict.summary or part in measured.verdict.summary.split("different")[1]


def test_two_faces_are_reported_and_measured_each() -> None:
    picture = F.two_people()
    people = find_people(picture)
    assert len(people.faces) == 2
    names = {r.name: r for r in portrait_regions(people)}
    assert {"face", "face-2", "eyes-2", "left-ear-2"} <= set(names)
    # The astronaut (left half) has the smaller face: it is the second person.
    astronaut_face = names["face-2"].box
    assert _iou(astronaut_face, F.PORTRAIT_PARTS["astronaut"]["face"]) >= 0.5
    copy = F.redrawn_part(picture, F.PORTRAIT_PARTS["astronaut"]["face"], "recolour")
    findings = {r.name: r for r in compare_images(picture, copy.rgb).regions}
    assert findings["face-2"].verdict == "different"
    assert findings["face"].verdict == "same"


def test_detectors_that_disagree_find_nobody() -> None:
    # The face detector alone, and with the person mask, saw a rider on this motorcycle.
    from skimage import data

    assert not find_people(data.stereo_motorcycle()[0]).has_person


def test_a_face_meshed_off_the_person_mask_is_not_kept() -> None:
    # Enlarged with film grain, the motorcycle gives the face detector a "face" on its handlebar
    # that FaceMesh, running its own detector on the crop, meshes; the person mask is empty there.
    import cv2
    from skimage import data

    from simforensics.resample import shrink_to_side

    motorcycle = data.stereo_motorcycle()[0]
    h, w = motorcycle.shape[:2]
    motorcycle = motorcycle[:, (w - h * 4 // 3) // 2 :][:, : h * 4 // 3]
    big = cv2.resize(motorcycle, (2048, 1536), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    grain = F.film_grain(big.shape[:2], np.random.default_rng([0, 12]))
    grainy = shrink_to_side(np.clip(big + grain[:, :, None], 0, 255).round().astype(np.uint8), 1024)
    assert find_people(grainy).faces == ()


def test_a_picture_without_people_falls_back_to_a_grid() -> None:
    coffee = F.source_image("coffee")
    people = find_people(coffee)
    assert not people.has_person and portrait_regions(people) == []
    copy = F.recoloured(coffee, (20, 20, 80, 60))  # inside the top-left ninth
    measured = compare_images(coffee, copy.rgb)
    findings = {r.name: r for r in measured.regions}
    assert set(findings) == {r.name for r in grid_regions(coffee.shape[1], coffee.shape[0])}
    assert findings["top-left"].verdict in ("similar", "different")
    assert findings["bottom-right"].verdict == "same"
    assert measured.pose is None


@pytest.mark.parametrize("kind", ["scales", "fur"])
def test_a_creature_whose_face_no_model_reads_gets_figure_head_and_background(kind: str) -> None:
    # A saurian or furred astronaut: no face counts, yet the person mask and the short-range face
    # model agree that someone is there, so the figure is named and its head estimated from its top.
    creature = F.creature("astronaut", kind)
    people = find_people(creature)
    assert not people.faces and people.has_figure
    regions = {r.name: r for r in portrait_regions(people)}
    assert {"figure", "head", "background"} <= set(regions)
    head = regions["head"]
    assert head.source == "estimated" and "no face" in head.basis
    face_x, face_y = _centre(F.PORTRAIT_PARTS["astronaut"]["face"])
    x, y, w, h = head.box
    assert x <= face_x <= x + w and y <= face_y <= y + h  # the hand-measured face is in the head
    assert h < 0.6 * creature.shape[0]  # the head, not the whole figure


def test_the_creatures_redrawn_head_is_the_part_found_different() -> None:
    original = F.creature("astronaut", "scales")
    donor = F.source_image("rocket")
    copy = F.redrawn_part(original, F.PORTRAIT_PARTS["astronaut"]["face"], "replace", donor)
    findings = {r.name: r for r in compare_images(original, copy.rgb).regions}
    assert findings["head"].verdict == "different"
    assert findings["background"].verdict == "same"


@pytest.mark.parametrize("name", ["coffee", "rocket"])
def test_the_person_mask_alone_names_no_figure(name: str) -> None:
    # The person mask covers a quarter of the coffee cup; no face model agrees, so no figure.
    people = find_people(F.source_image(name))
    assert people.figure_mask is None and not people.has_figure


@pytest.mark.parametrize("name", ["chelsea", "coffee"])
def test_a_thumbnail_gets_no_portrait_models(name: str) -> None:
    # Shrunk to 64 px, Pose and the person mask saw a body in the cat and in the coffee cup; at
    # 128 px they see nobody, and the 128-px astronaut keeps her face.
    def shrunk(rgb: np.ndarray, side: int) -> np.ndarray:
        scale = side / max(rgb.shape[:2])
        size = (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale))
        return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)

    thumbnail = find_people(shrunk(F.source_image(name), 64))
    assert thumbnail.body is None and not thumbnail.has_figure and not thumbnail.person_mask.any()
    assert not find_people(shrunk(F.source_image(name), 128)).has_figure
    assert len(find_people(shrunk(F.source_image("astronaut"), 128)).faces) == 1


def test_the_haar_cascade_votes_for_a_real_face_only() -> None:
    from simforensics.portrait import _cascade_sees_face

    astronaut = F.portrait("astronaut")
    assert _cascade_sees_face(astronaut, F.PORTRAIT_PARTS["astronaut"]["face"])
    assert not _cascade_sees_face(astronaut, (300, 300, 100, 120))  # the suit's chest


def test_another_sitter_in_the_same_pose_is_similar_with_the_same_posture() -> None:
    original = F.portrait("astronaut")
    other = F.same_pose_other_portrait("astronaut", "grace_hopper")
    measured = compare_images(original, other)
    assert measured.verdict.label == "similar"
    assert measured.pose is not None and measured.pose.verdict == "same"
    findings = {r.name: r for r in measured.regions}
    assert findings["face"].verdict == "different"
    assert findings["face"].palette == "different"  # the redraw recoloured everything
    assert "same posture" in measured.verdict.summary.lower()


def test_posture_is_compared_as_geometry_mirror_and_all() -> None:
    astronaut, camera = F.portrait("astronaut"), F.portrait("camera")
    people = find_people(astronaut)
    mirrored = compare_pose(people, find_people(np.ascontiguousarray(astronaut[:, ::-1])), None)
    assert mirrored is not None and mirrored.verdict == "same" and mirrored.mirrored
    smaller = compare_pose(people, find_people(F.scaled(astronaut, 0.5).rgb), False)
    assert smaller is not None and smaller.verdict == "same" and not smaller.mirrored
    other = compare_pose(people, find_people(camera), None)
    assert other is not None and other.verdict == "different"


def test_parts_found_separately_are_compared_crop_to_crop() -> None:
    astronaut = F.portrait("astronaut")
    regions = portrait_regions(find_people(astronaut))
    painted = F.painted(F.cropped(astronaut, (20, 10, 470, 480)).rgb, "oil")
    same_sitter = {f.name: f for f in findings_unaligned(regions, portrait_regions(find_people(painted)), astronaut, painted)}
    assert same_sitter["face"].verdict in ("same", "similar")
    assert same_sitter["face"].copy_box is not None
    grace = F.portrait("grace_hopper")
    other_sitter = {f.name: f for f in findings_unaligned(regions, portrait_regions(find_people(grace)), astronaut, grace)}
    assert other_sitter["face"].verdict == "different"


def test_a_landscape_against_a_tiny_unrelated_portrait_compares_grid_to_grid() -> None:
    # Regression: grid cells of a small copy were thinner than SSIM's 11-pixel window.
    coffee = F.source_image("coffee")
    tiny_portrait = np.ascontiguousarray(F.portrait("camera")[100:140, 180:240])
    measured = compare_images(coffee, tiny_portrait)
    assert measured.verdict.label in ("unrelated", "similar")
    assert {f.source for f in measured.regions} == {"grid"}
    assert all(f.verdict in ("same", "similar", "different", "absent") for f in measured.regions)


def test_the_portrait_models_load_without_mediapipes_unused_modules() -> None:
    # portrait._solutions keeps mediapipe's drawing helpers (and with them matplotlib's pyplot,
    # ~0.3 s), its tasks API and its other solutions out of a comparison's start, and leaves them
    # importable for anyone who wants them.
    script = (
        "import importlib, sys\n"
        "from fixtures import make_fixtures as F\n"
        "from simforensics.portrait import find_people\n"
        "assert find_people(F.portrait('grace_hopper')).faces\n"
        "for name in ('matplotlib.pyplot', 'mediapipe.tasks', 'mediapipe.python.solutions.hands'):\n"
        "    assert name not in sys.modules, name + ' was imported'\n"
        "import mediapipe\n"
        "assert not hasattr(mediapipe, 'tasks'), 'a stand-in was left bound'\n"
        "drawing = importlib.import_module('mediapipe.python.solutions.drawing_utils')\n"
        "assert drawing.DrawingSpec is not None\n"
        "import mediapipe.tasks.python\n"
        "assert mediapipe.tasks.python.vision is not None\n"
        "import mediapipe.python.solutions.hands as hands\n"
        "assert hands.Hands is not None\n"
    )
    assert_runs_in_a_fresh_process(script)


def test_facemesh_keeps_its_options_without_the_rest_of_mediapipe() -> None:
    # FaceMesh's face-presence sigmoid (TensorsToFloatsCalculator's options) reaches its graph only
    # if Python knows the options type, which the stood-in modules used to import: without it,
    # FaceMesh found no face on this 64-px astronaut (a fresh process, nothing else imported). It is
    # passed as the preview of a 512-px picture: pictures under PORTRAIT_MIN_SIDE get no models.
    script = (
        "import numpy as np\n"
        "from PIL import Image\n"
        "from skimage import data\n"
        "from simforensics.portrait import find_people\n"
        "small = np.asarray(Image.fromarray(data.astronaut()).resize((64, 64), Image.LANCZOS))\n"
        "faces = find_people(small, (512, 512)).faces\n"
        "assert len(faces) == 1 and faces[0].mesh is not None, faces\n"
    )
    assert_runs_in_a_fresh_process(script)


def test_where_the_person_mask_finds_nobody_no_other_model_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Faces and bodies count only on the person mask: with an empty mask they cannot, and the
    # face detector and Pose are not asked (nor built).
    from simforensics import portrait

    asked = []
    model = portrait._model
    monkeypatch.setattr(portrait, "_model", lambda name: asked.append(name) or model(name))
    grey = np.full((300, 400, 3), 128, np.uint8)
    people = find_people(grey)
    assert asked == ["person"]
    assert not people.has_figure and not people.person_mask.any()
    assert people.person_mask.shape == (300, 400) and (people.width, people.height) == (400, 300)


def test_parts_found_in_one_picture_only_are_named_so() -> None:
    # A portrait against a picture with no one in it: its parts are absent from the other, which
    # the summary says (it once read "Regions: ." with nothing in between).
    portrait, nobody = F.source_image("astronaut", 320), F.source_image("coffee", 320)
    summary = compare_images(portrait, nobody).verdict.summary
    assert "Regions: ." not in summary
    assert "found in one picture only" in summary, summary


def _file(rgb: np.ndarray, fmt: str, quality: int = 90) -> tuple[np.ndarray, object]:
    """``rgb`` saved as ``fmt`` in memory: its decoded pixels and the file's facts."""
    import io

    from PIL import Image

    from simforensics.derivation import facts_from_bytes

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    data = buffer.getvalue()
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), facts_from_bytes(data)


def test_a_coarse_jpegs_own_colour_noise_recolours_no_part() -> None:
    """Quality 10 moves the palette of chelsea's fur and background parts past PALETTE_SAME (three
    grid parts read 'recoloured' before): judged against the original as the copy's encoding shows
    it, none is. A part really recoloured, then saved at quality 10, still is."""
    from skimage import data

    chelsea = data.chelsea()
    original, original_facts = _file(chelsea, "PNG")
    coarse, coarse_facts = _file(chelsea, "JPEG", 10)
    findings = compare_images(original, coarse, facts=(original_facts, coarse_facts)).regions
    assert len(findings) == 9  # the grid: no person in it
    assert not [f.name for f in findings if f.verdict.value == "different" or f.palette is not None and f.palette.value == "different"]
    recoloured = chelsea.copy()
    hsv = cv2.cvtColor(recoloured[:100, 301:], cv2.COLOR_RGB2HSV)
    hsv[..., 0] = (hsv[..., 0].astype(int) + 60) % 180
    hsv[..., 1] = 200
    recoloured[:100, 301:] = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
    edited, edited_facts = _file(recoloured, "JPEG", 10)
    findings = compare_images(original, edited, facts=(original_facts, edited_facts)).regions
    assert [f.name for f in findings if f.verdict.value == "different"] == ["top-right"], [(f.name, f.verdict, f.reason) for f in findings]
