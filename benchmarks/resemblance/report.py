"""Summary figures from the per-pair results, and the plain-text report.

``summarize`` turns the per-pair result dicts (as written to ``resemblance-results.json``) into
the figures of each run (a set of pairs scored against one reference); ``render`` prints them.
The baseline's figures stand beside the engine's on the same pairs.

Definitions:

- AUC: the probability that a related pair's similarity exceeds an unrelated pair's (ties count
  half; the Mann-Whitney statistic).
- related recognised: the share of related pairs whose label is not ``unrelated``; unrelated kept:
  the share of unrelated pairs labelled ``unrelated``. For the baseline: its score above its
  threshold (``baseline.threshold``: the 99th percentile of its own unrelated scores in that run).
- one dimension: recall is the share of pairs whose built-in shared dimension is ``distinctive``;
  precision is, over every dimension reported ``distinctive`` on those pairs, the share that is
  the built-in one.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from . import baseline
from .corpus import GROUPS

DIMENSIONS = ("composition", "palette", "style", "subject", "pose")
SHORT_DIMENSIONS = {"composition": "comp", "palette": "pal", "style": "sty", "subject": "subj", "pose": "pose"}

COPY_LABELS = ("identical", "near-duplicate", "locally-edited")
TARGETS = {"auc": 0.95, "related": 0.90, "unrelated": 0.95, "precision": 0.90, "recall": 0.80, "profile_seconds": 0.3}

@dataclass(frozen=True)
class Run:
    """One set of pairs scored against one reference, and what that is in the report's words."""

    pair_set: str  # "all" (pairs of all 21 pictures) or "half" (of the benchmark half)
    reference: str  # "builtin" or "held-out"
    words: str


RUNS = {
    "a": Run("all", "builtin",
             words="(a) builtin reference, IN-SAMPLE: pairs made from all 21 shipped pictures, every one of which "
                   "(whole and in 3 crops) is in the builtin reference"),
    "b": Run("half", "held-out",
             words="(b) held-out reference: pairs made only from the benchmark half's pictures; the reference made "
                   "from the other half alone"),
    "b-control": Run("half", "builtin",
                     words="(b-control) the same pairs as (b) against the builtin reference (in-sample): the "
                           "reference's share of the difference between (a) and (b)"),
}


def auc(positives: list[float], negatives: list[float]) -> float:
    if not positives or not negatives:
        return math.nan
    p, n = np.asarray(positives, float)[:, None], np.asarray(negatives, float)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


def _share(flags: list[bool]) -> dict:
    return {"n": len(flags), "k": int(sum(flags)), "share": float(np.mean(flags)) if flags else math.nan}


def distinctive(result: dict, reference: str) -> list[str]:
    return [name for name, d in result["ours"][reference]["dimensions"].items() if d["finding"] == "distinctive"]


def _recognised(result: dict, reference: str) -> bool:
    return result["ours"][reference]["label"] != "unrelated"


def summarize_run(results: list[dict], pair_set: str, reference: str) -> dict:
    rows = [r for r in results if r["set"] == pair_set and reference in r["ours"]]
    if not rows:
        return {}
    related = [r for r in rows if r["group"] == "related"]
    unrelated = [r for r in rows if r["group"] == "unrelated"]
    single = [r for r in rows if r["group"] == "one-dimension"]
    limit = baseline.threshold([r["baseline"]["score"] for r in unrelated])

    def base_ok(r: dict) -> bool:
        return r["baseline"]["score"] > limit

    s: dict = {"pairs": len(rows), "baseline_threshold": limit}
    s["ours"] = {
        "auc": auc([r["ours"][reference]["similarity"] for r in related],
                   [r["ours"][reference]["similarity"] for r in unrelated]),
        "related": _share([_recognised(r, reference) for r in related]),
        "unrelated": _share([not _recognised(r, reference) for r in unrelated]),
        "one_dimension_recognised": _share([_recognised(r, reference) for r in single]),
    }
    s["baseline"] = {
        "auc": auc([r["baseline"]["score"] for r in related], [r["baseline"]["score"] for r in unrelated]),
        "related": _share([base_ok(r) for r in related]),
        "unrelated": _share([not base_ok(r) for r in unrelated]),
        "one_dimension_recognised": _share([base_ok(r) for r in single]),
    }
    by_kind = {}
    for group, kinds in GROUPS.items():
        for kind in kinds:
            selected = [r for r in rows if r["kind"] == kind]
            if not selected:
                continue
            keep = group == "unrelated"
            by_kind[kind] = {
                "group": group,
                "n": len(selected),
                "ours": sum(_recognised(r, reference) != keep for r in selected),
                "baseline": sum(base_ok(r) != keep for r in selected),
                "similarity_median": float(np.median([r["ours"][reference]["similarity"] for r in selected])),
                "labels": dict(Counter(r["ours"][reference]["label"] for r in selected)),
                "distinctive": dict(Counter(d for r in selected for d in distinctive(r, reference))),
                "not_measured": dict(Counter(name for r in selected
                                             for name, d in r["ours"][reference]["dimensions"].items()
                                             if d["finding"] == "not-measured")),
            }
    s["by_kind"] = by_kind
    hits = sum(r["shared"] in distinctive(r, reference) for r in single)
    reported = sum(len(distinctive(r, reference)) for r in single)
    s["one_dimension"] = {
        "pairs": len(single), "recall_hits": hits, "reported": reported,
        "recall": hits / len(single) if single else math.nan,
        "precision": hits / reported if reported else math.nan,
    }
    s["failures"] = {
        "related not recognised": [r["name"] for r in related if not _recognised(r, reference)],
        "unrelated not kept": [r["name"] for r in unrelated if _recognised(r, reference)],
        "one dimension: built-in dimension not distinctive": [
            r["name"] for r in single if r["shared"] not in distinctive(r, reference)],
        "one dimension: another dimension distinctive": [
            r["name"] for r in single if set(distinctive(r, reference)) - {r["shared"]}],
    }
    # Not a target here (no pair of this corpus is a copy; copy labels are benchmarks.compare's):
    # shown because a copy label on a restyle or on another picture is wrong all the same.
    s["copy_labels"] = [r["name"] for r in rows if r["ours"][reference]["label"] in COPY_LABELS]
    return s


