"""The hypervisors alone: QEMU start to each hypervisor's first line of
building dom0 (Xen: "*** Building a PV Dom0 ***", Lintel: "dom0: kernel is
..."), in wall seconds and guest instructions, and each one's memory footprint.

Footprint has one definition for both: RAM not available to any domain, in MiB.
Xen: `xl info` total_memory - free_memory - the domains' memory (`xl list`),
read in dom0 with Debian's tools. Lintel: RAM - free - the boot modules, as its boot
log reports them before building dom0 (no domain exists yet there); once dom0 runs on Lintel the `xl info`
route applies to it too."""
import re
import statistics

from harness import paths
from harness.qemu import Machine, MachineError
from results import Result

READY = {"xen": r"\*\*\* Building a PV Dom0 \*\*\*", "lintel": r"dom0: kernel is "}


def time_to_ready(hv, icount):
    with Machine(hv=hv, name=f"bench-ready-{hv}", icount=icount, qmp=icount) as m:
        m.start()
        m.expect(READY[hv], timeout=120)
        if icount:
            m.qmp.command("stop")
            return m.qmp.executed_instructions()
        return m.elapsed()


def xen_footprint_mib():
    with Machine(hv="xen", name="bench-footprint-xen", dom0_image=paths.DOM0_XENTOOLS_IMAGE,
                 dom0_args="console=hvc0 lintel.store=xenstored") as m:
        m.start()
        m.wait_shell()
        info = dict(re.findall(r"^(\w+)\s*:\s*(\S+)", m.check("xl info"), re.M))
        domains_mib = sum(int(line.split()[2]) for line in m.check("xl list").splitlines()[1:])
        return int(info["total_memory"]) - int(info["free_memory"]) - domains_mib


def lintel_footprint_mib():
    with Machine(hv="lintel", name="bench-footprint-lintel") as m:
        m.start()
        m.expect(READY["lintel"], timeout=120)
        text = m.console_text()
        ram = int(re.search(r"RAM: (\d+) MiB", text).group(1))
        free = int(re.search(r"Memory: (\d+) MiB free", text).group(1))
        # The boot modules are not free yet at that line; they go to dom0 or back
        # to the allocator, so they are not the hypervisor's footprint.
        modules_kib = sum(int(k) for k in re.findall(r"module \d+: \S+ \((\d+) KiB\)", text))
        return ram - free - modules_kib / 1024


def run(args):
    wall, insns, footprint, notes = {}, {}, {}, {}
    for hv in ("xen", "lintel"):
        try:
            wall[hv] = statistics.median(time_to_ready(hv, False) for _ in range(args.repeat))
            insns[hv] = time_to_ready(hv, True)
            footprint[hv] = xen_footprint_mib() if hv == "xen" else lintel_footprint_mib()
        except (MachineError, AttributeError, ValueError) as e:
            wall.setdefault(hv, None), insns.setdefault(hv, None), footprint.setdefault(hv, None)
            notes[hv] = str(e).splitlines()[0]
    return [Result("hypervisor ready line", "wall s", wall, notes=notes),
            Result("hypervisor ready line", "guest instructions", insns),
            Result("memory footprint", "MiB not available to domains", footprint)]
