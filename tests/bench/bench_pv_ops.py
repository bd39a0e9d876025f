"""The PV primitives, from the bench test kernel booted as dom0 on each
hypervisor: null hypercall, multicall of 32, mmu_update batch of 512, pin+unpin
of an L4, update_va_mapping, int3 and #PF bounces, a demand-map fault loop, an
event-channel loopback, a user-mode round trip.

Measured under -icount shift=0, where one nanosecond of guest time is one guest
instruction, so each figure is guest instructions per operation: steady under
TCG, unlike wall time."""
import re

from harness import paths
from harness.qemu import Machine, MachineError
from results import Result

SUBJECTS = ("xen", "lintel")


def bench_lines(hv):
    with Machine(hv=hv, name=f"bench-pv-ops-{hv}", dom0_kernel=paths.test_kernel("bench"),
                 dom0_args="", dom0_image=None, memory_mb=256, dom0_mem_mb=64,
                 icount=True) as m:
        m.start()
        verdict = m.expect(r"RESULT: (PASS|FAIL[^\r\n]*)", timeout=300).group(1)
        figures = {name: float(ns) for name, ns in
                   re.findall(r"BENCH (\S+) (\d+)", m.console_text())}
        return figures, verdict


def run(args):
    per_subject, notes = {}, {}
    for hv in SUBJECTS:
        try:
            per_subject[hv], verdict = bench_lines(hv)
            if verdict != "PASS":
                notes[hv] = f"bench kernel: RESULT {verdict} (some timed operations failed)"
        except MachineError as e:
            per_subject[hv] = {}
            notes[hv] = str(e).splitlines()[0]
    names = []
    for figures in per_subject.values():
        names += [n for n in figures if n not in names]
    results = [Result(f"pv op: {name}", "guest instructions/op",
                      {hv: per_subject[hv].get(name) for hv in SUBJECTS})
               for name in names]
    if results:
        results[0].notes = notes
    return results or [Result("pv ops", "guest instructions/op",
                              {hv: None for hv in SUBJECTS}, notes=notes)]
