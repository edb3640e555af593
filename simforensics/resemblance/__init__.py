"""Resemblance: how two different pictures are alike, and whether that likeness is distinctive."""
