"""Benchmark for ``simforensics video``: spans found in generated clips, beside a frame-wise PDQ baseline.

    .venv/bin/python -m benchmarks.video              # 2 clips of each kind at 1280 x 720, 2 workers
    .venv/bin/python -m benchmarks.video --quick      # 1 clip of each kind
    .venv/bin/python -m benchmarks.video --seed 3 --per-kind 3

Clips (``corpus.py``) are made with PyAV from scikit-image's pictures; the portfolio is the
compare benchmark's originals, negatives use other shipped pictures. Both tools see the same
files in the same run. Measures: picture recall and precision over (clip, picture) pairs; span
F1 where a found span counts when it overlaps a true span of the same picture with temporal IoU
>= 0.5 (one-to-one); matches on the negative clips; seconds of video per wall second.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchmarks import json_safe
from simforensics import thresholds as T
from simforensics.video import VideoOptions, run_videos

from . import baseline, corpus

IOU = 0.5


def _iou(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def score(clips: list[corpus.Clip], found: dict[str, list[tuple[str, float, float]]]) -> dict[str, float]:
    """Picture recall/precision, span precision/recall/F1 at IoU >= 0.5, negatives with a match."""
    true_pairs = {(c.path, t.name) for c in clips for t in c.truth}
    found_pairs = {(c.path, name) for c in clips for name, _, _ in found.get(c.path, [])}
    hits = len(true_pairs & found_pairs)
    matched_spans = 0
    for c in clips:
        used: set[int] = set()
        for t in c.truth:
            best, best_iou = None, IOU
            for k, (name, start, end) in enumerate(found.get(c.path, [])):
                overlap = _iou((t.start_s, t.end_s), (start, end))
                if name == t.name and k not in used and overlap >= best_iou:
                    best, best_iou = k, overlap
            if best is not None:
                used.add(best)
                matched_spans += 1
    truth_spans = sum(len(c.truth) for c in clips)
    found_spans = sum(len(found.get(c.path, [])) for c in clips)
    precision = matched_spans / max(1, found_spans)
    recall = matched_spans / max(1, truth_spans)
    return {
        "picture_recall": hits / max(1, len(true_pairs)), "picture_precision": hits / max(1, len(found_pairs)),
        "span_precision": precision, "span_recall": recall,
        "span_f1": 2 * precision * recall / max(1e-9, precision + recall),
        "negative_clips_with_a_match": sum(1 for c in clips if c.kind == "negative" and found.get(c.path)),
        "negative_clips": sum(1 for c in clips if c.kind == "negative"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.video", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one clip of each kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-kind", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-regions", action="store_true", help="leave the portrait models out of each span's compare")
    args = parser.parse_args()
    per_kind = 1 if args.quick else args.per_kind
    with tempfile.TemporaryDirectory(prefix="simforensics-video-bench-") as temporary:
        work = Path(temporary)
        started = time.perf_counter()
        pictures = corpus.write_portfolio(work / "portfolio")
        clips = corpus.build(work / "clips", seed=args.seed, per_kind=per_kind, size=(1280, 720))
        seconds = sum(c.seconds for c in clips)
        print(f"corpus: {len(clips)} clips at 1280 x 720, 24 fps, H.264, {seconds:.1f} s of video "
              f"({sum(len(c.truth) for c in clips)} true spans), {len(pictures)} portfolio pictures "
              f"(seed {args.seed}; made in {time.perf_counter() - started:.0f} s)\n")
        by_name = {os.path.abspath(p): name for name, p in pictures.items()}

        started = time.perf_counter()
        run = run_videos(VideoOptions(video=str(work / "clips"), against=(str(work / "portfolio"),),
                                      workers=args.workers, cache_path=str(work / "cache.sqlite"),
                                      regions=not args.no_regions))
        ours_seconds = time.perf_counter() - started
        ours: dict[str, list[tuple[str, float, float]]] = defaultdict(list)
        motions: dict[str, list[str]] = defaultdict(list)
        for v in run.videos:
            for m in v.matches:
                for s in m.spans:
                    ours[v.info.path].append((by_name[os.path.abspath(m.picture)], s.start_s, s.end_s))
            kind = next(c.kind for c in clips if c.path == v.info.path)
            motions[kind] += [s.motion for m in v.matches for s in m.spans]
        cpu = sum(v.cpu_seconds for v in run.videos)
        theirs, theirs_seconds = baseline.baseline_spans([c.path for c in clips], pictures)

        issue = [c for c in clips if c.kind in corpus.ISSUE_KINDS]
        baseline_name = f"frame-wise PDQ (<= {T.PDQ_SAME}, {T.VIDEO_SAMPLE_FPS:g} fps)"
        rows = [("simforensics video", score(issue, ours), ours_seconds, "issue's kinds"),
                (baseline_name, score(issue, theirs), theirs_seconds, "issue's kinds"),
                ("simforensics video", score(clips, ours), ours_seconds, "all kinds"),
                (baseline_name, score(clips, theirs), theirs_seconds, "all kinds")]
        print(f"{'tool':34} {'clips':14} {'pic R':>6} {'pic P':>6} {'span P':>7} {'span R':>7} {'span F1':>7} {'neg':>5} "
              f"{'s':>6} {'video s/s':>9}")
        for name, r, wall, which in rows:
            print(f"{name:34} {which:14} {r['picture_recall']:6.3f} {r['picture_precision']:6.3f} {r['span_precision']:7.3f} "
                  f"{r['span_recall']:7.3f} {r['span_f1']:7.3f} {r['negative_clips_with_a_match']:>2}/{r['negative_clips']:<2} "
                  f"{wall:6.1f} {seconds / wall:9.2f}")
        print(f"\nthe issue's kinds: {', '.join(corpus.ISSUE_KINDS)}; beyond them: {', '.join(corpus.STRESS_KINDS)}")
        print("targets (on the issue's kinds): picture recall >= 0.95, precision >= 0.95, span F1 >= 0.90 at temporal IoU 0.5; "
              "no match on negative clips; >= 4 s of 720p video per wall second on 2 cores")
        print(f"simforensics ran with {args.workers} workers, regions {'off' if args.no_regions else 'on'}; "
              "the baseline on one core; the wall time includes indexing the portfolio and comparing each span's best frame")
        print(f"processor time of the videos' workers: {cpu:.1f} s, {seconds / cpu:.2f} s of video per CPU second: "
              f"{2 * seconds / cpu:.2f} s of video per wall second on 2 cores free of other work (portfolio indexing aside)")

        print(f"\n{'kind':18} {'true':>4} {'ours':>4} {'PDQ':>4}  motion words (ours)")
        for kind in corpus.KINDS:
            kind_clips = [c for c in clips if c.kind == kind]
            counts = [score(kind_clips, found) for found in (ours, theirs)]
            true = sum(len(c.truth) for c in kind_clips)
            spans = [round(r["span_recall"] * true) for r in counts]
            print(f"{kind:18} {true:4d} {spans[0]:4d} {spans[1]:4d}  {', '.join(motions.get(kind, [])) or '-'}")
        misses = []
        for c in clips:
            got = sorted(ours.get(c.path, []), key=lambda s: s[1])
            want = [(t.name, t.start_s, t.end_s) for t in c.truth]
            if [g[0] for g in got] != [w[0] for w in want] or any(_iou(g[1:], w[1:]) < IOU for g, w in zip(got, want, strict=False)):
                misses.append(f"  {Path(c.path).name}: true {[(w[0], round(w[1], 2), round(w[2], 2)) for w in want]} "
                              f"found {[(g[0], round(g[1], 2), round(g[2], 2)) for g in got]}")
        if misses:
            print("\nclips where ours differs from the truth:")
            print("\n".join(misses))
        out = Path("benchmarks/out")
        out.mkdir(parents=True, exist_ok=True)
        (out / "video.json").write_text(json.dumps(json_safe({
            "seed": args.seed, "clips": len(clips), "video_seconds": seconds, "workers": args.workers,
            "cpu_seconds": cpu,
            "rows": [{"tool": name, "clips": which, **r, "seconds": wall} for name, r, wall, which in rows]}), indent=2))


if __name__ == "__main__":
    main()
