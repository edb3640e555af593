"""Resemblance: how two different pictures are alike, and whether that likeness is distinctive.

One module per dimension (composition, palette, style, subject, pose; see model.py for what
each gives), profile.py, which scores a pair on all of them, and reference.py, which places each score among the scores of unrelated pairs.
"""
