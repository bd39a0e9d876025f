"""The project's own block frontend against lintel-blkback, and a bad frontend (issue 12).

One dom0 per hypervisor (-smp 2, a small dom0). `lintel create` starts the
blkfront test kernel (tests/kernels/blkfront.c) with three disks, raw image
files made here and carried in dom0's initramfs:
- xvda (read-write): written, read back and flushed, then abused with every
  malformed request of the issue: bad segment counts (0, 12, 255; 0, 257 and
  65535 indirect), sectors past the end and wrapping around, first/last
  sector outside the page, bogus grant references (past the table, never
  granted, granted to another domain, read-only for a read, an indirect
  page behind a bogus one), unknown operations. Each must get
  BLKIF_RSP_ERROR or BLKIF_RSP_EOPNOTSUPP and leave the device working;
  last, a request producer index one more than a ring ahead must disconnect
  it: backend state Closing with an `error` node.
- xvdc (read-only): writes refused, dom0's pattern still read.
- xvdb (read-write): used after all that, through its own backend process.
The kernel (started with "hold") prints its verdict and waits, so dom0 can
look at the backends while the domain exists: the image files hold exactly
what the guest wrote (the pattern is recomputed here), the abused disk's
backend logged its refusals, the other disks' backends are still connected,
and a second domain (role=plain, a disk of its own) then connects, writes,
reads back and flushes.
"""
import hashlib
import re
import time

import pytest

from harness import initramfs, paths
from harness.marks import hypervisors
from harness.qemu import Machine, without_hypervisor_lines

KERNEL = "/usr/lib/lintel/test-kernels/blkfront.elf"
CONSOLE_LOGS = "/var/log/lintel/console"
DIR = "/root/fe"
XVDA, XVDB, XVDC = 51712, 51728, 51744
SECTOR = 512
MIB = 1024 * 1024
# Tags of disk_pattern() in blkfront.c, one per disk and writer.
TAG_ABUSED, TAG_SPARE, TAG_PLAIN, TAG_READONLY = 0xA1, 0xB2, 0xC3, 0xD4
# Under emulation with other QEMUs on the host, a domU's steps take seconds.
STEP_TIMEOUT = 240


def disk_pattern(tag, start, length):
    """The bytes blkfront.c's disk_pattern() gives offsets start..start+length."""
    return bytes((((at >> 9) * 13 + at * 7 + tag) & 0xFF) for at in range(start, start + length))


def config(name, extra, disks):
    entries = ", ".join(f"'format=raw, vdev={vdev}, access={access}, target={DIR}/{image}'"
                        for vdev, access, image in disks)
    return "\n".join([f'name = "{name}"', f'kernel = "{KERNEL}"', "memory = 32", "vcpus = 1",
                      f'extra = "{extra}"', f"disk = [ {entries} ]",
                      'on_poweroff = "destroy"', 'on_crash = "destroy"', ""])


# fe-wait FILE PATTERN SECONDS: until FILE matches PATTERN (grep -E); prints
# FILE and waited=0|124. One short typed command per wait.
FE_WAIT = """#!/bin/sh
timeout "$3" sh -c 'until grep -a -q -E -e "$1" "$2" 2>/dev/null; do sleep 1; done' _ "$2" "$1"
status=$?
cat "$1"
echo "waited=$status"
"""


def image(tmp_path):
    zeros_4m = b"\0" * (4 * MIB)
    files = {
        f"{DIR}/abused.img": zeros_4m,
        f"{DIR}/spare.img": zeros_4m,
        f"{DIR}/plain.img": b"\0" * (2 * MIB),
        f"{DIR}/ro.img": disk_pattern(TAG_READONLY, 0, MIB),
        f"{DIR}/fe-blk.cfg": config("fe-blk", "hold", [("xvda", "rw", "abused.img"),
                                                       ("xvdb", "rw", "spare.img"),
                                                       ("xvdc", "ro", "ro.img")]),
        f"{DIR}/fe-plain.cfg": config("fe-plain", "role=plain", [("xvda", "rw", "plain.img")]),
        "/usr/bin/fe-wait": (FE_WAIT, 0o755),
    }
    return initramfs.image_with_files(paths.DOM0_IMAGE, files, tmp_path / "dom0-fe.cpio.gz",
                                      compresslevel=1)


@pytest.fixture(scope="module", params=hypervisors())
def dom0(request, tmp_path_factory):
    hv = request.param
    with Machine(hv=hv, name=f"drivers-frontends-{hv}",
                 dom0_image=image(tmp_path_factory.mktemp("frontends")),
                 smp=2, memory_mb=1024, dom0_mem_mb=512) as m:
        if hv == "xen":
            # The second pCPU is the domUs' (as in test_drivers_split).
            m.hv_args += " dom0_max_vcpus=1"
        m.start()
        m.wait_shell(timeout=300)
        yield m


def wait_console(machine, name, pattern, timeout=STEP_TIMEOUT):
    out, _ = machine.run(f"fe-wait {CONSOLE_LOGS}/{name}.log '{pattern}' {timeout}",
                         timeout=timeout + 60)
    out = without_hypervisor_lines(out)
    assert "waited=0" in out, f"{name}'s console never showed {pattern!r}:\n{out[-3000:]}"
    return out


