"""PV execution on Lintel: the hypercall trace, and the stock Debian kernel
as dom0 (issue 8) reaching a shell that answers.

Lintel-only checks of Lintel's own features (the trace), plus the dom0 boot
with serial input switched to dom0 by hand (Ctrl-A three times), which the
shared dom0 tests do not do yet."""
import os
import re

import pytest

from harness import paths
from harness.qemu import SHELL_PROMPT, Machine



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


@pytest.fixture(scope="module")
def lintel_dom0():
    with Machine(hv="lintel", name="pv-exec-dom0") as m:
        m.start()
        # As on Xen, serial input belongs to dom0 once the hypervisor has booted.
        m.expect(r"serial input now goes to dom0", timeout=120)
        m.expect(r"lintel-dom0: ready", timeout=240)
        m.send("\n")
        m.expect(SHELL_PROMPT, timeout=60)
        m.send("stty -echo\n")
        m.expect(SHELL_PROMPT, timeout=30)
        m.run("true", timeout=60)
        yield m


def test_stock_kernel_boots_as_dom0(lintel_dom0):
    text = lintel_dom0.console_text()
    assert "Booting kernel on Xen" in text
    assert "Hypervisor detected: Xen PV" in text
    assert "lintel-dom0: init started" in text


def test_dom0_is_the_control_domain(lintel_dom0):
    assert lintel_dom0.check("cat /sys/hypervisor/type") == "xen"
    assert lintel_dom0.check("cat /proc/xen/capabilities") == "control_d"


def test_dom0_runs_processes(lintel_dom0):
    # fork + exec + pipes: user mode, system calls and page-table writes.
    assert lintel_dom0.check("seq 1 200 | sort -n | tail -n 1") == "200"


def test_dom0_kernel_log_has_no_oops(lintel_dom0):
    log = lintel_dom0.check("dmesg")
    bad = [line for line in log.splitlines()
           if re.search(r"WARNING:|BUG:|Oops|Call Trace", line)]
    assert not bad, "\n".join(bad)
