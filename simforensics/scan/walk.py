"""Walk folders for candidate files: regular files only, symlinks followed without loops."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

__all__ = ["WalkResult", "walk_folders"]


@dataclass(frozen=True)
class WalkResult:
    files: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]  # (path, reason)


def walk_folders(folders: list[str]) -> WalkResult:
    """List regular files below ``folders`` in a stable order.

    Paths are the folder as given joined with the path below it. Special files (FIFOs, sockets,
    devices) are listed as skipped without being opened; a directory reached twice (a symlink
    loop, or two overlapping arguments) is walked once. A file is read once: another name of it
    (a hard link) is listed as skipped, with the name read, so that no name goes unmentioned.
    """
    files: list[str] = []
    skipped: list[tuple[str, str]] = []
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: dict[tuple[int, int], str] = {}  # (device, inode) -> the path read

    def visit_file(path: str) -> None:
        try:
            st = os.stat(path)
        except OSError as exc:
            skipped.append((path, f"cannot stat: {exc.strerror or exc}"))
            return
        if not stat.S_ISREG(st.st_mode):
            skipped.append((path, "not a regular file (FIFO, socket or device); not opened"))
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_files:
            # The same directory entry reached again (a symlink, an overlapping folder) says
            # nothing new; another entry of the same file is another name for it.
            first = seen_files[key]
            if os.path.realpath(path) != os.path.realpath(first):
                skipped.append((path, f"the same file as {first} (a hard link to it): read once, under that name"))
            return
        seen_files[key] = path
        files.append(path)

    def unreadable_folder(exc: OSError) -> None:
        skipped.append((str(exc.filename), f"cannot list folder: {exc.strerror or exc}"))

    for folder in folders:
        try:
            st = os.stat(folder)
        except OSError as exc:
            skipped.append((folder, f"cannot open folder: {exc.strerror or exc}"))
            continue
        if not stat.S_ISDIR(st.st_mode):
            visit_file(folder)
            continue
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=True, onerror=unreadable_folder):
            try:
                dst = os.stat(dirpath)
            except OSError:
                dirnames[:] = []
                continue
            key = (dst.st_dev, dst.st_ino)
            if key in seen_dirs:
                dirnames[:] = []  # a symlink loop or a folder given twice
                continue
            seen_dirs.add(key)
            dirnames.sort()
            for name in sorted(filenames):
                visit_file(os.path.join(dirpath, name))
    return WalkResult(files=tuple(files), skipped=tuple(skipped))
