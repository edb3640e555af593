"""The benchmark's printed table: per family and per half, decided and correct shares."""

from __future__ import annotations

from collections import defaultdict

__all__ = ["FAMILIES", "render", "summarize"]

FAMILIES = ("crop", "reduce", "enlarge", "jpeg-jpeg", "png-jpeg", "colour", "local-edit", "combination", "rotate",
            "border", "overlay", "canvas")
DECIDED_TARGET, CORRECT_TARGET = 0.85, 0.97


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.3f} ({part}/{whole})" if whole else "-"


def summarize(results: list[dict]) -> dict:
    """Counts per (half, family) for simforensics and the baseline; identical pairs apart."""
    table: dict = defaultdict(lambda: {"n": 0, "decided": 0, "correct": 0, "b_decided": 0, "b_correct": 0})
    for r in results:
        for key in ((r["half"], r["family"]), (r["half"], "all"), ("both", r["family"]), ("both", "all")):
            row = table[key]
            row["n"] += 1
            for prefix, answer in (("", r["ours"]), ("b_", r["baseline"])):
                if answer != "undetermined":
                    row[prefix + "decided"] += 1
                    row[prefix + "correct"] += answer == r["truth"]
    return {f"{half}/{family}": dict(row) for (half, family), row in table.items()}


def render(summary: dict, halves: tuple[str, ...], timing: dict | None, meta: dict) -> None:
    print(f"\nDerivation benchmark (seed {meta['seed']}): pairs with a known direction, each in both argument orders")
    print("development pictures: " + ", ".join(meta["development"]) + "; held-out: " + ", ".join(meta["held_out"]))
    header = f"{'family':13s} {'pairs':>5s}  {'decided':>16s}  {'correct of decided':>18s}  {'baseline decided':>16s}  {'baseline correct':>16s}"
    for half in halves:
        print(f"\n[{half}]\n{header}")
        for family in (*FAMILIES, "all"):
            row = summary.get(f"{half}/{family}")
            if row is None or family == "identical":
                continue
            print(f"{family:13s} {row['n']:5d}  {_share(row['decided'], row['n']):>16s}  "
                  f"{_share(row['correct'], row['decided']):>18s}  {_share(row['b_decided'], row['n']):>16s}  "
                  f"{_share(row['b_correct'], row['b_decided']):>16s}")
    identical = meta["identical"]
    print(f"\nidentical pairs undetermined: simforensics {identical['ours']}/{identical['n']}, "
          f"baseline {identical['baseline']}/{identical['n']}")
    total = summary.get("both/all", {})
    if total:
        decided = total["decided"] / total["n"]
        correct = total["correct"] / max(1, total["decided"])
        print(f"targets: decided >= {DECIDED_TARGET} (measured {decided:.3f}), correct of decided >= {CORRECT_TARGET} "
              f"(measured {correct:.3f}), identical always undetermined "
              f"({'met' if identical['ours'] == identical['n'] else 'NOT met'})")
    if timing and "error" in timing:
        print(f"\ntiming failed: {timing['error']}")
    elif timing:
        print(f"\ncost on a {timing['megapixels']:.2f}-MP pair, one thread: derivation {timing['derivation_seconds']:.3f} s "
              f"(median of {timing['runs']}) of a {timing['compare_seconds']:.3f} s comparison without the portrait models "
              f"({timing['share']:.0%}), one core, BLAS threads 1")
