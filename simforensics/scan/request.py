"""A ``scan`` command line, checked before any work: the typed options the CLI hands on."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..options import OptionError
from ..outputs import STDOUT, check_output_paths
from .cache import cache_path_given
from .engine import ScanOptions
from .jobs import ClusterError
from .related import related_csv_path

__all__ = ["ScanRequest", "scan_request"]


@dataclass(frozen=True)
class ScanRequest:
    """A ``scan`` command line, checked: what to scan, and where the results go."""

    scan: ScanOptions
    json_path: str | None
    csv_path: str | None
    html_path: str | None
    html_pairs: int
    warnings: tuple[str, ...]  # said before the scan starts


def scan_request(
    *, folders: list[str], against: list[str] | None, json_path: str | None, csv_path: str | None,
    html_path: str | None, html_pairs: int, workers: int | None, scheduler: str | None, cache: str | None,
    no_cache: bool, max_pixels: int, related: int = 0,
) -> ScanRequest:
    """Check a scan's options before any work. Raises ``OptionError`` or ``OutputError`` (one line each)."""
    for folder in folders + (against or []):
        if not os.path.exists(folder):
            raise OptionError(f"{folder}: no such folder or file")
    cache_path = cache_path_given(cache, no_cache)
    check_output_paths([("--json", json_path), ("--csv", csv_path), ("--html", html_path)], [])
    if html_path == STDOUT:
        raise OptionError("--html writes a file and a folder of reports; '-' (stdout) is for --json or --csv")
    if related and not against:
        raise OptionError("--related looks for resembling works in the reference: give --against REFERENCE")
    if related and csv_path is not None:
        if csv_path == STDOUT:
            raise OptionError("--csv - with --related: give a file name (the related works go in a second CSV beside it)")
        check_output_paths([("--csv (related works)", related_csv_path(csv_path))], [])
    warnings = []
    if scheduler is not None:
        from .cluster import (
            parse_scheduler_address,  # Dask is imported only for a cluster
        )

        try:
            scheduler = parse_scheduler_address(scheduler)[0]
        except ClusterError as exc:
            raise OptionError(str(exc)) from None
        if workers is not None:
            warnings.append("--workers is not used with --scheduler: the cluster's workers do the work")
    scan = ScanOptions(
        folders=tuple(folders), against=tuple(against) if against else None,
        workers=workers or os.cpu_count() or 1,  # also the processes that make the HTML index's reports
        cache_path=cache_path, scheduler=scheduler, max_pixels=max_pixels, related=related,
    )
    return ScanRequest(scan=scan, json_path=json_path, csv_path=csv_path, html_path=html_path,
                       html_pairs=html_pairs, warnings=tuple(warnings))
