"""The persistent scan cache: one SQLite file holding each file's features and each pair's verdict.

A file is known by its real path, size, modification time (ns), inode and device; while all five
are unchanged it is never read again. Its SHA-256 is stored with its features, and verdicts are
keyed by the two files' SHA-256, so a renamed or copied file reuses them too.

Safety: the database runs in WAL mode and the scan commits every ``SCAN_CACHE_BATCH`` files, so a
killed scan loses at most one batch and the next run resumes from the rest. A file that is not a
readable cache of this schema is moved aside (``PATH.corrupt``) and a new cache is started, with
a warning; the cache never holds anything that cannot be recomputed from the evidence.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from .. import __version__
from .. import thresholds as T
from ..environment import engine_fingerprint
from ..options import OptionError
from ..outputs import printable
from ..verdict import Label
from .features import FEATURE_VERSION, unpack_features
from .result import SETTLING_STEPS

__all__ = ["SCHEMA_VERSION", "CacheError", "CacheLookup", "CachedFile", "FileKey", "ScanCache", "cache_path_given",
           "default_cache_path", "features_intact", "look_up"]

SCHEMA_VERSION = "1"
_LABEL_WORDS = frozenset(label.value for label in Label)

# Verdicts depend on the whole engine (scan's own verification and decoding among it: every
# source of the package counts) and on the side pictures are verified at. A cached verdict is
# reused only by the engine that gave it.
ENGINE_VERSION = f"simforensics {__version__} ({engine_fingerprint()}); verify side {T.SCAN_VERIFY_SIDE}"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    inode INTEGER NOT NULL, device INTEGER NOT NULL,
    sha256 TEXT, width INTEGER, height INTEGER, features BLOB, error TEXT
);
CREATE TABLE IF NOT EXISTS pairs (
    original TEXT NOT NULL, copy TEXT NOT NULL, similarity REAL NOT NULL, label TEXT NOT NULL,
    summary TEXT NOT NULL, PRIMARY KEY (original, copy)
);
CREATE TABLE IF NOT EXISTS derivations (
    original TEXT NOT NULL, copy TEXT NOT NULL, likely_original TEXT NOT NULL, confidence REAL NOT NULL,
    PRIMARY KEY (original, copy)
);
CREATE TABLE IF NOT EXISTS settlements (
    original TEXT NOT NULL, copy TEXT NOT NULL, settled_by TEXT NOT NULL, PRIMARY KEY (original, copy)
);
CREATE TABLE IF NOT EXISTS coverings (
    original TEXT NOT NULL, copy TEXT NOT NULL, original_covered REAL NOT NULL, copy_covered REAL NOT NULL,
    PRIMARY KEY (original, copy)
);
"""
_DIRECTIONS = frozenset({"original", "copy", "undetermined"})


def cache_path_given(cache: str | None, no_cache: bool) -> str | None:
    """The cache file a command's ``--cache PATH`` / ``--no-cache`` ask for (None: no cache), or
    ``OptionError`` with the one line to say."""
    if no_cache and cache is not None:
        raise OptionError("--cache and --no-cache exclude each other")
    cache_path = None if no_cache else (cache or default_cache_path())
    if cache_path is not None and os.path.isdir(cache_path):
        raise OptionError(f"--cache {cache_path}: is a folder; give a file name")
    if cache_path is not None and not _may_be_a_cache(cache_path):
        # A damaged cache is moved aside and rebuilt; any other file (a picture named by mistake)
        # is not the cache's to move.
        raise OptionError(f"--cache {cache_path}: is not a scan cache (not an SQLite database); give another file name")
    return cache_path


