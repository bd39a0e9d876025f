"""`lintel create` boots the stock Debian kernel as a PV domU, built in dom0
userspace by our toolstack, and the lifecycle commands act on it.

config/examples/debian-pv.cfg is staged in dom0 at /etc/lintel/examples
with the stock kernel and a busybox initrd at /boot (dom0-tools `all`).
Everything is checked through facts outside `lintel` where there are
some: the guest's own console text, the hypervisor's free memory.

lintel-consoled (started by the dom0 image) keeps each guest's console in
/var/log/lintel/console/NAME.log and behind a pty that `lintel console`
attaches to; the guest boots without anyone attached.
"""
import json
import time

import pytest

from harness.qemu import without_hypervisor_lines

EXAMPLE = "/etc/lintel/examples/debian-pv.cfg"
MARKER = "lintel-domU: init started"
CONSOLE_LOG = "/var/log/lintel/console/debian-pv.log"
BANNER = "console connected"
# A leak check: free memory back within this much of its value before.
LEAK_KIB = 1024
# `lintel create` unpacks the guest kernel in dom0 under TCG: ~10 s on a quiet
# machine, over a minute with other QEMUs running.
CREATE_TIMEOUT = 300
BOOT_TIMEOUT = 400


def domains(machine):
    out = without_hypervisor_lines(machine.check("lintel list --json"))
    # Daemons in dom0 log to the same console; the JSON starts at its '['.
    out = out[out.index("\n[") + 1:] if not out.startswith("[") else out
    return {d["name"]: d for d in json.loads(out)}


def wait_until(predicate, timeout=90):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(2)
    return True


def host_info(machine):
    return {k.strip(): v.strip() for k, _, v in
            (line.partition(":") for line in machine.check("lintel info").splitlines())}


def free_kib(machine):
    return int(host_info(machine)["free_memory_kib"])


def wait_for_log(machine, path, text, count=1, timeout=BOOT_TIMEOUT):
    """Waits until PATH holds TEXT at least COUNT times."""
    _, status = machine.run(
        f"timeout {timeout} sh -c 'until [ \"$(grep -a -c \"{text}\" {path} 2>/dev/null)\" "
        f"-ge {count} ]; do sleep 1; done'", timeout=timeout + 30)
    return status == 0


def type_on_console(machine, name, line, expect, timeout=60):
    """Types LINE (and Enter) on the guest's console through `lintel console`,
    which stays attached until EXPECT shows up on it (grep ending the pipeline)
    or TIMEOUT. Returns whether it showed up; the capture is /tmp/NAME.typed."""
    out = machine.check(f"(sleep 2; printf '%s\\r' '{line}') | timeout {timeout} "
                        f"lintel console {name} | tee /tmp/{name}.typed | "
                        f"grep -a -m1 -q '{expect}'; echo found=$?", timeout=timeout + 30)
    return out.strip().endswith("found=0")


@pytest.fixture(scope="module")
def guest(booted_dom0):
    free_before = free_kib(booted_dom0)
    out = booted_dom0.check(f"lintel create {EXAMPLE}", timeout=CREATE_TIMEOUT)
    assert "created domain" in out and "(debian-pv)" in out
    yield booted_dom0, free_before
    booted_dom0.run("lintel destroy debian-pv")


def test_guest_boots_to_its_init(guest):
    machine, _ = guest
    assert wait_for_log(machine, CONSOLE_LOG, MARKER)
    assert int(machine.check(f"grep -a -c 'Linux version 6.1' {CONSOLE_LOG}")) >= 1


def test_console_daemon_serves_the_guest(guest):
    """The daemon published the guest's pty in the store, as xenconsoled does."""
    machine, _ = guest
    domid = domains(machine)["debian-pv"]["domid"]
    tty = machine.check(f"lintel-store read /local/domain/{domid}/console/tty").strip()
    assert tty.startswith("/dev/pts/")
    assert machine.run(f"test -c {tty}")[1] == 0
    # Through the grant the builder reserved for the console, as xenconsoled maps it.
    assert f"domain {domid}: console on {tty}, log {CONSOLE_LOG}, ring by grant" in \
        machine.check("cat /var/log/lintel/consoled.log")


def test_console_shows_the_shell_and_runs_a_typed_command(guest):
    machine, _ = guest
    assert type_on_console(machine, "debian-pv", "echo typed-$((6*7))", "typed-42")
    assert "typed-42" in machine.check(f"cat {CONSOLE_LOG}")


def test_list_shows_the_configured_domain(guest):
    machine, _ = guest
    d = domains(machine)["debian-pv"]
    assert d["domid"] > 0
    assert d["uuid"] == "6c1e0a1e-7a3b-4d5c-9e2f-0123456789ab"
    assert d["memory_kib"] == 256 * 1024
    assert d["max_memory_kib"] == 512 * 1024
    assert (d["vcpus_online"], d["max_vcpus"]) == (1, 2)
    assert not d["shutdown"] and not d["dying"]
    assert machine.check("lintel domid debian-pv").strip() == str(d["domid"])


def test_uptime_counts_from_creation(guest):
    machine, _ = guest
    rows = {line.split()[0]: line.split()[2] for line in
            machine.check("lintel uptime").splitlines()[1:]}
    hours, minutes, seconds = (int(x) for x in rows["debian-pv"].split(":"))
    assert 0 < hours * 3600 + minutes * 60 + seconds < 3600
    assert "Domain-0" in rows


def test_pause_and_unpause(guest):
    machine, _ = guest
    machine.check("lintel pause debian-pv")
    assert domains(machine)["debian-pv"]["paused"]
    machine.check("lintel unpause debian-pv")
    assert not domains(machine)["debian-pv"]["paused"]


