"""Composition: where the masses are, whatever fills them.

Each picture is set, keeping its proportions, in a square frame of COMPOSITION_FRAME x
COMPOSITION_FRAME cells (centred, the rest left empty), and three maps are read in it:

- ``lightness``: CIELAB L* of each cell (the light and dark masses);
- ``saliency``: where the eye is drawn, by the spectral residual (Hou & Zhang 2007, OpenCV);
- ``figure``: the main figure: the person mask when the portrait models found a person, else
  their main figure when a face detector confirmed one on it, else the region standing out in
  colour or texture from the picture's edges (``_salient_region``).

Two pictures compare by the correlation of each map and by how well the figures' silhouettes
match once each is centred and scaled to one size (shape apart from place and size), all of it
as they are and with one picture mirrored (a mirrored layout is the same composition); the better
way round is kept and named. The figure's centroid, share and tone against its ground give the
words ("a person taking 54% of the frame, in the centre, dark on light").
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import cv2
import numpy as np
from scipy.cluster.vq import kmeans2

from .. import thresholds as T
from .colour import lab_of, lightness_of
from .model import DimensionScore, PictureView

__all__ = [
    "NAME", "CompositionDescriptor", "Figure", "compare", "describe", "figure_of", "figure_words", "place_words",
    "silhouette_likeness", "silhouette_overlap", "stratum",
]

NAME = "composition"


@dataclass(frozen=True)
class Figure:
    """The main figure of one picture, in coordinates relative to the picture (0..1 across, down)."""

    # "person" (the portrait models' person mask), "figure" (their confirmed main figure),
    # "salient region" or "none"
    source: str
    mask: np.ndarray  # float32 (COMPOSITION_SIDE-scaled picture), share of each pixel covered
    centroid: tuple[float, float]  # (x, y)
    share: float  # of the picture's area
    box: tuple[float, float, float, float]  # (x, y, w, h)
    silhouette: np.ndarray  # float32 (S, S): the mask centred on its centroid and scaled to a fixed size


@dataclass(frozen=True)
class CompositionDescriptor:
    """One picture's layout. The maps are COMPOSITION_FRAME cells square (the picture centred in the
    frame keeping its proportions; cells outside it are 0 and ``inside`` False)."""

    aspect: float  # width / height
    inside: np.ndarray  # bool: the frame's cells that the picture covers
    lightness: np.ndarray  # float32, CIELAB L* / 100
    saliency: np.ndarray  # float32 in [0, 1] (spectral residual, its maximum 1)
    figure: np.ndarray  # float32 in [0, 1]: share of each cell covered by the figure
    figure_source: str  # "person", "figure", "salient region" or "none" (nothing stands out)
    centroid: tuple[float, float]  # the figure's, (x, y) relative to the picture
    share: float  # the figure's share of the picture's area
    box: tuple[float, float, float, float]  # the figure's bounding box (x, y, w, h), relative
    silhouette: np.ndarray  # float32: the figure centred on its centroid, scaled to a fixed size
    figure_lightness: float  # mean L* (0-100) on the figure
    ground_lightness: float  # mean L* off it


# ---------------------------------------------------------------- one picture


def _frame_box(width: int, height: int, cells: int) -> tuple[int, int, int, int]:
    """Where a width x height picture sits in the square frame: (left, top, columns, rows)."""
    scale = cells / max(width, height)
    columns, rows = max(1, round(width * scale)), max(1, round(height * scale))
    return (cells - columns) // 2, (cells - rows) // 2, columns, rows


def _in_frame(image: np.ndarray, box: tuple[int, int, int, int], cells: int) -> np.ndarray:
    left, top, columns, rows = box
    framed = np.zeros((cells, cells), np.float32)
    framed[top : top + rows, left : left + columns] = cv2.resize(
        image.astype(np.float32), (columns, rows), interpolation=cv2.INTER_AREA)
    return framed


def _edge_contrast(features: np.ndarray) -> np.ndarray:
    """Each pixel's distance to the nearest pixel along each side of the picture, in the features'
    own units (``_figure_features``: CIELAB and local L* spread), the median over the four sides (a
    figure may touch one side, a bust the bottom, and still stand out)."""
    height, width, channels = features.shape
    pixels = np.ascontiguousarray(features.reshape(-1, channels), np.float32)
    # OpenCV's nearest-neighbour distance (K=1): a tenth of numpy's pairwise differences' time.
    to_side = [cv2.batchDistance(pixels, np.ascontiguousarray(side, np.float32), cv2.CV_32F,
                                 normType=cv2.NORM_L2, K=1)[0][:, 0]
               for side in (features[0], features[-1], features[:, 0], features[:, -1])]
    return np.median(np.stack(to_side, axis=1), axis=1).reshape(height, width).astype(np.float32)


def _texture_energy(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The local spread of lightness too fine for the figure finder's colours, in L* units, at
    ``size`` (width, height; COMPOSITION_SIDE): the RMS, over the colours' neighbourhood, of the
    L* detail that their smoothing takes away.

    A figure can differ from its ground in texture more than in colour: a silhouette filled with a
    smooth surface on gravel, both grey and of one mean lightness, was found by its colours only
    in pieces. Texture energy (Laws 1980: the local energy of the detail a smoothing removes)
    keeps what the colours lose. The detail is read at the view's own resolution, where it
    survives, as each pixel's difference from the median of its neighbourhood (FIGURE_SMOOTHING
    COMPOSITION_SIDE pixels either side): a median keeps a step between two flat regions
    (Gallagher & Wise 1981), so the edge of a figure found by its colour is not read as texture
    around it, and removes what is finer than its window (grain, pebbles, mortar lines, strokes).
    Its RMS over the colours' own neighbourhood is 0 on a smooth region and close to the L*
    standard deviation of a textured one. With the neighbourhood's mean L* (the colours) it makes
    nearly the two moments of the neighbourhood's lightness, and the Euclidean distance between
    two such pairs is the earth mover's distance (W2) between normal distributions of L* with
    those moments: texture is counted in the colours' units, one to one.
    """
    scale = max(rgb.shape[:2]) / T.COMPOSITION_SIDE  # view pixels per COMPOSITION_SIDE pixel
    radius = round(T.FIGURE_SMOOTHING * scale)
    if radius < 1:  # a picture no larger than COMPOSITION_SIDE: nothing finer than its pixels
        return np.zeros(size[::-1], np.float32)
    # OpenCV's median takes windows over 5 px in 8 bits only: L* in steps of 0.4, a sixth of the
    # just-noticeable difference.
    levels = np.round(lightness_of(rgb) * 2.55).astype(np.uint8)
    detail = (levels.astype(np.float32) - cv2.medianBlur(levels, 2 * radius + 1)) / np.float32(2.55)
    power = cv2.resize(detail * detail, size, interpolation=cv2.INTER_AREA)
    return np.sqrt(np.maximum(cv2.GaussianBlur(power, (0, 0), T.FIGURE_SMOOTHING), 0))


