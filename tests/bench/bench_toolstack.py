"""Toolstack life cycle (issue 10): `lintel create` beside Debian's `xl create`
on Xen 4.17, for the same guest (the stock Debian kernel with the example
busybox initrd, 256 MiB, one vCPU), and `lintel create` on Lintel when it can
create domains there.

Measured inside dom0 by a script (appended to the dom0-xentools image) that
reads /proc/uptime around each step. QEMU runs with -icount shift=0, so dom0's
clock advances one nanosecond per guest instruction (and across idle time, as
a clock does): the figures do not depend on what else the host runs.
- create to first console line: from the create command until the guest's
  first kernel line ("Linux version") is in its console log, written by
  xenconsoled (--log=guest) for xl and by lintel-consoled for lintel;
- destroy: from the destroy command until `xl list` no longer shows it.
Each toolstack runs with its own console daemon (one at a time: two readers of
a ring would split it) over the same store, lintel-stored. (Until session 3
Debian's xenstored refused `lintel create`'s introduction, EINVAL: the builder
did not seed the reserved grant entry xenstored maps the ring with; it does
now.)"""
import gzip
import os
import re
import statistics
import subprocess
import tempfile

from harness import paths
from harness.qemu import Machine, MachineError
from results import Result

GUEST_CFG = """name = "bench"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/initrd.img"
extra = "console=hvc0"
memory = 256
vcpus = 1
on_poweroff = "destroy"
"""

# T0 create T1 (first console line) T2 destroy T3 (gone) T4, from /proc/uptime.
SCRIPT = r"""#!/bin/sh
# usage: bench-cycle.sh CREATE DESTROY CONSOLE_LOG
now() { cut -d' ' -f1 /proc/uptime; }
wait_for() {    # wait_for SECONDS COMMAND...: polls COMMAND every 10 ms
    limit=$(( $1 * 100 )); shift; n=0
    until "$@"; do n=$((n+1)); [ $n -lt $limit ] || return 1; sleep 0.01; done
}
rm -f "$3"
t0=$(now)
$1 > /tmp/bench-create.out 2>&1 || { echo "bench: create failed: $(cat /tmp/bench-create.out)"; exit 1; }
t1=$(now)
wait_for 600 grep -q 'Linux version' "$3" 2>/dev/null || { echo "bench: no console line in $3"; exit 1; }
t2=$(now)
$2 > /tmp/bench-destroy.out 2>&1 || { echo "bench: destroy failed: $(cat /tmp/bench-destroy.out)"; exit 1; }
t3=$(now)
gone() { ! xl list bench >/dev/null 2>&1; }
wait_for 120 gone || { echo "bench: still listed"; exit 1; }
t4=$(now)
echo "bench-times $t0 $t1 $t2 $t3 $t4"
"""

XL_CONSOLE_DIR = "/tmp/xl-console"
LINTEL_CONSOLE_DIR = "/tmp/lintel-console"

TOOLSTACKS = {
    # name: (create, destroy, console log, console daemon start)
    "xl": ("xl create /root/bench.cfg", "xl destroy bench", f"{XL_CONSOLE_DIR}/guest-bench.log",
           f"mkdir -p {XL_CONSOLE_DIR} && /usr/lib/xen-4.17/bin/xenconsoled --log=guest "
           f"--log-dir={XL_CONSOLE_DIR} --pid-file=/run/xenconsoled.pid"),
    "lintel": ("lintel create /root/bench.cfg", "lintel destroy bench",
               f"{LINTEL_CONSOLE_DIR}/bench.log",
               f"lintel-consoled --log-dir {LINTEL_CONSOLE_DIR} --pidfile /run/lintel-consoled.pid"),
}
STOP_CONSOLE_DAEMONS = ("for p in /run/xenconsoled.pid /run/lintel-consoled.pid; do "
                        "[ -f $p ] && kill $(cat $p) && rm -f $p; done; sleep 1; true")


def image_with_bench(tmpdir):
    """The dom0-xentools image plus a cpio archive with the script and config."""
    stage = os.path.join(tmpdir, "extra")
    os.makedirs(os.path.join(stage, "root"))
    for name, text, mode in (("bench-cycle.sh", SCRIPT, 0o755), ("bench.cfg", GUEST_CFG, 0o644)):
        path = os.path.join(stage, "root", name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
    listing = subprocess.run(["find", "."], cwd=stage, check=True, capture_output=True).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=stage, input=listing,
                             check=True, capture_output=True).stdout
    out = os.path.join(tmpdir, "dom0-xentools-bench.cpio.gz")
    with open(out, "wb") as f, open(paths.DOM0_XENTOOLS_IMAGE, "rb") as base:
        f.write(base.read())
        f.write(gzip.compress(archive))     # Linux unpacks concatenated archives in turn
    return out


def cycle(m, toolstack):
    """One create/console/destroy cycle; (create to console line, destroy) in ms."""
    create, destroy, log, _ = TOOLSTACKS[toolstack]
    out = m.check(f"/root/bench-cycle.sh '{create}' '{destroy}' {log}", timeout=1800)
    match = re.search(r"bench-times ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", out)
    if not match:
        raise MachineError(f"{toolstack}: {out.strip().splitlines()[-1:]}")
    t0, _, t2, t3, t4 = (float(x) for x in match.groups())
    return (t2 - t0) * 1000, (t4 - t3) * 1000


def measure(hv, toolstacks, repeat):
    """{toolstack: (create ms, destroy ms)}, medians of REPEAT cycles each."""
    figures = {}
    with tempfile.TemporaryDirectory() as tmp, \
            Machine(hv=hv, name=f"bench-toolstack-{hv}", icount=True,
                    dom0_image=image_with_bench(tmp)) as m:
        m.start()
        m.wait_shell(timeout=900)
        for toolstack in toolstacks:
            m.check(STOP_CONSOLE_DAEMONS, timeout=60)
            m.check(TOOLSTACKS[toolstack][3], timeout=60)
            runs = [cycle(m, toolstack) for _ in range(repeat)]
            figures[toolstack] = (statistics.median(r[0] for r in runs),
                                  statistics.median(r[1] for r in runs))
    return figures


def failure_note(e):
    lines = [l for l in str(e).splitlines() if l.strip()] or ["no output"]
    return f"{lines[0]}; last console line: {lines[-1].strip()!r}"


def run(args):
    create, destroy, notes = {}, {}, {}
    repeat = max(1, min(args.repeat, 3))
    try:
        for toolstack, (c, d) in measure("xen", ["xl", "lintel"], repeat).items():
            create[toolstack], destroy[toolstack] = c, d
    except MachineError as e:
        notes["xl"] = notes["lintel"] = failure_note(e)
    try:
        c, d = measure("lintel", ["lintel"], repeat)["lintel"]
        create["lintel on Lintel"], destroy["lintel on Lintel"] = c, d
    except MachineError as e:
        create["lintel on Lintel"] = destroy["lintel on Lintel"] = None
        notes["lintel on Lintel"] = failure_note(e)
    for subject in ("xl", "lintel"):
        create.setdefault(subject, None)
        destroy.setdefault(subject, None)
    metric = "dom0 ms under -icount shift=0"
    return [Result("create to first console line (Xen 4.17)", metric, create,
                   ratio=("lintel", "xl"), notes=notes),
            Result("destroy until unlisted (Xen 4.17)", metric, destroy,
                   ratio=("lintel", "xl"))]
