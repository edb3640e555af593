"""Silence C libraries that print straight to the process's stderr (fd 2)."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

__all__ = ["quiet_stderr"]

# Re-entrant: a silenced caller may call code that silences itself (a nested use restores the
# /dev/null it found, and the outer one restores the real stderr).
_lock = threading.RLock()


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send fd 2 to /dev/null for the duration. For libraries (libtiff, mediapipe's C++ logging)
    that write there directly, past Python's logging and warnings; their failures still arrive
    as Python exceptions, and the tool's own one-line errors are printed after this returns."""
    with _lock:
        try:
            saved = os.dup(2)
        except OSError:  # no stderr at all
            yield
            return
        try:
            with open(os.devnull, "wb") as null:
                os.dup2(null.fileno(), 2)
                yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
