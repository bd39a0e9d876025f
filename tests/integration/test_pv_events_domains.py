"""Events and scheduling between guests (issue 6), with the toolstack in dom0.

dom0 runs Debian's Xen 4.17 userspace (the dom0-xentools image, which
carries the guest test kernels staged by tests/kernels). Two guests are
created with `xl create`:

* evtchn_peer twice: a caller binds to the port a listener allocated for
  it, they exchange a notification each way, and when the caller powers off
  (and is destroyed) the listener's port is left unbound for it again. The
  listener's console carries the checks. In make test on two pCPUs; a soak
  variant runs it on one.
* spin (CPU burners) on a one-pCPU host (dom0 idles meanwhile):
  weights 256 and 512 share the CPU 1:2 within 5%, and a cap of 25 holds a
  lone burner to 25% +- 3 points, by the hypervisor's own vCPU time. (One
  pCPU, not pinning on two: credit shares out the whole pool's capacity by
  weight, so on two pCPUs both burners get more credit than one pCPU can
  burn and share it 1:1, as Xen 4.17 does.) A soak test: it takes minutes.

"""
import re
import time

import pytest

from harness import paths
from harness.marks import hypervisors
from harness.qemu import Machine

KERNELS = "/usr/lib/lintel/test-kernels"


def guest_config(path, name, kernel, extra=None):
    lines = [f'name = "{name}"', f'kernel = "{KERNELS}/{kernel}.elf"', "memory = 32",
             "vcpus = 1", 'on_poweroff = "destroy"']
    if extra:
        lines.append(f'extra = "{extra}"')
    return f"printf '%s\\n' " + " ".join(f"'{line}'" for line in lines) + f" > {path}"


def xentools_dom0(hv, name, smp=1):
    # Xen 4.17 defaults to credit2; the weights and caps here are credit's.
    hv_args = Machine(hv=hv).default_hv_args(1024) + " sched=credit"
    return Machine(hv=hv, name=name, dom0_image=paths.DOM0_XENTOOLS_IMAGE, smp=smp,
                   hv_args=hv_args,
                   dom0_args="console=hvc0 earlyprintk=xen lintel.store=xenstored")


def prepare(m, kernel):
    m.start()
    m.wait_shell(timeout=180)
    out, status = m.run(f"test -f {KERNELS}/{kernel}.elf", timeout=10)
    assert status == 0, f"{KERNELS}/{kernel}.elf is not in the dom0 image: run make"
    m.run("mkdir -p /var/lock", timeout=10)


def interdomain_notification(hv, name, smp):
    with xentools_dom0(hv, name, smp=smp) as m:
        prepare(m, "evtchn_peer")
        # On a fresh host the caller becomes domain 1 and the listener domain 2.
        m.check(guest_config("/tmp/caller.cfg", "caller", "evtchn_peer",
                             extra="role=caller peer=2"))
        m.check(guest_config("/tmp/listener.cfg", "listener", "evtchn_peer",
                             extra="role=listener peer=1"))
        m.check("xl create /tmp/caller.cfg")
        # Generous: on a loaded host the two guests take minutes under emulation.
        out, status = m.run("timeout 240 xl create -c /tmp/listener.cfg 2>&1", timeout=270)
        failures = [line for line in out.splitlines() if line.startswith("FAIL ")]
        assert "evtchn_peer: Lintel PV test kernel" in out, out[-2000:]
        assert "RESULT: PASS" in out, "\n".join(failures) or out[-2000:]
        out, status = m.run("xl list", timeout=30)
        assert "caller" not in out and "listener" not in out


@pytest.mark.parametrize("hv", hypervisors())
def test_interdomain_notification_between_two_guests(hv):
    """On -smp 2 (issue 6 wants its tests there): the guests may run at
    once, and each notification may cross pCPUs. (Lintel failed this 3
    times of 3 before the FIFO stale-tail fix of session 4: a lost dom0 IPI
    stalled the two-vCPU dom0 around the guests' exit.)"""
    interdomain_notification(hv, f"pv-events-peers-{hv}", smp=2)


@pytest.mark.soak
@pytest.mark.parametrize("hv", hypervisors())
def test_interdomain_notification_on_one_pcpu(hv):
    """The same with both guests and dom0 sharing one pCPU."""
    interdomain_notification(hv, f"pv-events-peers-smp1-{hv}", smp=1)


def vcpu_seconds(m, name):
    """CPU time of the guest's vCPU 0 as the hypervisor accounts it."""
    out = m.check(f"xl vcpu-list {name}")
    row = out.splitlines()[1].split()
    return float(row[5])


def measure(m, names, seconds):
    start = {n: vcpu_seconds(m, n) for n in names}
    t0 = float(m.check("cat /proc/uptime").split()[0])
    time.sleep(seconds)
    end = {n: vcpu_seconds(m, n) for n in names}
    t1 = float(m.check("cat /proc/uptime").split()[0])
    return {n: end[n] - start[n] for n in names}, t1 - t0


# About four minutes under emulation (two 30 s windows after a dom0 boot).
@pytest.mark.soak
@pytest.mark.parametrize("hv", hypervisors())
def test_credit_weights_and_cap_on_one_pcpu(hv):
    with xentools_dom0(hv, f"pv-events-fairness-{hv}") as m:
        prepare(m, "spin")
        # Long lines are typed before the burners compete with dom0 for the pCPU.
        m.check(guest_config("/tmp/light.cfg", "light", "spin"))
        m.check(guest_config("/tmp/heavy.cfg", "heavy", "spin"))
        m.check("xl create /tmp/light.cfg")
        m.check("xl create /tmp/heavy.cfg")
        # (xl takes no weight from the config file for these guests: set it.)
        m.check("xl sched-credit -d heavy -w 512")
        assert "512" in m.check("xl sched-credit -d heavy")
        time.sleep(2)
        used, wall = measure(m, ["light", "heavy", "Domain-0"], 30)
        ratio = used["heavy"] / used["light"]
        assert 2 * 0.95 <= ratio <= 2 * 1.05, f"heavy:light = {ratio:.3f} ({used}, {wall:.1f} s)"
        # The pCPU does not idle while they want it. (Xen 4.17 under emulation
        # accounts about 90% of the wall time to the three domains: the rest is
        # its own work and the 0.1 s rounding of xl's figures.)
        assert sum(used.values()) >= 0.85 * wall, (used, wall)

        m.check("xl destroy heavy")
        m.check("xl sched-credit -d light -c 25")
        time.sleep(2)
        used, wall = measure(m, ["light"], 30)
        share = 100 * used["light"] / wall
        assert 22 <= share <= 28, f"capped at 25: got {share:.1f}% ({used}, {wall:.1f} s)"
        m.check("xl destroy light")
