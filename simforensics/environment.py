"""The software a run used, named in every report so that a result can be reproduced."""

from __future__ import annotations

import platform
from importlib import metadata

__all__ = ["LIBRARIES", "software_versions"]

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
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"
