"""Benchmark for ``simforensics video`` (``python -m benchmarks.video``)."""
