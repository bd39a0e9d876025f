"""lintel-blkback serves a stock Debian domU its root filesystem and hot-plugged disks.

The test builds an ext4 image on the host (mkfs.ext4 -d: busybox, an init script)
and appends it to dom0's initramfs. In dom0, `lintel create` starts a domU whose
config has disk=[... target=the image] and root=/dev/xvda: the domU's initramfs
loads xen-blkfront and ext4 (dom0-tools/domu-image), mounts xvda and switches
to it. The image's own init script (ROOT_RCS) counts its boots in a file on the
disk, prints what the previous boot wrote, writes and syncs, then serves the
hot-plug steps: for each of xvdb and xvdc it waits for the disk, writes random
data with conv=fsync (a flush the backend acknowledges only after fdatasync),
prints the data's md5, and waits for the disk to go away.

Everything is read from outside the guest where it can be: the image file and
the raw disk files in dom0, the store, the backend processes.
"""
import gzip
import os
import re
import shutil
import subprocess
import time

import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine

# On Lintel at 73be301 the domU with a lintel-blkback root disk is created
# but shows nothing on its console for 180 s (not investigated yet); the
# module's Lintel half would spend five minutes failing, so only soak runs it.
LINTEL_NOT_RUN = ("a domU booting from a lintel-blkback disk shows nothing on its "
                  "console within 180 s (issue 12)")

NAME = "blk"
XVDB = 51728   # Xen's device numbers for xvdb and xvdc
XVDC = 51744
XVDD = 51760

# The init of the ext4 root image. Every marker line starts with "blktest:";
# while it waits it prints a tick every second so that a reader of the
# console always sees more output after a marker (see console_until).
ROOT_RCS = r"""#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
n=$(cat /var/boots 2>/dev/null || echo 0)
n=$((n + 1))
echo $n > /var/boots
echo "blktest: boot $n root $(awk '$2 == "/" {print $1 " " $3}' /proc/mounts)"
echo "blktest: previous note: $(cat /var/note 2>/dev/null || echo none)"
echo "written in boot $n" > /var/note
sync
echo "blktest: synced boot $n"
/etc/hotplug.sh &
"""

HOTPLUG = r"""#!/bin/sh
tick() { echo "blktest: tick"; sleep 1; }
for dev in xvdb xvdc; do
    while [ ! -b /dev/$dev ]; do tick; done
    dd if=/dev/urandom of=/tmp/$dev.data bs=4096 count=64 2>/dev/null
    dd if=/tmp/$dev.data of=/dev/$dev bs=4096 conv=fsync 2>/dev/null
    echo "blktest: $dev flushed $(md5sum < /tmp/$dev.data | cut -c1-32)"
    back=$(dd if=/dev/$dev bs=4096 count=64 iflag=direct 2>/dev/null | md5sum | cut -c1-32)
    echo "blktest: $dev reads back $back"
    while [ -b /dev/$dev ]; do tick; done
    echo "blktest: $dev gone"
done
while [ ! -b /dev/xvdd ]; do tick; done
echo "blktest: xvdd reads $(dd if=/dev/xvdd bs=4096 count=64 iflag=direct 2>/dev/null | md5sum | cut -c1-32)"
if dd if=/dev/urandom of=/dev/xvdd bs=4096 count=16 conv=fsync 2>/dev/null; then
    echo "blktest: xvdd write accepted"
else
    echo "blktest: xvdd write refused"
fi
while true; do tick; done
"""

INITTAB = "::sysinit:/etc/init.d/rcS\nhvc0::respawn:-/bin/sh\n"

CONFIG = f"""name = "{NAME}"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/initrd.img"
root = "/dev/xvda"
extra = "console=hvc0 quiet"
memory = 160
vcpus = 1
on_poweroff = "destroy"
on_reboot = "destroy"
disk = [ 'format=raw, vdev=xvda, access=rw, target=/root/blkroot.img' ]
"""


def build_root_image(stage, image):
    """An ext4 file system holding busybox and the init scripts above."""
    for d in ("bin", "sbin", "etc/init.d", "proc", "sys", "dev", "tmp", "var", "root", "mnt"):
        os.makedirs(os.path.join(stage, d), exist_ok=True)
    shutil.copy("/bin/busybox", os.path.join(stage, "bin/busybox"))
    applets = subprocess.run(["/bin/busybox", "--list-full"], check=True, capture_output=True,
                             text=True).stdout.split()
    for applet in applets:
        path = os.path.join(stage, applet)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if not os.path.lexists(path):
            os.symlink("/bin/busybox", path)
    for rel, text in (("etc/init.d/rcS", ROOT_RCS), ("etc/hotplug.sh", HOTPLUG),
                      ("etc/inittab", INITTAB)):
        with open(os.path.join(stage, rel), "w") as f:
            f.write(text)
        os.chmod(os.path.join(stage, rel), 0o755)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "blkroot", "-d", stage, image, "24M"],
                   check=True)


