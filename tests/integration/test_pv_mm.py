"""PV memory management (issue 5) through its test kernels, booted as dom0.

mm_attacks tries what a guest may try against the page-table rules (foreign
frames, writable page tables through aliases, recursive maps and roots,
the hypervisor's slots, giving back mapped frames, bad arguments, long
batches) and checks every refusal against Xen 4.17's error code; Xen is
the oracle, so it must pass there, and Lintel must pass the same checks.
The fuzzer throws random hypercalls at the hypervisor: it must survive and
keep answering; the seed is printed so a failure replays.
"""
import os
import random
import re

import pytest

from harness import paths
from harness.qemu import Machine

HYPERVISORS = ["xen", "lintel"]
PANIC = re.compile(r"\(XEN\) Panic|Lintel: panic|Hypervisor crash|FATAL", re.I)


def mm_kernel_machine(hv, kernel, name, cmdline=""):
    path = paths.test_kernel(kernel)
    if not os.path.exists(path):
        pytest.fail(f"{path} is missing: run make -C tests/kernels")
    return Machine(hv=hv, name=name, dom0_kernel=path, dom0_args=cmdline,
                   dom0_image=None, memory_mb=256, dom0_mem_mb=64)


def console_log(machine):
    return open(machine.log_path, encoding="utf-8", errors="replace").read()


@pytest.mark.parametrize("hv", HYPERVISORS)
def test_mm_attacks_are_refused_with_xens_errors(hv):
    with mm_kernel_machine(hv, "mm_attacks", f"pv-mm-attacks-{hv}") as machine:
        machine.start()
        machine.expect(r"mm_attacks: Lintel PV test kernel", timeout=20)
        verdict = machine.expect(r"RESULT: (PASS|FAIL \((\d+) failed\))", timeout=60)
        log = console_log(machine)
        failures = [line for line in log.splitlines() if line.startswith("FAIL ")]
        assert verdict.group(1) == "PASS", "\n".join(failures)
        machine.wait_exit(timeout=30)
        assert not PANIC.search(console_log(machine))


@pytest.mark.parametrize("hv", HYPERVISORS)
def test_long_mmu_work_continues_and_lets_timers_through(hv):
    """A 100,000-entry mmu_update, the pin of a big L4 tree and the
    mmu_update hooking it into a pinned L4: one call each, Xen's results,
    and the 1 ms timer keeps ticking while they run."""
    with mm_kernel_machine(hv, "mm_preempt", f"pv-mm-preempt-{hv}") as machine:
        machine.start()
        machine.expect(r"mm_preempt: Lintel PV test kernel", timeout=20)
        verdict = machine.expect(r"RESULT: (PASS|FAIL \((\d+) failed\))", timeout=180)
        log = console_log(machine)
        failures = [line for line in log.splitlines() if line.startswith("FAIL ")]
        assert verdict.group(1) == "PASS", "\n".join(failures)
        ticks = re.findall(r"(\d+) us, (\d+) timer events during it", log)
        assert len(ticks) == 4, log[-3000:]
        machine.wait_exit(timeout=30)
        assert not PANIC.search(console_log(machine))


def fuzz_seed():
    """LINTEL_FUZZ_SEED replays a run; otherwise every run tries a new seed."""
    value = os.environ.get("LINTEL_FUZZ_SEED")
    return int(value, 0) if value else random.SystemRandom().randrange(1, 1 << 53)


def run_fuzzer(hv, calls, timeout):
    seed = fuzz_seed()
    name = f"pv-mm-fuzz-{calls}-{hv}"
    replay = f"LINTEL_FUZZ_SEED={seed:#x}"
    with mm_kernel_machine(hv, "fuzz", name, f"seed={seed:#x} calls={calls}") as machine:
        machine.start()
        machine.expect(rf"fuzz: seed {seed:#x}, {calls} calls", timeout=30)
        try:
            verdict = machine.expect(r"RESULT: (PASS|FAIL \((\d+) failed\))", timeout=timeout)
        except Exception as err:
            raise AssertionError(f"fuzzer did not finish (replay: {replay}); "
                                 f"see {machine.log_path}") from err
        log = console_log(machine)
        failures = [line for line in log.splitlines() if line.startswith("FAIL ")]
        assert verdict.group(1) == "PASS", f"replay: {replay}\n" + "\n".join(failures)
        assert f"fuzz: {calls} calls" in log
        machine.wait_exit(timeout=30)
        assert not PANIC.search(console_log(machine)), f"replay: {replay}"


@pytest.mark.parametrize("hv", HYPERVISORS)
def test_fuzzer_50000_random_hypercalls(hv):
    run_fuzzer(hv, 50000, timeout=120)


@pytest.mark.soak
@pytest.mark.parametrize("hv", HYPERVISORS)
def test_fuzzer_2000000_random_hypercalls(hv):
    run_fuzzer(hv, 2000000, timeout=3600)


@pytest.mark.parametrize("hv", HYPERVISORS)
def test_mm_bench_primitives_succeed(hv):
    """make bench times these; here they only have to work on both."""
    with mm_kernel_machine(hv, "mm_bench", f"pv-mm-bench-{hv}") as machine:
        machine.start()
        verdict = machine.expect(r"RESULT: (PASS|FAIL \((\d+) failed\))", timeout=120)
        log = console_log(machine)
        assert verdict.group(1) == "PASS", log[-2000:]
        names = re.findall(r"BENCH (\w+) \d+", log)
        assert names == ["mmu_update_512_ptes", "pin_unpin_l4", "page_fault_map_unmap"]
        machine.wait_exit(timeout=30)
