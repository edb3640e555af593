"""Where reports go: checked before the work starts, written atomically, never over evidence."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["STDOUT", "OutputError", "check_output_path", "check_output_paths", "printable", "printable_document",
           "write_atomically"]

STDOUT = "-"

# Python keeps each byte of a file name that is not UTF-8 (an old archive's Latin-1 names) as a
# lone surrogate, which no UTF-8 report can hold.
_SURROGATE = re.compile("[\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` as UTF-8 can hold it: each byte of a file name that was not UTF-8 written ``\\xNN``."""
    if _SURROGATE.search(text) is None:
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def printable_document(value: Any) -> Any:
    """A JSON document with every string ``printable``."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_document(key): printable_document(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [printable_document(item) for item in value]
    return value


class OutputError(Exception):
    """An output path that cannot or must not be written. ``str()`` is the one line shown."""


def check_output_path(option: str, path: str | None, inputs: list[str]) -> None:
    """Refuse, before any work, an output that would overwrite an input or cannot be written."""
    if path is None or path == STDOUT:
        return
    target = Path(path)
    for source in inputs:
        try:
            if target.exists() and os.path.samefile(target, source):
                raise OutputError(f"{option} {path}: refusing to overwrite the input {source}")
        except OSError:
            continue
    if target.is_dir():
        raise OutputError(f"{option} {path}: is a directory; give a file name")
    if _is_special(target):
        if not os.access(target, os.W_OK):
            raise OutputError(f"{option} {path}: is not writable")
        return  # written into directly, not replaced (write_atomically)
    if target.is_symlink():
        target = target.resolve()
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"{option} {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {path}: the folder {parent} is not writable")
    # Permission bits do not bind root, and some folders refuse files whatever they say (/proc,
    # read-only mounts): try the very thing write_atomically will do, now rather than after the work.
    try:
        fd, probe = tempfile.mkstemp(prefix=".simforensics-probe-", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise OutputError(f"{option} {path}: the folder {parent} is not writable ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError(f"{option} {path}: the file exists and is read-only")


def check_output_paths(outputs: list[tuple[str, str | None]], inputs: list[str]) -> None:
    """Each (option, path) of a command, checked before any work: at most one writes to stdout."""
    stdout_users = [option for option, path in outputs if path == STDOUT]
    if len(stdout_users) > 1:
        raise OutputError(f"only one of {', '.join(stdout_users)} can write to stdout ('-')")
    # One file named by two options would keep only the report written last.
    options_by_file: dict[str, str] = {}
    for option, path in outputs:
        if path is None or path == STDOUT or _is_special(Path(path)):
            continue
        earlier = options_by_file.setdefault(os.path.realpath(path), option)
        if earlier != option:
            raise OutputError(f"{earlier} and {option} name the same file {path}; give each its own")
    for option, path in outputs:
        check_output_path(option, path, inputs)


def _is_special(target: Path) -> bool:
    """An existing path that is no regular file nor folder: a device (/dev/null), a pipe, a socket."""
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def write_atomically(path: str, data: bytes) -> None:
    """Write through a temporary file in the same folder, so a crash never leaves half a report.

    A device or a pipe (``--json /dev/null``, a process substitution) is written into directly:
    replacing it would put an ordinary file where /dev/null was. A symbolic link keeps pointing to
    its file, which is replaced."""
    target = Path(path)
    if _is_special(target):
        try:
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        return
    if target.is_symlink():
        target = target.resolve()
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise
