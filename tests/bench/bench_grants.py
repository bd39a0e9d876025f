"""Grant tables (issue 7): the gnttab_bench test kernel as dom0 on Xen 4.17
and on Lintel. GNTTABOP_copy bandwidth with one 4 KiB page per hypercall and
with 64 KiB (16 pages) per hypercall, beside a plain memcpy of the same bytes
in the same guest (the ceiling), and host map + unmap pairs per second.
Guest pvclock time under QEMU TCG: the ratios matter, not the absolute
figures. Median of --repeat runs; higher is better."""
import re
import statistics

from harness import paths
from harness.qemu import Machine, MachineError
from results import Result

FIGURES = {
    "copy_4k_mbps": ("grants: copy, 4 KiB per call", "MB/s"),
    "copy_64k_mbps": ("grants: copy, 64 KiB per call", "MB/s"),
    "memcpy_mbps": ("grants: memcpy in the guest (ceiling)", "MB/s"),
    "map_unmap_per_s": ("grants: host map + unmap pairs", "pairs/s"),
}


def one_run(hv, index):
    with Machine(hv=hv, name=f"bench-grants-{hv}-{index}",
                 dom0_kernel=paths.test_kernel("gnttab_bench"), dom0_args="", dom0_image=None,
                 memory_mb=256, dom0_mem_mb=64) as m:
        m.start()
        verdict = m.expect(r"RESULT: (PASS|FAIL[^\r\n]*)", timeout=120)
        text = m.console_text()
        if verdict.group(1) != "PASS":
            raise MachineError(f"gnttab_bench on {hv}: {verdict.group(1)}")
        return {name: int(value) for name, value in re.findall(r"BENCH (\w+) (\d+)", text)}


def run(args):
    figures = {name: {} for name in FIGURES}
    notes = {}
    for hv in ("xen", "lintel"):
        try:
            runs = [one_run(hv, i) for i in range(args.repeat)]
            for name in FIGURES:
                figures[name][hv] = statistics.median(r[name] for r in runs)
        except (MachineError, KeyError, ValueError) as e:
            for name in FIGURES:
                figures[name][hv] = None
            notes[hv] = str(e).splitlines()[0]
    return [Result(label, metric, figures[name], lower_is_better=False, notes=notes)
            for name, (label, metric) in FIGURES.items()]