def _may_be_a_cache(path: str) -> bool:
    """No file yet, an empty one, or one that begins as an SQLite database does."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return True
    except OSError:
        return True  # unreadable: opening it says why, in one line
    return head in (b"", _SQLITE_HEADER)


_SQLITE_HEADER = b"SQLite format 3\x00"


class _SizedEntry(Protocol):
    width: int  # the header's size when refused for --max-pixels; 0 when unreadable
    height: int
    features: bytes | None


def _decided_alike(entry: _SizedEntry, max_pixels: int) -> bool:
    """Whether a cached entry says what today's ``--max-pixels`` would: a picture read under a
    higher limit, or refused under a lower one, is read again (its header then decides)."""
    pixels = entry.width * entry.height
    return pixels == 0 or (entry.features is not None) == (pixels <= max_pixels)


Entry = TypeVar("Entry", bound=_SizedEntry)


@dataclass
class CacheLookup(Generic[Entry]):
    """Which files a cache still answers for, and which must be read (``look_up``)."""

    found: dict[str, Entry] = field(default_factory=dict)  # path -> its cached entry, file unchanged
    keys: dict[str, FileKey] = field(default_factory=dict)  # path -> its identity now (every file stat'ed)
    to_read: list[str] = field(default_factory=list)  # new, changed, or cached but unusable
    damaged: int = 0  # unchanged files whose cached entry failed ``usable``


def features_intact(entry: CachedFile) -> bool:
    """Whether a cached entry can be used: an error, or features whose checksum holds."""
    if entry.features is None:
        return True
    try:
        unpack_features(entry.features)
    except ValueError:
        return False
    return True


def look_up(paths: Iterable[str], known: dict[str, tuple[FileKey, Entry]], usable: Callable[[Entry], bool],
            errors: list[tuple[str, str]], max_pixels: int) -> CacheLookup[Entry]:
    """Each path's cached entry while the file is unchanged (same identity), the entry ``usable``
    and decided as ``max_pixels`` would decide; the rest to be read. ``known``: real path ->
    (identity, entry), as the cache holds them. A file that cannot be stat'ed goes to ``errors``.
    Scan, video and trace all ask this."""
    lookup: CacheLookup[Entry] = CacheLookup()
    for path in paths:
        try:
            key = FileKey.of(path)
        except OSError as exc:
            errors.append((path, f"cannot stat: {exc.strerror or exc}"))
            continue
        lookup.keys[path] = key
        cached = known.get(key.path)
        holds = cached is not None and cached[0] == key and _decided_alike(cached[1], max_pixels)
        if holds and usable(cached[1]):
            lookup.found[path] = cached[1]
        else:
            lookup.damaged += holds
            lookup.to_read.append(path)
    return lookup


def default_cache_path() -> str:
    """``$XDG_CACHE_HOME/simforensics/scan-cache.sqlite`` (``~/.cache`` when unset)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "simforensics", "scan-cache.sqlite")


