"""One timed scan in its own process: ``python -m benchmarks.scan.cluster_child FOLDER [SCHEDULER]``.

Prints one JSON line: seconds spent in ``scan_folders`` (without a cache, with 2 local worker
processes, or on the Dask cluster at SCHEDULER), the counts, and a digest of everything the scan
found (pairs with scores and labels, groups, errors), so runs can be compared.

Each scan gets a fresh process because the local pool forks: a process that has already used
OpenCV's thread pool (building the corpus does) can deadlock its forked children.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time

from simforensics.scan import ScanOptions, scan_folders


def main() -> None:
    folder = sys.argv[1]
    scheduler = sys.argv[2] if len(sys.argv) > 2 else None
    options = ScanOptions(folders=(folder,), workers=2, cache_path=None, scheduler=scheduler)
    started = time.perf_counter()
    result = scan_folders(options)
    seconds = time.perf_counter() - started
    digest = hashlib.sha256(repr((result.pairs, result.groups, result.errors)).encode()).hexdigest()
    print(json.dumps({"seconds": seconds, "files": result.stats.files, "images": result.images,
                      "decoded": result.stats.decoded, "verified": result.stats.verified, "digest": digest}))


if __name__ == "__main__":
    main()
