"""PV execution on Lintel: the hypercall trace (a Lintel-only feature).

The stock kernel as dom0 (type, control_d, processes, a clean kernel log) is
test_dom0_boot.py's, on both hypervisors; this module no longer boots its
own copy of it."""
import os
import re

import pytest

from harness import paths
from harness.qemu import Machine


def test_hypercall_trace_logs_calls_and_bounces():
    kernel = paths.test_kernel("traps")
    if not os.path.exists(kernel):
        pytest.fail(f"{kernel} is missing: run make -C tests/kernels")
    with Machine(hv="lintel", name="pv-exec-trace", dom0_kernel=kernel, dom0_args="",
                 dom0_image=None, memory_mb=256, dom0_mem_mb=64) as m:
        m.hv_args += " hypercall_trace"
        m.start()
        # xen_version(XENVER_version) returns (4 << 16) | 17.
        m.expect(r"hypercall d0v0 17 xen_version\(0x0, 0x[0-9a-f]+, 0x[0-9a-f]+, "
                 r"0x[0-9a-f]+, 0x[0-9a-f]+\) = 262161", timeout=30)
        m.expect(r"bounce d0v0 #BP from kernel rip 0x[0-9a-f]+ to 0x[0-9a-f]+", timeout=30)
        m.expect(r"RESULT: PASS", timeout=60)
        m.wait_exit(timeout=30)
        # The trap handlers return through iret, whose result is the restored rax.
        assert re.search(r"hypercall d0v0 23 iret\(.*\) = -?\d+ \(rax restored\)",
                         m.console_text())
