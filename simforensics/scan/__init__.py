"""Scan folders for copies: walk, cheap features (cached), an index for candidates, and the
compare engine to verify each candidate."""

from .engine import ScanOptions, scan_folders
from .result import ScanPair, ScanResult, ScanStats
from .runners import ClusterError
from .walk import WalkResult, walk_folders

__all__ = ["ClusterError", "ScanOptions", "ScanPair", "ScanResult", "ScanStats", "WalkResult", "scan_folders", "walk_folders"]