def image_with_root_disk(tmp_path):
    """dom0's image plus a second archive carrying the root image and the config."""
    extra = tmp_path / "extra"
    (extra / "root").mkdir(parents=True)
    build_root_image(str(tmp_path / "rootfs"), str(extra / "root" / "blkroot.img"))
    (extra / "root" / "blk.cfg").write_text(CONFIG)
    listing = subprocess.run(["find", "."], cwd=extra, check=True, capture_output=True).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=extra, input=listing,
                             check=True, capture_output=True).stdout
    out = tmp_path / "dom0-blk.cpio.gz"
    with open(out, "wb") as f:
        f.write(open(paths.DOM0_IMAGE, "rb").read())
        f.write(gzip.compress(archive, compresslevel=1))
    return str(out)


@pytest.fixture(scope="module", params=hypervisors())
def dom0(request, tmp_path_factory):
    image = image_with_root_disk(tmp_path_factory.mktemp("blk"))
    # On Xen, a second pCPU for the domU: sharing one with a booting domU starves
    # dom0 and its serial console drops the harness's typed commands.
    smp = 2 if request.param == "xen" else 1
    with Machine(hv=request.param, name=f"drivers-blk-{request.param}", dom0_image=image,
                 smp=smp) as m:
        m.start()
        m.wait_shell()
        yield m


def console_until(machine, marker, timeout=180):
    """Reads the guest's console (lintel console) until a line containing
    MARKER; returns everything read. grep stops at the first match, and the
    guest's ticks make tee and lintel console stop at their next write."""
    out, _ = machine.run(f"timeout {timeout} sh -c \"lintel console {NAME} </dev/null | "
                         f"tee /tmp/{NAME}.part | grep -a -m1 -c '{marker}'\"; "
                         f"cat /tmp/{NAME}.part >> /tmp/{NAME}.con",
                         timeout=timeout + 30)
    text = machine.check(f"cat /tmp/{NAME}.part")
    assert marker in text, f"no '{marker}' on the guest console; it showed:\n{text[-3000:]}"
    return text


# dom0's daemons log to the same console, so their lines can land in the
# middle of a command's output: parsers keep only the lines they expect.
def domid(machine):
    out = machine.check(f"lintel domid {NAME}")
    return int([line for line in out.splitlines() if line.strip().isdigit()][-1])


def backend_pids(machine, dom, devid):
    out = machine.check(f"ps -o pid,args | grep '[l]intel-blkback {dom} {devid}$' || true")
    return [int(m.group(1)) for m in re.finditer(rf"^\s*(\d+)\s+\S*lintel-blkback {dom} {devid}\s*$",
                                                  out, re.M)]


def file_md5(machine, path, blocks=64):
    out = machine.check(f"dd if={path} bs=4096 count={blocks} 2>/dev/null | md5sum")
    return re.search(r"^([0-9a-f]{32})\s+-", out, re.M).group(1)


@pytest.fixture(scope="module")
def first_boot(dom0):
    out = dom0.check(f"lintel create /root/{NAME}.cfg", timeout=120)
    assert "created domain" in out
    text = console_until(dom0, "blktest: synced boot")
    yield dom0, text
    dom0.run(f"lintel destroy {NAME}")


def test_domu_boots_from_an_ext4_image_served_by_lintel_blkback(first_boot):
    machine, text = first_boot
    assert "blktest: boot 1 root /dev/xvda ext4" in text
    assert "blktest: previous note: none" in text
    dom = domid(machine)
    assert len(backend_pids(machine, dom, 51712)) == 1
    state = machine.check(f"lintel-store read /local/domain/0/backend/vbd/{dom}/51712/state")
    assert re.search(r"^4\s*$", state, re.M)     # Connected
    listing = machine.check(f"lintel block-list {NAME}")
    assert re.search(r"^51712\s+xvda\s+0\s+4\s", listing, re.M), listing


