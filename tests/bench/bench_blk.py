"""Block I/O in a Debian domU: lintel-blkback (dom0 userspace, grant copy) beside
Xen's in-kernel xen-blkback, on the same image file, in one run on Xen 4.17.

The domU's initramfs carries blkbench (pv-drivers/blkback/tools/blkbench.c),
started at boot by lintel.run=: it waits for /dev/xvdb, then runs sequential
1 MiB and random 4 KiB reads and writes with O_DIRECT, a few seconds each, then
random 4 KiB from 8 processes at once (several requests in flight).
- lintel-blkback: `lintel block-attach` the image file as xvdb.
- xen-blkback: the module is loaded in dom0, the image goes on /dev/loop0, and
  the same store entries are written by hand with physical-device (the kernel
  backend's input; Xen's hotplug scripts would write the same).
Figures are the guest's own wall-clock rates under TCG, so only the ratio
between the two backends in the same run means much.
"""
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from harness import paths  # noqa: E402
from harness.qemu import Machine  # noqa: E402
from results import Result  # noqa: E402

SECONDS_PER_FIGURE = 4
XVDB = 51728
FIGURES = [("seq-write", "MiB/s", "sequential write, 1 MiB O_DIRECT"),
           ("seq-read", "MiB/s", "sequential read, 1 MiB O_DIRECT"),
           ("rand-write-4k", "IOPS", "random write, 4 KiB O_DIRECT"),
           ("rand-read-4k", "IOPS", "random read, 4 KiB O_DIRECT"),
           ("rand-write-4k-qd8", "IOPS", "random write, 4 KiB O_DIRECT, 8 at once"),
           ("rand-read-4k-qd8", "IOPS", "random read, 4 KiB O_DIRECT, 8 at once")]

RUNNER = f"""#!/bin/sh
while [ ! -b /dev/xvdb ]; do sleep 1; done
echo "blkbench: start"
/usr/bin/blkbench /dev/xvdb {SECONDS_PER_FIGURE}
while true; do echo "blkbench: idle"; sleep 1; done
"""

CONFIG = """name = "bench"
kernel = "/boot/vmlinuz"
ramdisk = "/root/bench-initrd.img"
extra = "console=hvc0 quiet lintel.run=/usr/bin/blkbench-run"
memory = 160
vcpus = 1
on_poweroff = "destroy"
"""

KERNEL_BACKEND_MODULES = ["loop", "xen-blkback"]


def module_files():
    kver = open(os.path.join(paths.CACHE, "kernel", "version")).read().strip()
    tree = os.path.join(paths.CACHE, "kernel", "root", "lib", "modules", kver)
    order = subprocess.run([sys.executable, os.path.join(paths.ROOT, "dom0-tools", "image",
                                                         "resolve-modules.py"), tree]
                           + KERNEL_BACKEND_MODULES, check=True, capture_output=True,
                           text=True).stdout.split()
    return [os.path.join(tree, rel) for rel in order]


def bench_initrd(work):
    overlay = os.path.join(work, "overlay")
    os.makedirs(os.path.join(overlay, "usr", "bin"))
    shutil.copy(os.path.join(paths.BUILD, "pv-drivers", "blkback", "blkbench"),
                os.path.join(overlay, "usr", "bin", "blkbench"))
    runner = os.path.join(overlay, "usr", "bin", "blkbench-run")
    with open(runner, "w") as f:
        f.write(RUNNER)
    os.chmod(runner, 0o755)
    out = os.path.join(work, "bench-initrd.img")
    subprocess.run(["bash", os.path.join(paths.ROOT, "dom0-tools", "domu-image",
                                         "build-domu-initrd.sh"), out],
                   check=True, env=dict(os.environ, EXTRA_ROOTFS=overlay, BUILD=paths.BUILD))
    return out


def dom0_image(work):
    extra = os.path.join(work, "extra")
    os.makedirs(os.path.join(extra, "root", "modules"))
    shutil.copy(bench_initrd(work), os.path.join(extra, "root", "bench-initrd.img"))
    with open(os.path.join(extra, "root", "bench.cfg"), "w") as f:
        f.write(CONFIG)
    with open(os.path.join(extra, "root", "modules", "order"), "w") as f:
        for path in module_files():
            shutil.copy(path, os.path.join(extra, "root", "modules"))
            f.write(os.path.basename(path) + "\n")
    listing = subprocess.run(["find", "."], cwd=extra, check=True, capture_output=True).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=extra, input=listing,
                             check=True, capture_output=True).stdout
    out = os.path.join(work, "dom0-blkbench.cpio.gz")
    with open(out, "wb") as f:
        f.write(open(paths.DOM0_IMAGE, "rb").read())
        f.write(gzip.compress(archive, compresslevel=1))
    return out


