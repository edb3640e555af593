"""Evidence integrity: every input is read again at the end of a run and its SHA-256 compared.

The tool never writes to an input (files are opened read-only, outputs refuse input paths); this
check lets a report *say* so with a measurement rather than a promise. It also catches a file
that someone else changed while the run was going on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass

from .errors import EvidenceError
from .evidence import Evidence, read_file_bytes

__all__ = ["Reverification", "reverify"]


@dataclass(frozen=True)
class Reverification:
    path: str
    sha256: str  # as read at the start of the run
    sha256_at_end: str | None  # None when the file could no longer be read
    modified_ns: int | None  # modification time at the end (ns since the epoch)
    checked_at: str
    problem: str | None = None

    @property
    def unchanged(self) -> bool:
        return self.sha256_at_end == self.sha256


def reverify(evidence: Evidence) -> Reverification:
    checked_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    try:
        data = read_file_bytes(evidence.path)
        modified = os.stat(evidence.path).st_mtime_ns
    except (EvidenceError, OSError) as exc:
        reason = exc.reason if isinstance(exc, EvidenceError) else (exc.strerror or str(exc))
        return Reverification(evidence.path, evidence.sha256, None, None, checked_at, f"cannot be read again: {reason}")
    sha256 = hashlib.sha256(data).hexdigest()
    problem = None if sha256 == evidence.sha256 else "the file changed during the run"
    return Reverification(evidence.path, evidence.sha256, sha256, modified, checked_at, problem)
