"""Grant tables with Linux in dom0 (issue 7), one dom0 per hypervisor.

* Linux grants pages to itself with gntalloc and maps and copies them with
  gntdev (tests/grants/gnt_selftest.c), the way split-driver backends and
  the store's and consoles' rings use grants.
* Grants between domains: `lintel create` starts the gnttab_peer test
  kernel (tests/kernels/gnttab_peer.c) as a granter domU and as a mapper
  domU; dom0 drives the granter and maps its grants with gntdev through
  tests/grants/gnt_peer.c. In turn:
  - the granter grants to dom0 (table version 1): dom0 maps writable and
    read-only grants, is refused a writable mapping of a read-only grant,
    grants to someone else, never made or beyond the table; grant copy;
    the granter cannot end access while dom0 maps, and reclaims after;
  - the granter grants to the mapper (a second domU), which
    checks maps, read-only enforcement by a real write fault, every
    refusal's GNTST_ status, wrong handles and addresses, copy bounds and
    rights, and runs its maptrack out (GNTST_no_space); it then holds two
    mappings and is destroyed: the granter sees the pins go and reclaims;
  - dom0 maps the granter's last grant and the granter ends access (sees
    it still in use) and powers off: the frame stays readable and writable
    in dom0, and the hypervisor's free memory only gets it back when dom0
    unmaps it.
Both programs are built here and appended to dom0's initramfs as one more
cpio archive.
"""
import os
import re
import subprocess

import pytest

from harness import paths
from harness.initramfs import image_with_files, read_bytes
from harness.marks import hypervisors
from harness.qemu import Machine, without_hypervisor_lines

OUT = os.path.join(paths.BUILD, "grants")
SELFTEST_SOURCE = os.path.join(paths.ROOT, "tests", "grants", "gnt_selftest.c")
PEER_SOURCE = os.path.join(paths.ROOT, "tests", "grants", "gnt_peer.c")
KERNELS_DIR = os.path.join(paths.ROOT, "tests", "kernels")
PEER_KERNEL = "/usr/lib/lintel/test-kernels/gnttab_peer.elf"
CONSOLE_LOGS = "/var/log/lintel/console"
RELEASE_FILE = "/tmp/gnt-peer-release"
# Under emulation with other QEMUs on the host, a domU's steps take seconds.
STEP_TIMEOUT = 240


def build(source, name):
    os.makedirs(OUT, exist_ok=True)
    binary = os.path.join(OUT, name)
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-I", KERNELS_DIR,
                    "-o", binary, source], check=True)
    return binary


# Shell helpers in dom0: every typed character costs time under emulation,
# so the long waits are one short command each.
HELPERS = {
    # gnt-wait FILE TEXT SECONDS: until FILE holds TEXT; prints FILE and waited=0|124.
    "gnt-wait": """#!/bin/sh
timeout "$3" sh -c 'until grep -a -q -E -e "$1" "$2" 2>/dev/null; do sleep 1; done' _ "$2" "$1"
status=$?
cat "$1"
echo "waited=$status"
""",
    # gnt-free: the hypervisor's free memory in KiB.
    "gnt-free": """#!/bin/sh
echo "free=$(lintel info | grep free_memory_kib | tr -dc 0-9)"
""",
    # gnt-free-above KIB SECONDS: until free memory is at least KIB; then prints it.
    "gnt-free-above": """#!/bin/sh
timeout "$2" sh -c 'until [ "$(lintel info | grep free_memory_kib | tr -dc 0-9)" -ge "$1" ]; do sleep 1; done' _ "$1"
sleep 2
gnt-free
""",
    # gnt-release FILE SECONDS: tells gnt-peer hold to let go (FILE), waits for
    # its verdict, prints it and then the free memory.
    "gnt-release": """#!/bin/sh
touch "$1"
gnt-wait /tmp/gnt-hold.out "GNT-PEER: [PF]" "$2"
sleep 2
gnt-free
""",
}


def image_with_programs():
    """dom0's image with both programs and the helper scripts appended."""
    files = {}
    for source, name in ((SELFTEST_SOURCE, "gnt-selftest"), (PEER_SOURCE, "gnt-peer")):
        files[f"/usr/bin/{name}"] = (read_bytes(build(source, name)), 0o755)
    for name, script in HELPERS.items():
        files[f"/usr/bin/{name}"] = (script, 0o755)
    try:
        return image_with_files(paths.DOM0_IMAGE, files, os.path.join(OUT, "dom0-grants.cpio.gz"))
    except FileNotFoundError as missing:
        pytest.fail(str(missing))


@pytest.fixture(scope="module", params=hypervisors())
def dom0(request):
    image = image_with_programs()
    with Machine(hv=request.param, name=f"grants-linux-{request.param}",
                 dom0_image=image) as machine:
        machine.start()
        machine.wait_shell(timeout=180)
        yield machine


def checks_of(out, verdict_prefix):
    out = without_hypervisor_lines(out)
    failures = [line for line in out.splitlines() if line.startswith("FAIL ")]
    verdict = re.search(rf"{verdict_prefix}: (PASS|FAIL[^\r\n]*)", out)
    return (verdict.group(1) if verdict else None), failures, out


# Linux's gntdev takes its pages from hot-added "Xen scratch" memory whose p2m
# entries it must turn from identity to invalid: that only works if a store
# to a read-only p2m page faults (pv-mm fixed the ptwr emulation that used
# to swallow it), or the direct map names frames dom0 does not own.
def test_linux_grants_itself_pages_and_maps_them(dom0):
    out, status = dom0.run("gnt-selftest", timeout=STEP_TIMEOUT)
    verdict, failures, out = checks_of(out, "GNT-SELFTEST")
    assert verdict == "PASS", "\n".join(failures) or out[-2000:]
    assert status == 0


