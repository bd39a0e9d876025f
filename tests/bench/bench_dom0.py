"""dom0 userspace under each hypervisor (issue 8): guest instructions for a
loop of fork+exec+exit and for a page-fault-heavy loop in the stock dom0,
Lintel beside Xen 4.17, and the hypervisor's memory footprint with dom0
running (what `xl info` says is neither free nor any domain's).

Boot time to dom0 init for native, Xen and Lintel is bench_boot.py's; the
footprint before dom0 starts is bench_hypervisor.py's.

Guest instructions come from -icount shift=0 (one instruction is one
nanosecond of guest time), read over QMP just before and just after the
loop. The same command with an empty loop body is measured too and taken
off, so the console round trip is not counted."""
import re

from harness import paths
from harness.qemu import Machine, MachineError
from results import Result

FORKS = 200
FAULT_RUNS = 4
FAULT_MIB = 32


def loop(body, count):
    return f"i=0; while [ $i -lt {count} ]; do {body}; i=$((i+1)); done"


def instructions(m, command):
    before = m.qmp.executed_instructions()
    m.check(command, timeout=600)
    return m.qmp.executed_instructions() - before


def net_instructions(m, body, count):
    """Instructions of count runs of body, minus the same loop doing nothing."""
    empty = min(instructions(m, loop(":", count)) for _ in range(2))
    full = min(instructions(m, loop(body, count)) for _ in range(2))
    return max(full - empty, 0)


def footprint_mib(m):
    """RAM that is neither free nor any domain's. Lintel's physinfo counts
    only the memory its allocator manages as total, so its RAM comes from
    its boot log; Xen's total_memory is all of RAM."""
    info = dict(re.findall(r"^(\w+)\s*:\s*(\S+)", m.check("xl info"), re.M))
    domains_mib = sum(int(line.split()[2]) for line in m.check("xl list").splitlines()[1:])
    ram = int(info["total_memory"])
    if m.hv == "lintel":
        ram = int(re.search(r"RAM: (\d+) MiB", m.console_text()).group(1))
    return ram - int(info["free_memory"]) - domains_mib


def measure(hv):
    store = "xenstored" if hv == "xen" else "lintel-stored"
    with Machine(hv=hv, name=f"bench-dom0-{hv}", icount=True, qmp=True,
                 dom0_image=paths.DOM0_XENTOOLS_IMAGE,
                 dom0_args=f"console=hvc0 lintel.store={store}") as m:
        m.start()
        m.wait_shell(timeout=600)
        fork = net_instructions(m, "/bin/true", FORKS) / FORKS
        # dd's buffer is fresh anonymous memory in a new process each run:
        # every page of it faults in once.
        fault = net_instructions(
            m, f"dd if=/dev/zero of=/dev/null bs={FAULT_MIB}M count=1 2>/dev/null",
            FAULT_RUNS) / (FAULT_RUNS * FAULT_MIB * 256)
        return fork, fault, footprint_mib(m)


def run(args):
    fork, fault, footprint, notes = {}, {}, {}, {}
    for hv in ("xen", "lintel"):
        try:
            fork[hv], fault[hv], footprint[hv] = measure(hv)
        except (MachineError, KeyError, ValueError) as e:
            fork[hv] = fault[hv] = footprint[hv] = None
            lines = [l for l in str(e).splitlines() if l.strip()] or ["no output"]
            notes[hv] = f"{lines[0]}; last console line: {lines[-1].strip()!r}"
    return [Result("dom0 fork+exec+exit of /bin/true", "guest instructions each", fork,
                   notes=notes),
            Result(f"dom0 page faults ({FAULT_MIB} MiB dd buffer)",
                   "guest instructions per 4 KiB page", fault),
            Result("hypervisor footprint, dom0 running", "MiB (xl info)", footprint)]
