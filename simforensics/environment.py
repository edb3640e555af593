"""The software a run used, named in every report so that a result can be reproduced."""

from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path

__all__ = ["LIBRARIES", "engine_fingerprint", "software_versions"]

# The distributions whose code decides a measurement or renders a report, in the order a reader
# meets them: pixels, geometry, hashes, models, metadata, reports.
LIBRARIES = (
    "numpy", "opencv-contrib-python", "pillow", "pillow-heif", "scikit-image", "scipy", "imagehash",
    "pdqhash", "mediapipe", "c2pa-python", "defusedxml", "faiss-cpu", "jinja2", "weasyprint",
)


def software_versions() -> tuple[tuple[str, str], ...]:
    """(name, version) of simforensics, Python, the operating system and each library."""
    versions = [
        ("simforensics", _version("simforensics")),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("operating system", f"{platform.system()} {platform.release()} {platform.machine()}"),
    ]
    return (*versions, *((name, _version(name)) for name in LIBRARIES))


def _version(distribution: str) -> str:
    """The distribution's Version header, read from its metadata's headers alone:
    ``metadata.version`` parses the whole file, long description included, with the e-mail
    parser (12 ms a report for these 15)."""
    try:
        found = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"
    text = found.read_text("METADATA") or found.read_text("PKG-INFO") or ""
    for line in text.splitlines():
        if not line:  # the blank line that ends the headers
            break
        if line.startswith("Version:"):
            return line.removeprefix("Version:").strip()
    return found.version


def engine_fingerprint(package_root: str | Path | None = None) -> str:
    """The first 16 hex digits of a SHA-256 over every ``.py`` source of the package, subpackages
    included: it names the code that gave a result (the release number stays the same across the
    fixes between two releases).

    Each source adds its path relative to the package folder (``/``-separated), a NUL and its
    bytes, in the order of those paths: the same sources give the same fingerprint wherever they
    lie. ``package_root``: the package folder to read (default: this one).
    """
    root = Path(package_root) if package_root is not None else Path(__file__).resolve().parent
    sources = sorted((path.relative_to(root).as_posix(), path) for path in root.rglob("*.py"))
    digest = hashlib.sha256()
    for relative, path in sources:
        digest.update(relative.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
