"""Boot time: QEMU start to dom0's init (the first line of the dom0 image's
init), for the same kernel and image on bare QEMU (native), Xen 4.17 and Lintel.
Wall seconds (median of --repeat runs) and guest instructions (-icount shift=0,
read over QMP the moment the line appears; the VM is stopped first so the count
does not run on)."""
import statistics

from harness.qemu import Machine, MachineError
from results import Result

SUBJECTS = ["native", "xen", "lintel"]
INIT_LINE = r"lintel-dom0: init started"


def boot_once(hv, icount):
    with Machine(hv=hv, name=f"bench-boot-{hv}{'-icount' if icount else ''}",
                 icount=icount, qmp=icount) as m:
        m.start()
        m.expect(INIT_LINE, timeout=180)
        if icount:
            m.qmp.command("stop")
            return m.qmp.executed_instructions()
        return m.elapsed()


def run(args):
    wall, insns, notes = {}, {}, {}
    for hv in SUBJECTS:
        try:
            wall[hv] = statistics.median(boot_once(hv, False) for _ in range(args.repeat))
            insns[hv] = boot_once(hv, True)
        except MachineError as e:
            wall[hv] = insns[hv] = None
            lines = [l for l in str(e).splitlines() if l.strip()]
            notes[hv] = f"{lines[0]}; last console line: {lines[-1].strip()!r}"
    return [Result("boot to dom0 init", "wall s", wall, notes=notes),
            Result("boot to dom0 init", "guest instructions", insns)]
