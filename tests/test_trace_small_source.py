"""trace: a piece of a small source (a 200-px picture) pasted enlarged is fitted on many agreeing
keypoints, because every picture's keypoints are found with it brought up to the step's side
(TRACE_MOST_ENLARGEMENT): at its own size the small picture holds few SIFT extrema, and the piece
was proposed by 10 agreeing matches, two above the floor (TRACE_MIN_INLIERS)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from skimage import data

from simforensics import thresholds as T
from simforensics.resample import resize_to_side
from simforensics.trace import TraceOptions, trace_picture


def _work(name: str, side: int) -> np.ndarray:
    rgb = getattr(data, name)()
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[..., None], 3, axis=2)
    scale = side / max(rgb.shape[:2])
    return cv2.resize(rgb[..., :3], (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)), interpolation=cv2.INTER_AREA)


def test_resize_to_side_enlarges_at_most_the_limit_and_shrinks_by_area() -> None:
    small = np.zeros((100, 50), np.uint8)
    assert resize_to_side(small, 512, 2.0).shape == (200, 100)  # not 512: twice at most
    assert resize_to_side(small, 150, 2.0).shape == (150, 75)
    assert resize_to_side(np.zeros((1000, 500), np.uint8), 512, 2.0).shape == (512, 256)


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