def run_guest(m, attach):
    """Creates the bench domain, ATTACHes xvdb, returns blkbench's figures."""
    m.check("lintel create /root/bench.cfg", timeout=300)
    dom = int([l for l in m.check("lintel domid bench").splitlines() if l.strip().isdigit()][-1])
    attach(m, dom)
    m.run("timeout 600 sh -c \"lintel console bench </dev/null | tee /tmp/bench.con | "
          "grep -a -m1 -c -e 'blkbench: done' -e 'failed'\"", timeout=660)
    text = m.check("cat /tmp/bench.con")
    m.run("lintel destroy bench", timeout=60)
    figures = {name: float(v) for name, v in
               re.findall(r"blkbench: (\S+) ([0-9.]+) (?:MiB/s|IOPS)", text)}
    return figures, text


def attach_lintel(m, dom):
    m.check("lintel block-attach bench 'format=raw, vdev=xvdb, access=rw, target=/root/disk.img'",
            timeout=60)


def attach_kernel(m, dom):
    """What libxl and Xen's block hotplug script write for a phy: disk."""
    be = f"/local/domain/0/backend/vbd/{dom}/{XVDB}"
    fe = f"/local/domain/{dom}/device/vbd/{XVDB}"
    keys = [(fe, "backend", be), (fe, "backend-id", "0"), (fe, "virtual-device", str(XVDB)),
            (fe, "device-type", "disk"), (fe, "state", "1"),
            (be, "frontend-id", str(dom)), (be, "frontend", fe), (be, "online", "1"),
            (be, "removable", "0"), (be, "bootable", "1"), (be, "state", "1"), (be, "dev", "xvdb"),
            (be, "type", "phy"), (be, "mode", "w"), (be, "device-type", "disk"),
            (be, "params", "/dev/loop0"), (be, "physical-device", "7:0")]
    for path, key, value in keys:
        m.check(f"lintel-store write {path}/{key} '{value}'")
        if key == "backend":
            m.check(f"lintel-store chmod {fe} n{dom} r0")
        if key == "frontend-id":
            m.check(f"lintel-store chmod {be} n0 r{dom}")


def run(args):
    subjects = ("lintel-blkback", "xen-blkback")
    measured = {s: {} for s in subjects}
    notes = {}
    work = tempfile.mkdtemp(prefix="bench-blk-")
    try:
        with Machine(hv="xen", name="bench-blk-xen", dom0_image=dom0_image(work)) as m:
            m.start()
            m.wait_shell(timeout=600)
            # Written out in full first: the backend that ran first would otherwise
            # pay for allocating the file's pages and the second would not.
            m.check("dd if=/dev/zero of=/root/disk.img bs=1M count=128 2>/dev/null", timeout=120)
            measured["lintel-blkback"], text = run_guest(m, attach_lintel)
            if not measured["lintel-blkback"]:
                notes["lintel-blkback"] = "no figures; console: " + text[-300:]
            # Generous: at host load 15 one of the bench's dom0 commands (the second
            # `lintel create`, it seems) outlasted a 120 s timeout.
            m.check("cd /root/modules && for f in $(cat order); do insmod $f; done; cd /root",
                    timeout=300)
            m.check("losetup /dev/loop0 /root/disk.img", timeout=120)
            measured["xen-blkback"], text = run_guest(m, attach_kernel)
            if not measured["xen-blkback"]:
                notes["xen-blkback"] = "no figures; console: " + text[-300:]
    except Exception as e:     # a failed bench reports why instead of aborting make bench
        for s in subjects:
            notes.setdefault(s, f"bench failed: {e}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [Result(bench=f"domU block {label}", metric=unit,
                   values={s: measured[s].get(name) for s in subjects},
                   ratio=subjects, lower_is_better=False, notes=notes)
            for name, unit, label in FIGURES]


if __name__ == "__main__":
    for r in run(None):
        print(r)
