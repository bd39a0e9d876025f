"""Shared fixtures for the toolstack's host-side tests: the built `lintel`."""
import os
import subprocess

import pytest

from toolstack_cli import BUILD, LINTEL, REPO, STOCK_KERNEL


@pytest.fixture(scope="session")
def lintel():
    """Path of the host build of `lintel`, built first if needed."""
    subprocess.run(["make", "-s", "-C", str(REPO / "dom0-tools"), f"BUILD={BUILD}", "all"],
                   check=True)
    assert LINTEL.exists()
    return LINTEL


@pytest.fixture
def guest_files(tmp_path):
    """A directory with the files configs refer to by relative path:
    vmlinuz (the stock kernel when cached) and initrd.img."""
    kernel = tmp_path / "vmlinuz"
    if STOCK_KERNEL.exists():
        os.symlink(STOCK_KERNEL, kernel)
    else:
        kernel.write_bytes(b"\0" * 4096)
    (tmp_path / "initrd.img").write_bytes(b"\0" * 4096)
    return tmp_path
