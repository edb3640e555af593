"""Derivation benchmark: which picture of a related pair is the original.

Pairs with a known direction are made from pictures shipped inside scikit-image (crop, reduce,
enlarge, JPEG -> JPEG and PNG -> JPEG re-encodes, colour changes, local edits, combinations; and
children with added content that is not scene: a turn onto a grown canvas with filled corners, a
uniform border, an overlay, caption or logo), and every pair is compared in both argument
orders; identical pairs must stay undetermined. The pictures are split by a fixed rule into a
development half (looked at while the cues were written) and a held-out half (reported apart);
no threshold is tuned to either.
"""
