"""One trace: picture -> portfolio (cached features) -> candidates -> pieces -> attribution -> ``Trace``.

Two retrieval passes (Pinto et al., ICIP 2017, "two-tier" provenance filtering): the first
queries with the whole picture's features; the second with the features of what the first left
unexplained, so a small piece beside large ones is not drowned out.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np
from scipy import ndimage

from .. import thresholds as T
from ..changes import is_grey
from ..errors import EvidenceError
from ..evidence import Evidence, load_evidence
from ..scan.decode import read_reduced
from .attribute import attribute, large_areas
from .explain import Explanation, PictureFrame, picture_frame, source_pieces
from .fit import Keypoints, sift_keypoints
from .model import Piece, Trace, TracedSource, TraceOptions
from .portfolio import Portfolio, read_portfolio
from .retrieve import build_index, find_candidates, query_features, search

__all__ = ["trace_picture"]


@dataclass(frozen=True)
class _Found:
    picture: int  # index into the portfolio
    retrieval_pass: int
    explanation: Explanation
    source_shape: tuple[int, int]  # full size (height, width)


def trace_picture(options: TraceOptions, advance: Callable[[], None] | None = None) -> Trace:
    """Trace ``options.picture`` against the pictures under ``options.folder``.

    Raises ``EvidenceError`` when the picture cannot be read; unreadable portfolio files are listed
    in the result's ``errors``.
    """
    started = time.perf_counter()
    picture = load_evidence(options.picture, max_pixels=options.max_pixels, with_provenance=True)
    exclude = (options.picture,) + ((options.cache_path,) if options.cache_path else ())
    portfolio = read_portfolio(options.folder, cache_path=options.cache_path, workers=options.workers,
                               max_pixels=options.max_pixels, exclude=exclude, advance=advance)
    index = build_index(portfolio.pictures)
    query = query_features(cv2.cvtColor(picture.rgb, cv2.COLOR_RGB2GRAY))
    neighbours = search(index, query)
    frame = picture_frame(picture.rgb)
    keypoints = sift_keypoints(picture.rgb, side=T.TRACE_PICTURE_FEATURE_SIDE, count=T.TRACE_PICTURE_FEATURES,
                               grid=T.TRACE_QUERY_GRID)
    working_shape = frame.grey.shape
    errors = list(portfolio.errors)
    found: list[_Found] = []
    checked: set[int] = set()
    for retrieval_pass in (1, 2):
        use = None
        if retrieval_pass == 2:
            # What the first pass left unexplained, a large hole in a piece's area included
            # (attribute): pictures pasted on a work used as the ground, whose versions took the
            # first pass's candidates, are looked for there.
            labels = attribute([f.explanation for f in _without_versions(found)[0]], frame)
            if (labels == 0).mean() < T.TRACE_SECOND_PASS_UNEXPLAINED:
                break
            at = np.round(query.points * frame.scale).astype(int)
            rows = np.clip(at[:, 1], 0, working_shape[0] - 1)
            cols = np.clip(at[:, 0], 0, working_shape[1] - 1)
            use = labels[rows, cols] == 0
        for candidate in find_candidates(index, query, neighbours, use=use, exclude=frozenset(checked)):
            checked.add(candidate.picture)
            entry = portfolio.pictures[candidate.picture]
            try:
                source = read_reduced(entry.path, side=T.TRACE_SOURCE_SIDE, max_pixels=options.max_pixels)
            except EvidenceError as exc:
                errors.append((entry.path, exc.reason))
                continue
            found.extend(_pieces_of(frame, keypoints, source.pixels, (source.height, source.width),
                                    candidate.picture, retrieval_pass))
    found, versions = _without_versions(found)
    labels = attribute([f.explanation for f in found], frame)
    greyed = set()  # pieces grey in the picture where their source is coloured
    for k, item in enumerate(found, start=1):
        region = labels == k
        if region.any() and is_grey(frame.rgb, region) and not is_grey(item.explanation.warped, region):
            greyed.add(k)
    return _result(picture, options.folder, portfolio, found, versions, labels, _plain_areas(frame, labels), greyed,
                   errors, len(checked), time.perf_counter() - started, options.max_pixels)


def _without_versions(found: list[_Found]) -> tuple[list[_Found], dict[int, set[int]]]:
    """The pieces less those that another portfolio picture explains over the same pixels, and for
    each picture kept, the others that show its pieces (as portfolio indices).

    A portfolio often holds versions of one work (the original, a crop, a watermarked or
    re-encoded copy). Each explains the piece taken from it, and, one source per pixel, they
    shared it out pixel by pixel: a piece of 5.5 % of the picture came out as 2.2 % from one version
    and 1.1 % from another, the rest of it in specks under the smallest piece. A piece whose
    explained pixels lie, TRACE_SAME_PIECE of them, inside those of a larger piece of another
    picture is the same piece: it is left to the larger (the lower mean cost breaks a tie), whose
    source names it as a version."""
    # Explained: under the floors (a piece's area also holds the holes it enclosed, at their cost).
    explained = [f.explanation.cost < 1 for f in found]
    sizes = [int(e.sum()) for e in explained]
    mean_costs = [float(f.explanation.cost[e].mean()) if size else np.inf
                  for f, e, size in zip(found, explained, sizes, strict=True)]
    kept: list[int] = []
    versions: dict[int, set[int]] = {}
    for i in sorted(range(len(found)), key=lambda i: (-sizes[i], mean_costs[i], i)):
        larger = next((j for j in kept if found[j].picture != found[i].picture
                       and (explained[i] & explained[j]).sum() >= T.TRACE_SAME_PIECE * sizes[i]), None)
        if larger is None:
            kept.append(i)
        else:
            versions.setdefault(found[larger].picture, set()).add(found[i].picture)
    kept.sort()
    shown = {found[i].picture for i in kept}
    return [found[i] for i in kept], {p: others - shown for p, others in versions.items() if others - shown}


def _plain_areas(frame: PictureFrame, labels: np.ndarray) -> np.ndarray:
    """bool, working frame: the unexplained areas without texture to trace (a flat or smoothly
    graded canvas, a border), so that a collage on a blank ground is not called half unexplained.
    Texture as the hull test counts it (TRACE_MIN_TEXTURE); opened at the attribution's smoothing
    scale, so the flat insides of unexplained drawings stay unexplained, not plain; areas under
    TRACE_MIN_PIECE_AREA dropped, as pieces are."""
    return large_areas((labels == 0) & ~frame.textured)


def _pieces_of(frame: PictureFrame, keypoints: Keypoints, source: np.ndarray, source_shape: tuple[int, int], number: int,
               retrieval_pass: int) -> list[_Found]:
    return [_Found(number, retrieval_pass, explanation, source_shape)
            for explanation in source_pieces(frame, keypoints, source, source_shape)]


def _box(mask: np.ndarray) -> tuple[int, int, int, int]:
    x, y, w, h = cv2.boundingRect(mask.astype(np.uint8))
    return int(x), int(y), int(w), int(h)


def _describe(matrix: np.ndarray) -> tuple[float, float, tuple[float, float]]:
    """(scale, turn, axis scales) of the piece as placed in the picture: picture pixels per source
    pixel (overall, and along the source's width and height: they differ for a stretched piece),
    and degrees counter-clockwise as seen on screen, the mirror taken out."""
    placed = np.linalg.inv(matrix)[:2, :2]  # source -> picture
    if np.linalg.det(placed) < 0:
        placed = placed @ np.diag([-1.0, 1.0])
    scale = float(np.sqrt(abs(np.linalg.det(placed))))
    across, down = (float(v) for v in np.linalg.norm(placed, axis=0))
    # Image rows run downwards, so a positive angle of the matrix turns clockwise on screen.
    return scale, float(-np.degrees(np.arctan2(placed[1, 0], placed[0, 0]))), (across, down)


def _source_box(box: tuple[int, int, int, int], matrix: np.ndarray, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    x, y, w, h = box
    corners = np.array([[x, y, 1], [x + w, y, 1], [x, y + h, 1], [x + w, y + h, 1]], np.float64) @ matrix.T
    x0, y0 = np.clip(np.floor(corners[:, :2].min(axis=0)), 0, [shape[1], shape[0]])
    x1, y1 = np.clip(np.ceil(corners[:, :2].max(axis=0)), 0, [shape[1], shape[0]])
    return int(x0), int(y0), int(x1 - x0), int(y1 - y0)


def _result(picture: Evidence, folder: str, portfolio: Portfolio, found: list[_Found], versions: dict[int, set[int]],
            labels: np.ndarray, plain: np.ndarray, greyed: set[int], errors: list[tuple[str, str]], checked: int,
            seconds: float, max_pixels: int) -> Trace:
    height, width = picture.height, picture.width
    full = cv2.resize(labels.astype(np.uint16), (width, height), interpolation=cv2.INTER_NEAREST)
    plain = cv2.resize(plain.astype(np.uint8), (width, height), interpolation=cv2.INTER_NEAREST).astype(bool)
    total = float(height * width)
    pieces: dict[int, list[Piece]] = {}
    passes: dict[int, int] = {}
    kept = np.zeros((height, width), np.uint16)  # the pieces that stay: a speck under the floor is unexplained
    for k, item in enumerate(found, start=1):
        parts, count = ndimage.label(full == k)
        for part in range(1, count + 1):
            mask = parts == part
            area = float(mask.sum()) / total
            if area < T.TRACE_MIN_PIECE_AREA:
                continue
            kept[mask] = k
            box = _box(mask)
            e = item.explanation
            scale, turn, axis_scales = _describe(e.model.matrix)
            pieces.setdefault(item.picture, []).append(Piece(
                box=box, area_fraction=area, matrix=e.model.matrix, mirrored=e.model.mirrored, inliers=e.model.inliers,
                scale=scale, axis_scales=axis_scales, rotation_degrees=turn, colour_shift=e.colour_shift, residual=e.residual,
                source_box=_source_box(box, e.model.matrix, item.source_shape), made_grey=k in greyed))
            passes[item.picture] = min(passes.get(item.picture, 2), item.retrieval_pass)
    order = sorted(pieces, key=lambda p: (-sum(x.area_fraction for x in pieces[p]), portfolio.pictures[p].path))
    source_map = np.zeros((height, width), np.uint8)
    sources = []
    for rank, number in enumerate(order, start=1):
        entry = portfolio.pictures[number]
        for k, item in enumerate(found, start=1):
            if item.picture == number:
                source_map[kept == k] = rank
        evidence = None
        try:
            evidence = load_evidence(entry.path, max_pixels=max_pixels, with_provenance=True)
        except EvidenceError as exc:
            errors.append((entry.path, exc.reason))
        own = tuple(sorted(pieces[number], key=lambda p: (-p.area_fraction, p.box)))
        also = tuple(sorted(portfolio.pictures[other].path for other in versions.get(number, ())))
        sources.append(TracedSource(entry.path, entry.sha256, entry.width, entry.height,
                                    float((source_map == rank).sum()) / total, own, passes[number], evidence, also))
    return Trace(picture=picture, folder=folder, sources=tuple(sources), source_map=source_map,
                 unexplained_fraction=float((source_map == 0).mean()),
                 plain_fraction=float(((source_map == 0) & plain).mean()), errors=tuple(sorted(set(errors))),
                 portfolio_size=len(portfolio.pictures), from_cache=portfolio.from_cache, candidates_checked=checked,
                 picture_in_portfolio=os.path.realpath(picture.path).startswith(os.path.realpath(folder) + os.sep),
                 seconds=seconds)
