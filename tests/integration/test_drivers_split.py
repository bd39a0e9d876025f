"""lintel-blkback and lintel-netback serve one stock Debian domU: its root disk and its vif.

One dom0 boot and one domU per hypervisor. The test builds an ext4 image on the
host (mkfs.ext4 -d: busybox and the init scripts below) and appends it, with
the domU's config, to dom0's initramfs. In dom0, `lintel create` starts the
domU with disk=[... target=the image], root=/dev/xvda and vif=[bridge=xenbr0]:
the toolstack writes the store entries and starts one backend process per
device; the guest's initramfs (dom0-tools/domu-image) loads xen-blkfront,
xen-netfront and ext4, mounts xvda and switches to it.

The image's init (ROOT_RCS) counts its boots in a file on the disk, prints
what the previous boot wrote, writes and syncs, then starts two helpers:
- network.sh configures eth0 and leaves two busybox nc servers: port 5000
  runs each connection through /bin/sh (a control channel), port 5001 answers
  each connection with the md5sum of what it received;
- hotplug.sh serves the block hot-plug steps: for each of xvdb and xvdc it
  waits for the disk, writes random data with conv=fsync (a flush the backend
  acknowledges only after fdatasync), prints the data's md5 and waits for the
  disk to go away; then it tries to write the read-only xvdd.

Everything is checked from outside the backends where it can be: the image and
raw disk files in dom0, the store, the backend processes, the guest kernel's
own interfaces, ping replies, md5 sums computed at both ends.
"""
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import time

import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine
from harness.shell import shell_quote, wait_for

NAME = "drv"
XVDA = 51712   # Xen's device numbers for xvda..xvdd
XVDB = 51728
XVDC = 51744
XVDD = 51760
DOMU_IP, DOM0_IP = "10.99.0.2", "10.99.0.1"
DOMU_MAC = "00:16:3e:4c:00:01"
# In make test: a transfer each way that TCG moves in seconds; 100 MiB in soak.
QUICK_MIB = 1

# The init of the ext4 root image. Every console marker starts with "blktest:";
# while hotplug.sh waits it prints a tick every second so that a reader of the
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
/etc/network.sh &
/etc/hotplug.sh &
"""

NETWORK = f"""#!/bin/sh
for i in $(seq 300); do [ -e /sys/class/net/eth0 ] && break; sleep 0.2; done
ip link set lo up
ip addr add {DOMU_IP}/24 dev eth0
ip link set eth0 up
nc -ll -p 5000 -e /bin/sh &
nc -ll -p 5001 -e md5sum &
echo "blktest: network $(cat /sys/class/net/eth0/address) up"
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
on_crash = "destroy"
disk = [ 'format=raw, vdev=xvda, access=rw, target=/root/drvroot.img' ]
vif = [ 'bridge=xenbr0,mac={DOMU_MAC}' ]
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
                      ("etc/network.sh", NETWORK), ("etc/inittab", INITTAB)):
        with open(os.path.join(stage, rel), "w") as f:
            f.write(text)
        os.chmod(os.path.join(stage, rel), 0o755)
    subprocess.run(["mkfs.ext4", "-q", "-F", "-L", "drvroot", "-d", stage, image, "24M"],
                   check=True)


def image_with_root_disk(tmp_path):
    """dom0's image plus a second archive carrying the root image and the config."""
    extra = tmp_path / "extra"
    (extra / "root").mkdir(parents=True)
    build_root_image(str(tmp_path / "rootfs"), str(extra / "root" / "drvroot.img"))
    (extra / "root" / f"{NAME}.cfg").write_text(CONFIG)
    listing = subprocess.run(["find", "."], cwd=extra, check=True, capture_output=True).stdout
    archive = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=extra, input=listing,
                             check=True, capture_output=True).stdout
    out = tmp_path / "dom0-drivers.cpio.gz"
    with open(out, "wb") as f:
        f.write(open(paths.DOM0_IMAGE, "rb").read())
        f.write(gzip.compress(archive, compresslevel=1))
    return str(out)


