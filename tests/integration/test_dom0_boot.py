"""The stock Debian kernel as PV dom0 (issue 8), on Xen 4.17 and Lintel, with
one and with two CPUs.

One machine per (hypervisor, CPUs) is shared by the module's tests; its last
test ends it: poweroff on the one-CPU machines, reboot on the two-CPU ones
(QEMU runs with -no-reboot, so both end QEMU). Expected failures on Lintel
are strict: a test that starts passing fails the run until its mark is
removed from LINTEL_GAPS."""
import re
import time

import pytest

from harness.qemu import Machine

CONFIGS = [("xen", 1), ("xen", 2), ("lintel", 1), ("lintel", 2)]

# (test name, CPUs) -> why Lintel cannot pass it yet.
LINTEL_GAPS = {}

# W+X: dom0's layout must leave nothing mapped that Linux's boot clean-up
# cannot reach (the p2m list at INIT_P2M and the initrd unmapped, as on Xen).
BAD_KERNEL_LINE = re.compile(r"WARNING:|BUG:|Oops|Xen: .* failed|Call Trace|"
                             r"Failed to obtain physical IRQ|insecure W\+X|"
                             r"W\+X mappings: FAILED")


@pytest.fixture(scope="module", params=CONFIGS, ids=[f"{h}-smp{n}" for h, n in CONFIGS])
def dom0(request):
    hv, smp = request.param
    with Machine(hv=hv, smp=smp, name=f"test_dom0_boot-{hv}-smp{smp}") as machine:
        machine.start()
        machine.wait_shell(timeout=300)
        yield machine


@pytest.fixture(autouse=True)
def lintel_gaps(request):
    """Turns a known Lintel gap into a strict expected failure."""
    if "dom0" not in request.fixturenames:
        yield
        return
    machine = request.getfixturevalue("dom0")
    reason = LINTEL_GAPS.get((request.node.originalname, machine.smp))
    if machine.hv != "lintel" or not reason:
        yield
        return
    request.node.add_marker(pytest.mark.xfail(strict=True, reason=f"Lintel: {reason}"))
    yield


# ---- identity ---------------------------------------------------------------

def test_dom0_reaches_init(dom0):
    assert "lintel-dom0: init started" in dom0.console_text()


def test_hypervisor_type_is_xen(dom0):
    assert dom0.check("cat /sys/hypervisor/type") == "xen"


def test_hypervisor_version(dom0):
    version = dom0.check("cat /sys/hypervisor/version/major /sys/hypervisor/version/minor "
                         "/sys/hypervisor/version/extra").split()
    assert version[:2] == ["4", "17"], version
    extra = version[2] if len(version) > 2 else ""
    # Lintel says who it is; Xen gives its own patch level.
    if dom0.hv == "lintel":
        assert "lintel" in extra, version
    else:
        assert re.fullmatch(r"\.\d+", extra), version


def test_dom0_is_control_domain(dom0):
    assert dom0.check("cat /proc/xen/capabilities") == "control_d"


def test_xen_modules_loaded(dom0):
    loaded = dom0.check("cut -d' ' -f1 /proc/modules").split()
    for module in ("xen_evtchn", "xen_gntdev", "xen_gntalloc", "xen_privcmd", "xenfs"):
        assert module in loaded, f"{module} not loaded:\n{loaded}"


def test_xen_devices_open(dom0):
    # `exec 3<>` fails (non-zero) when open(2) fails.
    for dev in ("privcmd", "evtchn", "gntdev", "gntalloc", "xenbus"):
        dom0.check(f"exec 3<>/dev/xen/{dev} && exec 3>&-")


def test_dom0_has_one_vcpu_per_cpu(dom0):
    assert dom0.check("grep -c ^processor /proc/cpuinfo") == str(dom0.smp)


# ---- time -------------------------------------------------------------------

def test_date_is_the_hosts(dom0):
    before = time.time()
    guest = float(dom0.check("date +%s"))
    after = time.time()
    # The console round trip under TCG is the slack.
    assert before - 5 <= guest <= after + 5, (before, guest, after)


def test_rtc_reads_the_hosts_date(dom0):
    rtc = dom0.check("cat /sys/class/rtc/rtc0/since_epoch")
    assert abs(int(rtc) - time.time()) < 10


def test_sleep_takes_real_seconds(dom0):
    """sleep 3 measured by dom0's clock and by the host's: a clock running
    2x fast or slow fails one of the two."""
    started = time.monotonic()
    dom0.check("true")
    round_trip = time.monotonic() - started
    started = time.monotonic()
    out = dom0.check("a=$(cut -d' ' -f1 /proc/uptime); sleep 3; "
                     "b=$(cut -d' ' -f1 /proc/uptime); echo $a $b")
    host = time.monotonic() - started
    a, b = map(float, out.split())
    guest = b - a
    # Above: a loaded host may wake dom0 late (Xen 4.17 with two vCPUs took
    # 5.1 s once), but never twice as late as asked.
    assert 2.95 <= guest < 6, f"sleep 3 took {guest:.2f}s by dom0's clock"
    assert host >= 0.8 * guest, f"dom0 counted {guest:.2f}s in {host:.2f}s of real time"
    assert host - round_trip <= 1.4 * guest + 1, \
        f"dom0 counted {guest:.2f}s in {host:.2f}s (round trip {round_trip:.2f}s)"


# ---- interrupts -------------------------------------------------------------

