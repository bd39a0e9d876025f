#!/usr/bin/env python3
"""`make bench`: runs every tests/bench/bench_*.py module (or those named with
-k), prints one table with the candidate/baseline ratios, and writes JSON."""
import argparse
import importlib
import json
import os
import pkgutil
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)


def discover(selected):
    for info in sorted(pkgutil.iter_modules([HERE]), key=lambda m: m.name):
        if info.name.startswith("bench_") and (not selected or any(s in info.name for s in selected)):
            yield importlib.import_module(info.name)


def fmt(value):
    if value is None:
        return "n/a"
    if abs(value) >= 1e6:
        return f"{value:.3e}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3g}"


def print_table(results):
    subjects = []
    for r in results:
        subjects += [s for s in r.values if s not in subjects]
    head = ["benchmark", "metric"] + subjects + ["ratio"]
    rows = []
    for r in results:
        ratio = r.ratio_value()
        label = f"{r.ratio[0]}/{r.ratio[1]} {ratio:.2f}" if ratio is not None else "-"
        rows.append([r.bench, r.metric] + [fmt(r.values.get(s)) if s in r.values else ""
                                           for s in subjects] + [label])
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = "  ".join(h.ljust(w) for h, w in zip(head, widths))
    print(line)
    print("-" * len(line))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
    for r in results:
        for subject, note in r.notes.items():
            print(f"  note: {r.bench} / {subject}: {note}")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=os.path.join(HERE, "..", "..", "build", "bench", "results.json"))
    parser.add_argument("-k", action="append", default=[], help="run benchmarks whose module name contains this")
    parser.add_argument("--repeat", type=int, default=3, help="wall-time repetitions (median reported)")
    args = parser.parse_args()

    results, started = [], time.time()
    for module in discover(args.k):
        print(f"bench: {module.__name__} ...", flush=True)
        results += module.run(args)
    print()
    print_table(results)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump({"host": platform.node(), "started": started, "seconds": time.time() - started,
                   "results": [dict(r.__dict__, ratio_value=r.ratio_value()) for r in results]},
                  f, indent=2)
    print(f"\nresults: {os.path.abspath(args.out)}")


if __name__ == "__main__":
    main()
