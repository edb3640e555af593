"""Benchmarks for simforensics (run from the repository root, e.g. ``python -m benchmarks.compare``).

Nothing here is part of the installed package; results go to ``benchmarks/out/`` (git-ignored).
"""
