"""Event channels, vcpu timers and run-state accounting (issue 6), through
the PV test kernels evtchn_ops and timers booted as dom0.

Xen 4.17 is the oracle: the kernels' expectations are what it does. The
timers kernel also checks timer accuracy in guest time as issue 6 words it:
of up to 30 10 ms singleshots none fires before its deadline and the best
lands within 2 ms of it (single samples under emulation on a shared host
are late by host stalls: see timers.c); it prints the measured lateness as
a "note" line, which ends up in build/test-logs/.

Every machine here has two pCPUs (-smp 2), as issue 6 asks of its tests;
the one-vCPU kernels then run beside an idle pCPU.
"""
import os

import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine


EVENT_KERNELS = ["evtchn_ops", "timers", "evtchn_fifo"]


def run_event_kernel(hv, kernel, name=None, args="", icount=False):
    path = paths.test_kernel(kernel)
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run make -C tests/kernels")
    with Machine(hv=hv, name=f"pv-events-{name or kernel}-{hv}", dom0_kernel=path,
                 dom0_args=args, dom0_image=None, memory_mb=256,
                 dom0_mem_mb=64, smp=2, icount=icount) as machine:
        machine.start()
        # Xen's boot under -icount takes longer (its calibrations run in
        # instruction time).
        machine.expect(rf"{kernel}: Lintel PV test kernel", timeout=120 if icount else 20)
        verdict = machine.expect(r"RESULT: (PASS|FAIL \((\d+) failed\))", timeout=60)
        log = open(machine.log_path, encoding="utf-8", errors="replace").read()
        failures = [line for line in log.splitlines() if line.startswith("FAIL ")]
        assert verdict.group(1) == "PASS", "\n".join(failures)
        machine.wait_exit(timeout=30)


@pytest.mark.parametrize("hv", hypervisors())
@pytest.mark.parametrize("kernel", EVENT_KERNELS)
def test_event_kernel_passes(hv, kernel):
    run_event_kernel(hv, kernel)


@pytest.mark.parametrize("hv", hypervisors())
def test_every_10ms_singleshot_within_2ms_in_instruction_time(hv):
    """The timers kernel on a machine whose clock counts instructions and
    skips idle time (-icount sleep=off): no host stall can delay a sample,
    so every one must be within issue 6's 2 ms, not only the best."""
    run_event_kernel(hv, "timers", name="timers-exact", args="exact_time",
                     icount="shift=0,sleep=off")


@pytest.mark.parametrize("hv", hypervisors())
def test_events_between_vcpus(hv):
    """evtchn_smp: IPIs both ways between dom0's two vcpus, vcpu 1's own
    VIRQ_TIMER, and bind_vcpu moving a channel, each landing in the right
    vcpu_info. Needs two pCPUs for Xen's dom0_max_vcpus=2."""
    path = paths.test_kernel("evtchn_smp")
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run make -C tests/kernels")
    with Machine(hv=hv, name=f"pv-events-evtchn_smp-{hv}", dom0_kernel=path, dom0_args="",
                 dom0_image=None, memory_mb=256, dom0_mem_mb=64, smp=2) as machine:
        machine.hv_args += " dom0_max_vcpus=2"
        machine.start()
        machine.expect(r"evtchn_smp: Lintel PV test kernel", timeout=20)
        verdict = machine.expect(r"RESULT: (PASS|FAIL \((\d+) failed\))", timeout=60)
        log = open(machine.log_path, encoding="utf-8", errors="replace").read()
        failures = [line for line in log.splitlines() if line.startswith("FAIL ")]
        assert verdict.group(1) == "PASS", "\n".join(failures)
        machine.wait_exit(timeout=30)
