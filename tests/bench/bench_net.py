"""dom0 <-> domU TCP throughput: lintel-netback (dom0 userspace, grant copy, a
tap on bridge xenbr0) beside Xen's in-kernel xen-netback, in one run on Xen 4.17,
with the same stock Debian domU (xen-netfront) and the same busybox nc servers
as the network half of tests/integration/test_drivers_split.py (here the
domU runs from its initramfs: no disk).

- lintel-netback: the domU's config has vif = [ 'bridge=xenbr0,...' ]; the
  toolstack starts the backend.
- xen-netback: the module is loaded in dom0 only after the first domU is gone
  (it would otherwise claim every vif), the domU is created without vif= and
  the store entries are written by hand as libxl writes them; what Xen's
  vif-bridge hotplug script does (interface up, on the bridge,
  hotplug-status) is done by hand too.
Each direction moves MIB MiB and is timed end to end (the receiver's md5sum
comes back, so the data really arrived and is checked). TCG figures: only the
ratio between the two backends in the same run means much.
"""
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from harness import paths  # noqa: E402
from harness.qemu import Machine  # noqa: E402
from harness.shell import shell_quote, wait_for  # noqa: E402
from results import Result  # noqa: E402

MIB = 8
DOMU_IP, DOM0_IP = "10.99.0.2", "10.99.0.1"
DOMU_MAC = "00:16:3e:4c:00:01"
KVER = "6.1.0-56-amd64"
NETFRONT = "kernel/drivers/net/xen-netfront.ko"
NET_CFG = f"""name = "netdomu"
kernel = "/boot/vmlinuz"
ramdisk = "/root/net-domu.img"
extra = "console=hvc0 rdinit=/net-init"
memory = 256
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
vif = [ 'bridge=xenbr0,mac={DOMU_MAC}' ]
"""

# The domU's first program: network set-up, the two servers, then the image's init.
NET_INIT = f"""#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
insmod /lib/modules/{KVER}/{NETFRONT}
(
    for i in $(seq 100); do [ -e /sys/class/net/eth0 ] && break; sleep 0.1; done
    ip link set lo up
    ip addr add {DOMU_IP}/24 dev eth0
    ip link set eth0 up
    nc -ll -p 5000 -e /bin/sh &
    nc -ll -p 5001 -e md5sum &
    echo "lintel-domU: network $(cat /sys/class/net/eth0/address) up"
) &
exec /init
"""


def cpio_gz(stage):
    listing = subprocess.run(["find", "."], cwd=stage, check=True, capture_output=True).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=stage,
                             input=listing, check=True, capture_output=True).stdout
    return gzip.compress(archive)


def put(stage, rel, data, mode=0o644):
    path = stage / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)


def domu_initrd(tmp_path):
    """The toolstack's guest initrd plus a second archive: netfront and /net-init."""
    stage = tmp_path / "domu-extra"
    ktree = os.path.join(paths.CACHE, "kernel", "root", "lib", "modules", KVER)
    put(stage, f"lib/modules/{KVER}/{NETFRONT}", open(os.path.join(ktree, NETFRONT), "rb").read())
    put(stage, "net-init", NET_INIT, 0o755)
    base = open(os.path.join(paths.BUILD, "dom0-rootfs", "boot", "initrd.img"), "rb").read()
    return base + cpio_gz(stage)    # Linux unpacks concatenated archives in turn


def netdomu_dom0_image(tmp_path):
    stage = tmp_path / "dom0-extra"
    put(stage, "root/net-domu.img", domu_initrd(tmp_path))
    put(stage, "root/net.cfg", NET_CFG)
    out = tmp_path / "dom0-net.cpio.gz"
    out.write_bytes(open(paths.DOM0_IMAGE, "rb").read() + cpio_gz(stage))
    return str(out)


def in_domu(machine, command, timeout=120):
    """COMMAND run by the domU's shell server; its output, through the network."""
    return machine.check(f"echo {shell_quote(command)} | timeout {timeout} nc {DOMU_IP} 5000",
                         timeout=timeout + 30)


SUBJECTS = ("lintel-netback", "xen-netback")


def kernel_backend_files():
    tree = os.path.join(paths.CACHE, "kernel", "root", "lib", "modules", KVER)
    order = subprocess.run([sys.executable, os.path.join(paths.ROOT, "dom0-tools", "image",
                                                         "resolve-modules.py"), tree,
                            "xen-netback"], check=True, capture_output=True,
                           text=True).stdout.split()
    return [(os.path.basename(rel), open(os.path.join(tree, rel), "rb").read()) for rel in order]


def dom0_image(work):
    """The test's image, plus a config without vif= and the kernel backend's modules."""
    image = netdomu_dom0_image(work)
    stage = work / "bench-extra"
    put(stage, "root/novif.cfg", NET_CFG.replace("netdomu", "benchdomu").split("vif =")[0])
    names = []
    for name, data in kernel_backend_files():
        put(stage, f"root/modules/{name}", data)
        names.append(name)
    put(stage, "root/modules/order", "\n".join(names) + "\n")
    with open(image, "ab") as f:
        f.write(cpio_gz(stage))
    return image


def seconds(text):
    """busybox `time`: real 0m 1.23s."""
    m = re.search(r"real\s+(\d+)m\s*([0-9.]+)s", text)
    return int(m.group(1)) * 60 + float(m.group(2)) if m else None


