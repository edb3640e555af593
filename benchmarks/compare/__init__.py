"""Accuracy and speed benchmark for ``simforensics compare``.

Run ``python -m benchmarks.compare`` from the repository root (``--help`` for options).

Corpus (``corpus.py``): seeded pairs built from pictures that ship inside scikit-image, each with a
known answer: the verdict label, and where it exists the COPY -> ORIGINAL matrix, the mirror flag
and the true change mask in ORIGINAL's frame. Categories: identical (lossless re-saves),
near-duplicate (global operations only, alone and combined), locally-edited (feathered region
replacement, recolouring, inpainting, signature/watermark removal, object pasting, each optionally
followed by a global operation), similar (stereo pair, whole-picture restyles, re-compositions) and
unrelated (different pictures).

Metrics (``metrics.py``): verdict accuracy and confusion matrix, locally-edited verdicts on
global-only pairs, change-mask IoU, alignment corner error, mirror detection, seconds per pair,
average precision of ``similarity``, and the time and peak memory of one 12-megapixel pair on one
core (``large.py``). A naive SSIM baseline (``baseline.py``) runs beside the engine on every pair.
"""