def test_hot_attach_writes_reach_the_file_and_detach_ends_the_backend(first_boot):
    machine, _ = first_boot
    dom = domid(machine)
    machine.check("dd if=/dev/zero of=/root/xvdb.img bs=1M count=0 seek=16 2>/dev/null")
    machine.check(f"lintel block-attach {NAME} 'format=raw, vdev=xvdb, access=rw, "
                  f"target=/root/xvdb.img'", timeout=60)
    text = console_until(machine, "blktest: xvdb reads back")
    written = re.search(r"blktest: xvdb flushed ([0-9a-f]{32})", text).group(1)
    assert re.search(rf"blktest: xvdb reads back {written}", text)
    assert file_md5(machine, "/root/xvdb.img") == written
    assert f"{XVDB}" in machine.check(f"lintel block-list {NAME}")
    machine.check(f"lintel block-detach {NAME} xvdb", timeout=60)
    console_until(machine, "blktest: xvdb gone")
    assert str(XVDB) not in machine.check(f"lintel block-list {NAME}")
    deadline = time.monotonic() + 20
    while backend_pids(machine, dom, XVDB) and time.monotonic() < deadline:
        time.sleep(1)
    assert backend_pids(machine, dom, XVDB) == []


def test_attaching_a_missing_image_is_refused_and_leaves_nothing(first_boot):
    machine, _ = first_boot
    out, status = machine.run(f"lintel block-attach {NAME} 'format=raw, vdev=xvdd, access=ro, "
                              f"target=/root/nonexistent.img'", timeout=60)
    assert status == 1 and "/root/nonexistent.img" in out
    dom = domid(machine)
    assert str(XVDD) not in machine.check(f"lintel block-list {NAME}")
    assert backend_pids(machine, dom, XVDD) == []


def test_flushed_data_survives_killing_the_backend(first_boot):
    machine, _ = first_boot
    dom = domid(machine)
    machine.check("dd if=/dev/zero of=/root/xvdc.img bs=1M count=0 seek=16 2>/dev/null")
    machine.check(f"lintel block-attach {NAME} 'format=raw, vdev=xvdc, access=rw, "
                  f"target=/root/xvdc.img'", timeout=60)
    text = console_until(machine, "blktest: xvdc flushed")
    written = re.search(r"blktest: xvdc flushed ([0-9a-f]{32})", text).group(1)
    pids = backend_pids(machine, dom, XVDC)
    assert len(pids) == 1
    machine.check(f"kill -9 {pids[0]}")
    assert file_md5(machine, "/root/xvdc.img") == written
    machine.check(f"lintel block-detach -f {NAME} xvdc", timeout=60)
    assert str(XVDC) not in machine.check(f"lintel block-list {NAME}")


def test_a_read_only_disk_refuses_writes(first_boot):
    """Runs after xvdb and xvdc (the guest script takes them in order)."""
    machine, _ = first_boot
    machine.check("dd if=/dev/zero of=/root/xvdd.img bs=1M count=0 seek=4 2>/dev/null")
    zeros = file_md5(machine, "/root/xvdd.img")
    machine.check(f"lintel block-attach {NAME} 'format=raw, vdev=xvdd, access=ro, "
                  f"target=/root/xvdd.img'", timeout=60)
    text = console_until(machine, "blktest: xvdd write")
    assert f"blktest: xvdd reads {zeros}" in text
    assert "blktest: xvdd write refused" in text
    assert file_md5(machine, "/root/xvdd.img") == zeros
    dom = domid(machine)
    info = machine.check(f"lintel-store read /local/domain/0/backend/vbd/{dom}/{XVDD}/info")
    assert re.search(r"^4\s*$", info, re.M)      # VDISK_READONLY


# A second domU boot costs minutes under TCG: make soak.
@pytest.mark.soak
def test_files_survive_a_reboot_of_the_domu(first_boot):
    machine, _ = first_boot
    dom = domid(machine)
    machine.check(f"lintel shutdown -w {NAME}", timeout=180)
    deadline = time.monotonic() + 30
    while backend_pids(machine, dom, 51712) and time.monotonic() < deadline:
        time.sleep(1)
    # The domain is gone: its backend removed its own directory and ended.
    assert backend_pids(machine, dom, 51712) == []
    out, status = machine.run(f"lintel-store read /local/domain/0/backend/vbd/{dom}/51712/state")
    assert status != 0
    machine.check(f"lintel create /root/{NAME}.cfg", timeout=120)
    text = console_until(machine, "blktest: synced boot")
    assert "blktest: boot 2 root /dev/xvda ext4" in text
    assert "blktest: previous note: written in boot 1" in text