def create(machine, name):
    out = machine.check(f"lintel create {DIR}/{name}.cfg && echo domid=$(lintel domid {name})",
                        timeout=STEP_TIMEOUT)
    assert "created domain" in out, out
    return int(re.search(r"domid=(\d+)", out).group(1))


def failures(log):
    return [line for line in log.splitlines() if line.startswith("FAIL ")]


def store_read(machine, path):
    out, status = machine.run(f"lintel-store read {path}")
    lines = without_hypervisor_lines(out).strip().splitlines()
    return lines[-1].strip() if status == 0 and lines else None


def image_md5(machine, path, sector, count):
    out = machine.check(f"dd if={path} bs={SECTOR} skip={sector} count={count} 2>/dev/null"
                        " | md5sum")
    return re.search(r"^([0-9a-f]{32})\s+-", out, re.M).group(1)


def pattern_md5(tag, sector, count):
    return hashlib.md5(disk_pattern(tag, sector * SECTOR, count * SECTOR)).hexdigest()


def backend_alive(machine, dom, devid):
    out = machine.check(f"ps -o pid,args | grep -c '[l]intel-blkback {dom} {devid}$' || true")
    return int(without_hypervisor_lines(out).strip().splitlines()[-1]) == 1


@pytest.fixture(scope="module")
def abuser(dom0):
    """The three-disk blkfront domain, its checks done, holding."""
    dom = create(dom0, "fe-blk")
    log = wait_console(dom0, "fe-blk", "blkfront: holding|RESULT: FAIL|RESULT: PASS")
    yield dom, log
    dom0.run("lintel destroy fe-blk", timeout=60)


def test_blkfront_connects_and_every_bad_request_is_refused(abuser):
    _, log = abuser
    assert "blkfront: Lintel PV test kernel" in log
    assert "RESULT: PASS" in log, "\n".join(failures(log)) or log[-3000:]
    assert "blkfront: holding" in log
    assert "blkfront: xvda disconnected: request producer index" in log


def test_image_files_hold_what_the_guest_wrote(dom0, abuser):
    assert image_md5(dom0, f"{DIR}/abused.img", 0, 16) == pattern_md5(TAG_ABUSED, 0, 16)
    # The refused writes (past the end, bogus grants) left the rest as it was.
    assert image_md5(dom0, f"{DIR}/abused.img", 16, 8192 - 16) == \
        hashlib.md5(b"\0" * (8192 - 16) * SECTOR).hexdigest()
    assert image_md5(dom0, f"{DIR}/spare.img", 64, 88) == pattern_md5(TAG_SPARE, 64, 88)
    assert image_md5(dom0, f"{DIR}/spare.img", 256, 128) == pattern_md5(TAG_SPARE, 256, 128)
    assert image_md5(dom0, f"{DIR}/ro.img", 0, 2048) == pattern_md5(TAG_READONLY, 0, 2048)


def test_the_overrun_disconnected_only_the_abused_disk(dom0, abuser):
    dom, _ = abuser
    backend = f"/local/domain/0/backend/vbd/{dom}"
    assert store_read(dom0, f"{backend}/{XVDA}/state") == "5"   # Closing
    assert "producer index" in (store_read(dom0, f"{backend}/{XVDA}/error") or "")
    for devid in (XVDB, XVDC):
        assert store_read(dom0, f"{backend}/{devid}/state") == "4"
        assert backend_alive(dom0, dom, devid)
    log = dom0.check(f"cat /var/log/lintel/lintel-blkback-{dom}.{XVDA}.log")
    refusals = re.findall(r"refused: (.*)", log)
    assert any("segments" in r for r in refusals), log[-3000:]
    assert any("past the disk's end" in r for r in refusals), log[-3000:]
    assert any("do not fit a page" in r for r in refusals), log[-3000:]
    assert any("grant" in r for r in refusals), log[-3000:]
    # Only the first 20 refusals are logged (the unknown operations come after);
    # every one is counted: 25 bad requests among the 30 the guest sent.
    assert "(no more such lines)" in log
    assert "after 30 requests (25 refused or failed)" in log, log[-3000:]
    log = dom0.check(f"cat /var/log/lintel/lintel-blkback-{dom}.{XVDC}.log")
    assert "write to a read-only disk" in log


def test_dom0_and_another_domain_keep_working(dom0, abuser):
    assert "dom0-ok" in dom0.check("echo dom0-ok")
    dom = create(dom0, "fe-plain")
    log = wait_console(dom0, "fe-plain", "RESULT: ")
    assert "RESULT: PASS" in log, "\n".join(failures(log)) or log[-3000:]
    assert image_md5(dom0, f"{DIR}/plain.img", 8, 16) == pattern_md5(TAG_PLAIN, 8, 16)
    # It powered off (on_poweroff = "destroy") and its backend ended.
    out = dom0.check(f"for i in $(seq 30); do lintel domid fe-plain >/dev/null 2>&1 || break; "
                     f"sleep 1; done; lintel list")
    assert "fe-plain" not in out
    deadline = time.monotonic() + 30
    while backend_alive(dom0, dom, XVDA) and time.monotonic() < deadline:
        time.sleep(1)
    assert not backend_alive(dom0, dom, XVDA)
