"""trace's retrieval: the candidate carries the transform its agreeing keypoints fit, as a
picture -> source matrix the dense test can judge (mirrors included)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from skimage import data

from simforensics.evidence import DEFAULT_MAX_PIXELS
from simforensics.trace.portfolio import read_portfolio
from simforensics.trace.retrieve import (
    build_index,
    find_candidates,
    query_features,
    search,
)


@pytest.mark.parametrize("mirrored", [False, True])
def test_the_candidate_carries_the_pieces_transform(tmp_path: Path, mirrored: bool) -> None:
    portfolio = tmp_path / "portfolio"
    portfolio.mkdir()
    astronaut = data.astronaut()  # 512 x 512
    Image.fromarray(astronaut).save(portfolio / "astronaut.png")
    Image.fromarray(data.coffee()).save(portfolio / "coffee.png")
    Image.fromarray(np.repeat(data.camera()[..., None], 3, axis=2)).save(portfolio / "camera.png")
    # A crop of the astronaut (x 100-300, y 50-250), reduced to 0.75 and pasted at (60, 40).
    piece = cv2.resize(astronaut[50:250, 100:300], (150, 150), interpolation=cv2.INTER_AREA)
    if mirrored:
        piece = np.ascontiguousarray(piece[:, ::-1])
    canvas = np.full((300, 400, 3), 90, np.uint8)
    canvas[40:190, 60:210] = piece

    pictures = read_portfolio(str(portfolio), cache_path=None, workers=1, max_pixels=DEFAULT_MAX_PIXELS)
    index = build_index(pictures.pictures)
    query = query_features(cv2.cvtColor(canvas, cv2.COLOR_RGB2GRAY))
    candidates = find_candidates(index, query, search(index, query))

    assert candidates and Path(pictures.pictures[candidates[0].picture].path).name == "astronaut.png"
    best = candidates[0]
    assert best.mirrored is mirrored and best.matrix is not None
    assert np.all((best.points >= [60, 40]) & (best.points < [210, 190]))  # its keypoints lie on the piece
    # Picture pixels of the piece land where they came from in the source, within a few pixels.
    for x, y in ((80.0, 60.0), (190.0, 170.0), (135.0, 115.0)):
        u = (x - 60) / 0.75
        expected = (100 + (199 - u if mirrored else u), 50 + (y - 40) / 0.75)
        placed = best.matrix @ [x, y, 1.0]
        assert np.allclose(placed[:2], expected, atol=4.0), (placed, expected)