def targets(summary: dict, timing: dict | None) -> dict[str, dict[str, tuple[bool | None, str]]]:
    """target -> run -> (passed, measured value in words)."""
    table: dict[str, dict[str, tuple[bool | None, str]]] = {}
    for key in ("a", "b"):
        s = summary["runs"].get(key)
        if not s:
            continue
        ours, one = s["ours"], s["one_dimension"]
        table.setdefault(f"AUC of similarity, related vs unrelated >= {TARGETS['auc']:.2f}", {})[key] = (
            ours["auc"] >= TARGETS["auc"], f"{ours['auc']:.3f}")
        for name, words in (("related", "related recognised (not 'unrelated')"),
                            ("unrelated", "unrelated (incl. hard negatives) stay 'unrelated'")):
            share = ours[name]
            table.setdefault(f"{words} >= {TARGETS[name]:.2f}", {})[key] = (
                share["share"] >= TARGETS[name], f"{share['share']:.3f} ({share['k']}/{share['n']})")
        table.setdefault(f"one dimension: precision >= {TARGETS['precision']:.2f}", {})[key] = (
            one["precision"] >= TARGETS["precision"] if not math.isnan(one["precision"]) else False,
            f"{one['precision']:.3f} ({one['recall_hits']}/{one['reported']})")
        table.setdefault(f"one dimension: recall >= {TARGETS['recall']:.2f}", {})[key] = (
            one["recall"] >= TARGETS["recall"], f"{one['recall']:.3f} ({one['recall_hits']}/{one['pairs']})")
    if timing is not None:
        key = f"profile adds <= {TARGETS['profile_seconds']} s to a 1-MP comparison, one core"
        if "error" in timing:
            table[key] = {"timing": (None, timing["error"])}
        else:
            table[key] = {"timing": (timing["profile_seconds"] <= TARGETS["profile_seconds"],
                                     f"{timing['profile_seconds']:.3f} s")}
    return table


def summarize(results: list[dict], timing: dict | None) -> dict:
    summary = {"runs": {key: summarize_run(results, run.pair_set, run.reference) for key, run in RUNS.items()}}
    summary["targets"] = {name: {run: list(value) for run, value in runs.items()}
                          for name, runs in targets(summary, timing).items()}
    return summary


# ------------------------------------------------------------------------ printing


def _fmt(value: float | None, spec: str = ".3f") -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, spec)


