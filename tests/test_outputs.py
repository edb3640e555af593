"""Outputs are written whole, or into a device or pipe as it is: never replacing it."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from simforensics.outputs import (
    OutputError,
    check_output_path,
    check_output_paths,
    printable,
    printable_document,
    write_atomically,
)


def test_a_pipe_is_written_into_not_replaced(tmp_path: Path) -> None:
    # `--json /dev/null` once replaced the device with an ordinary file (as root); a pipe stands in.
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    check_output_path("--json", str(pipe), inputs=[])
    write_atomically(str(pipe), b'{"verdict": "near-duplicate"}')
    reader.join(timeout=10)
    assert received == [b'{"verdict": "near-duplicate"}']
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pipe"]  # no temporary left behind


def test_a_symbolic_link_keeps_pointing_to_its_file(tmp_path: Path) -> None:
    real = tmp_path / "reports" / "latest.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    check_output_path("--json", str(link), inputs=[])
    write_atomically(str(link), b"new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_regular_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    write_atomically(str(target), b"new")
    assert target.read_bytes() == b"new" and stat.S_ISREG(os.stat(target).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_two_options_naming_one_file_are_refused(tmp_path: Path) -> None:
    # `--html r.html --json r.html` once kept only the JSON, written last, and said nothing.
    (tmp_path / "reports").mkdir()
    report = str(tmp_path / "reports" / "r.html")
    same_by_another_name = str(tmp_path / "reports" / ".." / "reports" / "r.html")
    with pytest.raises(OutputError, match="--html and --json name the same file"):
        check_output_paths([("--html", report), ("--json", same_by_another_name)], inputs=[])
    check_output_paths([("--html", report), ("--json", str(tmp_path / "r.json")), ("--pdf", None)], inputs=[])
    check_output_paths([("--json", os.devnull), ("--csv", os.devnull)], inputs=[])  # a device takes both


def test_printable_writes_the_bytes_of_a_name_that_is_not_utf8() -> None:
    assert printable(os.fsdecode(b"caf\xe9.jpg")) == "caf\\xe9.jpg"
    assert printable("café 名前.png") == "café 名前.png"  # UTF-8 names as they are
    assert printable("\ud800 alone") == "\\ud800 alone"  # a surrogate that stands for no byte
    assert printable_document({os.fsdecode(b"k\xff"): [os.fsdecode(b"v\xfe"), 1, None]}) == {"k\\xff": ["v\\xfe", 1, None]}
