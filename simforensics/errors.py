"""Exceptions for input that cannot be used as evidence.

Expected outcomes (an image that cannot be aligned, a region that is absent) are values in the
result model, not exceptions. Only misuse and unreadable input raise.
"""

from __future__ import annotations

__all__ = [
    "DecodeError",
    "EmptyFileError",
    "EvidenceError",
    "FileAccessError",
    "ImageTooLargeError",
    "NotAnImageError",
    "TruncatedImageError",
]


class EvidenceError(Exception):
    """A file cannot be read as an image. ``str()`` is the one line shown to the user."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class FileAccessError(EvidenceError):
    """Missing, unreadable, a directory, or not a regular file (FIFO, device, socket)."""


class EmptyFileError(EvidenceError):
    """Zero bytes."""


class NotAnImageError(EvidenceError):
    """No supported image format recognised in the content."""


class TruncatedImageError(EvidenceError):
    """The image data ends before the picture is complete."""


class ImageTooLargeError(EvidenceError):
    """More pixels than the configured limit; refused before decoding. The header's size is kept:
    the refusal belongs to the limit, not to the file (a cache must not keep it for another limit)."""

    def __init__(self, path: str, reason: str, width: int, height: int) -> None:
        super().__init__(path, reason)
        self.width = width
        self.height = height


class DecodeError(EvidenceError):
    """Recognised as an image, but the decoder failed."""
