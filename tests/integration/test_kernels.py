"""The minimal PV test kernels (tests/kernels/) booted directly as dom0.

Each kernel runs its checks against the hypervisor and prints one line per
check, then exactly "RESULT: PASS" or "RESULT: FAIL (<n> failed)", then
reboots (QEMU runs with -no-reboot, so it exits). Xen 4.17 is the oracle:
the expected values in the kernels are what Xen does, so Xen must pass
every one. Lintel cases are strict xfails except for the kernels in
LINTEL_PASSES, which it passes today.
"""
import os
import re

import pytest

from harness import paths
from harness.marks import lintel_xfail
from harness.qemu import Machine

LINTEL_CANNOT_RUN_PV = "Lintel does not implement all that this kernel checks yet"

CHECK_KERNELS = ["hello", "hypercalls", "traps", "evtchn", "mm", "gnttab", "bootcalls", "time",
                 "bench", "privops", "syscalls", "failsafe", "callgates"]


# Kernels whose checks all pass on Lintel today; the others stay strict xfails.
LINTEL_PASSES = {"traps", "mm", "hello", "hypercalls", "evtchn", "bootcalls", "bench", "gnttab",
                 "privops", "syscalls", "time", "failsafe", "callgates"}


def kernel_cases():
    cases = []
    for kernel in CHECK_KERNELS:
        cases.append(pytest.param(kernel, "xen", id=f"xen-{kernel}"))
        marks = () if kernel in LINTEL_PASSES else lintel_xfail(LINTEL_CANNOT_RUN_PV)
        cases.append(pytest.param(kernel, "lintel", id=f"lintel-{kernel}", marks=marks))
    return cases


def boot_test_kernel(hv, kernel, test_name, vcpus=1):
    path = paths.test_kernel(kernel)
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run make -C tests/kernels")
    machine = Machine(hv=hv, name=test_name, dom0_kernel=path, dom0_args="",
                      dom0_image=None, memory_mb=256, dom0_mem_mb=64, smp=vcpus)
    if vcpus > 1:
        # Xen's option; Lintel takes the same spelling.
        machine.hv_args += f" dom0_max_vcpus={vcpus}"
    return machine


def run_checks(machine, kernel):
    banner = machine.expect(rf"{kernel}: Lintel PV test kernel", timeout=20)
    assert banner
    verdict = machine.expect(r"RESULT: (PASS|FAIL \((\d+) failed\))", timeout=30)
    log = open(machine.log_path, encoding="utf-8", errors="replace").read()
    failures = [line for line in log.splitlines() if line.startswith("FAIL ")]
    assert verdict.group(1) == "PASS", "\n".join(failures)
    # The kernel reboots the machine when done; QEMU (-no-reboot) then exits.
    machine.wait_exit(timeout=30)


@pytest.mark.parametrize("kernel,hv", kernel_cases())
def test_kernel_checks_pass(hv, kernel):
    with boot_test_kernel(hv, kernel, f"kernel-{kernel}-{hv}") as machine:
        machine.start()
        run_checks(machine, kernel)


@pytest.mark.parametrize("hv", ["xen", "lintel"])
def test_second_vcpu_checks_pass(hv):
    """smp needs dom0 with two vcpus on a two-CPU machine."""
    with boot_test_kernel(hv, "smp", f"kernel-smp-{hv}", vcpus=2) as machine:
        machine.start()
        run_checks(machine, "smp")


# Both hypervisors report a crashed dom0 with a line naming the domain.
DOM0_CRASH_REPORT = r"Domain 0\b[^\r\n]*\bcrashed"


@pytest.mark.parametrize("hv", ["xen", "lintel"])
def test_unhandled_fault_crashes_only_the_domain(hv):
    """crash faults with no trap table: the hypervisor must report the
    domain's crash and restart the machine (dom0's crash does that on Xen),
    not fall over itself and not let the kernel carry on."""
    with boot_test_kernel(hv, "crash", f"kernel-crash-{hv}") as machine:
        machine.start()
        machine.expect(r"crash: Lintel PV test kernel", timeout=20)
        machine.expect(r"crash: about to fault at 0x2000", timeout=20)
        machine.expect(DOM0_CRASH_REPORT, timeout=20)
        # Xen restarts the machine 5 s after a dom0 crash; -no-reboot ends QEMU.
        machine.wait_exit(timeout=30)
        log = open(machine.log_path, encoding="utf-8", errors="replace").read()
        assert "still running after the fault" not in log
        assert "RESULT:" not in log
        assert not re.search(r"\(XEN\) Panic|Lintel: panic", log)
