"""The benchmark driver works on lintel-stored (so `make bench` cannot rot)."""
import subprocess

from bench_store import OPS, XS_BENCH


def test_every_bench_operation_runs(stored):
    for op, extra in OPS:
        out = subprocess.run([XS_BENCH, stored.socket, op, *extra, "0.05"], check=True,
                             capture_output=True, text=True, timeout=60).stdout.split()
        assert out[0] == "-".join([op] + extra) and float(out[1]) > 0
    with stored.client() as c:
        assert c.read("/bench/t") == b"committed"


def test_bench_driver_rejects_bad_arguments(stored):
    p = subprocess.run([XS_BENCH, stored.socket, "frobnicate"], capture_output=True, text=True)
    assert p.returncode == 2 and "unknown operation" in p.stderr
