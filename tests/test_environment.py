"""The engine fingerprint: which code gave a result, down to one changed line in any module."""

from __future__ import annotations

import re
from pathlib import Path

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
