"""Credit scheduler fairness between domains (issue 6), on Xen 4.17 with
sched=credit and on Lintel, with our toolstack in dom0.

Two `spin` domUs (tests/kernels/spin.c: a vCPU that never stops computing)
are created with `lintel create` on a one-pCPU host where dom0 idles:

* weights 256 and 512 share the pCPU 1:2 (the issue asks within 5%);
* a cap of 25 holds a lone burner to 25% of the pCPU, +- 3 points.

dom0 is not quite idle under TCG: its kernel and
daemons use 5-12% of the pCPU. Xen 4.17's credit counts dom0 active with
its whole weight while it uses less than its share, and the share it leaves
goes to both burners alike: Xen gave 1.72-1.86 (nine 5-10 s windows in
four boots, host at load 10; 1.73 even with dom0 at weight 1), and with its
30 ms slice a cap of 25 came out at 20.9% (14.4% at load 17). Xen is held
to what its credit promises there: the heavier burner gets clearly more
(1.6 to 2.1), the cap holds (10 to 28%).
Lintel hands a domain's unused share on to the others by weight
(water-filling, include/lintel/credit.h) and makes good, period by period,
what a loaded host's stalls charge to whoever was running (multi-period
refills, debts paid back first by whoever owes least): its ratio and its
cap meet the issue's bounds (six 5 s windows at host load 13:
1.95-2.04).

Why one pCPU and not two with both burners pinned to one: the credit
scheduler shares out the capacity of the whole pool by weight, so on two
pCPUs each burner earns more credit than one pCPU can burn, neither runs
out, and they share their pCPU 1:1 (Xen 4.17 does exactly that).

Everything is measured with the hypervisor's own clocks, by lintel-top in
dom0: each domain's CPU time is the sum of its vCPUs' running time
(getdomaininfo, in ns), and the window is dom0's CLOCK_MONOTONIC, which runs
on the hypervisor's system time (pvclock), not on the host's wall clock, so
a loaded host under TCG slows both sides alike.

The windows are short here (make test); the soak test repeats both checks
over long windows.
"""
import json
import time

import pytest

from harness.marks import hypervisors
from harness.qemu import Machine, without_hypervisor_lines

SPIN = "/usr/lib/lintel/test-kernels/spin.elf"
SHARE = "/usr/lib/lintel/test-kernels/sched_share.elf"
WINDOW_S = 5
SOAK_WINDOW_S = 60
# heavy:light and the capped share in percent (see above for Xen's).
# Lintel is held to the 2 +- 5%.
RATIO_BOUNDS = {"lintel": (2 * 0.95, 2 * 1.05), "xen": (1.6, 2.1)}
CAP_BOUNDS = {"lintel": (22, 28), "xen": (10, 28)}
# Lets a change of weight or cap take effect (a few 30 ms accounting periods)
# before a window opens.
SETTLE_S = 1


@pytest.fixture(scope="module", params=hypervisors())
def host(request):
    hv = request.param
    # Xen 4.17 defaults to credit2; the weights and caps here are credit's.
    args = Machine(hv=hv).default_hv_args(512) + " sched=credit"
    with Machine(hv=hv, name=f"sched-fairness-{hv}", smp=1, hv_args=args,
                 memory_mb=1024) as m:
        m.start()
        m.wait_shell(timeout=240)
        out, status = m.run(f"test -f {SPIN}", timeout=10)
        assert status == 0, f"{SPIN} is not in the dom0 image: run make"
        # Typed before the burners compete with dom0 for the pCPU.
        for name, kernel in (("light", SPIN), ("heavy", SPIN), ("share", SHARE)):
            m.check(f"printf '%s\\n' 'name = \"{name}\"' 'kernel = \"{kernel}\"' "
                    f"'memory = 16' 'vcpus = 1' 'on_poweroff = \"destroy\"' > /tmp/{name}.cfg")
        yield m


