"""Summary figures from the per-pair results, and the plain-text report.

``summarize`` turns the per-pair result dicts (as written to ``compare-results.json``) into the
figures; ``render`` prints them. Both work for the engine ("ours") and the baseline, so the
baseline's figures stand beside ours in every section. Definitions are in ``metrics.py``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from . import metrics
from .corpus import CATEGORIES

SAME_PICTURE = ("identical", "near-duplicate", "locally-edited")
SHORT = {"identical": "ident", "near-duplicate": "near", "locally-edited": "local", "similar": "simil",
         "unrelated": "unrel", "error": "error"}
SYSTEMS = ("ours", "baseline")

TARGETS = {
    "accuracy": 0.95,
    "local_on_global": 0,
    "mask_iou": 0.80,
    "corner_median": 1.0,
    "corner_p95": 3.0,
    "mirror_rate": 1.0,
    "large_seconds": 1.5,
}


def _family_root(result: dict) -> str:
    """Near-duplicate families are their recipes; locally-edited ones their edit kind."""
    family = result["family"]
    return family.split("+")[0] if result["truth"]["label"] == "locally-edited" else family


def _system_summary(results: list[dict], system: str) -> dict:
    rows = [r for r in results if r.get(system) is not None]
    if not rows:
        return {}
    s: dict = {"pairs": len(rows)}
    correct = [r[system]["label"] == r["truth"]["label"] for r in rows]
    s["accuracy"] = float(np.mean(correct))
    s["accuracy_by_truth"] = {}
    for cat in CATEGORIES:
        sel = [c for r, c in zip(rows, correct) if r["truth"]["label"] == cat]
        if sel:
            s["accuracy_by_truth"][cat] = {"n": len(sel), "correct": int(sum(sel)), "accuracy": float(np.mean(sel))}
    confusion: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        confusion[r["truth"]["label"]][r[system]["label"]] += 1
    s["confusion"] = {k: dict(v) for k, v in confusion.items()}
    s["errors"] = sum(1 for r in rows if r[system].get("error"))

    offenders = [r for r in rows if r["truth"]["global_only"] and r[system]["label"] == "locally-edited"]
    s["local_on_global"] = len(offenders)
    s["local_on_global_by_family"] = dict(Counter(r["family"] for r in offenders))
    s["local_on_global_pairs"] = [r["name"] for r in offenders]
    false_change = [r[system]["changed_fraction"] for r in rows
                    if r["truth"]["global_only"] and r[system].get("changed_fraction") is not None]
    s["global_only_changed_median"] = metrics.median(false_change)
    s["global_only_changed_p95"] = metrics.percentile(false_change, 95)
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r, ok in zip(rows, correct):
        key = f"{r['truth']['label']}: {_family_root(r)}"
        by_family[key][0] += not ok
        by_family[key][1] += 1
    s["wrong_by_family"] = {k: v for k, v in sorted(by_family.items())}

    ious = [(r, r[system]["mask_iou"]) for r in rows if r["truth"]["label"] == "locally-edited"
            and r[system].get("mask_iou") is not None]
    s["mask_iou"] = float(np.mean([v for _, v in ious])) if ious else math.nan
    s["mask_iou_n"] = len(ious)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for r, v in ious:
        by_kind[r["family"].split("+")[0]].append(v)
    s["mask_iou_by_edit"] = {k: float(np.mean(v)) for k, v in sorted(by_kind.items())}
    with_global: dict[str, list[float]] = defaultdict(list)
    for r, v in ious:
        with_global["+".join(r["family"].split("+")[1:]) or "(none)"].append(v)
    s["mask_iou_by_after"] = {k: float(np.mean(v)) for k, v in sorted(with_global.items())}
    lost = [r[system].get("lost_coverage") for r in rows if r[system].get("lost_coverage") is not None]
    s["lost_coverage_mean"] = float(np.mean(lost)) if lost else math.nan

    geo = [r for r in rows if r["truth"]["label"] in ("near-duplicate", "locally-edited")
           and r["truth"]["matrix"] is not None]
    errors = [r[system]["corner_error"] for r in geo if r[system].get("corner_error") is not None]
    s["aligned"] = len(errors)
    s["alignable"] = len(geo)
    s["corner_median"] = metrics.median(errors)
    s["corner_p95"] = metrics.percentile(errors, 95)
    s["corner_within_3px"] = float(np.mean([e <= 3 for e in errors])) if errors else math.nan

    mirrored = [r for r in rows if r["truth"]["mirrored"] is True]
    others = [r for r in rows if r["truth"]["mirrored"] is False]
    s["mirror_detected"] = sum(1 for r in mirrored if r[system].get("mirror_claimed"))
    s["mirror_total"] = len(mirrored)
    s["mirror_rate"] = s["mirror_detected"] / len(mirrored) if mirrored else math.nan
    s["false_mirrors"] = sum(1 for r in others if r[system].get("mirror_claimed"))
    s["false_mirror_pairs"] = [r["name"] for r in others if r[system].get("mirror_claimed")]
    s["not_mirrored_total"] = len(others)

    seconds = [r[system]["seconds"] for r in rows if r[system].get("seconds") is not None]
    s["seconds_median"] = metrics.median(seconds)
    s["seconds_p95"] = metrics.percentile(seconds, 95)
    s["seconds_max"] = max(seconds) if seconds else math.nan

    scores = [r[system]["similarity"] if r[system].get("similarity") is not None else 0.0 for r in rows]
    s["ap_same_picture"] = metrics.average_precision(scores, [r["truth"]["label"] in SAME_PICTURE for r in rows])
    s["ap_related"] = metrics.average_precision(scores, [r["truth"]["label"] != "unrelated" for r in rows])
    s["similarity_by_truth"] = {
        cat: {"min": float(np.min(v)), "median": float(np.median(v)), "max": float(np.max(v))}
        for cat in CATEGORIES
        if (v := [sc for r, sc in zip(rows, scores) if r["truth"]["label"] == cat])
    }
    return s


def summarize(results: list[dict], large: dict[str, dict] | None = None) -> dict:
    summary = {system: _system_summary(results, system) for system in SYSTEMS}
    summary["large"] = large or {}
    ours = summary["ours"]
    if ours:
        large_ours = (large or {}).get("ours") or {}
        summary["targets"] = {
            "verdict accuracy >= 95 %": (ours["accuracy"] >= TARGETS["accuracy"], f"{ours['accuracy']:.1%}"),
            "0 locally-edited on global-only": (ours["local_on_global"] == 0, str(ours["local_on_global"])),
            "mask IoU >= 0.80": (ours["mask_iou"] >= TARGETS["mask_iou"], f"{ours['mask_iou']:.3f}"),
            "corner error median <= 1 px": (ours["corner_median"] <= TARGETS["corner_median"],
                                            f"{ours['corner_median']:.2f} px ({ours['aligned']}/{ours['alignable']} aligned)"),
            "corner error p95 <= 3 px": (ours["corner_p95"] <= TARGETS["corner_p95"], f"{ours['corner_p95']:.2f} px"),
            "mirror detection 100 %": (ours["mirror_rate"] >= TARGETS["mirror_rate"],
                                       f"{ours['mirror_detected']}/{ours['mirror_total']}"),
            "12-MP pair < 1.5 s on one core": (
                (large_ours.get("seconds", math.inf) < TARGETS["large_seconds"]) if "seconds" in large_ours else None,
                f"{large_ours['seconds']:.2f} s" if "seconds" in large_ours else large_ours.get("error", "not run"),
            ),
        }
    return summary


# ------------------------------------------------------------------------ printing


def _fmt(value: float, spec: str = ".3f") -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, spec)


def _table(header: list[str], rows: list[list[str]], indent: int = 2) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = " " * indent + "  ".join(str(h).ljust(w) if i == 0 else str(h).rjust(w) for i, (h, w) in enumerate(zip(header, widths)))
    print(line)
    print(" " * indent + "  ".join("-" * w for w in widths))
    for row in rows:
        print(" " * indent + "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(row, widths))))


def _confusion(s: dict, title: str) -> None:
    print(f"\n{title} (rows: truth, columns: predicted)")
    seen = {label for counts in s["confusion"].values() for label in counts}
    columns = list(CATEGORIES) + sorted(seen - set(CATEGORIES))  # e.g. "error", or an unknown label
    rows = []
    for cat in CATEGORIES:
        counts = s["confusion"].get(cat, {})
        if counts:
            rows.append([cat] + [str(counts.get(c, 0) or ".") for c in columns])
    _table(["truth \\ predicted"] + [SHORT.get(c, c) for c in columns], rows)


def render(summary: dict, results: list[dict], meta: dict) -> None:
    ours, base = summary.get("ours") or {}, summary["baseline"]
    have_ours = bool(ours)
    counts = Counter(r["truth"]["label"] for r in results)
    print(f"\nsimforensics compare benchmark  seed={meta['seed']}  {'quick' if meta['quick'] else 'full'}  "
          f"{len(results)} pairs (" + ", ".join(f"{c} {counts[c]}" for c in CATEGORIES) + ")")
    print(f"engine: {meta['engine']}  (sources sha256 {meta.get('engine_sources_sha256', '?')})")

    def both(key: str, spec: str = ".3f") -> list[str]:
        return ([_fmt(ours.get(key), spec)] if have_ours else []) + [_fmt(base.get(key), spec)]

    cols = (["ours"] if have_ours else []) + ["baseline"]

    print("\nVerdict accuracy")
    rows = [["overall"] + both("accuracy", ".1%")]
    for cat in CATEGORIES:
        if cat in base["accuracy_by_truth"]:
            b = base["accuracy_by_truth"][cat]
            row = [f"{cat} ({b['n']})"]
            if have_ours:
                o = ours["accuracy_by_truth"][cat]
                row.append(f"{o['accuracy']:.1%} ({o['correct']})")
            row.append(f"{b['accuracy']:.1%} ({b['correct']})")
            rows.append(row)
    _table(["truth"] + cols, rows)
    if have_ours:
        _confusion(ours, "Confusion, ours")
        if ours["errors"]:
            print(f"  the engine raised, or returned an unusable result, on {ours['errors']} pair(s); see 'error' in the JSON")
    _confusion(base, "Confusion, baseline")

    print("\nLocally-edited verdicts on global-only pairs (target 0)")
    for system in ([("ours", ours)] if have_ours else []) + [("baseline", base)]:
        name, s = system
        fams = ", ".join(f"{k} x{v}" for k, v in sorted(s["local_on_global_by_family"].items()))
        print(f"  {name:9s} {s['local_on_global']:3d}  {fams}")
    print("  area marked changed (255) on global-only pairs, median / p95: "
          + "   ".join(f"{name} {_fmt(s['global_only_changed_median'], '.2%')} / {_fmt(s['global_only_changed_p95'], '.2%')}"
                       for name, s in ([("ours", ours)] if have_ours else []) + [("baseline", base)]))

    print("\nChange-mask IoU on locally-edited pairs (over the copy's coverage)")
    rows = [[f"mean ({base['mask_iou_n']})"] + both("mask_iou")]
    for kind in base["mask_iou_by_edit"]:
        rows.append([f"  {kind}"] + ([_fmt(ours["mask_iou_by_edit"].get(kind))] if have_ours else [])
                    + [_fmt(base["mask_iou_by_edit"][kind])])
    for after in base["mask_iou_by_after"]:
        rows.append([f"  then {after}"] + ([_fmt(ours["mask_iou_by_after"].get(after))] if have_ours else [])
                    + [_fmt(base["mask_iou_by_after"][after])])
    _table(["edit"] + cols, rows)
    if have_ours and not math.isnan(ours.get("lost_coverage_mean", math.nan)):
        print(f"  ours marks on average {ours['lost_coverage_mean']:.1%} of the truly covered area as 128 (not covered)")

    print("\nAlignment (near-duplicate and locally-edited pairs with a known matrix; corner error in ORIGINAL px)")
    rows = [
        ["aligned"] + ([f"{ours['aligned']}/{ours['alignable']}"] if have_ours else []) + [f"{base['aligned']}/{base['alignable']} (plain resize)"],
        ["corner error median"] + both("corner_median", ".2f"),
        ["corner error p95"] + both("corner_p95", ".2f"),
        ["share within 3 px"] + both("corner_within_3px", ".1%"),
    ]
    _table(["", *cols], rows)

    print("\nMirror")
    rows = [
        ["detected on mirrored pairs"] + [f"{s['mirror_detected']}/{s['mirror_total']}" for s in ([ours] if have_ours else []) + [base]],
        ["false mirrors on the rest"] + [f"{s['false_mirrors']}/{s['not_mirrored_total']}" for s in ([ours] if have_ours else []) + [base]],
    ]
    _table(["", *cols], rows)

    print("\nSeconds per pair (in-process, default threads)")
    _table(["", *cols], [["median"] + both("seconds_median", ".3f"), ["p95"] + both("seconds_p95", ".3f"),
                         ["max"] + both("seconds_max", ".3f")])

    print("\nRanking by similarity (average precision)")
    _table(["positives", *cols], [["same picture (identical/near/local)"] + both("ap_same_picture"),
                                  ["related (all but unrelated)"] + both("ap_related")])
    rows = []
    for cat in CATEGORIES:
        if cat in base["similarity_by_truth"]:
            row = [cat]
            for s in ([ours] if have_ours else []) + [base]:
                v = s["similarity_by_truth"].get(cat)
                row.append(f"{v['min']:.2f} / {v['median']:.2f} / {v['max']:.2f}" if v else "-")
            rows.append(row)
    print("  similarity min / median / max by truth")
    _table(["truth", *cols], rows, indent=4)

    large = summary.get("large") or {}
    if large:
        print("\n12-megapixel pair (4000x3000 PNG vs 3200x2400 JPEG q85 with a paste; one core, from files)")
        for name, r in large.items():
            if not r:
                continue
            if "error" in r:
                print(f"  {name:9s} error: {r['error']}")
            else:
                pin = "taskset -c 0" if r["pinned_to_one_core"] else "NOT pinned (no taskset)"
                print(f"  {name:9s} {r['seconds']:.2f} s per pair (median of {len(r['runs'])}; process "
                      f"{r['process_seconds']:.2f} s incl. start-up), peak RSS {r['peak_rss_mb']:.0f} MB, "
                      f"verdict {r.get('label')}, {pin}")

    if have_ours:
        print("\nTargets")
        for name, (ok, measured) in summary["targets"].items():
            mark = "PASS" if ok else ("n/a " if ok is None else "FAIL")
            print(f"  {mark}  {name:34s} {measured}")

        print("\nWrong verdicts by family, ours (wrong/total; families with no error left out)")
        fams = [(k, v) for k, v in ours["wrong_by_family"].items() if v[0]]
        if not fams:
            print("  none")
        for i in range(0, len(fams), 3):
            print("  " + "   ".join(f"{k} {v[0]}/{v[1]}".ljust(44) for k, v in fams[i : i + 3]).rstrip())

        wrong = [r for r in results if r["ours"]["label"] != r["truth"]["label"]]
        if wrong:
            print(f"\nWrong verdicts, ours ({len(wrong)})")
            for r in wrong:
                err = f"  ERROR {r['ours']['error']}" if r["ours"].get("error") else ""
                print(f"  {r['name']:62s} {SHORT[r['truth']['label']]:>5s} -> {SHORT.get(r['ours']['label'], r['ours']['label']):5s}"
                      f" sim {_fmt(r['ours'].get('similarity'), '.2f')}  {r['transform']}{err}")
        poor = [r for r in results if r["truth"]["label"] == "locally-edited" and (r["ours"].get("mask_iou") or 0) < 0.5]
        if poor:
            print(f"\nLocally-edited pairs with mask IoU < 0.5, ours ({len(poor)})")
            for r in poor:
                print(f"  {r['name']:62s} IoU {_fmt(r['ours'].get('mask_iou'), '.2f')}  "
                      f"predicted {_fmt(r['ours'].get('mask_fraction'), '.1%')} vs true {r['truth']['mask_fraction']:.1%}"
                      f"  verdict {r['ours']['label']}")
        bad_geo = [r for r in results if r["ours"].get("corner_error") is not None and r["ours"]["corner_error"] > 3]
        unaligned = [r for r in results if r["truth"]["label"] in ("near-duplicate", "locally-edited")
                     and r["truth"]["matrix"] is not None and r["ours"].get("corner_error") is None]
        if bad_geo or unaligned:
            print(f"\nAlignment failures, ours ({len(unaligned)} not aligned, {len(bad_geo)} aligned with corner error > 3 px)")
            for r in unaligned:
                print(f"  {r['name']:62s} not aligned  {r['transform']}")
            for r in bad_geo:
                print(f"  {r['name']:62s} {r['ours']['corner_error']:.1f} px  {r['transform']}")
        for label, names in (("Mirror missed", [r["name"] for r in results if r["truth"]["mirrored"] is True and not r["ours"].get("mirror_claimed")]),
                             ("False mirror", ours["false_mirror_pairs"])):
            if names:
                print(f"\n{label}, ours ({len(names)})")
                for n in names:
                    print(f"  {n}")