def test_guest_finds_its_memory_map(guest):
    """The builder's XENMEM_set_memory_map (as libxl's: RAM up to maxmem) is
    what the guest's kernel reads as its E820 map."""
    machine, _ = guest
    assert wait_for_log(machine, CONSOLE_LOG, MARKER)
    log = machine.check(f"grep -a 'Xen: \\[mem' {CONSOLE_LOG}")
    assert "-0x000000001fffffff] usable" in log, log


def test_mem_set_moves_it_through_its_balloon(guest):
    """Down below its start and up beyond it (room the memory map leaves up
    to maxmem): the hypervisor's count follows the guest's balloon driver."""
    machine, _ = guest
    assert wait_for_log(machine, CONSOLE_LOG, MARKER)
    try:
        for mib in (192, 320):
            machine.check(f"lintel mem-set debian-pv {mib}")
            assert wait_until(lambda: abs(domains(machine)["debian-pv"]["memory_kib"] -
                                          mib * 1024) <= LEAK_KIB, timeout=120), \
                (mib, domains(machine)["debian-pv"])
    finally:
        machine.check("lintel mem-set debian-pv 256")
    assert wait_until(lambda: abs(domains(machine)["debian-pv"]["memory_kib"] -
                                  256 * 1024) <= LEAK_KIB, timeout=120)


def test_second_create_with_the_same_name_is_refused(guest):
    machine, _ = guest
    out, status = machine.run(f"lintel create {EXAMPLE}")
    assert status == 1 and 'a domain named "debian-pv" already exists' in out


def test_reboot_inside_the_guest_restarts_it_under_its_name(guest):
    """on_reboot = "restart": the same config built again as a new domain,
    whose console goes on in the same log file."""
    machine, _ = guest
    old = domains(machine)["debian-pv"]["domid"]
    assert type_on_console(machine, "debian-pv", "reboot", "lintel-domU: shutting down")
    assert wait_until(lambda: domains(machine).get("debian-pv", {}).get("domid", old) != old,
                      timeout=CREATE_TIMEOUT)
    new = domains(machine)["debian-pv"]["domid"]
    assert wait_for_log(machine, CONSOLE_LOG, MARKER, count=2)
    assert int(machine.check(f"grep -a -c '{BANNER}' {CONSOLE_LOG}")) == 2
    supervisor = machine.check("cat /var/log/lintel/debian-pv.log")
    assert "shut down (reason 1): restart" in supervisor
    assert f"restarted debian-pv as domain {new}" in supervisor
    assert old not in {d["domid"] for d in domains(machine).values()}


def test_poweroff_destroys_it_and_gives_the_memory_back(guest):
    """on_poweroff = "destroy": once the guest powers off, it is gone."""
    machine, free_before = guest
    machine.check("lintel shutdown -w debian-pv", timeout=240)
    assert wait_until(lambda: "debian-pv" not in domains(machine), timeout=60)
    out, status = machine.run("lintel domid debian-pv")
    assert status == 1 and 'no domain named "debian-pv"' in out
    assert wait_until(lambda: abs(free_kib(machine) - free_before) <= LEAK_KIB, timeout=30)
    assert "shut down (reason 0): destroy" in machine.check(
        "cat /var/log/lintel/debian-pv.log")


def test_the_xml_example_builds_the_same_domain(booted_dom0):
    booted_dom0.check("lintel create /etc/lintel/examples/debian-pv.xml",
                      timeout=CREATE_TIMEOUT)
    try:
        d = domains(booted_dom0)["debian-pv"]
        assert d["uuid"] == "6c1e0a1e-7a3b-4d5c-9e2f-0123456789ab"
        assert (d["memory_kib"], d["max_memory_kib"]) == (256 * 1024, 512 * 1024)
        assert (d["vcpus_online"], d["max_vcpus"]) == (1, 2)
    finally:
        booted_dom0.check("lintel destroy debian-pv")
    assert "debian-pv" not in domains(booted_dom0)


def test_admission_refuses_what_the_host_cannot_hold(booted_dom0):
    booted_dom0.check(f"sed 's/^memory = .*/memory = 4000/; s/^maxmem = .*/maxmem = 4000/; "
                      f"s/^name = .*/name = \"too-big\"/' {EXAMPLE} > /tmp/big.cfg")
    out, status = booted_dom0.run("lintel create /tmp/big.cfg")
    assert status == 1
    assert "memory: 4000 MiB" in out and "is more than the host's free" in out
    assert "too-big" not in domains(booted_dom0)


def create_destroy_cycles(machine, cycles):
    """Creates and destroys the example CYCLES times, each time after the
    console daemon has mapped its ring (a mapping left behind would hold the
    dead domain's memory); returns the change in free KiB."""
    before = free_kib(machine)
    for _ in range(cycles):
        machine.check(f"lintel create {EXAMPLE}", timeout=CREATE_TIMEOUT)
        domid = domains(machine)["debian-pv"]["domid"]
        assert wait_for_log(machine, "/var/log/lintel/consoled.log",
                            f"domain {domid}: console on", timeout=30)
        machine.check("lintel destroy debian-pv")
        assert wait_until(lambda: "debian-pv" not in domains(machine), timeout=30)
    assert wait_until(lambda: abs(free_kib(machine) - before) <= LEAK_KIB, timeout=30)
    return free_kib(machine) - before


def test_create_destroy_cycles_leak_nothing(booted_dom0):
    # Two in make test (each create unpacks the guest kernel under TCG); 20 in soak.
    create_destroy_cycles(booted_dom0, 2)


@pytest.mark.soak
def test_twenty_create_destroy_cycles_leak_nothing(booted_dom0):
    create_destroy_cycles(booted_dom0, 20)
