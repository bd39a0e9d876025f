"""`lintel create` boots the stock Debian kernel as a PV domU, built in dom0
userspace by our toolstack, and the lifecycle commands act on it.

config/examples/debian-pv.cfg is staged in dom0 at /etc/lintel/examples
with the stock kernel and a busybox initrd at /boot (dom0-tools `all`).
Everything is checked through facts outside `lintel` where there are
some: the guest's own console text, the hypervisor's free memory.
"""
import json
import time

import pytest

# Lintel has no createdomain domctl yet (issue 10); admission control, which
# reads only physinfo, already works there.
NO_CREATEDOMAIN = "no createdomain domctl yet (issue 10)"
LINTEL_XFAIL_TESTS = {
    "test_guest_boots_to_its_init": NO_CREATEDOMAIN,
    "test_list_shows_the_configured_domain": NO_CREATEDOMAIN,
    "test_uptime_counts_from_creation": NO_CREATEDOMAIN,
    "test_pause_and_unpause": NO_CREATEDOMAIN,
    "test_second_create_with_the_same_name_is_refused": NO_CREATEDOMAIN,
    "test_poweroff_destroys_it_and_gives_the_memory_back": NO_CREATEDOMAIN,
    "test_the_xml_example_builds_the_same_domain": NO_CREATEDOMAIN,
}

EXAMPLE = "/etc/lintel/examples/debian-pv.cfg"
MARKER = "lintel-domU: init started"


def domains(machine):
    out = machine.check("lintel list --json")
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


def free_mib(machine):
    for line in machine.check("lintel info").splitlines():
        if line.startswith("free_memory"):
            return int(line.partition(":")[2])
    raise AssertionError("lintel info has no free_memory")


def capture_console(machine, name, until, timeout=240):
    """Attaches `lintel console` until UNTIL shows up in what the guest wrote
    (grep stops reading at the first match, which ends the pipeline); the
    whole capture is kept in /tmp/NAME.con. Returns whether it showed up."""
    out, _ = machine.run(f"timeout {timeout} sh -c \"lintel console {name} </dev/null | "
                         f"tee /tmp/{name}.con | grep -a -m1 -c '{until}'\"",
                         timeout=timeout + 30)
    return out.strip().endswith("1")


@pytest.fixture(scope="module")
def guest(booted_dom0):
    free_before = free_mib(booted_dom0)
    out = booted_dom0.check(f"lintel create {EXAMPLE}")
    assert "created domain" in out and "(debian-pv)" in out
    yield booted_dom0, free_before
    booted_dom0.run("lintel destroy debian-pv")


def test_guest_boots_to_its_init(guest):
    machine, _ = guest
    assert capture_console(machine, "debian-pv", MARKER)
    log = machine.check("grep -a -c 'Linux version 6.1' /tmp/debian-pv.con || true")
    assert int(log.strip()) >= 1


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


def test_second_create_with_the_same_name_is_refused(guest):
    machine, _ = guest
    out, status = machine.run(f"lintel create {EXAMPLE}")
    assert status == 1 and 'a domain named "debian-pv" already exists' in out


def test_poweroff_destroys_it_and_gives_the_memory_back(guest):
    """on_poweroff = "destroy": once the guest powers off, it is gone."""
    machine, free_before = guest
    machine.check("lintel shutdown -w debian-pv", timeout=240)
    assert wait_until(lambda: "debian-pv" not in domains(machine), timeout=60)
    out, status = machine.run("lintel domid debian-pv")
    assert status == 1 and 'no domain named "debian-pv"' in out
    assert wait_until(lambda: abs(free_mib(machine) - free_before) <= 2, timeout=30)
    assert "shut down (reason 0): destroy" in machine.check(
        "cat /var/log/lintel/debian-pv.log")


def test_the_xml_example_builds_the_same_domain(booted_dom0):
    booted_dom0.check("lintel create /etc/lintel/examples/debian-pv.xml")
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
