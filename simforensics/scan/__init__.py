"""Scan folders for copies: walk, cheap features (cached), an index for candidates, and the
compare engine to verify each candidate."""

from .engine import ScanOptions, scan_folders
from .jobs import ClusterError
from .result import ScanPair, ScanResult, ScanStats
from .walk import WalkResult, walk_folders

__all__ = ["ClusterError", "ScanOptions", "ScanPair", "ScanResult", "ScanStats", "WalkResult", "scan_folders", "walk_folders"]