def _table(header: list[str], rows: list[list[str]], indent: int = 2) -> None:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]

    def line(cells: list[str]) -> str:
        return " " * indent + "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                                        for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    print(line(header))
    print(" " * indent + "  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def _share_words(share: dict) -> str:
    return f"{_fmt(share['share'])} ({share['k']}/{share['n']})"


def dimension_line(result: dict, reference: str) -> str:
    """Each dimension's score/percentile; * distinctive, '-' not measured, 'p-' not placed."""
    parts = []
    for name in DIMENSIONS:
        d = result["ours"][reference]["dimensions"].get(name)
        short = SHORT_DIMENSIONS[name]
        if d is None or d["score"] is None:
            parts.append(f"{short} -")
        else:
            place = "p-" if d["percentile"] is None else f"{d['percentile']:.3f}"
            star = "*" if d["finding"] == "distinctive" else " "
            parts.append(f"{short} {d['score']:.2f}/{place}{star}")
    return "  ".join(parts)


def _render_run(key: str, s: dict, results: list[dict]) -> None:
    pair_set, reference = RUNS[key].pair_set, RUNS[key].reference
    print(f"\n{'=' * 100}\n{RUNS[key].words}\n{'=' * 100}")
    ours, base = s["ours"], s["baseline"]
    print(f"\nRelated vs unrelated ({s['pairs']} pairs in this run; baseline related when its score > "
          f"{s['baseline_threshold']:.3f}, the 99th percentile of its unrelated scores here)")
    _table(["", "ours", "baseline"], [
        ["AUC of similarity (related vs unrelated)", _fmt(ours["auc"]), _fmt(base["auc"])],
        ["related recognised", _share_words(ours["related"]), _share_words(base["related"])],
        ["unrelated kept unrelated", _share_words(ours["unrelated"]), _share_words(base["unrelated"])],
        ["one-dimension pairs recognised (info)", _share_words(ours["one_dimension_recognised"]),
         _share_words(base["one_dimension_recognised"])],
    ])
    print("\nBy kind (ok: related and one-dimension recognised, unrelated kept; distinctive: how many pairs "
          "had each dimension distinctive)")
    rows = []
    for kind, k in s["by_kind"].items():
        labels = ", ".join(f"{label} {n}" for label, n in sorted(k["labels"].items(), key=lambda x: -x[1]))
        rows.append([f"{k['group']}: {kind}", str(k["n"]), f"{k['ours']}/{k['n']}", f"{k['baseline']}/{k['n']}",
                     f"{k['similarity_median']:.2f}"]
                    + [str(k["distinctive"].get(d, ".")) for d in DIMENSIONS] + [labels])
    _table(["kind", "n", "ours ok", "base ok", "sim med"] + [SHORT_DIMENSIONS[d] for d in DIMENSIONS] + ["labels, ours"],
           rows)
    one = s["one_dimension"]
    print(f"\nOne dimension: recall {_fmt(one['recall'])} ({one['recall_hits']}/{one['pairs']} pairs with the "
          f"built-in dimension distinctive); precision {_fmt(one['precision'])} ({one['recall_hits']} of "
          f"{one['reported']} distinctive dimensions reported are the built-in one)")
    if s["copy_labels"]:
        print(f"\nCopy labels on pairs that are not copies (info, not a target): {len(s['copy_labels'])}: "
              + ", ".join(s["copy_labels"]))
    if key == "b-control":
        return
    by_name = {r["name"]: r for r in results if r["set"] == pair_set}
    print("\nFailing pairs (score/percentile of each dimension, * distinctive, - not measured, p- not placed)")
    for what, names in s["failures"].items():
        print(f"  {what}: {len(names)}")
        for name in names:
            r = by_name[name]
            o = r["ours"][reference]
            print(f"    {name:52s} {o['label']:14s} sim {o['similarity']:.2f}  {dimension_line(r, reference)}")
            print(f"      {r['recipe']}")


def render(summary: dict, results: list[dict], meta: dict) -> None:
    counts = Counter(r["kind"] for r in results)
    print(f"\nsimforensics resemblance benchmark  seed={meta['seed']}  {'quick' if meta['quick'] else 'full'}  "
          f"{len(results)} pairs: " + ", ".join(f"{k} {n}" for k, n in counts.items()))
    print(f"engine: simforensics.compare.compare_images (sources sha256 {meta.get('engine_sources_sha256', '?')})")
    print("\nMethodology")
    for line in meta["methodology"]:
        print(f"  {line}")
    print(f"  benchmark half ({len(meta['benchmark_half'])}): {', '.join(meta['benchmark_half'])}")
    print(f"  reference half ({len(meta['reference_half'])}): {', '.join(meta['reference_half'])}")
    held = meta.get("held_out_reference")
    if held:
        measured = ", ".join(f"{name} {n}" for name, n in held["measured"].items())
        print(f"  held-out reference: {held['pictures']} views, {held['pairs']} unrelated pairs (measured: {measured})")
    for name, floors in meta.get("distinctive_above", {}).items():
        words = ", ".join(f"{SHORT_DIMENSIONS[d]} {_fmt(v, '.3f')}" for d, v in floors.items())
        print(f"  {name} reference: a score is distinctive above {words} ('-': too few pairs to place)")
    for key in RUNS:
        if summary["runs"].get(key):
            _render_run(key, summary["runs"][key], results)

    timing = meta.get("timing")
    if timing is not None:
        print("\nProfile cost on a ~1-MP pair (astronaut 1024x1024 vs Grace Hopper 936x1092)")
        if "error" in timing:
            print(f"  error: {timing['error']}")
        else:
            pin = "taskset -c 0, one thread" if timing["pinned_to_one_core"] else "NOT pinned (no taskset), one thread"
            print(f"  compare_images with the profile     {timing['compare_seconds']:.3f} s  (median of "
                  f"{len(timing['compare_runs'])}; {pin}; verdict {timing['label']})")
            print(f"  the profile's own work              {timing['profile_seconds']:.3f} s  (median of "
                  f"{len(timing['profile_runs'])}: describe both pictures + place in the builtin reference)")
            print(f"  the same comparison without it      {timing['without_profile_seconds']:.3f} s  (the difference)")

    print("\nCopies keep their labels: run python -m benchmarks.compare for copy labels")
    print("\nTargets")
    columns = {"a": "(a) builtin, in-sample", "b": "(b) held-out", "timing": "measured"}
    for name, runs in summary["targets"].items():
        cells = []
        for key, (ok, measured) in runs.items():
            mark = "PASS" if ok else ("n/a " if ok is None else "FAIL")
            cells.append(f"{columns[key]}: {mark} {measured}")
        print(f"  {name}")
        print(f"      {'   |   '.join(cells)}")