def _figure_features(rgb: np.ndarray, lab: np.ndarray) -> np.ndarray:
    """What tells a figure from its ground, per pixel at COMPOSITION_SIDE: its colour (CIELAB,
    ``lab``, smoothed by FIGURE_SMOOTHING pixels so a texture's single pixels do not match the
    ground's colours) and its texture (``_texture_energy`` of the view ``rgb``), all in CIELAB
    units, so a difference of texture counts as a difference of colour of the same L* size."""
    colour = cv2.GaussianBlur(lab, (0, 0), T.FIGURE_SMOOTHING)
    return np.dstack([colour, _texture_energy(rgb, lab.shape[1::-1])])


def _salient_region(features: np.ndarray) -> np.ndarray:
    """The region standing out from the picture's edges, float32 0/1 (``features``: per pixel,
    ``_figure_features``' colour and texture).

    The boundary prior of salient-object detection (Wei et al. 2012, Yang et al. 2013): the
    edges of a picture are mostly ground. The pixels whose colour and texture are far from every
    edge's (``_edge_contrast`` beyond Otsu's threshold, and beyond FIGURE_MIN_CONTRAST) stand
    out; they miss the parts of a figure that run into the edges: a bust fills the bottom and
    both sides, whose colours are then its own, and only its head stood out (portraits' figures
    were found in pieces or not at all). So they also seed a split of the picture's pixels in two
    (k-means, scipy's: around their mean features and the rest's), and the cluster that does not
    hold most of the edges joins them: every pixel of the figure's colours and texture. The pixels
    standing out are kept whatever the split (a many-coloured figure, a colour wheel, is not one
    cluster); two clusters closer than FIGURE_MIN_CONTRAST add nothing.
    """
    height, width, channels = features.shape
    contrast = _edge_contrast(features)
    if float(contrast.max()) < T.FIGURE_MIN_CONTRAST:
        return np.zeros((height, width), np.float32)
    levels = np.round(np.clip(contrast / contrast.max(), 0, 1) * 255).astype(np.uint8)
    otsu, _ = cv2.threshold(levels, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    standing_out = contrast > max(otsu / 255 * float(contrast.max()), T.FIGURE_MIN_CONTRAST)
    seed = standing_out.ravel()
    pixels = np.ascontiguousarray(features.reshape(-1, channels), np.float64)
    with warnings.catch_warnings():  # a cluster left empty: one colour throughout, checked below
        warnings.simplefilter("ignore")
        centres, labels = kmeans2(pixels, np.stack([pixels[seed].mean(axis=0), pixels[~seed].mean(axis=0)]),
                                  iter=T.FIGURE_SPLIT_ITERATIONS, minit="matrix")
    if float(np.linalg.norm(centres[0] - centres[1])) < T.FIGURE_MIN_CONTRAST:
        return standing_out.astype(np.float32)
    cluster = (labels == 0).reshape(height, width)
    on_edges = np.concatenate([cluster[0], cluster[-1], cluster[1:-1, 0], cluster[1:-1, -1]])
    if on_edges.mean() > 0.5:  # the seed's cluster holds most of the edges: the other one is the figure's
        cluster = ~cluster
    return (cluster | standing_out).astype(np.float32)


def _scatter(features: np.ndarray, region: np.ndarray) -> float:
    """How loosely a figure/ground split groups the picture's pixels: the features' sum of squared
    distances to the mean of their own side (k-means' own criterion); infinite when one side is
    empty (no split)."""
    inside = region > 0.5
    if inside.all() or not inside.any():
        return float("inf")
    return sum(float(((features[side] - features[side].mean(axis=0)) ** 2).sum()) for side in (inside, ~inside))


def _figure_region(features: np.ndarray) -> np.ndarray:
    """The figure found from colour and texture together or from colour alone, whichever splits the
    picture's pixels more tightly into figure and ground in colour and texture (``_scatter``).

    Texture reveals figures that colour misses, but it also stands out where colour had already
    found the figure (a page's block of text within its margins, the thin legs of a flat
    silhouette), and there it can seed a looser split than colour's own. Both are k-means splits
    from different seeds: keeping the tighter one is k-means' own rule for choosing among its
    restarts, and keeps a figure that colour alone found well as it was (ties go to colour).
    """
    colour = _salient_region(features[:, :, :3])
    both = _salient_region(features)
    return both if _scatter(features, both) < _scatter(features, colour) else colour


def _shrink(image: np.ndarray, side: int) -> np.ndarray:
    """Area-averaged copy with longest side ``side`` (enlarged when smaller, so every picture is
    read at the same resolution)."""
    h, w = image.shape[:2]
    scale = side / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)


