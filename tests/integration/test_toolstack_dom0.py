"""The toolstack in dom0: `lintel` reads the hypervisor through privcmd.

Run on Xen 4.17 (the oracle) and on Lintel (expected to fail until the stock
kernel boots as dom0 there). Every number `lintel` prints is checked against
a fact dom0's kernel exposes on its own: the balloon driver's view of dom0's
memory, the online CPUs, and /sys/hypervisor.
"""
import json
import time

BALLOON = "/sys/devices/system/xen_memory/xen_memory0"


def wait_for(machine, command, expected, timeout=30):
    """Polls COMMAND in dom0 until it prints EXPECTED; returns the last output."""
    deadline = time.monotonic() + timeout
    while True:
        out = machine.check(command).strip()
        if out == expected or time.monotonic() > deadline:
            return out
        time.sleep(1)


def dom0_fact(dom0, command):
    return dom0.check(command).strip()


def lintel_json_list(dom0):
    out = dom0.check("lintel list --json")
    # Daemons in dom0 log to the same console; the JSON starts at its '['.
    out = out[out.index("\n[") + 1:] if not out.startswith("[") else out
    return json.loads(out)


def test_list_json_shows_dom0_with_its_memory_and_vcpus(booted_dom0):
    domains = lintel_json_list(booted_dom0)
    dom0 = [d for d in domains if d["domid"] == 0]
    assert len(dom0) == 1, domains
    dom0 = dom0[0]
    current_kb = int(dom0_fact(booted_dom0,
                               "cat /sys/devices/system/xen_memory/xen_memory0/info/current_kb"))
    online_cpus = int(dom0_fact(booted_dom0, "nproc"))
    assert dom0["name"] == "Domain-0"
    assert dom0["memory_kib"] == current_kb
    assert dom0["max_memory_kib"] >= dom0["memory_kib"]
    assert dom0["vcpus_online"] == online_cpus
    assert dom0["max_vcpus"] >= online_cpus
    # The shell running this command is on a dom0 vCPU: dom0 is running.
    assert dom0["running"] and dom0["state"][0] == "r"
    assert not dom0["paused"] and not dom0["shutdown"] and not dom0["dying"]
    assert dom0["shutdown_reason"] is None
    assert dom0["cpu_time_ns"] > 0


def test_list_table_agrees_with_json(booted_dom0):
    dom0 = [d for d in lintel_json_list(booted_dom0) if d["domid"] == 0][0]
    table = booted_dom0.check("lintel list").splitlines()
    assert table[0].split() == ["Name", "ID", "Mem", "VCPUs", "State", "Time(s)"]
    row = [line.split() for line in table[1:] if line.split()[1] == "0"]
    assert len(row) == 1, table
    name, domid, mem, vcpus, state, _ = row[0]
    assert (name, mem, vcpus) == ("Domain-0", str(dom0["memory_kib"] // 1024),
                                  str(dom0["vcpus_online"]))
    assert state[0] == "r"
    assert booted_dom0.check("lintel list Domain-0 0 --json").count('"domid"') == 1


def test_info_matches_sysfs(booted_dom0):
    info = {}
    for line in booted_dom0.check("lintel info").splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    major = dom0_fact(booted_dom0, "cat /sys/hypervisor/version/major")
    minor = dom0_fact(booted_dom0, "cat /sys/hypervisor/version/minor")
    extra = dom0_fact(booted_dom0, "cat /sys/hypervisor/version/extra")
    assert (info["xen_major"], info["xen_minor"], info["xen_extra"]) == (major, minor, extra)
    assert info["xen_version"] == f"{major}.{minor}{extra}"
    assert info["xen_caps"] == dom0_fact(booted_dom0,
                                         "cat /sys/hypervisor/properties/capabilities")
    current_mib = int(dom0_fact(
        booted_dom0, "cat /sys/devices/system/xen_memory/xen_memory0/info/current_kb")) // 1024
    assert int(info["total_memory"]) >= current_mib
    assert 0 <= int(info["free_memory"]) < int(info["total_memory"])
    assert int(info["nr_cpus"]) >= int(dom0_fact(booted_dom0, "nproc"))
    assert info["xen_scheduler"] in ("credit", "credit2", "rtds", "null", "arinc653")
    if booted_dom0.hv == "xen":
        assert (major, minor) == ("4", "17")


def test_dmesg_shows_the_hypervisor_boot_log(booted_dom0):
    log = booted_dom0.check("lintel dmesg")
    cmdline = [line.partition(":")[2].strip()
               for line in booted_dom0.check("lintel info").splitlines()
               if line.startswith("xen_commandline")][0]
    assert cmdline and cmdline in log
    if booted_dom0.hv == "xen":
        assert "(XEN) Xen version 4.17" in log


def test_domain_errors_are_named(booted_dom0):
    out, status = booted_dom0.run("lintel pause 4242")
    assert status == 1 and "lintel pause: no domain with id 4242" in out
    out, status = booted_dom0.run("lintel list 4242")
    assert status == 1 and "no domain with id 4242" in out
    out, status = booted_dom0.run("lintel destroy Domain-0")
    assert status == 1 and "refusing to destroy dom0" in out
    out, status = booted_dom0.run("lintel mem-max 0 12q")
    assert status == 2 and 'invalid memory size "12q"' in out
    out, status = booted_dom0.run("lintel create /nonexistent.cfg")
    assert status == 1 and "/nonexistent.cfg: cannot open" in out
    out, status = booted_dom0.run("lintel pause nosuchname")
    assert status == 1 and 'no domain named "nosuchname"' in out


def test_mem_set_drives_dom0s_balloon(booted_dom0):
    """The target goes through the store to dom0's balloon driver, which hands
    the pages back to the hypervisor: sysfs, and `lintel list`, follow."""
    start_kb = int(dom0_fact(booted_dom0, f"cat {BALLOON}/info/current_kb"))
    target_kb = start_kb - 64 * 1024
    booted_dom0.check(f"lintel mem-set Domain-0 {target_kb // 1024}")
    try:
        assert wait_for(booted_dom0, f"cat {BALLOON}/target_kb", str(target_kb)) == str(target_kb)
        assert wait_for(booted_dom0, f"cat {BALLOON}/info/current_kb",
                        str(target_kb)) == str(target_kb)
        dom0 = [d for d in lintel_json_list(booted_dom0) if d["domid"] == 0][0]
        assert dom0["memory_kib"] == target_kb
    finally:
        booted_dom0.check(f"lintel mem-set 0 {start_kb // 1024}")
    assert wait_for(booted_dom0, f"cat {BALLOON}/info/current_kb", str(start_kb)) == str(start_kb)


def test_mem_set_refuses_more_than_the_maximum(booted_dom0):
    max_kib = [d for d in lintel_json_list(booted_dom0) if d["domid"] == 0][0]["max_memory_kib"]
    out, status = booted_dom0.run(f"lintel mem-set 0 {max_kib // 1024 + 1}")
    assert status == 1
    assert f"above domain 0's maximum of {max_kib // 1024} MiB" in out
    out, status = booted_dom0.run("lintel mem-set 0 8")
    assert status == 2 and "out of range 16 MiB" in out


def test_dom0_lifecycle_requests_are_refused(booted_dom0):
    out, status = booted_dom0.run("lintel shutdown 0")
    assert status == 1 and "refusing to shut down dom0" in out
    out, status = booted_dom0.run("lintel rename Domain-0 other")
    assert status == 1 and "dom0's name is fixed" in out
    assert booted_dom0.check("lintel domname 0").strip() == "Domain-0"