@pytest.fixture(scope="module", params=hypervisors())
def dom0(request, tmp_path_factory):
    image = image_with_root_disk(tmp_path_factory.mktemp("drivers"))
    # On Xen, a second pCPU for the domU: sharing one with a booting domU starves
    # dom0 and its serial console drops the harness's typed commands. Lintel
    # runs guest vCPUs on the boot CPU only, so a second one would not help.
    smp = 2 if request.param == "xen" else 1
    with Machine(hv=request.param, name=f"drivers-{request.param}", dom0_image=image,
                 smp=smp) as m:
        if request.param == "xen":
            # dom0 keeps one vCPU, as on Lintel: the second pCPU is the domU's.
            m.hv_args += " dom0_max_vcpus=1"
        m.start()
        m.wait_shell(timeout=300)
        yield m


def console_until(machine, marker, timeout=180):
    """Reads the guest's console (lintel console) until a line containing
    MARKER; returns everything read. grep stops at the first match, and the
    guest's ticks make tee and lintel console stop at their next write."""
    machine.run(f"timeout {timeout} sh -c \"lintel console {NAME} </dev/null | "
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


def backend_pids(machine, program, dom, devid):
    out = machine.check(f"ps -o pid,args | grep '[l]intel-{program} {dom} {devid}$' || true")
    return [int(m.group(1)) for m in
            re.finditer(rf"^\s*(\d+)\s+\S*lintel-{program} {dom} {devid}\s*$", out, re.M)]


def file_md5(machine, path, blocks=64):
    out = machine.check(f"dd if={path} bs=4096 count={blocks} 2>/dev/null | md5sum")
    return re.search(r"^([0-9a-f]{32})\s+-", out, re.M).group(1)


def store_read(machine, path):
    out = machine.check(f"lintel-store read {path}")
    return out.strip().splitlines()[-1].strip() if out.strip() else ""


def in_domu(machine, command, timeout=120):
    """COMMAND run by the domU's shell server; its output, through the network."""
    return machine.check(f"echo {shell_quote(command)} | timeout {timeout} nc {DOMU_IP} 5000",
                         timeout=timeout + 30)


@pytest.fixture(scope="module")
def first_boot(dom0):
    # Building the domain is dom0 CPU work that TCG on a loaded host can stretch
    # past two minutes.
    out = dom0.check(f"lintel create /root/{NAME}.cfg", timeout=300)
    assert "created domain" in out
    text = console_until(dom0, "blktest: synced boot", timeout=300)
    yield dom0, text
    dom0.run(f"lintel destroy {NAME}", timeout=60)


@pytest.fixture(scope="module")
def net(first_boot):
    """The domU's vif connected and its servers reachable; dom0 on xenbr0."""
    machine, _ = first_boot
    dom = domid(machine)
    wait_for(machine, f"lintel-store read /local/domain/0/backend/vif/{dom}/0/state",
             r"(?m)^4\s*$", timeout=180)
    machine.check(f"ip addr add {DOM0_IP}/24 dev xenbr0")
    wait_for(machine, f"echo true | timeout 20 nc {DOMU_IP} 5000 && echo reachable",
             r"reachable", timeout=120)
    return machine


# ---- block: the root disk ----

def test_domu_boots_from_an_ext4_image_served_by_lintel_blkback(first_boot):
    machine, text = first_boot
    assert "blktest: boot 1 root /dev/xvda ext4" in text
    assert "blktest: previous note: none" in text
    dom = domid(machine)
    assert len(backend_pids(machine, "blkback", dom, XVDA)) == 1
    assert store_read(machine, f"/local/domain/0/backend/vbd/{dom}/{XVDA}/state") == "4"
    listing = machine.check(f"lintel block-list {NAME}")
    assert re.search(rf"^{XVDA}\s+xvda\s+0\s+4\s", listing, re.M), listing


def test_persistent_grants_and_several_requests_at_once(net):
    """feature-persistent offered and taken (Linux's blkfront says so; the backend's
    counters show grants kept mapped and found mapped again), and four readers in
    the guest at once, with O_DIRECT through ext4 on xvda: the backend runs more
    than one request at a time and every reader gets busybox's bytes (a file the
    image's builder copied and nothing writes)."""
    m = net
    dom = domid(m)
    assert store_read(m, f"/local/domain/0/backend/vbd/{dom}/{XVDA}/feature-persistent") == "1"
    assert store_read(m, f"/local/domain/{dom}/device/vbd/{XVDA}/feature-persistent") == "1"
    before = blkback_counters(m, dom)
    with open("/bin/busybox", "rb") as f:
        want = hashlib.md5(f.read()).hexdigest()
    out = in_domu(m, "dmesg | grep 'blkfront: xvda:'; "
                     "for i in 1 2 3 4; do (dd if=/bin/busybox bs=64k iflag=direct "
                     "2>/dev/null | md5sum > /tmp/r$i) & done; wait; "
                     "cat /tmp/r1 /tmp/r2 /tmp/r3 /tmp/r4; rm /tmp/r1 /tmp/r2 /tmp/r3 /tmp/r4")
    assert re.search(r"persistent grants: enabled", out), out
    assert re.findall(r"[0-9a-f]{32}", out) == [want] * 4, out
    # The file is rewritten at most once a second: wait for the readers' requests.
    wait_for(m, f"cat /run/lintel/vbd-{dom}-{XVDA}/statistics",
             rf"(?m)^rd_req (?!{before['rd_req']}$)\d+$", timeout=30)
    after = blkback_counters(m, dom)
    assert after["inflight_peak"] >= 2, after
    assert 0 < after["persistent_grants"] <= 1056, after
    assert after["persistent_hits"] > before["persistent_hits"], (before, after)


# ---- net ----

def test_vif_store_entries_and_tap(net):
    m = net
    dom = domid(m)
    backend = f"/local/domain/0/backend/vif/{dom}/0"
    front = f"/local/domain/{dom}/device/vif/0"
    assert store_read(m, f"{backend}/mac") == DOMU_MAC
    assert store_read(m, f"{backend}/feature-rx-copy") == "1"
    assert store_read(m, f"{front}/request-rx-copy") == "1"
    assert store_read(m, f"{front}/state") == "4"
    assert len(backend_pids(m, "netback", dom, 0)) == 1
    tap = f"vif{dom}.0"
    assert tap in m.check("ls /sys/class/net/xenbr0/brif")
    assert m.check(f"cat /sys/class/net/{tap}/address").strip() == "fe:ff:ff:ff:ff:ff"
    listing = m.check(f"lintel network-list {NAME}")
    assert DOMU_MAC in listing and tap in listing


def test_guest_sees_its_interface(net):
    out = in_domu(net, "cat /sys/class/net/eth0/address; "
                       "readlink /sys/class/net/eth0/device/driver")
    assert DOMU_MAC in out
    assert "vif" in out


def test_ping_both_ways(net):
    out = net.check(f"ping -c 3 -W 5 {DOMU_IP}", timeout=60)
    assert "3 packets received" in out
    out = in_domu(net, f"ping -c 3 -W 5 {DOM0_IP}")
    assert "3 packets received" in out


def transfer_to_domu(m, mib):
    m.check(f"dd if=/dev/urandom of=/tmp/down bs=1M count={mib} 2>/dev/null", timeout=120)
    want = re.search(r"[0-9a-f]{32}", m.check("md5sum < /tmp/down")).group(0)
    out = m.check(f"timeout 900 nc {DOMU_IP} 5001 < /tmp/down", timeout=960)
    m.check("rm -f /tmp/down")
    got = re.search(r"[0-9a-f]{32}", out)
    return want, got.group(0) if got else out


def transfer_from_domu(m, mib):
    m.check("(nc -l -p 5002 -e md5sum > /dev/null 2>&1 &)")
    # Under load the background listener can take seconds to open its port.
    wait_for(m, "netstat -ltn 2>/dev/null | grep -c ':5002 ' || true", r"(?m)^1\s*$",
             timeout=30)
    out = in_domu(m, f"dd if=/dev/urandom of=/tmp/up bs=1M count={mib} 2>/dev/null; "
                     f"md5sum < /tmp/up; nc {DOM0_IP} 5002 < /tmp/up; rm /tmp/up", timeout=900)
    sums = re.findall(r"[0-9a-f]{32}", out)
    assert len(sums) == 2, out
    return sums[0], sums[1]


def tap_counts(m, direction):
    """(bytes, frames) the tap passed: rx = from the guest, tx = to the guest."""
    base = f"/sys/class/net/vif{domid(m)}.0/statistics/{direction}"
    out = m.check(f"cat {base}_bytes {base}_packets").split()
    return int(out[-2]), int(out[-1])


def test_tcp_dom0_to_domu_intact(net):
    want, got = transfer_to_domu(net, QUICK_MIB)
    assert want == got


def test_tcp_domu_to_dom0_intact(net):
    before = tap_counts(net, "rx")
    want, got = transfer_from_domu(net, QUICK_MIB)
    assert want == got
    after = tap_counts(net, "rx")
    # The guest's GSO packets reach the host stack whole (feature-gso-tcpv4 honoured).
    assert (after[0] - before[0]) / (after[1] - before[1]) > 1514


def blkback_counters(m, dom):
    """lintel-blkback's counters file for the root disk, as {name: value}."""
    out = m.check(f"cat /run/lintel/vbd-{dom}-{XVDA}/statistics")
    return {k: int(v) for k, v in re.findall(r"(?m)^(\w+) (\d+)$", out)}


def test_lintel_top_shows_the_domains_disk_and_network_traffic(net):
    """lintel-top's device columns against what the backends count (issue 11):
    the root disk's reads since boot, the network traffic so far."""
    m = net
    dom = domid(m)
    # Some KiB each way whatever ran before (the columns count whole KiB).
    m.check(f"ping -c 4 -s 1400 -W 5 {DOMU_IP}", timeout=60)
    disk_before = blkback_counters(m, dom)
    tap_rx, tap_tx = tap_counts(m, "rx")[0], tap_counts(m, "tx")[0]
    out = m.check("lintel-top --json -i 1 -d 1", timeout=60)
    frame = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    row = next(d for d in frame["domains"] if d["name"] == NAME)
    disk_after = blkback_counters(m, dom)
    assert (row["nets"], row["vbds"]) == (1, 1), row
    # The guest booted from the disk: reads; its boot note: writes.
    assert disk_before["rd_req"] <= row["vbd_rd"] <= disk_after["rd_req"]
    assert disk_before["wr_sect"] <= row["vbd_wsect"] <= disk_after["wr_sect"]
    assert row["vbd_rd"] > 0 and row["vbd_rsect"] >= row["vbd_rd"]
    # The domain's side: what dom0's tap received, the domain sent.
    # Traffic there is (the fixture reached the domU's server); how much depends on
    # which tests ran before, so the tap's own counters are the measure.
    assert row["net_tx_kib"] >= 5 and row["net_rx_kib"] >= 5, row
    assert abs(row["net_tx_kib"] - tap_rx // 1024) < 64, (row, tap_rx)
    assert abs(row["net_rx_kib"] - tap_tx // 1024) < 64, (row, tap_tx)


@pytest.mark.soak
def test_tcp_100mib_each_way(net):
    want, got = transfer_to_domu(net, 100)
    assert want == got
    want, got = transfer_from_domu(net, 100)
    assert want == got


# ---- block: hot-plug; the guest's hotplug.sh takes xvdb, xvdc, xvdd in order ----

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
    while backend_pids(machine, "blkback", dom, XVDB) and time.monotonic() < deadline:
        time.sleep(1)
    assert backend_pids(machine, "blkback", dom, XVDB) == []


def test_attaching_a_missing_image_is_refused_and_leaves_nothing(first_boot):
    machine, _ = first_boot
    out, status = machine.run(f"lintel block-attach {NAME} 'format=raw, vdev=xvdd, access=ro, "
                              f"target=/root/nonexistent.img'", timeout=60)
    assert status == 1 and "/root/nonexistent.img" in out
    dom = domid(machine)
    assert str(XVDD) not in machine.check(f"lintel block-list {NAME}")
    assert backend_pids(machine, "blkback", dom, XVDD) == []


def test_flushed_data_survives_killing_the_backend(first_boot):
    machine, _ = first_boot
    dom = domid(machine)
    machine.check("dd if=/dev/zero of=/root/xvdc.img bs=1M count=0 seek=16 2>/dev/null")
    machine.check(f"lintel block-attach {NAME} 'format=raw, vdev=xvdc, access=rw, "
                  f"target=/root/xvdc.img'", timeout=60)
    text = console_until(machine, "blktest: xvdc flushed")
    written = re.search(r"blktest: xvdc flushed ([0-9a-f]{32})", text).group(1)
    pids = backend_pids(machine, "blkback", dom, XVDC)
    assert len(pids) == 1
    machine.check(f"kill -9 {pids[0]}")
    assert file_md5(machine, "/root/xvdc.img") == written
    machine.check(f"lintel block-detach -f {NAME} xvdc", timeout=60)
    assert str(XVDC) not in machine.check(f"lintel block-list {NAME}")


def test_a_read_only_disk_refuses_writes(first_boot):
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
    assert store_read(machine, f"/local/domain/0/backend/vbd/{dom}/{XVDD}/info") == "4"  # RO


# ---- net: hot-plug ----

def test_vif_hot_attach_and_detach(net):
    m = net
    dom = domid(m)
    out = m.check(f"lintel network-attach {NAME} bridge=xenbr1 mac=00:16:3e:4c:00:02",
                  timeout=60)
    assert "attached vif 1" in out
    wait_for(m, f"lintel-store read /local/domain/0/backend/vif/{dom}/1/state",
             r"(?m)^4\s*$")
    assert "00:16:3e:4c:00:02" in in_domu(m, "cat /sys/class/net/eth1/address")
    assert f"vif{dom}.1" in m.check("ls /sys/class/net/xenbr1/brif")

    m.check(f"lintel network-detach {NAME} 1", timeout=60)
    assert "eth1" not in in_domu(m, "ls /sys/class/net")
    out, status = m.run(f"lintel-store read /local/domain/0/backend/vif/{dom}/1/state")
    assert status != 0
    wait_for(m, f"ls /sys/class/net/ | grep -c vif{dom}.1 || true", r"(?m)^0\s*$", timeout=30)
    # The first vif still carries traffic.
    assert "3 packets received" in m.check(f"ping -c 3 -W 5 {DOMU_IP}", timeout=60)


def test_detach_of_a_missing_vif_is_refused(net):
    out, status = net.run(f"lintel network-detach {NAME} 7")
    assert status == 1 and "has no vif 7" in out


# A second domU boot costs minutes under TCG: make soak.
@pytest.mark.soak
def test_files_survive_a_reboot_of_the_domu(first_boot):
    machine, _ = first_boot
    dom = domid(machine)
    machine.check(f"lintel shutdown -w {NAME}", timeout=180)
    deadline = time.monotonic() + 30
    while backend_pids(machine, "blkback", dom, XVDA) and time.monotonic() < deadline:
        time.sleep(1)
    # The domain is gone: its backend removed its own directory and ended.
    assert backend_pids(machine, "blkback", dom, XVDA) == []
    out, status = machine.run(f"lintel-store read /local/domain/0/backend/vbd/{dom}/{XVDA}/state")
    assert status != 0
    machine.check(f"lintel create /root/{NAME}.cfg", timeout=300)
    text = console_until(machine, "blktest: synced boot", timeout=300)
    assert "blktest: boot 2 root /dev/xvda ext4" in text
    assert "blktest: previous note: written in boot 1" in text


def test_destroy_stops_the_backends(first_boot):
    machine, _ = first_boot
    dom = domid(machine)
    machine.check(f"lintel destroy {NAME}", timeout=60)
    wait_for(machine, "pidof lintel-netback lintel-blkback || echo none", r"none", timeout=30)
    wait_for(machine, f"ls /sys/class/net | grep -c vif{dom} || true", r"(?m)^0\s*$",
             timeout=30)
    out, status = machine.run(f"lintel-store read /local/domain/0/backend/vbd/{dom}/{XVDA}/state")
    assert status != 0
