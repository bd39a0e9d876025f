"""Paths and the runner for the host build of `lintel`, shared by the toolstack's
host tests. A module of its own (not conftest): every test folder has a conftest,
and pytest imports each as the one module name `conftest`."""
import pathlib
import subprocess

REPO = pathlib.Path(__file__).resolve().parents[2]
BUILD = REPO / "build"
LINTEL = BUILD / "dom0-tools" / "lintel"
STOCK_KERNEL = BUILD / "cache" / "kernel" / "vmlinuz"


def run_lintel(lintel, *args, cwd=None):
    return subprocess.run([str(lintel), *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=30)