# lintel-top samples the domains' CPU time (getdomaininfo: the sum of their
# vCPUs' running time) and dom0's CLOCK_MONOTONIC (the hypervisor's system
# time through pvclock) at both ends of the window in one process, so dom0
# sleeps through the window itself, and its CPU% is the delta of the one
# over the other.
def measure(m, seconds, before=""):
    """Runs BEFORE, waits SETTLE_S, then measures a window of SECONDS:
    ({domain: percent of the pCPU used in it}, BEFORE's output)."""
    out = m.check(f"{before} sleep {SETTLE_S} && echo __WINDOW__ && "
                  f"lintel-top -b --json -i 1 -d {seconds}", timeout=seconds + 120)
    head, _, out = out.partition("__WINDOW__")
    out = without_hypervisor_lines(out)
    frame = json.loads(out[out.index("{"):out.rindex("}") + 1])
    return {d["name"]: d["cpu_pct"] for d in frame["domains"]}, head


def create(m, name):
    out, status = m.run(f"lintel create /tmp/{name}.cfg 2>&1", timeout=120)
    assert status == 0, out


def destroy_all(m):
    for name in ("light", "heavy", "share"):
        m.run(f"lintel destroy {name} 2>/dev/null", timeout=60)


def credit_rows(text):
    """{name: (weight, cap)} from `lintel sched-credit` output."""
    rows = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2].isdigit():
            rows[fields[0]] = (int(fields[2]), int(fields[3]))
    return rows


def check_weights(m, window):
    create(m, "light")
    create(m, "heavy")
    try:
        used, listing = measure(
            m, window, "lintel sched-credit -d heavy -w 512 && lintel sched-credit &&")
        rows = credit_rows(listing)
        assert rows["heavy"] == (512, 0) and rows["light"] == (256, 0), listing
        ratio = used["heavy"] / used["light"]
        low, high = RATIO_BOUNDS[m.hv]
        assert low <= ratio <= high, f"heavy:light = {ratio:.3f} ({used} %)"
        # Work-conserving: the pCPU does not idle while they want it (the rest
        # is the hypervisor's own work and the switches).
        assert sum(used.values()) >= 90, f"{used} %"
    finally:
        destroy_all(m)


def check_cap(m, window):
    create(m, "light")
    try:
        used, listing = measure(
            m, window, "lintel sched-credit -d light -c 25 && lintel sched-credit -d light &&")
        assert credit_rows(listing)["light"] == (256, 25), listing
        low, high = CAP_BOUNDS[m.hv]
        assert low <= used["light"] <= high, f"cap 25: {used} %"
    finally:
        destroy_all(m)


def test_weights_256_and_512_share_one_pcpu_1_to_2(host):
    check_weights(host, WINDOW_S)


def test_cap_25_holds_a_lone_burner_to_a_quarter(host):
    check_cap(host, WINDOW_S)


def test_destroyed_burners_leave_the_pcpu_idle(host):
    """Nothing is left running: over a window dom0 (idle, though its kernel
    and daemons take 5-20% under TCG on a loaded host) and nothing else uses
    the pCPU."""
    used, _ = measure(host, 2)
    assert set(used) == {"Domain-0"}, used
    assert used["Domain-0"] < 30, f"{used} %"


def test_boost_yield_and_run_states_beside_a_spinner(host):
    """The sched_share kernel (tests/kernels/sched_share.c) beside a spinner
    on the one pCPU: a vCPU woken from a 3 ms sleep waits less than 2 ms
    runnable (median; the boost puts it ahead of the spinner's slice), every
    SCHEDOP_yield lets the spinner run, and the four run-state times grow by
    the time that passed, within a tick."""
    log = "/var/log/lintel/console/share.log"
    create(host, "light")
    try:
        create(host, "share")
        out = host.check(f"for i in $(seq 90); do grep -q 'RESULT:' {log} 2>/dev/null && break; "
                         f"sleep 1; done; cat {log}", timeout=150)
        failures = [l for l in out.splitlines() if l.startswith("FAIL ")]
        assert "sched_share: Lintel PV test kernel" in out, out[-2000:]
        assert "RESULT: PASS" in out, "\n".join(failures) or out[-2000:]
    finally:
        destroy_all(host)


@pytest.mark.soak
def test_long_windows(host):
    check_weights(host, SOAK_WINDOW_S)
    check_cap(host, SOAK_WINDOW_S)