# ---- two domains ----

def free_kib(machine):
    return int(re.search(r"free=(\d+)", machine.check("gnt-free")).group(1))


def create(machine, name, extra):
    """Starts a gnttab_peer domU; its domid. (One command: each typed line
    costs seconds under emulation.)"""
    config = [f'name = "{name}"', f'kernel = "{PEER_KERNEL}"', "memory = 32", "vcpus = 1",
              f'extra = "{extra}"', 'on_poweroff = "destroy"', 'on_crash = "destroy"']
    out = machine.check(f"printf '%s\\n' " + " ".join(f"'{line}'" for line in config) +
                        f" > /tmp/{name}.cfg && lintel create /tmp/{name}.cfg && "
                        f"echo domid=$(lintel domid {name})", timeout=STEP_TIMEOUT)
    assert "created domain" in out, out
    return int(re.search(r"domid=(\d+)", out).group(1))


def wait_file(machine, path, text, timeout=STEP_TIMEOUT):
    """Waits until PATH holds TEXT (a grep pattern); returns the file."""
    assert "'" not in text, text
    out, _ = machine.run(f"gnt-wait {path} '{text}' {timeout}", timeout=timeout + 60)
    out = without_hypervisor_lines(out)
    assert "waited=0" in out, f"{path} never showed {text!r}:\n{out[-3000:]}"
    return out


def wait_console(machine, name, text, timeout=STEP_TIMEOUT):
    """Waits until the domU's console log shows TEXT; returns the log."""
    return wait_file(machine, f"{CONSOLE_LOGS}/{name}.log", text, timeout)


def domain_failures(log):
    return [line for line in log.splitlines() if line.startswith("FAIL ")]


@pytest.fixture(scope="module")
def granter(dom0):
    """The granter domU, ready; with the host's free memory before it existed."""
    before = free_kib(dom0)
    domid = create(dom0, "gnt-granter", "role=granter")
    wait_console(dom0, "gnt-granter", "granter: ready")
    return {"domid": domid, "free_before": before}


def test_domu_grants_frames_to_dom0(dom0, granter):
    out, status = dom0.run(f"gnt-peer maps {granter['domid']}", timeout=STEP_TIMEOUT)
    verdict, failures, out = checks_of(out, "GNT-PEER")
    assert verdict == "PASS", "\n".join(failures) or out[-2000:]
    assert status == 0
    log = wait_console(dom0, "gnt-granter", "END  granter_reclaims_once_dom0_unmaps")
    assert not domain_failures(log), "\n".join(domain_failures(log))


def test_domu_maps_another_domus_grants_and_dies_holding_them(dom0, granter):
    mapper = create(dom0, "gnt-mapper", f"role=mapper peer={granter['domid']}")
    out = dom0.check(f"gnt-peer tell {granter['domid']} {mapper}", timeout=STEP_TIMEOUT)
    verdict, failures, out = checks_of(out, "GNT-PEER")
    assert verdict == "PASS", "\n".join(failures) or out[-2000:]
    # The mapper's verdict comes before it settles down to hold its mappings.
    log = wait_console(dom0, "gnt-mapper", "mapper: holding its mappings")
    assert "RESULT: PASS" in log, "\n".join(domain_failures(log)) or log[-3000:]
    wait_console(dom0, "gnt-granter", "granter: waiting for the mapper to go")
    dom0.check("lintel destroy gnt-mapper", timeout=STEP_TIMEOUT)
    log = wait_console(dom0, "gnt-granter", "END  granter_reclaims_after_the_mappers_death")
    assert not domain_failures(log), "\n".join(domain_failures(log))


def test_granter_dies_while_dom0_maps_its_frame(dom0, granter):
    domid = granter["domid"]
    dom0.check(f"gnt-peer hold {domid} {RELEASE_FILE} > /tmp/gnt-hold.out 2>&1 &")
    out = wait_file(dom0, "/tmp/gnt-hold.out", "holding|GNT-PEER: FAIL")
    assert "GNT-PEER: holding" in out, out
    log = wait_console(dom0, "gnt-granter", "RESULT: ")
    assert "RESULT: PASS" in log, "\n".join(domain_failures(log)) or log[-3000:]
    # The granter powered off (on_poweroff = "destroy"): everything it had
    # comes back but the frame dom0 still maps.
    out = dom0.check(f"gnt-free-above {granter['free_before'] - 1024} {STEP_TIMEOUT}",
                     timeout=STEP_TIMEOUT + 60)
    held = int(re.search(r"free=(\d+)", out).group(1))
    out = dom0.check(f"gnt-release {RELEASE_FILE} {STEP_TIMEOUT}", timeout=STEP_TIMEOUT + 60)
    assert "waited=0" in out, out
    verdict, failures, hold = checks_of(out, "GNT-PEER")
    assert verdict == "PASS", "\n".join(failures) or hold
    after = int(re.search(r"free=(\d+)", out).group(1))
    print(f"free KiB: before the granter {granter['free_before']}, while dom0 held its "
          f"frame {held}, after the unmap {after}")
    # The frame (and the dead granter's grant bookkeeping) came back with
    # the last mapping, and nothing else of the granter's stayed behind.
    assert after - held >= 4, (granter["free_before"], held, after)
    assert granter["free_before"] - after <= 64, (granter["free_before"], held, after)
