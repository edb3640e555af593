"""Scan folders for copies. This first version finds pictures whose decoded pixels are identical;
the near-duplicate index arrives with the scan issue."""

from .exact import ScanPair, ScanResult, scan_identical
from .walk import WalkResult, walk_folders

__all__ = ["ScanPair", "ScanResult", "scan_identical", "WalkResult", "walk_folders"]
