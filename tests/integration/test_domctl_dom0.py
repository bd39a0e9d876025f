"""domctl and sysctl as dom0's toolstack uses them, on Xen 4.17 and Lintel.

The `lintel` tool in dom0 drives the hypercalls over privcmd; each answer is
checked against what dom0 can see for itself (its online CPUs, its own
shell running) or against a value set a moment before, so a hypervisor that
answered with constants would fail. Xen 4.17 is booted with sched=credit
(its default is credit2), the scheduler Lintel implements.
"""
import json

import pytest

from harness.marks import hypervisors
from harness.qemu import Machine


@pytest.fixture(scope="module", params=hypervisors())
def dom0(request):
    args = Machine(hv=request.param).default_hv_args(1024) + " sched=credit"
    with Machine(hv=request.param, name=f"test_domctl_dom0-{request.param}",
                 hv_args=args) as machine:
        machine.start()
        machine.wait_shell()
        yield machine


def dom0_record(machine):
    out = machine.check("lintel list --json 0")
    out = out[out.index("\n[") + 1:] if not out.startswith("[") else out
    return [d for d in json.loads(out) if d["domid"] == 0][0]


def vcpu_rows(machine):
    rows = []
    for line in machine.check("lintel vcpu-list 0").splitlines()[1:]:
        name, domid, vcpu, cpu, state, seconds, affinity = line.split()
        rows.append({"name": name, "domid": int(domid), "vcpu": int(vcpu), "cpu": cpu,
                     "state": state, "seconds": float(seconds), "affinity": affinity})
    return rows


def test_vcpu_info_describes_dom0s_own_vcpus(dom0):
    rows = vcpu_rows(dom0)
    online = int(dom0.check("nproc").strip())
    assert [r["vcpu"] for r in rows] == list(range(online)), rows
    assert all(r["name"] == "Domain-0" and r["affinity"] == "all" for r in rows)
    # The shell that ran vcpu-list was on one of them; none is paused.
    assert any(r["state"][0] == "r" for r in rows), rows
    assert all(r["state"][2] == "-" for r in rows), rows
    assert all(r["seconds"] > 0 for r in rows), rows


def test_cpu_time_advances_while_dom0_works(dom0):
    before = dom0_record(dom0)["cpu_time_ns"]
    # Keep dom0 busy for a while: its running time must grow by a share of it.
    dom0.check("i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done", timeout=60)
    after = dom0_record(dom0)["cpu_time_ns"]
    assert after > before


def test_credit_parameters_read_back_as_set(dom0):
    def params():
        row = dom0.check("lintel sched-credit -d 0").splitlines()[1].split()
        return int(row[2]), int(row[3])

    assert params() == (256, 0)
    dom0.check("lintel sched-credit -d 0 -w 700 -c 40")
    try:
        assert params() == (700, 40)
        # Only the weight given changes; the cap stays.
        dom0.check("lintel sched-credit -d 0 -w 300")
        assert params() == (300, 40)
    finally:
        dom0.check("lintel sched-credit -d 0 -w 256 -c 0")
    assert params() == (256, 0)


def test_max_mem_reads_back_and_unknown_domains_are_named(dom0):
    start = dom0_record(dom0)["max_memory_kib"]
    target = dom0_record(dom0)["memory_kib"] + 32 * 1024
    dom0.check(f"lintel mem-max 0 {target // 1024}")
    try:
        assert dom0_record(dom0)["max_memory_kib"] == target
    finally:
        dom0.check(f"lintel mem-max 0 {start // 1024}")
    assert dom0_record(dom0)["max_memory_kib"] == start // 1024 * 1024
    out, status = dom0.run("lintel unpause 31000")
    assert status == 1 and "no domain with id 31000" in out
