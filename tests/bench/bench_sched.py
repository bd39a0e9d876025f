"""Events and scheduling between domains (issue 6): the sched_bench test
kernel as two domUs (an echo and a client) created with Debian's xl in the
dom0-xentools image, on a one-pCPU machine, so both domains share that pCPU
(dom0's vCPU is there too but idles). Figures, all in guest time (pvclock
system time read in the client):
- event-channel round trip: the client sends, the echo wakes and answers,
  the client wakes: two domain switches and two sends (mean of 1000);
- context switch: the two domains hand the pCPU to each other with
  SCHEDOP_yield: guest time per switch (the client checks that it spent
  about half the time runnable, i.e. that the yields really switched);
- timer lateness: 300 10 ms singleshots, how long after its deadline each
  woke the client (mean and 99th percentile).
QEMU runs with -icount shift=0,sleep=off: one guest nanosecond per guest
instruction, and an idle machine's clock jumps straight to its next timer
instead of following the host's clock, so host load does not bend the
figures (with sleep on, a host stall while the client waits for its timer
showed up as lateness: p99 6.5 ms on Xen, 31 ms on Lintel at load 8). Xen 4.17 runs
its credit scheduler (sched=credit; it defaults to credit2), the one
Lintel's is modelled on."""
import re

from harness import paths
from harness.qemu import Machine, MachineError
from results import Result

SUBJECTS = ("xen", "lintel")
KERNEL = "/usr/lib/lintel/test-kernels/sched_bench.elf"
FIGURES = [("evtchn_round_trip", "event channel round trip, 2 domains 1 pCPU"),
           ("context_switch", "context switch, 2 domains 1 pCPU (yield)"),
           ("timer_late_mean", "timer lateness, 10 ms singleshot, mean"),
           ("timer_late_p99", "timer lateness, 10 ms singleshot, p99")]


def guest_config(path, name, extra):
    lines = [f'name = "{name}"', f'kernel = "{KERNEL}"', "memory = 32", "vcpus = 1",
             'on_poweroff = "destroy"', f'extra = "{extra}"']
    return f"printf '%s\\n' " + " ".join(f"'{line}'" for line in lines) + f" > {path}"


def bench_lines(hv):
    hv_args = Machine(hv=hv).default_hv_args(1024) + " sched=credit"
    with Machine(hv=hv, name=f"bench-sched-{hv}", dom0_image=paths.DOM0_XENTOOLS_IMAGE, smp=1,
                 hv_args=hv_args, qemu_extra=["-icount", "shift=0,sleep=off"],
                 dom0_args="console=hvc0 earlyprintk=xen lintel.store=xenstored") as m:
        m.start()
        m.wait_shell(timeout=600)
        out, status = m.run(f"test -f {KERNEL}", timeout=30)
        if status != 0:
            raise MachineError(f"{KERNEL} is not in the dom0 image: run make")
        m.check("mkdir -p /var/lock", timeout=30)
        # On a fresh host the echo becomes domain 1 and the client domain 2.
        m.check(guest_config("/tmp/echo.cfg", "echo", "role=echo peer=2"), timeout=30)
        m.check(guest_config("/tmp/client.cfg", "client", "role=client peer=1"), timeout=30)
        m.check("xl create /tmp/echo.cfg", timeout=120)
        out, status = m.run("timeout 900 xl create -c /tmp/client.cfg 2>&1", timeout=960)
        verdict = re.search(r"RESULT: (PASS|FAIL[^\r\n]*)", out)
        figures = {name: float(ns) for name, ns in re.findall(r"BENCH (\S+) (\d+)", out)}
        notes = [line.strip() for line in out.splitlines()
                 if line.startswith(("FAIL ", "note "))]
        return figures, verdict.group(1) if verdict else "no RESULT line", notes


def run(args):
    per_subject, notes = {}, {}
    for hv in SUBJECTS:
        try:
            per_subject[hv], verdict, lines = bench_lines(hv)
            print(f"bench_sched {hv}: {verdict}; " + "; ".join(lines), flush=True)
            if verdict != "PASS":
                notes[hv] = f"sched_bench: RESULT {verdict}: " + "; ".join(
                    line for line in lines if line.startswith("FAIL"))
        except MachineError as e:
            per_subject[hv] = {}
            notes[hv] = str(e).splitlines()[0]
    results = [Result(f"sched: {label}", "guest ns",
                      {hv: per_subject[hv].get(name) for hv in SUBJECTS})
               for name, label in FIGURES]
    results[0].notes = notes
    return results
