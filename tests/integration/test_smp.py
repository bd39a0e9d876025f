"""Several pCPUs (issue 6).

Lintel-only, each a short boot without dom0: every CPU QEMU gives is
brought up, maxcpus= and nosmp limit them, and the APs answer cross-CPU
calls (the 'p' debug key runs a TLB shootdown on every online CPU and counts
who ran it).

On both hypervisors: the smp_wake test kernel as a four-vCPU dom0 on four
pCPUs (a ring of wake-ups between vCPUs blocked on other pCPUs, and all
four running at once). Two vCPUs on two CPUs: test_kernels.py boots the smp
kernel with -smp 2; the stock kernel with two: test_dom0_boot.py.
"""
import os
import re

import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine

READY = r"Lintel: ready"


def lintel(name, hv_args, smp, **kwargs):
    kwargs.setdefault("dom0_image", None)
    kwargs.setdefault("memory_mb", 256)
    return Machine(hv="lintel", name=f"smp-{name}", hv_args=hv_args, smp=smp, **kwargs)


def test_four_cpus_come_online_and_answer_calls():
    with lintel("four", "loglvl=all nodom0", smp=4) as m:
        m.start()
        m.expect(READY, timeout=60)
        m.send("p")
        flushed = m.expect(r"TLB shootdown self-test: (\d+) of (\d+) CPUs flushed",
                           timeout=60)
        assert flushed.group(1) == flushed.group(2) == "4"
        # The per-CPU lines follow over the serial line: wait for the last.
        m.expect(r"CPU3: \d+ kicks, \d+ calls", timeout=30)
        # The APs report in whatever order they get there, some after the
        # boot CPU's "ready"; all have once they answered the shootdown.
        text = m.console_text()
        assert "ACPI: 4 CPUs in the MADT" in text
        for cpu in (1, 2, 3):
            assert f"CPU{cpu} online (APIC id {cpu})" in text
        assert "smp: 4 CPUs online" in text
        calls = [int(n) for n in re.findall(r"CPU[123]: \d+ kicks, (\d+) calls",
                                            m.console_text())]
        assert len(calls) == 3 and all(n >= 1 for n in calls), calls


def test_maxcpus_and_nosmp_limit_the_cpus():
    with lintel("maxcpus", "loglvl=all nodom0 maxcpus=2", smp=3) as m:
        m.start()
        m.expect(READY, timeout=60)
        if "CPU1 online" not in m.console_text():
            m.expect(r"CPU1 online", timeout=60)  # an AP may report after "ready"
        text = m.console_text()
        for line in ("smp: 2 of 3 CPUs used (maxcpus)", "smp: 2 CPUs online"):
            assert line in text
        assert "CPU2 online" not in text
    with lintel("nosmp", "loglvl=all nodom0 nosmp", smp=2) as m:
        m.start()
        m.expect(READY, timeout=60)
        text = m.console_text()
        for line in ("smp: 1 of 2 CPUs used (nosmp)", "smp: 1 CPU online"):
            assert line in text
        assert "CPU1 online" not in text



@pytest.mark.parametrize("hv", hypervisors())
def test_four_vcpus_wake_each_other_and_run_at_once(hv):
    kernel = paths.test_kernel("smp_wake")
    if not os.path.exists(kernel):
        pytest.fail(f"{kernel} is missing: run make -C tests/kernels")
    machine = Machine(hv=hv, name=f"smp-wake-{hv}", dom0_kernel=kernel, dom0_args="",
                      dom0_image=None, memory_mb=256, dom0_mem_mb=64, smp=4)
    machine.hv_args += " dom0_max_vcpus=4"
    with machine as m:
        m.start()
        m.expect(r"smp_wake: Lintel PV test kernel", timeout=60)
        verdict = m.expect(r"RESULT: (PASS|FAIL \((\d+) failed\))", timeout=120)
        failures = [line for line in m.console_text().splitlines() if line.startswith("FAIL ")]
        assert verdict.group(1) == "PASS", "\n".join(failures)
        m.wait_exit(timeout=30)
