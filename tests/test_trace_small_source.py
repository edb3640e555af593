"""trace: a piece of a small source (a 200-px picture) pasted enlarged is fitted on many agreeing
keypoints, because grid cells short of keypoints are searched again enlarged (TRACE_MOST_ENLARGEMENT):
at its own size the small picture holds few SIFT extrema, and the piece was proposed by 10
agreeing matches, two above the floor (TRACE_MIN_INLIERS)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from skimage import data

from simforensics import thresholds as T
from simforensics.trace import TraceOptions, trace_picture
from simforensics.trace.features import grid_keypoints


def _work(name: str, side: int) -> np.ndarray:
    rgb = getattr(data, name)()
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[..., None], 3, axis=2)
    scale = side / max(rgb.shape[:2])
    return cv2.resize(rgb[..., :3], (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)), interpolation=cv2.INTER_AREA)


def test_only_cells_short_of_keypoints_are_enlarged() -> None:
    small = _work("rocket", 200)[..., 0]  # 133 x 200: every cell short of 100 keypoints
    _, few = grid_keypoints(small, 900, 3)
    _, more = grid_keypoints(small, 900, 3, enlarge=2.0)
    assert len(more) > 2 * len(few)
    assert more[:, 0].max() < small.shape[1] and more[:, 1].max() < small.shape[0]  # in the picture's pixels
    textured = _work("astronaut", 200)[..., 0]
    _, plain = grid_keypoints(textured, 90, 3)  # 10 a cell: every cell fills its share
    _, same = grid_keypoints(textured, 90, 3, enlarge=2.0)
    assert np.array_equal(plain, same)


def test_a_piece_of_a_small_source_is_fitted_on_many_agreeing_keypoints(tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    rocket = _work("rocket", 200)  # 200 x 150
    Image.fromarray(rocket).save(portfolio / "rocket.png")
    for name in ("coffee", "camera", "coins"):
        Image.fromarray(_work(name, 320)).save(portfolio / f"{name}.png")
    h, w = rocket.shape[:2]
    crop = rocket[h // 5 : h // 5 + h * 3 // 5, w // 5 : w // 5 + w * 3 // 5]
    piece = cv2.resize(crop, None, fx=1.3, fy=1.3, interpolation=cv2.INTER_CUBIC)
    canvas = np.full((360, 480, 3), 128, np.uint8)
    canvas[40 : 40 + piece.shape[0], 60 : 60 + piece.shape[1]] = piece
    Image.fromarray(canvas).save(tmp_path / "collage.jpg", quality=90)

    trace = trace_picture(TraceOptions(picture=str(tmp_path / "collage.jpg"), folder=str(portfolio), workers=1))

    assert [Path(s.path).name for s in trace.sources] == ["rocket.png"]
    region = trace.sources[0].pieces[0]
    assert abs(region.scale - 1.3) < 0.05
    # Enlarged twice, the rocket gives 75 agreeing matches here; at its own size, 10.
    assert region.inliers >= 4 * T.TRACE_MIN_INLIERS
    x, y, bw, bh = region.box
    assert abs(x - 60) <= 4 and abs(y - 40) <= 4 and abs(bw - piece.shape[1]) <= 8 and abs(bh - piece.shape[0]) <= 8
