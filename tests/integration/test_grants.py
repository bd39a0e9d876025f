"""Grant tables (issue 7), through the PV test kernels booted as dom0.

gnttab (in test_kernels.py) covers the basics; gnttab_limits the limits (a full
table, pin counts stopping at 128, the maptrack running out with
GNTST_no_space and recovering); gnttab_ops covers read-only
enforcement by a real write fault, unmapping with wrong handles and
addresses, grants that do not allow the mapping, device and PTE-addressed
mappings, unmap_and_replace, copy bounds and rights, and version 2 with
its status frames. Xen 4.17 is the oracle for every expected value.
"""
import os

import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine


GRANT_KERNELS = ["gnttab_ops", "gnttab_limits"]


@pytest.mark.parametrize("hv", hypervisors())
@pytest.mark.parametrize("kernel", GRANT_KERNELS)
def test_grant_kernel_passes(hv, kernel):
    path = paths.test_kernel(kernel)
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run make -C tests/kernels")
    with Machine(hv=hv, name=f"grants-{kernel}-{hv}", dom0_kernel=path, dom0_args="",
                 dom0_image=None, memory_mb=256, dom0_mem_mb=64) as machine:
        machine.start()
        machine.expect(rf"{kernel}: Lintel PV test kernel", timeout=20)
        verdict = machine.expect(r"RESULT: (PASS|FAIL \((\d+) failed\))", timeout=60)
        log = open(machine.log_path, encoding="utf-8", errors="replace").read()
        failures = [line for line in log.splitlines() if line.startswith("FAIL ")]
        assert verdict.group(1) == "PASS", "\n".join(failures)
        machine.wait_exit(timeout=30)
