"""`lintel create` boots the stock Debian kernel as a PV domU, built in dom0
userspace by our toolstack, and the lifecycle commands act on it.

config/examples/debian-pv.cfg is staged in dom0 at /etc/lintel/examples
with the stock kernel and a busybox initrd at /boot (dom0-tools `all`).
Everything is checked through facts outside `lintel` where there are
some: the guest's own console text, the hypervisor's free memory.

lintel-consoled (started by the dom0 image) keeps each guest's console in
/var/log/lintel/console/NAME.log and behind a pty that `lintel console`
attaches to; the guest boots without anyone attached.

The store: on Xen 4.17, Debian's own C xenstored (the dom0-xentools image with
lintel.store=xenstored), so everything here also proves that `lintel`,
lintel-consoled and the domain supervisor speak the store's wire protocol, not
just lintel-stored's dialect; on Lintel, lintel-stored.
"""
import json
import time

import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine, without_hypervisor_lines

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
# A guest that takes a page fault with no trap table: the hypervisor crashes it.
CRASH_KERNEL = "/usr/lib/lintel/test-kernels/crash.elf"
SHUTDOWN_CRASH = 3
# `lintel list -l` of the guest from the xl.cfg example, to compare the XML one with.
LISTED = {}


@pytest.fixture(scope="module", params=hypervisors())
def booted_dom0(request):
    """dom0 on each hypervisor: on Xen with Debian's xenstored as the store."""
    hv = request.param
    store = {"dom0_image": paths.DOM0_XENTOOLS_IMAGE,
             "dom0_args": "console=hvc0 earlyprintk=xen lintel.store=xenstored"} \
        if hv == "xen" else {}
    # The credit scheduler (Xen 4.17's default is credit2): configs' cpu_weight and cap.
    hv_args = Machine(hv=hv).default_hv_args(1024) + " sched=credit"
    with Machine(hv=hv, name=f"test_toolstack_create-{hv}", hv_args=hv_args,
                 **store) as machine:
        machine.start()
        machine.wait_shell()
        if hv == "xen":
            assert "xenstored" in machine.check("cat /proc/$(cat /run/xenstored.pid)/cmdline")
            assert machine.run("test -e /run/lintel-stored.pid")[1] != 0
            # The image starts Debian's xenconsoled beside xenstored; the guests'
            # consoles are lintel-consoled's here (one reader per ring).
            machine.check("p=$(cat /run/xenconsoled.pid); kill $p; "
                          "while kill -0 $p 2>/dev/null; do sleep 0.2; done; "
                          "rm -f /run/xenconsoled.pid; /etc/init.d/S30lintel-consoled start")
            # The daemon writes its pid file once it has detached.
            _, status = machine.run("i=0; until [ -e /run/lintel-consoled.pid ] || "
                                    "[ $i -ge 100 ]; do sleep 0.2; i=$((i+1)); done; "
                                    "test -e /run/lintel-consoled.pid")
            assert status == 0, "lintel-consoled did not start"
        yield machine


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


def list_long_row(machine, name):
    """NAME's row in `lintel list -l`, without what differs between two
    domains built from one description (ID, State, Time)."""
    lines = without_hypervisor_lines(machine.check(f"lintel list -l {name}")).splitlines()
    header = ["Name", "ID", "Mem", "VCPUs", "State", "Time(s)", "MaxMem", "MaxVCPUs", "UUID"]
    at = [line.split() for line in lines].index(header)
    row = dict(zip(header, lines[at + 1].split()))
    return {key: row[key] for key in ("Name", "Mem", "VCPUs", "MaxMem", "MaxVCPUs", "UUID")}


def supervisor_log(machine, name):
    return machine.check(f"cat /var/log/lintel/{name}.log")


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
    assert int(machine.check(f"grep -a -c typed-42 {CONSOLE_LOG}")) >= 1


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
    LISTED["cfg"] = list_long_row(machine, "debian-pv")
    assert LISTED["cfg"] == {"Name": "debian-pv", "Mem": "256", "VCPUs": "1", "MaxMem": "512",
                             "MaxVCPUs": "2", "UUID": "6c1e0a1e-7a3b-4d5c-9e2f-0123456789ab"}


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


