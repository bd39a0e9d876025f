"""The project's own network frontend against lintel-netback, and a bad frontend (issue 12).

One dom0 per hypervisor (-smp 2, a small dom0). `lintel create` starts the
netfront test kernel (tests/kernels/netfront.c) with one vif on xenbr0. It
connects (tx and rx rings, one event channel, request-rx-copy=1), waits for
dom0 to put 10.77.0.1 on the bridge (data/go), sends UDP datagrams to it
over one, two and 18 slots, then abuses the tx ring with every malformed
packet of the issue: sizes 0, 13 and past 65535, slots crossing their page,
bogus grant references (past the table, never granted, granted to another
domain), 19 and 24 data slots. Each must get NETIF_RSP_ERROR on every slot
and leave the vif working (one more datagram goes through); last, a tx
producer index more than a ring ahead must disconnect it: backend state
Closing with an `error` node. The kernel prints its verdict and waits, so
dom0 can look at the backend while the domain exists: the tap counted the
good frames only, dom0's UDP stack took them, the backend logged each
refusal, and its process stays; a second vif of the same domain, with
its own backend process, then connects and sends. Everything in dom0 is one script (nf-run),
typed once.
"""
import re

import pytest

from harness import initramfs, paths
from harness.marks import hypervisors
from harness.qemu import Machine, without_hypervisor_lines

KERNEL = "/usr/lib/lintel/test-kernels/netfront.elf"
DIR = "/root/nf"
# Datagrams netfront.c sends that must reach dom0: one slot, two slots,
# 18 slots, and one after all the refusals.
GOOD_FRAMES = 4
CONFIG = "\n".join([
    'name = "fe-net"', f'kernel = "{KERNEL}"', "memory = 32", "vcpus = 1",
    "vif = [ 'bridge=xenbr0,mac=00:16:3e:4c:77:02', 'bridge=xenbr0,mac=00:16:3e:4c:77:03' ]",
    'on_poweroff = "destroy"', 'on_crash = "destroy"', ""])

# The whole scenario as one script in dom0: every result is a line
# "nf: KEY VALUE..." for the tests.
NF_RUN = r"""#!/bin/sh
LOGS=/var/log/lintel
wait_for() {  # SECONDS COMMAND...: whether COMMAND came to succeed
    t=$1; shift
    timeout "$t" sh -c 'until "$@" >/dev/null 2>&1; do sleep 1; done' _ "$@"
}
udp() {  # the Udp line's InDatagrams and NoPorts: datagrams dom0's stack took
    awk '/^Udp: [0-9]/ { print $2 + $3 }' /proc/net/snmp
}
stamp() {  # STEP: dom0's uptime, to see where the time goes
    echo "nf: time $1 $(cut -d' ' -f1 /proc/uptime)"
}

stamp start
lintel create /root/nf/fe-net.cfg >/dev/null || echo "nf: create failed"
dom=$(lintel domid fe-net)
BACK=/local/domain/0/backend/vif/$dom/0
echo "nf: domid $dom"
wait_for 240 sh -c "lintel-store read $BACK/state | grep -qx 4 && lintel-store read /local/domain/0/backend/vif/$dom/1/state | grep -qx 2" || echo "nf: timeout connect"
stamp connected
ip addr add 10.77.0.1/24 dev xenbr0
ip link set xenbr0 up
vif=vif$dom.0
rx0=$(cat /sys/class/net/$vif/statistics/rx_packets)
other0=$(cat /sys/class/net/vif$dom.1/statistics/rx_packets)
udp0=$(udp)
lintel-store write /local/domain/$dom/data/go 1
wait_for 240 grep -a -q -E "netfront: holding|RESULT: FAIL" $LOGS/console/fe-net.log || echo "nf: timeout guest"
stamp guest-done
sed "s/^/nf: console /" $LOGS/console/fe-net.log
echo "nf: tap-rx $(( $(cat /sys/class/net/$vif/statistics/rx_packets) - rx0 ))"
echo "nf: other-tap-rx $(( $(cat /sys/class/net/vif$dom.1/statistics/rx_packets) - other0 ))"
echo "nf: udp $(( $(udp) - udp0 ))"
echo "nf: other-state $(lintel-store read /local/domain/0/backend/vif/$dom/1/state 2>&1)"
echo "nf: other-alive $(ps -o args | grep -c "^[^ ]*lintel-netback $dom 1\$")"
echo "nf: state $(lintel-store read $BACK/state 2>&1)"
echo "nf: error $(lintel-store read $BACK/error 2>&1)"
echo "nf: alive $(ps -o args | grep -c "^[^ ]*lintel-netback $dom 0\$")"
sed "s/^/nf: log /" $LOGS/netback-$dom.0.log
echo "nf: dom0 $(echo works)"
stamp end
echo "nf: end"
"""