def _silhouette(mask: np.ndarray, centroid_px: tuple[float, float], radius_px: float) -> np.ndarray:
    """The mask moved so its centroid is the canvas centre and scaled so its RMS radius is
    SILHOUETTE_RADIUS of the canvas: shape alone, without position or size."""
    side = T.SILHOUETTE_SIDE
    scale = T.SILHOUETTE_RADIUS * side / radius_px
    height, width = mask.shape
    # Resized first (area-averaged when shrinking: warpAffine has no area interpolation), then moved.
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    scaled = cv2.resize(mask, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    sx, sy = size[0] / width, size[1] / height
    centre = (side - 1) / 2
    # Pixel centres: pixel x of the mask lands on (x + 0.5) * sx - 0.5 of the scaled copy.
    shift = np.float32([[1, 0, centre - ((centroid_px[0] + 0.5) * sx - 0.5)],
                        [0, 1, centre - ((centroid_px[1] + 0.5) * sy - 0.5)]])
    return cv2.warpAffine(scaled, shift, (side, side), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0)


def figure_of(view: PictureView, lab: np.ndarray | None = None) -> Figure:
    """The main figure: the person mask when the portrait models found a person, else the region
    standing out from the picture's edges. ``lab``: the picture in CIELAB at COMPOSITION_SIDE,
    when already made. Found once per view: composition and subject both ask for it."""
    if "figure" not in view.found:
        view.found["figure"] = _find_figure(view, lab)
    return view.found["figure"]


def _find_figure(view: PictureView, lab: np.ndarray | None) -> Figure:
    people = view.people
    if people is not None and people.has_person and people.person_mask.any():
        source = "person"
        mask = _shrink(people.person_mask.astype(np.float32), T.COMPOSITION_SIDE)
    elif people is not None and people.figure_mask is not None and people.figure_mask.any():
        # No face or body counted, but a face detector agreed that someone is on the person mask's
        # main part (portrait.find_people): the figure the identifying-parts regions take
        # (regions.py). A figure that differs from its ground in texture more than in colour (a
        # silhouette filled anew) is found by its shape there, where colours alone found it in pieces.
        source = "figure"
        mask = _shrink(people.figure_mask.astype(np.float32), T.COMPOSITION_SIDE)
    else:
        source = "salient region"
        lab = lab_of(_shrink(view.rgb, T.COMPOSITION_SIDE)) if lab is None else lab
        mask = _figure_region(_figure_features(view.rgb, lab))
    height, width = mask.shape
    total = float(mask.sum())
    if total < T.FIGURE_MIN_SHARE * mask.size:  # nothing stands out (a flat picture, a texture)
        empty = np.zeros((T.SILHOUETTE_SIDE, T.SILHOUETTE_SIDE), np.float32)
        return Figure(source="none", mask=np.zeros_like(mask), centroid=(0.5, 0.5), share=0.0,
                      box=(0.0, 0.0, 0.0, 0.0), silhouette=empty)
    rows, columns = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = float((mask * columns).sum() / total), float((mask * rows).sum() / total)
    radius = float(np.sqrt((mask * ((columns - cx) ** 2 + (rows - cy) ** 2)).sum() / total))
    on_rows, on_columns = np.nonzero(mask > 0.5)
    if on_rows.size:
        box = (on_columns.min() / width, on_rows.min() / height,
               (on_columns.max() + 1 - on_columns.min()) / width, (on_rows.max() + 1 - on_rows.min()) / height)
    else:
        box = (0.0, 0.0, 1.0, 1.0)
    return Figure(
        source=source, mask=mask, centroid=((cx + 0.5) / width, (cy + 0.5) / height), share=total / mask.size,
        box=tuple(float(v) for v in box), silhouette=_silhouette(mask, (cx, cy), max(radius, 0.5)),
    )


def describe(view: PictureView) -> CompositionDescriptor:
    """The picture's layout maps and its main figure."""
    rgb = view.rgb
    height, width = rgb.shape[:2]
    cells = T.COMPOSITION_FRAME
    box = _frame_box(width, height, cells)
    inside = _in_frame(np.ones((height, width), np.float32), box, cells) > 0.5

    small = _shrink(rgb, T.COMPOSITION_SIDE)
    lab = lab_of(small)
    lightness_px = lab[:, :, 0]
    if float(np.linalg.norm(lab - lab.mean(axis=(0, 1)), axis=2).max()) < T.COMPOSITION_FLAT:
        # Nothing the eye can see: the maps are flat (the spectral residual of a flat picture is
        # rounding noise, which would correlate with anything).
        lightness_px = np.full_like(lightness_px, float(lightness_px.mean()))
        saliency = np.zeros((cells, cells), np.float32)
    else:
        _, saliency_px = cv2.saliency.StaticSaliencySpectralResidual_create().computeSaliency(
            cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
        saliency = _in_frame(saliency_px, box, cells)
        saliency /= max(float(saliency.max()), 1e-6)

    figure = figure_of(view, lab)
    mask = cv2.resize(figure.mask, lightness_px.shape[::-1], interpolation=cv2.INTER_AREA)
    on, off = float(mask.sum()), float((1 - mask).sum())
    figure_lightness = float((lightness_px * mask).sum() / on) if on > 0 else float(lightness_px.mean())
    ground_lightness = float((lightness_px * (1 - mask)).sum() / off) if off > 0 else figure_lightness
    return CompositionDescriptor(
        aspect=width / height, inside=inside, lightness=_in_frame(lightness_px / 100, box, cells),
        saliency=saliency, figure=_in_frame(figure.mask, box, cells), figure_source=figure.source,
        centroid=figure.centroid, share=figure.share, box=figure.box, silhouette=figure.silhouette,
        figure_lightness=figure_lightness, ground_lightness=ground_lightness,
    )


# ---------------------------------------------------------------- two pictures


def _centred(values: np.ndarray, inside: np.ndarray) -> np.ndarray | None:
    """The map less its mean over the picture, 0 outside it, scaled to unit norm (None if flat).
    In float64: a float32 mean of a constant map can miss it by rounding and leave noise above
    the flatness limit."""
    values = values.astype(np.float64)
    centred = np.where(inside, values - values[inside].mean(), 0.0)
    norm = float(np.sqrt((centred * centred).sum()))
    return centred / norm if norm > 1e-6 else None


def _correlation(a: np.ndarray, a_inside: np.ndarray, b: np.ndarray, b_inside: np.ndarray) -> float | None:
    """Pearson's r over the frame; a cell outside one picture counts against it (a tall and a wide
    picture cannot share a layout where one of them has nothing). A flat map shares no layout with
    one that has some (0); two flat maps have none to compare (None)."""
    a, b = _centred(a, a_inside), _centred(b, b_inside)
    if a is None or b is None:
        return None if a is None and b is None else 0.0
    return float((a * b).sum())


def silhouette_overlap(a: np.ndarray, b: np.ndarray) -> float | None:
    """Two silhouettes' soft intersection over union (None when both are empty)."""
    union = float(np.maximum(a, b).sum())
    return float(np.minimum(a, b).sum()) / union if union > 0 else None


def silhouette_likeness(overlap: float) -> float:
    """A silhouette overlap counted from chance (SILHOUETTE_CHANCE, 0) to the same shape (1)."""
    return max(0.0, (overlap - T.SILHOUETTE_CHANCE) / (1 - T.SILHOUETTE_CHANCE))


@dataclass(frozen=True)
class _Agreement:
    """The measures for one way round (None: neither picture has what it compares)."""

    tone: float | None  # Pearson r of the lightness maps
    saliency: float | None  # Pearson r of the saliency maps
    figure: float | None  # Pearson r of the figure maps: position and extent together
    silhouette: float | None  # overlap of the silhouettes, each centred and scaled to one size
    mirrored: bool

    @property
    def score(self) -> float | None:
        """The mean of the measures, each from 0 (chance) to 1 (the same); equal weights, since
        nothing ranks one aspect of a layout above another."""
        silhouette = None if self.silhouette is None else silhouette_likeness(self.silhouette)
        parts = [min(1.0, max(0.0, p)) for p in (self.tone, self.saliency, self.figure, silhouette) if p is not None]
        return sum(parts) / len(parts) if parts else None


def _agreement(a: CompositionDescriptor, b: CompositionDescriptor, mirrored: bool) -> _Agreement:
    flip = (lambda m: m[:, ::-1]) if mirrored else (lambda m: m)
    b_inside = flip(b.inside)
    return _Agreement(
        tone=_correlation(a.lightness, a.inside, flip(b.lightness), b_inside),
        saliency=_correlation(a.saliency, a.inside, flip(b.saliency), b_inside),
        figure=_correlation(a.figure, a.inside, flip(b.figure), b_inside),
        silhouette=silhouette_overlap(a.silhouette, flip(b.silhouette)),
        mirrored=mirrored,
    )


def stratum(a: CompositionDescriptor, b: CompositionDescriptor) -> str | None:
    """Which unrelated pairs a composition likeness is placed among: two pictures of people share
    a person's silhouette and a portrait's placing as a person and a cup cannot, so two portraits
    are placed among pairs of people (placed among all pairs, two unrelated head-and-shoulders
    portraits were distinctive in composition: the lawyer's "very common" pose, measured as rare);
    None: among all pairs."""
    return "pictures of people" if a.figure_source == b.figure_source == "person" else None


def compare(a: CompositionDescriptor, b: CompositionDescriptor) -> DimensionScore:
    """How alike the two layouts are, as they are or with one mirrored (the better way round)."""
    straight, mirrored = _agreement(a, b, False), _agreement(a, b, True)
    if straight.score is None:
        return DimensionScore(score=None, why="both pictures are flat: no light and dark, no figure to compare")
    best = mirrored if mirrored.score > straight.score else straight
    return DimensionScore(score=best.score, why=_why(a, b, best, straight, mirrored))


# ---------------------------------------------------------------- words


def _third(value: float, words: tuple[str, str, str]) -> str:
    return words[min(2, max(0, int(value * 3)))]


def place_words(x: float, y: float) -> str:
    """Where a point (relative to the picture) falls on the grid of thirds: "in the upper left",
    "left of centre", "in the centre"."""
    across = _third(x, ("left", "centre", "right"))
    down = _third(y, ("upper", "middle", "lower"))
    if across == "centre":
        return "in the centre" if down == "middle" else f"in the {down} centre"
    return f"{across} of centre" if down == "middle" else f"in the {down} {across}"


def _tone(d: CompositionDescriptor) -> str:
    difference = d.figure_lightness - d.ground_lightness
    if difference <= -T.FIGURE_TONE_STEP:
        return "dark on light"
    if difference >= T.FIGURE_TONE_STEP:
        return "light on dark"
    return "in tones like its ground"


def figure_words(d: CompositionDescriptor, mirrored: bool = False) -> str:
    """One picture's layout in words ("a person taking 34 % of the frame, in the centre, dark on
    light"); ``mirrored``: as seen in a mirror."""
    if d.figure_source == "none":
        return "no figure standing out"
    what = {"person": "a person", "figure": "a figure"}.get(d.figure_source, "a salient region")
    x, y = d.centroid
    return f"{what} taking {d.share:.0%} of the frame, {place_words(1 - x if mirrored else x, y)}, {_tone(d)}"


def _measure(label: str, value: float | None) -> str:
    return f"{label} r = {value:.2f}" if value is not None else f"{label} flat in both"


def _why(a: CompositionDescriptor, b: CompositionDescriptor, best: _Agreement, straight: _Agreement,
         mirrored: _Agreement) -> str:
    words_a, words_b = figure_words(a), figure_words(b, best.mirrored)
    seen = " (the second seen in a mirror)" if best.mirrored else ""
    layout = f"both{seen}: {words_a}" if words_a == words_b else f"first: {words_a}; second{seen}: {words_b}"
    measures = [_measure("light and dark", best.tone), _measure("saliency", best.saliency),
                _measure("figure placement", best.figure)]
    if best.silhouette is not None:
        measures.append(f"silhouettes {best.silhouette:.0%} alike once centred and scaled")
    way = (f"one picture mirrored ({mirrored.score:.2f}; as they are {straight.score:.2f})" if best.mirrored
           else f"as they are ({straight.score:.2f}; mirrored {mirrored.score:.2f})")
    return f"{layout}; {', '.join(measures)}; {way}"
