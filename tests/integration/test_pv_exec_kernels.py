"""PV test kernels for the guest CPU state that session 2 added (issue 4):
data selectors and the guest LDT (segments), hardware breakpoints
(debugregs), XSAVE/AVX state (xsave, on QEMU's "max" CPU: qemu64 has no
AVX). Each kernel boots as dom0 on Xen 4.17, the oracle, and on Lintel.

They run with two vCPUs on ONE physical CPU: what they check is that a
vCPU switch on the same pCPU keeps each vCPU's state, and on a two-CPU
machine Xen would run the other vCPU on the other pCPU and never switch.
"""
import os

import pytest

from harness import paths
from harness.qemu import Machine


def boot(hv, kernel, vcpus=2, qemu_extra=()):
    path = paths.test_kernel(kernel)
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run make -C tests/kernels")
    machine = Machine(hv=hv, name=f"pv-exec-{kernel}-{hv}", dom0_kernel=path, dom0_args="",
                      dom0_image=None, memory_mb=256, dom0_mem_mb=64, smp=1,
                      qemu_extra=list(qemu_extra))
    machine.hv_args += f" dom0_max_vcpus={vcpus}"
    return machine


def run_checks(machine, kernel):
    machine.expect(rf"{kernel}: Lintel PV test kernel", timeout=20)
    verdict = machine.expect(r"RESULT: (PASS|FAIL \((\d+) failed\))", timeout=60)
    failures = [line for line in machine.console_text().splitlines()
                if line.startswith("FAIL ")]
    assert verdict.group(1) == "PASS", "\n".join(failures)
    machine.wait_exit(timeout=30)


@pytest.mark.parametrize("hv", ["xen", "lintel"])
def test_segments_and_ldt(hv):
    with boot(hv, "segments") as machine:
        machine.start()
        run_checks(machine, "segments")


@pytest.mark.parametrize("hv", ["xen", "lintel"])
def test_debug_registers(hv):
    with boot(hv, "debugregs") as machine:
        machine.start()
        run_checks(machine, "debugregs")


@pytest.mark.parametrize("hv", ["xen", "lintel"])
def test_xsave_and_avx(hv):
    # The last -cpu wins: TCG's "max" has XSAVE, XSAVEOPT, AVX and AVX2.
    with boot(hv, "xsave", qemu_extra=["-cpu", "max"]) as machine:
        machine.start()
        run_checks(machine, "xsave")
