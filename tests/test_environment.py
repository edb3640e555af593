"""The software a report names: the engine fingerprint (which code gave a result, down to one
changed line in any module) and the libraries' versions."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest

from simforensics import environment
from simforensics.environment import engine_fingerprint

from .conftest import copy_of_the_package


def test_the_fingerprint_changes_with_any_source_file_of_the_package(tmp_path: Path) -> None:
    original = engine_fingerprint()
    assert re.fullmatch(r"[0-9a-f]{16}", original)
    copy = copy_of_the_package(tmp_path)
    assert engine_fingerprint(copy) == original  # the same sources elsewhere: the same engine
    seen = {original}
    # Subpackages' files count as much as top-level ones (scan's once did not: stale verdicts).
    for changed in ("scan/verify.py", "scan/decode.py", "thresholds.py"):
        source = copy / changed
        text = source.read_text(encoding="utf-8")
        source.write_text(text + "\n# one more line\n", encoding="utf-8")
        assert engine_fingerprint(copy) not in seen, changed
        seen.add(engine_fingerprint(copy))
        source.write_text(text, encoding="utf-8")
        assert engine_fingerprint(copy) == original, changed
    (copy / "scan" / "new_module.py").write_text("")
    assert engine_fingerprint(copy) not in seen  # a new module, even empty, is another engine


def test_compiled_and_other_files_leave_the_fingerprint_as_it_is(tmp_path: Path) -> None:
    # Python writes __pycache__ as it imports: a client and its workers must still agree.
    copy = copy_of_the_package(tmp_path)
    (copy / "scan" / "__pycache__").mkdir()
    (copy / "scan" / "__pycache__" / "verify.cpython-312.pyc").write_bytes(b"compiled")
    (copy / "report" / "templates" / "extra.css").write_text("p { }")
    assert engine_fingerprint(copy) == engine_fingerprint()


def test_each_library_is_named_with_its_installed_version(monkeypatch: pytest.MonkeyPatch) -> None:
    # Read from the metadata's headers alone; the answer is what importlib.metadata says.
    monkeypatch.setattr(environment, "LIBRARIES", (*environment.LIBRARIES, "surely-no-such-distribution"))
    versions = dict(environment.software_versions())
    assert versions["surely-no-such-distribution"] == "not installed"
    for name in ("simforensics", *environment.LIBRARIES[:-1]):
        try:
            expected = metadata.version(name)
        except metadata.PackageNotFoundError:
            expected = "not installed"
        assert versions[name] == expected, name
    assert versions["numpy"] != "not installed"
