"""Store throughput over the socket: lintel-stored beside Debian's xenstored
and oxenstored (xen-utils-4.17), measured in the same run with the same raw
protocol driver (bench/xs_bench.c). For `make bench`: the runner calls run().

Figures are ops/s, higher is better: read, write, directory (64 entries),
transaction commit (start, read, write, commit), and watch fan-out (a write
whose event reached 1 or 100 watchers)."""
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from refstored import RefStored  # noqa: E402
from stored import BUILD, Stored  # noqa: E402

XS_BENCH = os.path.join(BUILD, "test", "xs_bench")
OPS = [("read", []), ("write", []), ("directory", []), ("transaction", []),
       ("watch", ["1"]), ("watch", ["100"])]
SUBJECTS = ["lintel-stored", "xenstored", "oxenstored"]
SECONDS = "0.5"


def start(subject, workdir):
    if subject == "lintel-stored":
        s = Stored(workdir)
        s.start()
        return s
    return RefStored(subject, workdir).start()


def measure(socket_path, op, extra, repeat):
    figures = []
    for _ in range(repeat):
        out = subprocess.run([XS_BENCH, socket_path, op, *extra, SECONDS], check=True,
                             capture_output=True, text=True, timeout=120).stdout
        figures.append(float(out.split()[1]))
    return statistics.median(figures)


def collect(repeat=3):
    """{(op label): {subject: ops/s or None}}, {(op label): {subject: why not}}."""
    values, notes = {}, {}
    for subject in SUBJECTS:
        with tempfile.TemporaryDirectory(prefix=f"bench-{subject}-") as work:
            try:
                daemon = start(subject, work)
            except Exception as e:  # noqa: BLE001 - reported as a note, not a crash
                for op, extra in OPS:
                    label = "-".join([op] + extra)
                    values.setdefault(label, {})[subject] = None
                    notes.setdefault(label, {})[subject] = f"could not start: {e}"
                continue
            try:
                for op, extra in OPS:
                    label = "-".join([op] + extra)
                    values.setdefault(label, {})[subject] = measure(daemon.socket, op, extra, repeat)
            finally:
                daemon.stop()
    return values, notes


def run(args):
    from results import Result    # tests/bench/results.py, on the runner's path
    values, notes = collect(getattr(args, "repeat", 3))
    return [Result(bench=f"store {label}", metric="ops/s", values=values[label],
                   ratio=("lintel-stored", "xenstored"), lower_is_better=False,
                   notes=notes.get(label, {}))
            for label in values]


if __name__ == "__main__":
    vals, why = collect(1)
    width = max(len(k) for k in vals)
    print(f"{'op':<{width}}  " + "  ".join(f"{s:>13}" for s in SUBJECTS))
    for label, row in vals.items():
        print(f"{label:<{width}}  " + "  ".join(
            f"{row[s]:>13.0f}" if row.get(s) is not None else f"{'n/a':>13}" for s in SUBJECTS))
    for label, row in why.items():
        for s, note in row.items():
            print(f"note: {label} / {s}: {note}")
