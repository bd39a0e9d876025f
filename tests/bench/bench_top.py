"""lintel-top's own CPU use at a 1 s refresh with 20 domUs, beside Debian's
xentop in the same dom0 (goal: under 2% of one CPU).

Xen 4.17 with the dom0-xentools image: xl starts 20 `spin` domUs, two of them
running (pinned to pCPU 1, dom0 to pCPU 0) and eighteen paused, so every
refresh lists 21 domains. Each monitor then runs for MEASURE_S seconds in dom0
while its time on a CPU is read from /proc/PID/schedstat: xentop and lintel-top
in batch mode (-b -d 1, output to /dev/null) and lintel-top's screen (-d 1,
drawing into a file as if it were a terminal, keys from a fifo kept open).
Lintel has no figure until Debian's xl runs domUs on it."""

import os
import re

from harness import paths
from harness.initramfs import image_with_files
from harness.qemu import Machine, MachineError
from results import Result

SPIN = "/usr/lib/lintel/test-kernels/spin.elf"
DOMAINS = 20
RUNNING = 2
MEASURE_S = 20

# name -> (program whose pid is measured, command line). Every monitor runs in
# a session of its own (setsid), away from the console's terminal.
MONITORS = {
    "lintel-top batch": ("lintel-top", "lintel-top -b -d 1 >/dev/null"),
    "xentop batch": ("xentop", "xentop -b -d 1 >/dev/null"),
    # ncurses draws on stderr when stdout is no terminal: both into the file.
    "lintel-top screen": ("lintel-top", "TERM=xterm lintel-top -d 1 </tmp/keys >/tmp/screen 2>&1"),
}

# The measurement runs as one script carried in dom0's image: with 20 domUs
# running, Xen's dom0 console loses bytes of longer typed commands (seen as
# shell syntax errors), so only "monitor-cpu N SECONDS" is typed then.
MONITOR_SCRIPT = "/usr/bin/monitor-cpu"


def monitor_script():
    cases = "".join(f'  {n}) prog={prog}; cmd="{cmd}";;\n'
                    for n, (prog, cmd) in enumerate(MONITORS.values()))
    return ("#!/bin/sh\n"
            "# monitor-cpu N SECONDS: runs monitor N alone in its session; prints its\n"
            "# CPU ns (schedstat) and dom0's uptime at the start and end of the window.\n"
            "case $1 in\n" + cases + "  *) echo unknown monitor; exit 2;;\nesac\n"
            "rm -f /tmp/keys; mkfifo /tmp/keys\n"
            "sleep 600 >/tmp/keys & keys=$!\n"
            'setsid sh -c "$cmd" </dev/null >/dev/null 2>&1 &\n'
            "sleep 2\n"
            "pid=$(pidof $prog)\n"
            "a=$(cut -d' ' -f1 /proc/$pid/schedstat); t0=$(cut -d' ' -f1 /proc/uptime)\n"
            "sleep $2\n"
            "b=$(cut -d' ' -f1 /proc/$pid/schedstat); t1=$(cut -d' ' -f1 /proc/uptime)\n"
            "state=$(cut -d')' -f2 /proc/$pid/stat | cut -c2)\n"
            "kill $pid $keys\n"
            'echo "monitor $a $b $t0 $t1 $state"\n')


def start_domains(m):
    m.check("mkdir -p /var/lock && xl vcpu-pin Domain-0 all 0", timeout=30)
    # Short command lines: the serial console drops input from long ones.
    m.check("rm -f /tmp/bench.cfg", timeout=60)
    for line in ['name = "@"', f'kernel = "{SPIN}"', "memory = 16", "vcpus = 1", 'cpus = "1"']:
        m.check(f"echo '{line}' >> /tmp/bench.cfg", timeout=60)
    for i in range(DOMAINS):
        m.check(f"sed s/@/bench{i}/ /tmp/bench.cfg > /tmp/bench{i}.cfg", timeout=60)
        paused = "" if i < RUNNING else "-p "
        m.check(f"xl create {paused}/tmp/bench{i}.cfg >/dev/null 2>&1", timeout=120)


def cpu_percent(m, index, name):
    """Share of one CPU monitor INDEX used over MEASURE_S seconds of dom0's time."""
    out = m.check(f"monitor-cpu {index} {MEASURE_S}", timeout=MEASURE_S + 90)
    match = re.search(r"monitor (\d+) (\d+) ([\d.]+) ([\d.]+) (\S)", out)
    if not match:
        raise MachineError(f"{name}: no measurement: {out[-300:]}")
    # A stopped monitor (state T) would cost nothing and prove nothing.
    if match.group(5) not in "RS":
        raise MachineError(f"{name}: not running (state {match.group(5)})")
    cpu0, cpu1 = int(match.group(1)) / 1e9, int(match.group(2)) / 1e9
    t0, t1 = float(match.group(3)), float(match.group(4))
    return 100.0 * (cpu1 - cpu0) / (t1 - t0)


def measure():
    image = image_with_files(paths.DOM0_XENTOOLS_IMAGE,
                             {MONITOR_SCRIPT: (monitor_script(), 0o755)},
                             os.path.join(paths.BUILD, "bench", "dom0-top.cpio.gz"))
    with Machine(hv="xen", name="bench-top-xen", dom0_image=image, smp=2,
                 dom0_args="console=hvc0 earlyprintk=xen lintel.store=xenstored") as m:
        m.start()
        m.wait_shell(timeout=240)
        start_domains(m)
        listed = m.check("xl list | tail -n +2 | wc -l", timeout=30)
        if int(listed) != DOMAINS + 1:
            raise MachineError(f"xl list shows {listed} domains, not {DOMAINS + 1}")
        return {name: cpu_percent(m, n, name) for n, name in enumerate(MONITORS)}


def run(args):
    notes = {}
    try:
        figures = measure()
    except MachineError as e:
        figures = {}
        notes["lintel-top batch"] = str(e).splitlines()[0]
    values = {name: figures.get(name) for name in MONITORS}
    return [Result(f"monitor CPU at 1 s refresh, {DOMAINS} domUs (Xen 4.17)", "% of one CPU",
                   values, ratio=("lintel-top batch", "xentop batch"), notes=notes)]