def image(tmp_path):
    files = {f"{DIR}/fe-net.cfg": CONFIG, "/usr/bin/nf-run": (NF_RUN, 0o755)}
    return initramfs.image_with_files(paths.DOM0_IMAGE, files, tmp_path / "dom0-nf.cpio.gz",
                                      compresslevel=1)


@pytest.fixture(scope="module", params=hypervisors())
def report(request, tmp_path_factory):
    """nf-run's result lines, as {key: [rest of each line]}."""
    hv = request.param
    with Machine(hv=hv, name=f"drivers-netfront-{hv}",
                 dom0_image=image(tmp_path_factory.mktemp("netfront")),
                 smp=2, memory_mb=1024, dom0_mem_mb=512) as m:
        if hv == "xen":
            # The second pCPU is the domU's (as in test_drivers_split).
            m.hv_args += " dom0_max_vcpus=1"
        m.start()
        m.wait_shell(timeout=300)
        out, _ = m.run("nf-run", timeout=600)
        lines = {}
        # dom0's daemons share the console: only whole "nf: " lines count.
        for line in without_hypervisor_lines(out).splitlines():
            match = re.match(r"nf: (\S+) ?(.*)$", line)
            if match:
                lines.setdefault(match.group(1), []).append(match.group(2))
        assert "end" in lines, out[-3000:]
        yield lines


def value(report, key):
    assert report.get(key), f"no 'nf: {key}' line in {report}"
    return report[key][0].strip()


def test_netfront_connects_and_every_bad_packet_is_refused(report):
    lines = report.get("console", [])
    assert "timeout" not in report, report
    failures = [line for line in lines if line.startswith("FAIL ")]
    assert "RESULT: PASS" in lines, "\n".join(failures) or lines
    assert any(line.startswith("netfront: vif 0 connected") for line in lines), lines
    assert f"netfront: {GOOD_FRAMES} datagrams sent" in lines, lines
    assert any(line.startswith("netfront: vif 0 disconnected: tx ring: req_prod")
               for line in lines), lines


def test_only_the_good_frames_reached_dom0(report):
    # The tap counts what the backend wrote into it: the refused packets never were.
    assert int(value(report, "tap-rx")) == GOOD_FRAMES, report
    # dom0's IP stack took them, and the other vif's one (nothing listens: NoPorts counts them).
    assert int(value(report, "udp")) == GOOD_FRAMES + 1, report


def test_the_overrun_disconnected_the_vif_and_the_backend_stays(report):
    assert value(report, "state") == "5"   # Closing
    assert "req_prod" in value(report, "error")
    assert value(report, "alive") == "1"
    log = "\n".join(report.get("log", []))
    for why in ("frame shorter than an Ethernet header",
                "continuation slots hold more than the frame size",
                "the first slot crosses its page boundary", "a slot crosses its page boundary",
                "a grant could not be copied", "more data slots than the backend accepts"):
        assert why in log, log
    # Every refusal counted, only the good frames written: 12 bad packets.
    assert f"disconnected: tx {GOOD_FRAMES} packets {GOOD_FRAMES * 60} bytes 12 errors" in log, log
    assert value(report, "dom0") == "works"


def test_the_other_vif_keeps_working(report):
    assert "netfront: vif 1 sent datagram 5" in report.get("console", []), report
    assert int(value(report, "other-tap-rx")) == 1, report
    assert value(report, "other-state") == "4"
    assert value(report, "other-alive") == "1"