def interrupt_count(dom0, name):
    """The line's count summed over dom0's CPUs (one column per vCPU)."""
    fields = dom0.check(f"grep -w '{name}' /proc/interrupts").split()[1:]
    total = 0
    for field in fields:
        if not field.isdigit():
            break
        total += int(field)
    return total


def test_device_interrupts_are_pirqs(dom0):
    """The ACPI SCI (level), the keyboard controller and the RTC (edge) are
    bound through PHYSDEVOP_map_pirq and EVTCHNOP_bind_pirq, as on Xen."""
    table = dom0.check("cat /proc/interrupts")
    for name, kind in (("acpi", "ioapic-level"), ("i8042", "ioapic-edge"),
                       ("rtc0", "ioapic-edge")):
        line = next((l for l in table.splitlines() if l.split()[-1:] == [name]), None)
        assert line, f"no {name} interrupt:\n{table}"
        assert "xen-pirq" in line and kind in line, line


def test_rtc_alarm_interrupt_arrives(dom0):
    before = interrupt_count(dom0, "rtc0")
    dom0.check("echo 0 > /sys/class/rtc/rtc0/wakealarm; "
               "echo +2 > /sys/class/rtc/rtc0/wakealarm; sleep 4")
    assert interrupt_count(dom0, "rtc0") > before


def test_acpi_interpreter_runs(dom0):
    log = dom0.check("dmesg | grep -E 'Interpreter enabled|for interrupt routing'")
    assert "ACPI: Interpreter enabled" in log
    assert "Using IOAPIC for interrupt routing" in log


# ---- userspace --------------------------------------------------------------

def short_processes(dom0, rounds):
    """Six short processes a round: a command substitution running a pipe
    (fork, fork+exec), exit codes, a signal handler and a default action
    (sh -c each), in a subshell so a failed check cannot end the console
    shell. Kept short: a busy guest's console can drop typed input.
    Returns the processes started."""
    script = (
        f"( n=0; for i in $(seq {rounds}); do "
        "[ \"$(echo $i|cat)\" = $i ]||exit 10; sh -c 'exit 3'; [ $? = 3 ]||exit 11; "
        "sh -c 'trap \"exit 5\" USR1;kill -USR1 $$'; [ $? = 5 ]||exit 12; "
        "sh -c 'kill $$'; [ $? = 143 ]||exit 13; n=$((n+6)); done; echo $n )")
    # The shell reports each child killed by SIGTERM ("Terminated").
    return int(dom0.check(script, timeout=60 + rounds * 10).splitlines()[-1])


def test_short_processes(dom0):
    assert short_processes(dom0, 17) == 102


@pytest.mark.soak
def test_many_short_processes(dom0):
    assert short_processes(dom0, 150) == 900


def memory_stress(dom0, fraction):
    """Fills that fraction of dom0's available memory in a tmpfs (its pages
    are allocated and zeroed as they are written), checks the memory is
    really in use, frees it and checks it came back."""
    avail_kb = int(dom0.check("awk '/MemAvailable/ {print $2}' /proc/meminfo"))
    mb = int(avail_kb * fraction) // 1024
    dom0.check("mkdir -p /tmp/stress && mount -t tmpfs -o size=100% none /tmp/stress")
    try:
        dom0.check(f"dd if=/dev/zero of=/tmp/stress/fill bs=1M count={mb} 2>/dev/null",
                   timeout=60 + mb // 4)
        after_kb = int(dom0.check("awk '/MemAvailable/ {print $2}' /proc/meminfo"))
        assert avail_kb - after_kb >= mb * 1024 * 9 // 10, (avail_kb, after_kb, mb)
        assert int(dom0.check("stat -c %s /tmp/stress/fill")) == mb << 20
    finally:
        dom0.check("rm -f /tmp/stress/fill; umount /tmp/stress")
    assert int(dom0.check("awk '/MemAvailable/ {print $2}' /proc/meminfo")) > \
        avail_kb - 64 * 1024


def test_memory_stress(dom0):
    memory_stress(dom0, 0.3)


@pytest.mark.soak
def test_memory_stress_most_of_dom0(dom0):
    memory_stress(dom0, 0.85)


# ---- logs -------------------------------------------------------------------

def test_kernel_log_is_clean(dom0):
    # Filtered in dom0: the whole log is slow to send over the console.
    log, _ = dom0.run(f"dmesg | grep -E '{BAD_KERNEL_LINE.pattern}'")
    bad = [l for l in log.splitlines() if BAD_KERNEL_LINE.search(l)]
    assert not bad, "\n".join(bad)


def test_hypervisor_log_is_not_flooded(dom0):
    """A guest's unknown platform_op must not repeat in the hypervisor's log."""
    lines = re.findall(r"platform_op: command \d+ not provided.*",
                       dom0.console_text())
    assert len(lines) == len(set(lines)), lines


# ---- the end: these stop the machine (keep them last) -----------------------

def test_poweroff_or_reboot_ends_qemu(dom0):
    """poweroff (one CPU) or reboot (two CPUs) in dom0 stops the machine:
    QEMU exits (-no-reboot turns a reset into an exit)."""
    action = "poweroff" if dom0.smp == 1 else "reboot"
    dom0.send(f"{action}\n")
    dom0.wait_exit(timeout=120)
    text = dom0.console_text()
    expected = "reboot: Power down" if action == "poweroff" else "reboot: Restarting system"
    assert expected in text, text[-2000:]