def test_mem_max_moves_the_limit(guest):
    machine, _ = guest
    domid = domains(machine)["debian-pv"]["domid"]
    machine.check("lintel mem-max debian-pv 384")
    try:
        assert domains(machine)["debian-pv"]["max_memory_kib"] == 384 * 1024
        out, status = machine.run("lintel mem-set debian-pv 400")
        assert status == 1 and f"400 MiB is above domain {domid}'s maximum of 384 MiB" in out
    finally:
        machine.check("lintel mem-max debian-pv 512")
    assert domains(machine)["debian-pv"]["max_memory_kib"] == 512 * 1024


def test_rename_and_the_names_follow(guest):
    machine, _ = guest
    domid = domains(machine)["debian-pv"]["domid"]
    machine.check("lintel rename debian-pv web-renamed")
    try:
        assert machine.check(f"lintel domname {domid}").strip() == "web-renamed"
        assert machine.check("lintel domid web-renamed").strip() == str(domid)
        assert "debian-pv" not in domains(machine)
        out, status = machine.run("lintel rename web-renamed Domain-0")
        assert status == 2 and "Domain-0" in out
    finally:
        machine.check(f"lintel rename {domid} debian-pv")
    assert machine.check(f"lintel domname {domid}").strip() == "debian-pv"


def create_crasher(machine, name, action, *extra):
    """Creates NAME from the crash kernel with on_crash = ACTION (and EXTRA
    config lines); returns its domid."""
    lines = " ".join(f"'{line}'" for line in extra)
    machine.check(f"printf '%s\\n' 'name = \"{name}\"' 'kernel = \"{CRASH_KERNEL}\"' "
                  f"'memory = 16' 'on_crash = \"{action}\"' {lines} > /tmp/{name}.cfg")
    out = machine.check(f"lintel create /tmp/{name}.cfg", timeout=CREATE_TIMEOUT)
    assert f"({name})" in out, out
    return int(out.split("created domain ")[1].split()[0])


def test_a_crashing_domain_follows_on_crash_and_the_others_run_on(guest):
    """The crash kernel faults with no trap table: the hypervisor crashes it
    (shutdown reason crash) and its supervisor does what on_crash says
    (preserve, destroy; restart is on_reboot's path, tested below, and with a
    kernel that crashes at once it would loop); the stock-kernel guest beside
    it and dom0 keep running."""
    machine, _ = guest
    bystander, bystander_cpu_ns = (domains(machine)["debian-pv"][key]
                                   for key in ("domid", "cpu_time_ns"))
    crash_line = f"shut down (reason {SHUTDOWN_CRASH})"

    # preserve: left as it died, listed as crashed until destroyed by hand
    # (and built with cpu_weight and cap, which the hypervisor reports back).
    domid = create_crasher(machine, "crash-preserve", "preserve", 'cpus = "0"',
                           "cpu_weight = 512", "cap = 30", "maxvcpus = 2")
    assert wait_until(lambda: domains(machine)["crash-preserve"]["shutdown"], timeout=60)
    d = domains(machine)["crash-preserve"]
    assert (d["domid"], d["shutdown_reason"], d["state"][4]) == (domid, "crash", "c")
    credit = [line.split() for line in without_hypervisor_lines(
        machine.check("lintel sched-credit -d crash-preserve")).splitlines()
        if line.startswith("crash-preserve")]
    assert credit == [["crash-preserve", str(domid), "512", "30"]], credit
    assert wait_for_log(machine, "/var/log/lintel/crash-preserve.log",
                        f"{crash_line}: preserve", timeout=30)
    assert "crash: about to fault" in machine.check(
        "cat /var/log/lintel/console/crash-preserve.log")
    machine.check("lintel destroy crash-preserve")

    # destroy: gone without anyone asking.
    domid = create_crasher(machine, "crash-destroy", "destroy")
    assert wait_until(lambda: "crash-destroy" not in domains(machine), timeout=60)
    assert f"domain {domid} (crash-destroy) {crash_line}: destroy" in \
        supervisor_log(machine, "crash-destroy")

    # Nothing of that touched the guest beside them: it is the same domain, and runs.
    d = domains(machine)["debian-pv"]
    assert d["domid"] == bystander and not d["shutdown"] and not d["dying"]
    assert d["cpu_time_ns"] > bystander_cpu_ns


