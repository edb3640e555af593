"""Validated, typed options: the CLI parses text into these and the core never sees raw strings."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .thresholds import DEFAULT_MAX_PIXELS

__all__ = ["DEFAULT_INDEX_PAIRS", "CompareOptions", "OptionError", "UserRegion", "parse_region", "read_regions_file",
           "regions_inside"]

# Pairs that `scan --html` lists, each compared in full for its own report (about 1-3 s a pair):
# a large collection's index shows its strongest pairs; --json and --csv list every pair.
DEFAULT_INDEX_PAIRS = 100

# Letters and digits of any script (a Chinese court's exhibit names its parts 面部, 头饰, 耳环), spaces,
# '_', '-', '.': no control, format or bracket characters in a name every report prints.
_REGION_NAME = re.compile(r"^[^\W_][\w .\-]{0,63}$")


class OptionError(ValueError):
    """A malformed option value; ``str()`` names the option and the fix."""


@dataclass(frozen=True)
class UserRegion:
    """A region of interest named by the user, as ``[x, y, width, height]`` in ORIGINAL's frame."""

    name: str
    box: tuple[int, int, int, int]
    # The box as typed, when it reached beyond the original and ``box`` is what lies inside it.
    typed_box: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class CompareOptions:
    original: str
    copy: str
    json_path: str | None = None
    html_path: str | None = None
    pdf_path: str | None = None
    mask_path: str | None = None
    regions: tuple[UserRegion, ...] = ()
    quiet: bool = False
    max_pixels: int = DEFAULT_MAX_PIXELS
    reference: str | None = None  # a folder of unrelated works of the genre: the resemblance reference
    command_line: tuple[str, ...] = field(default=(), compare=False)
    # Where the command ran: the paths above are as given, relative to it.
    working_directory: str | None = field(default=None, compare=False)


def _check_region(name: str, values: list[object], where: str) -> UserRegion:
    if not _REGION_NAME.match(name):
        raise OptionError(
            f"{where}: region name {name!r} must be 1-64 letters, digits, spaces, '-', '_' or '.'"
        )
    if len(values) != 4 or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise OptionError(f"{where}: region {name!r} needs a box of four integers X,Y,W,H")
    x, y, w, h = (int(v) for v in values)  # type: ignore[call-overload]
    if x < 0 or y < 0 or w <= 0 or h <= 0:
        raise OptionError(f"{where}: region {name!r} needs X,Y >= 0 and W,H > 0")
    return UserRegion(name=name, box=(x, y, w, h))


def parse_region(text: str) -> UserRegion:
    """Parse ``NAME=X,Y,W,H`` (pixels in ORIGINAL's frame)."""
    name, sep, numbers = text.partition("=")
    if not sep:
        raise OptionError(f"--region {text!r}: expected NAME=X,Y,W,H, e.g. face=400,220,180,220")
    parts = [p.strip() for p in numbers.split(",")]
    try:
        values: list[object] = [int(p) for p in parts]
    except ValueError:
        raise OptionError(f"--region {text!r}: X,Y,W,H must be whole numbers") from None
    return _check_region(name.strip(), values, "--region")


def read_regions_file(path: str) -> list[UserRegion]:
    """Read ``[{"name": ..., "box": [x, y, w, h]}, ...]`` from a JSON file."""
    where = f"--regions {path}"
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8-sig"))  # Windows editors write a BOM
    except OSError as exc:
        raise OptionError(f"{where}: cannot read ({exc.strerror or exc})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise OptionError(f"{where}: not valid JSON ({exc})") from None
    if not isinstance(document, list):
        raise OptionError(f'{where}: expected a JSON list of {{"name": ..., "box": [x, y, w, h]}}')
    regions = []
    for index, item in enumerate(document):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise OptionError(f"{where}: item {index} needs a string 'name' and a 'box'")
        box = item.get("box")
        regions.append(_check_region(item["name"], box if isinstance(box, list) else [], where))
    return regions


def regions_inside(regions: tuple[UserRegion, ...], shape: tuple[int, ...]) -> tuple[UserRegion, ...]:
    """The regions clipped to ORIGINAL (``shape``), each that reached beyond it keeping the box as
    typed (``typed_box``); an OptionError for a region that lies wholly outside: a box typed for
    another picture, or with X and Y swapped, would otherwise be reported absent from the copy, as
    if the copy had lost it."""
    height, width = shape[:2]
    inside = []
    for region in regions:
        x, y, w, h = region.box
        if x >= width or y >= height or x + w <= 0 or y + h <= 0:
            raise OptionError(f"region {region.name!r} {list(region.box)} lies outside the original "
                              f"({width} x {height} px)")
        clipped = (x, y, min(w, width - x), min(h, height - y))
        inside.append(region if clipped == region.box else UserRegion(region.name, clipped, typed_box=region.box))
    return tuple(inside)