def measure(m):
    """MiB/s each way, or None where the transfer did not arrive intact."""
    figures = {}
    m.check(f"dd if=/dev/urandom of=/tmp/down bs=1M count={MIB} 2>/dev/null", timeout=120)
    want = m.check("md5sum < /tmp/down").split()[0]
    out = m.check(f"time timeout 900 nc {DOMU_IP} 5001 < /tmp/down 2>&1", timeout=960)
    s = seconds(out)
    figures["dom0->domU"] = MIB / s if s and want in out else None
    m.check("(nc -l -p 5002 -e md5sum > /dev/null 2>&1 &)")
    out = in_domu(m, f"dd if=/dev/urandom of=/tmp/up bs=1M count={MIB} 2>/dev/null; "
                     f"md5sum < /tmp/up; {{ time nc {DOM0_IP} 5002 < /tmp/up; }} 2>&1; "
                     f"rm /tmp/up", timeout=900)
    sums = re.findall(r"[0-9a-f]{32}", out)
    s = seconds(out)
    figures["domU->dom0"] = MIB / s if s and len(sums) == 2 and sums[0] == sums[1] else None
    return figures


def wait_connected(m, backend, timeout=240):
    wait_for(m, f"lintel-store read {backend}/state", r"^4$", timeout=timeout)
    # The guest's servers start once eth0 exists; give them a moment past Connected.
    wait_for(m, f"echo true | timeout 20 nc {DOMU_IP} 5000 && echo reachable",
             r"reachable", timeout=120)


def run_lintel(m):
    m.check("lintel create /root/net.cfg", timeout=120)
    dom = int(m.check("lintel domid netdomu").strip().splitlines()[-1])
    host_side(m)
    wait_connected(m, f"/local/domain/0/backend/vif/{dom}/0")
    figures = measure(m)
    m.check("lintel destroy netdomu", timeout=60)
    wait_for(m, "pidof lintel-netback || echo none", r"none", timeout=30)
    return figures


def attach_kernel(m, dom):
    """libxl's vif entries, then vif-bridge's work once the kernel made the interface."""
    be = f"/local/domain/0/backend/vif/{dom}/0"
    fe = f"/local/domain/{dom}/device/vif/0"
    # libxl writes them in one transaction; one by one, each side's state must come
    # last, since a kernel driver probes the device as soon as its state reads 1.
    # The frontend's state before the backend's: xen-netback reads it at probe,
    # and a missing one reads as XenbusStateUnknown, on which it closes and
    # unregisters the device (so no vif ever appeared).
    keys = [(fe, "backend", be), (fe, "backend-id", "0"), (fe, "handle", "0"),
            (fe, "mac", DOMU_MAC),
            (be, "frontend", fe), (be, "frontend-id", str(dom)), (be, "online", "1"),
            (be, "handle", "0"), (be, "mac", DOMU_MAC),
            (be, "bridge", "xenbr0"), (be, "type", "vif"),
            (be, "script", "/etc/xen/scripts/vif-bridge"),   # xen-netback refuses a vif without it
            (fe, "state", "1"), (be, "state", "1")]
    for path, key, value in keys:
        m.check(f"lintel-store write {path}/{key} '{value}'")
        if key == "backend":
            m.check(f"lintel-store chmod {fe} n{dom} r0")
        if key == "frontend":
            m.check(f"lintel-store chmod {be} n0 r{dom}")
    try:
        wait_for(m, f"ls /sys/class/net/vif{dom}.0 >/dev/null && echo there", r"there", 60)
    except Exception:
        raise RuntimeError("xen-netback made no vif: " + m.run("dmesg | tail -4")[0][-300:])
    m.check(f"ip link set vif{dom}.0 up && brctl addif xenbr0 vif{dom}.0")
    m.check(f"lintel-store write {be}/hotplug-status connected")


def host_side(m):
    """xenbr0 up with dom0's address, whichever backend (or nobody yet) made it."""
    m.check("[ -e /sys/class/net/xenbr0 ] || brctl addbr xenbr0; ip link set xenbr0 up")
    m.check(f"ip addr show dev xenbr0 | grep -q ' {DOM0_IP}/' || "
            f"ip addr add {DOM0_IP}/24 dev xenbr0")


def run_kernel(m):
    m.check("cd /root/modules && for f in $(cat order); do insmod $f; done; cd /root")
    host_side(m)
    m.check("lintel create /root/novif.cfg", timeout=120)
    dom = int(m.check("lintel domid benchdomu").strip().splitlines()[-1])
    attach_kernel(m, dom)
    wait_connected(m, f"/local/domain/0/backend/vif/{dom}/0")
    figures = measure(m)
    m.run("lintel destroy benchdomu", timeout=60)
    return figures


def run(args):
    measured = {s: {} for s in SUBJECTS}
    notes = {}
    work = tempfile.mkdtemp(prefix="bench-net-")
    try:
        import pathlib
        with Machine(hv="xen", name="bench-net-xen", dom0_image=dom0_image(pathlib.Path(work))) as m:
            m.start()
            m.wait_shell(timeout=600)
            for subject, runner in zip(SUBJECTS, (run_lintel, run_kernel)):
                started = time.monotonic()
                try:
                    measured[subject] = runner(m)
                except Exception as e:  # one backend failing still reports the other
                    notes[subject] = f"failed after {time.monotonic() - started:.0f}s: {e}"[:300]
    except Exception as e:     # a failed bench reports why instead of aborting make bench
        for s in SUBJECTS:
            notes.setdefault(s, f"bench failed: {e}"[:300])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [Result(bench=f"domU TCP {direction}, {MIB} MiB", metric="MiB/s",
                   values={s: measured[s].get(direction) for s in SUBJECTS},
                   ratio=SUBJECTS, lower_is_better=False, notes=notes)
            for direction in ("dom0->domU", "domU->dom0")]


if __name__ == "__main__":
    for r in run(None):
        print(r)
