"""The trace benchmark: seeded collages with known truth maps (``collage.py``), the engine beside a
naive baseline (``baseline.py``), and a timing of a 1-MP picture against 1,000 cached pictures."""
