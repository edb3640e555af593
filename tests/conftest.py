from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from fixtures import make_fixtures


@pytest.fixture(autouse=True)
def _private_cache_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scans without --cache write to the user cache folder: keep the tests' out of the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))


@pytest.fixture(scope="session")
def fixture_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The full fixture set, written once per test session by the committed script."""
    folder = tmp_path_factory.mktemp("fixtures")
    manifest = make_fixtures.build(folder)
    return folder, manifest


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    return make_fixtures.source_image("astronaut")


@pytest.fixture(scope="session")
def chelsea() -> np.ndarray:
    return make_fixtures.source_image("chelsea")


def snapshot(paths: list[Path]) -> dict[str, tuple[bytes, int]]:
    """Bytes and modification time of each input, to prove evidence is never touched."""
    return {str(p): (p.read_bytes(), os.stat(p).st_mtime_ns) for p in paths}


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
