"""lintel-top's own CPU use at a 1 s refresh with 20 domUs, beside Debian's
xentop in the same dom0 (goal: under 2% of one CPU).

Xen 4.17 with the dom0-xentools image: xl starts 20 `spin` domUs, two of them
running (pinned to pCPU 1, dom0 to pCPU 0) and eighteen paused, so every
refresh lists 21 domains. Each monitor then runs for MEASURE_S seconds in dom0
while its time on a CPU is read from /proc/PID/schedstat: xentop and lintel-top
in batch mode (-b -d 1, output to /dev/null) and lintel-top's screen (-d 1,
drawing into a file as if it were a terminal, keys from a fifo kept open).
Lintel has no figure until Debian's xl runs domUs on it."""

from harness import paths
from harness.qemu import Machine, MachineError
from results import Result

SPIN = "/usr/lib/lintel/test-kernels/spin.elf"
DOMAINS = 20
RUNNING = 2
MEASURE_S = 20

# name -> (program whose pid is measured, command line). Every monitor runs in
# a session of its own (setsid), away from the console's terminal: ncurses
# setting up a terminal mode there could flush the harness's typed input.
MONITORS = {
    "lintel-top batch": ("lintel-top", "lintel-top -b -d 1 >/dev/null"),
    "xentop batch": ("xentop", "xentop -b -d 1 >/dev/null"),
    # ncurses draws on stderr when stdout is no terminal: both into the file.
    "lintel-top screen": ("lintel-top", "TERM=xterm lintel-top -d 1 </tmp/keys >/tmp/screen 2>&1"),
}


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


def cpu_percent(m, program, command):
    """Share of one CPU COMMAND used over MEASURE_S seconds of wall time."""
    # A writer that never writes: the screen's keyboard, open but silent.
    m.check("rm -f /tmp/keys /tmp/mon.sh && mkfifo /tmp/keys", timeout=60)
    m.check("sleep 600 >/tmp/keys & echo $! >/tmp/keys.pid", timeout=60)
    # Short lines: the console's input is typed, and long lines are slow to type.
    m.check(f"echo '{command}' >/tmp/mon.sh", timeout=60)
    m.check("setsid sh /tmp/mon.sh </dev/null >/dev/null 2>&1 &", timeout=60)
    # The first refresh (startup, first sample) is not what an operator pays per second.
    m.check("sleep 2", timeout=60)
    m.check(f"pidof {program} >/tmp/monitor.pid", timeout=60)
    probe = "cat /proc/$(cat /tmp/monitor.pid)/schedstat /proc/uptime /proc/$(cat /tmp/monitor.pid)/stat"
    before = m.check(probe, timeout=60)
    m.check(f"sleep {MEASURE_S}", timeout=MEASURE_S + 30)
    after = m.check(probe, timeout=60)
    stat = after.splitlines()[2]
    # A stopped monitor (state T) would cost nothing and prove nothing.
    if stat[stat.rindex(")") + 2] not in "RS":
        raise MachineError(f"{command}: not running: {stat}")
    m.check("kill $(cat /tmp/monitor.pid) $(cat /tmp/keys.pid); true", timeout=60)

    def cpu_and_uptime(text):
        # schedstat's first field is the task's time on a CPU in ns: finer than
        # stat's utime/stime ticks, which a once-a-second sleeper skews.
        schedstat, uptime = text.splitlines()[:2]
        return int(schedstat.split()[0]) / 1e9, float(uptime.split()[0])

    cpu0, t0 = cpu_and_uptime(before)
    cpu1, t1 = cpu_and_uptime(after)
    return 100.0 * (cpu1 - cpu0) / (t1 - t0)


def measure():
    with Machine(hv="xen", name="bench-top-xen", dom0_image=paths.DOM0_XENTOOLS_IMAGE, smp=2,
                 dom0_args="console=hvc0 earlyprintk=xen lintel.store=xenstored") as m:
        m.start()
        m.wait_shell(timeout=240)
        start_domains(m)
        listed = m.check("xl list | tail -n +2 | wc -l", timeout=30)
        if int(listed) != DOMAINS + 1:
            raise MachineError(f"xl list shows {listed} domains, not {DOMAINS + 1}")
        return {name: cpu_percent(m, program, cmd)
                for name, (program, cmd) in MONITORS.items()}


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