def test_reboot_command_restarts_it_under_its_name(guest):
    """on_reboot = "restart": the same config built again as a new domain,
    whose console goes on in the same log file."""
    machine, _ = guest
    old = domains(machine)["debian-pv"]["domid"]
    machine.check("lintel reboot debian-pv")
    assert wait_until(lambda: domains(machine).get("debian-pv", {}).get("domid", old) != old,
                      timeout=CREATE_TIMEOUT)
    new = domains(machine)["debian-pv"]["domid"]
    assert wait_for_log(machine, CONSOLE_LOG, MARKER, count=2)
    # grep, not cat: two boots' worth of log takes minutes through the serial line.
    assert int(machine.check(f"grep -a -c 'lintel-domU: shutting down' {CONSOLE_LOG}")) >= 1
    assert int(machine.check(f"grep -a -c '{BANNER}' {CONSOLE_LOG}")) == 2
    supervisor = supervisor_log(machine, "debian-pv")
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
    assert "shut down (reason 0): destroy" in supervisor_log(machine, "debian-pv")


def test_the_xml_example_builds_the_same_domain(booted_dom0):
    """The libvirt XML example gives the same `lintel list -l` as the xl.cfg one."""
    booted_dom0.check("lintel create /etc/lintel/examples/debian-pv.xml",
                      timeout=CREATE_TIMEOUT)
    try:
        assert list_long_row(booted_dom0, "debian-pv") == LISTED["cfg"]
    finally:
        booted_dom0.check("lintel destroy debian-pv")
    assert "debian-pv" not in domains(booted_dom0)


@pytest.mark.soak
def test_a_kernel_panic_follows_on_crash(booted_dom0):
    """The stock kernel crashed from its shell (sysrq c) reports the crash to
    the hypervisor itself (SCHEDOP_shutdown), unlike the crash kernel, which
    the hypervisor crashes: on_crash = "destroy" takes it away with its memory."""
    machine = booted_dom0
    free_before = free_kib(machine)
    booted = int(machine.check(f"cat {CONSOLE_LOG} 2>/dev/null | grep -a -c '{MARKER}'; true")) + 1
    machine.check(f"lintel create {EXAMPLE}", timeout=CREATE_TIMEOUT)
    domid = domains(machine)["debian-pv"]["domid"]
    assert wait_for_log(machine, CONSOLE_LOG, MARKER, count=booted)
    assert type_on_console(machine, "debian-pv", "echo c > /proc/sysrq-trigger",
                           "Trigger a crash")
    assert wait_until(lambda: "debian-pv" not in domains(machine), timeout=60)
    assert f"domain {domid} (debian-pv) shut down (reason {SHUTDOWN_CRASH}): destroy" in \
        supervisor_log(machine, "debian-pv")
    assert wait_until(lambda: abs(free_kib(machine) - free_before) <= LEAK_KIB, timeout=30)


def test_admission_refuses_what_the_host_cannot_hold(booted_dom0):
    booted_dom0.check(f"sed 's/^memory = .*/memory = 4000/; s/^maxmem = .*/maxmem = 4000/; "
                      f"s/^name = .*/name = \"too-big\"/' {EXAMPLE} > /tmp/big.cfg")
    out, status = booted_dom0.run("lintel create /tmp/big.cfg")
    assert status == 1
    assert "memory: 4000 MiB" in out and "is more than the host's free" in out
    assert "too-big" not in domains(booted_dom0)
    # More vCPUs online than the host has CPUs (QEMU's -smp 1 here).
    nr_cpus = int(host_info(booted_dom0)["nr_cpus"])
    booted_dom0.check(f"sed 's/^vcpus = .*/vcpus = {nr_cpus + 1}/; "
                      f"s/^maxvcpus = .*/maxvcpus = {nr_cpus + 1}/; "
                      f"s/^name = .*/name = \"too-wide\"/' {EXAMPLE} > /tmp/wide.cfg")
    out, status = booted_dom0.run("lintel create /tmp/wide.cfg")
    assert status == 1
    assert f"vcpus: {nr_cpus + 1} is more than the host's {nr_cpus} CPUs" in out
    assert "too-wide" not in domains(booted_dom0)


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