@dataclass(frozen=True)
class FileKey:
    path: str  # real path, ``printable`` (a key, never opened)
    size: int
    mtime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, path: str) -> FileKey:
        st = os.stat(path)
        return cls(printable(os.path.realpath(path)), st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


@dataclass(frozen=True)
class CachedFile:
    sha256: str | None
    width: int
    height: int
    features: bytes | None  # packed ScanFeatures; None when the file is not a readable image
    error: str | None


class CacheError(Exception):
    """The cache file or its folder cannot be created or replaced (the message says why)."""


class ScanCache:
    """Open with ``ScanCache.open(path)``; ``path=None`` keeps everything in memory."""

    def __init__(self, connection: sqlite3.Connection, path: str | None, warning: str | None) -> None:
        self._db = connection
        self.path = path
        self.warning = warning  # set when an unusable cache was replaced
        self._pending = 0

    # ------------------------------------------------------------------ opening

    @classmethod
    def open(cls, path: str | None) -> ScanCache:
        if path is None:
            return cls(_connect(":memory:"), None, None)
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            try:
                return cls(_connect(path), path, None)
            except sqlite3.DatabaseError as exc:
                aside = path + ".corrupt"
                for suffix in ("", "-wal", "-shm"):
                    if os.path.exists(path + suffix):
                        os.replace(path + suffix, aside + suffix)
                warning = f"the scan cache {path} was unreadable ({exc}); moved to {aside} and rebuilt"
                return cls(_connect(path), path, warning)
        except OSError as exc:
            raise CacheError(exc.strerror or str(exc)) from None

    def close(self) -> None:
        self.commit()
        self._db.close()

    # ------------------------------------------------------------------ files

    def files(self) -> dict[str, tuple[FileKey, CachedFile]]:
        """Every cached file by real path (one query: a million rows load in seconds)."""
        rows = self._db.execute(
            "SELECT path, size, mtime_ns, inode, device, sha256, width, height, features, error FROM files"
        )
        return {
            row[0]: (FileKey(*row[:5]), CachedFile(row[5], row[6] or 0, row[7] or 0, row[8], row[9]))
            for row in rows
        }

    def put_file(self, key: FileKey, entry: CachedFile) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key.path, key.size, key.mtime_ns, key.inode, key.device, entry.sha256, entry.width,
             entry.height, entry.features, entry.error),
        )
        self._pending += 1
        if self._pending >= T.SCAN_CACHE_BATCH:
            self.commit()

    # ------------------------------------------------------------------ pairs

    def pair(self, original_sha: str, copy_sha: str
             ) -> tuple[float, Label, str, str, float, str, tuple[float, float]] | None:
        """A verdict this engine gave before, with its derivation, the verification step that
        settled it and the share of each picture the other covers; None when there is none (or its
        label is not one of ours, or a cache written before derivations, settlements or coverings
        lacks one)."""
        row = self._db.execute(
            "SELECT p.similarity, p.label, p.summary, d.likely_original, d.confidence, s.settled_by, "
            "c.original_covered, c.copy_covered FROM pairs p "
            "JOIN derivations d ON d.original = p.original AND d.copy = p.copy "
            "JOIN settlements s ON s.original = p.original AND s.copy = p.copy "
            "JOIN coverings c ON c.original = p.original AND c.copy = p.copy WHERE p.original = ? AND p.copy = ?",
            (original_sha, copy_sha),
        ).fetchone()
        if (row is None or str(row[1]) not in _LABEL_WORDS or str(row[3]) not in _DIRECTIONS
                or str(row[5]) not in SETTLING_STEPS):
            return None
        return (float(row[0]), Label(str(row[1])), str(row[2]), str(row[3]), float(row[4]), str(row[5]),
                (float(row[6]), float(row[7])))

    def put_pair(self, original_sha: str, copy_sha: str, similarity: float, label: str, summary: str,
                 likely_original: str = "undetermined", confidence: float = 0.5,
                 settled_by: str = SETTLING_STEPS[-1], covered: tuple[float, float] = (1.0, 1.0)) -> None:
        self._db.execute("INSERT OR REPLACE INTO pairs VALUES (?, ?, ?, ?, ?)",
                         (original_sha, copy_sha, similarity, label, summary))
        self._db.execute("INSERT OR REPLACE INTO derivations VALUES (?, ?, ?, ?)",
                         (original_sha, copy_sha, likely_original, confidence))
        self._db.execute("INSERT OR REPLACE INTO settlements VALUES (?, ?, ?)", (original_sha, copy_sha, settled_by))
        self._db.execute("INSERT OR REPLACE INTO coverings VALUES (?, ?, ?, ?)", (original_sha, copy_sha, *covered))
        self._pending += 1
        if self._pending >= T.SCAN_CACHE_BATCH:
            self.commit()

    def commit(self) -> None:
        self._db.commit()
        self._pending = 0


def _connect(path: str) -> sqlite3.Connection:
    """Open and check a cache; raise ``sqlite3.DatabaseError`` when it is not a usable one."""
    db = sqlite3.connect(path, timeout=30)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        check = db.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {check[0] if check else 'no answer'}")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "meta" not in tables:
            raise sqlite3.DatabaseError("not a simforensics scan cache")
        db.executescript(_SCHEMA)
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"cache schema {meta.get('schema')} is not {SCHEMA_VERSION}")
        # Another feature or engine version: its entries are dropped, never mixed with ours.
        if meta.get("features") != FEATURE_VERSION:
            db.execute("DELETE FROM files")
        if meta.get("engine") != ENGINE_VERSION:
            db.execute("DELETE FROM pairs")
            db.execute("DELETE FROM derivations")
            db.execute("DELETE FROM settlements")
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                       [("schema", SCHEMA_VERSION), ("features", FEATURE_VERSION), ("engine", ENGINE_VERSION)])
        db.commit()
    except BaseException:
        db.close()
        raise
    return db
