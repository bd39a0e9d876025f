"""Several pCPUs on Lintel (issue 6): every CPU QEMU gives is brought up,
maxcpus= and nosmp limit them, and the APs answer cross-CPU calls: the 'p'
debug key runs a TLB shootdown on every online CPU and counts who ran it.
(Two vCPUs on two CPUs: test_kernels.py boots the smp kernel with -smp 2.)

Lintel-only: these are the hypervisor's own boot lines and debug keys.
Each test is one short boot without dom0.
"""
import re

import pytest

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

