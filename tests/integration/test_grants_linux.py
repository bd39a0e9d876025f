"""Grant tables used by Linux itself: the stock Debian kernel as dom0 grants
pages to itself with gntalloc and maps and copies them with gntdev, through
tests/grants/gnt_selftest.c (the way split-driver backends and the store's
and consoles' rings use grants). The program is built here and added to
dom0's initramfs as one more cpio archive appended to the image.
"""
import gzip
import os
import re
import shutil
import subprocess

import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine

SOURCE = os.path.join(paths.ROOT, "tests", "grants", "gnt_selftest.c")
OUT = os.path.join(paths.BUILD, "grants")
PROGRAM = "/usr/bin/gnt-selftest"
# What dom0's init runs: the program, then the kernel's own grant messages
# (dom0's console only shows warnings and worse), for the log.
RUNNER = "/usr/bin/gnt-selftest-run"
RUNNER_SCRIPT = f"""#!/bin/sh
{PROGRAM}
status=$?
dmesg | grep -i -E -A12 'grant|gntdev|gntalloc|p2m|WARNING|BUG' | tail -80
exit $status
"""


def build_selftest():
    os.makedirs(OUT, exist_ok=True)
    binary = os.path.join(OUT, "gnt-selftest")
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", binary, SOURCE],
                   check=True)
    return binary


def newc_entry(name, mode, data=b""):
    """One cpio 'newc' record (the initramfs format), padded to 4 bytes."""
    fields = [0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name) + 1, 0]
    header = b"070701" + b"".join(b"%08X" % f for f in fields)
    record = header + name.encode() + b"\0"
    record += b"\0" * (-len(record) % 4)
    record += data + b"\0" * (-len(data) % 4)
    return record


def image_with_selftest():
    """dom0's image with the program appended (Linux unpacks every archive
    of a concatenated initramfs in order)."""
    if not os.path.exists(paths.DOM0_IMAGE):
        pytest.fail(f"{paths.DOM0_IMAGE} is missing: run make")
    binary = build_selftest()
    archive = newc_entry("usr", 0o40755) + newc_entry("usr/bin", 0o40755)
    with open(binary, "rb") as f:
        archive += newc_entry(PROGRAM.lstrip("/"), 0o100755, f.read())
    archive += newc_entry(RUNNER.lstrip("/"), 0o100755, RUNNER_SCRIPT.encode())
    archive += newc_entry("TRAILER!!!", 0)
    image = os.path.join(OUT, "dom0-grants.cpio.gz")
    with open(image, "wb") as out:
        with open(paths.DOM0_IMAGE, "rb") as base:
            shutil.copyfileobj(base, out)
        out.write(gzip.compress(archive))
    return image


# Linux's gntdev takes its pages from hot-added "Xen scratch" memory whose p2m
# entries it must turn from identity to invalid: that only works if a store
# to a read-only p2m page faults (pv-mm fixed the ptwr emulation that used
# to swallow it), or the direct map names frames dom0 does not own.
@pytest.mark.parametrize("hv", hypervisors())
def test_linux_grants_itself_pages_and_maps_them(hv):
    image = image_with_selftest()
    # dom0's init runs lintel.run= itself: no console input is needed.
    with Machine(hv=hv, name=f"grants-linux-{hv}", dom0_image=image,
                 dom0_args=f"console=hvc0 earlyprintk=xen lintel.run={RUNNER}") as m:
        m.start()
        verdict = m.expect(r"GNT-SELFTEST: (PASS|FAIL \((\d+) failed\))", timeout=300)
        # The kernel's messages follow; wait for them so they are in the log.
        exit_status = m.expect(r"lintel.run exited with (\d+)", timeout=60)
        log = open(m.log_path, encoding="utf-8", errors="replace").read()
        failures = [line for line in log.splitlines() if line.startswith("FAIL ")]
        assert verdict.group(1) == "PASS", "\n".join(failures)
        assert exit_status.group(1) == "0"
        # Nothing the test did may have upset either kernel.
        for sign in ("BUG:", "Oops", "WARNING:", "general protection fault", "crashed"):
            assert sign not in log, sign
