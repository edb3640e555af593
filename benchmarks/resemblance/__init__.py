"""Resemblance benchmark for ``simforensics compare``: related, unrelated and one-dimension pairs.

Run ``python -m benchmarks.resemblance [--quick] [--seed N]`` from the repository root.

Corpus (``corpus.py``): seeded pairs made from the pictures that scikit-image and matplotlib ship
(``sources.py``), each with a known answer. Related: the same layout with another subject, the
same palette on another picture, the same figure re-rendered in another palette and style, and
re-compositions (a large crop, mirrored and restyled). Unrelated: hard negatives of one genre
(two portraits, two textures, two photographs, two micrographs, two graphics) and pictures of
different genres. One dimension: pairs built to share only their composition, only their
palette, or only their style.

Methodology. The builtin reference is made from the very pictures the benchmark is made from,
so the results are reported twice:

(a) against the builtin reference, on pairs made from all its pictures: IN-SAMPLE, since every
    picture of every pair is, whole and in crops, among the reference's unrelated works;
(b) against a held-out reference: the pictures are split into two halves by a fixed rule
    (``sources.split``: sorted by genre and name, dealt alternately), a reference is made from
    one half the way the builtin one is made (each picture whole and in 3 crops;
    ``heldout.py``), and the pairs are made only from the other half's pictures.

(b-control) gives (b)'s pairs against the builtin reference, so the reference's effect is seen
apart from the corpus's. No simforensics threshold is tuned to these pictures; a failing target
lists its failing pairs with every dimension's score and percentile, so the causes can be fixed.

Metrics (``report.py``): AUC of ``verdict.similarity`` between related and unrelated pairs,
related recognised (any label but ``unrelated``), unrelated kept ``unrelated``; on one-dimension
pairs, precision and recall of ``distinctive``. A naive baseline (``baseline.py``: colour
histogram and 16 x 16 thumbnail correlations, thresholded at the 99th percentile of its own
unrelated scores) runs on the same pairs. The profile's cost on a 1-megapixel pair on one core
is timed in a child process (``timing.py``). Copy labels are the compare benchmark's business:
``python -m benchmarks.compare``.
"""
