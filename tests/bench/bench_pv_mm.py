"""PV memory management (issue 5): the mm_bench test kernel as dom0 on Xen
4.17 and on Lintel. One mmu_update of 512 PTE writes, a pin and unpin of a
four-level tree, and a page fault that bounces to the guest, which maps the
page with update_va_mapping and unmaps it again. Nanoseconds per operation
by the guest's pvclock; the median of --repeat runs."""
import re
import statistics

from harness import paths
from harness.qemu import Machine, MachineError
from results import Result

PRIMITIVES = {
    "mmu_update_512_ptes": "mmu_update, 512 PTEs",
    "pin_unpin_l4": "pin + unpin of an L4 tree",
    "page_fault_map_unmap": "#PF bounce, map, unmap",
}


def one_run(hv, index):
    with Machine(hv=hv, name=f"bench-pv-mm-{hv}-{index}", dom0_kernel=paths.test_kernel("mm_bench"),
                 dom0_args="", dom0_image=None, memory_mb=256, dom0_mem_mb=64) as m:
        m.start()
        verdict = m.expect(r"RESULT: (PASS|FAIL[^\r\n]*)", timeout=120)
        text = m.console_text()
        if verdict.group(1) != "PASS":
            raise MachineError(f"mm_bench on {hv}: {verdict.group(1)}")
        return {name: int(ns) for name, ns in re.findall(r"BENCH (\w+) (\d+)", text)}


def run(args):
    figures = {name: {} for name in PRIMITIVES}
    notes = {}
    for hv in ("xen", "lintel"):
        try:
            runs = [one_run(hv, i) for i in range(args.repeat)]
            for name in PRIMITIVES:
                figures[name][hv] = statistics.median(r[name] for r in runs)
        except (MachineError, KeyError, ValueError) as e:
            for name in PRIMITIVES:
                figures[name][hv] = None
            notes[hv] = str(e).splitlines()[0]
    return [Result(f"pv-mm: {label}", "ns/op", figures[name], notes=notes)
            for name, label in PRIMITIVES.items()]
