"""domctl and sysctl as dom0's toolstack uses them, on Xen 4.17 and Lintel.

The `lintel` tool in dom0 drives the hypercalls over privcmd; each answer is
checked against what dom0 can see for itself (its online CPUs, its own
shell running) or against a value set a moment before, so a hypervisor that
answered with constants would fail. Xen 4.17 is booted with sched=credit
(its default is credit2), the scheduler Lintel implements.

tests/domctl/domctl_probe.c asks domctl directly what `lintel` never asks
(refused createdomain requests, a domain created and destroyed without
being built); it is appended to dom0's initramfs, and its answers are held
against Xen 4.17's, which are the expected values below.
"""
import json
import os
import subprocess

import pytest

from harness import paths
from harness.initramfs import image_with_files, read_bytes
from harness.marks import hypervisors
from harness.qemu import Machine, without_hypervisor_lines

PROBE_SOURCE = os.path.join(paths.ROOT, "tests", "domctl", "domctl_probe.c")
PROBE_OUT = os.path.join(paths.BUILD, "domctl")
PROBE = "/usr/bin/domctl-probe"


def image_with_probe():
    """dom0's image with the probe appended."""
    os.makedirs(PROBE_OUT, exist_ok=True)
    binary = os.path.join(PROBE_OUT, "domctl-probe")
    subprocess.run(["gcc", "-static", "-O2", "-Wall", "-Wextra", "-Werror",
                    "-I", os.path.join(paths.ROOT, "include"), "-o", binary, PROBE_SOURCE],
                   check=True)
    return image_with_files(paths.DOM0_IMAGE, {PROBE: (read_bytes(binary), 0o755)},
                            os.path.join(PROBE_OUT, "dom0-domctl.cpio.gz"))


@pytest.fixture(scope="module", params=hypervisors())
def dom0(request):
    args = Machine(hv=request.param).default_hv_args(1024) + " sched=credit"
    with Machine(hv=request.param, name=f"test_domctl_dom0-{request.param}",
                 hv_args=args, dom0_image=image_with_probe()) as machine:
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


@pytest.fixture(scope="module")
def probe(dom0):
    out = dom0.check(PROBE, timeout=120)
    assert "DOMCTL-PROBE: DONE" in out, out
    answers = {}
    for line in out.splitlines():
        name, _, value = line.partition(" ")
        answers[name] = value.strip()
    return answers


EINVAL, ENOENT, EEXIST, EACCES, ESRCH, EOPNOTSUPP = -22, -2, -17, -13, -3, -95


@pytest.mark.parametrize("question,answer", [
    ("create_old_version", EACCES),
    ("create_hvm", EINVAL),           # neither host offers HVM under TCG
    ("create_hap_without_hvm", EINVAL),
    ("create_unknown_flag", EINVAL),
    ("create_no_vcpus", EINVAL),
    ("create_emulated_lapic", EOPNOTSUPP),
    ("create_missing_cpupool", ESRCH),
    ("create_grant_version_0", EINVAL),
    ("create_grant_version_3", EINVAL),
    ("create_grant_frames_0", EINVAL),
    ("create_vmtrace", EINVAL),
])
def test_createdomain_refuses_what_xen_refuses(probe, question, answer):
    assert int(probe[question]) == answer


def test_createdomain_makes_a_paused_domain_with_the_handle_given(probe):
    assert int(probe["create"]) == 0
    assert probe["create_domid_nonzero"] == "1"
    assert probe["create_flags_oos_off"] == "1"
    assert int(probe["info"]) == 0
    assert probe["info_domain_matches"] == "1"
    assert probe["info_handle_matches"] == "1"
    assert probe["info_paused"] == "1"
    # The vCPUs exist once max_vcpus has run; before it, Xen reports none.
    assert int(probe["create_taken_domid"]) == EEXIST


def test_max_vcpus_must_match_createdomain(probe):
    assert int(probe["max_vcpus_other_count"]) == EINVAL
    assert int(probe["max_vcpus_same_count"]) == 0


def test_hard_affinity_needs_an_existing_cpu_and_reads_back(probe):
    assert int(probe["affinity_no_cpu"]) == EINVAL
    assert int(probe["affinity_cpu0"]) == 0
    assert int(probe["affinity_cpu0_back"], 16) & 1
    assert int(probe["affinity_get"]) == 0
    assert int(probe["affinity_get_map"], 16) & 1
    assert int(probe["affinity_vcpu_out_of_range"]) == EINVAL


def test_build_steps_check_their_arguments(probe):
    assert int(probe["settimeoffset"]) == 0
    assert int(probe["setvcpucontext_vcpu_out_of_range"]) == EINVAL
    assert int(probe["hypercall_init_foreign_frame"]) == EINVAL


def test_destroy_frees_the_domain_and_its_memory(probe):
    # The builder's pause is the only one: unpausing it succeeds once.
    assert int(probe["unpause_paused"]) == 0
    assert int(probe["pause"]) == 0
    assert int(probe["destroy"]) == 0
    assert probe["gone"] == "1"
    assert int(probe["destroy_again"]) == ESRCH
    # A new domain does not get the id just freed.
    assert int(probe["create_next"]) == 0
    assert probe["create_next_new_domid"] == "1"
    # Everything two created-and-destroyed domains took is back (1 MiB slack).
    assert abs(int(probe["free_pages_lost"])) <= 256


def test_one_cpupool_holds_every_cpu_and_domain(probe, dom0):
    # Booted with sched=credit on Xen: pool 0 runs credit on both.
    assert int(probe["cpupool0"]) == 0
    assert int(probe["cpupool0_sched"]) == 5      # XEN_SCHEDULER_CREDIT
    assert int(probe["cpupool0_n_dom"]) >= 1
    cpus = int(probe["cpupool0_cpumap"], 16)
    assert cpus & 1 and bin(cpus).count("1") == int(probe["getcpuinfo_nr_cpus"])
    assert int(probe["cpupool1"]) == ENOENT


def test_host_cpu_and_node_counts(probe):
    assert int(probe["getcpuinfo"]) == 0
    assert int(probe["getcpuinfo_nr_cpus"]) >= 1
    assert probe["getcpuinfo_idle0_positive"] == "1"
    assert int(probe["cputopoinfo_count"]) == 0
    assert int(probe["cputopoinfo_num_cpus"]) == int(probe["getcpuinfo_nr_cpus"])
    assert int(probe["numainfo_count"]) == 0
    assert int(probe["numainfo_num_nodes"]) == 1


E2BIG, EFAULT, ERANGE, ENOBUFS = -7, -14, -34, -105


# What libxc's xc_cpuid_apply_policy() (xl create) relies on, Xen 4.17's answers.
@pytest.mark.parametrize("question,answer", [
    ("policy_size", 0),
    ("policy_size_leaves", 120),     # CPUID_MAX_SERIALISED_LEAVES
    ("policy_size_msrs", 2),         # MSR_MAX_SERIALISED_ENTRIES
    ("policy_rsvd", EINVAL),
    ("policy_bad_index", EINVAL),
    ("policy_short_array", ENOBUFS),
    ("policy_pv_default", 0),
    ("policy_pv_default_msrs", 2),
    ("policy_pv_max", 0),
    ("featureset_size", 0),
    ("featureset_size_words", 19),   # FSCAPINTS
    ("featureset_bad_index", EINVAL),
    ("featureset_short", ENOBUFS),
    ("featureset_short_words", 2),
])
def test_host_cpu_policies_as_xen_serialises_them(probe, question, answer):
    assert int(probe[question], 0) == answer


def test_pv_default_policy_is_ordered_for_libxc(probe):
    assert probe["policy_pv_default_ordered"] == "1"
    assert probe["policy_pv_default_hv_and_extd"] == "1"
    vendor = probe["policy_pv_default_vendor"]
    assert vendor in ("AuthenticAMD", "GenuineIntel"), vendor


@pytest.mark.parametrize("question,answer", [
    ("dompolicy_size", 0),
    ("dompolicy_size_leaves", 120),
    ("dompolicy_no_domain", ESRCH),
    ("dompolicy_short", ENOBUFS),
    ("dompolicy_bad_pointer", EFAULT),
    ("dompolicy_set_same", 0),
    ("dompolicy_set_too_many", E2BIG),
    ("dompolicy_set_unknown_leaf", ERANGE),
    ("dompolicy_set_unknown_leaf_err", 0x14),
    ("dompolicy_set_max_leaf_beyond", EINVAL),
    ("dompolicy_set_msr_flags", EINVAL),
    ("dompolicy_set_msr_flags_err", 0xce),
    ("dompolicy_set_msr_unknown", ERANGE),
    ("dompolicy_set_after_unpause", EEXIST),
    ("dompolicy_set_self", EINVAL),
])
def test_domain_cpu_policy_checks_as_xen_does(probe, question, answer):
    assert int(probe[question], 0) == answer


ENODATA = -61


@pytest.mark.parametrize("question,answer", [
    ("getvcpucontext_never_initialised", ENODATA),
    ("getvcpucontext_vcpu_out_of_range", EINVAL),
    ("getvcpucontext_uninitialised_bad_pointer", ENODATA),
    ("getvcpucontext_self", EINVAL),
])
def test_getvcpucontext_checks_as_xen_does(probe, question, answer):
    assert int(probe[question]) == answer


EPERM = -1


# XENMEM_acquire_resource on a domain's grant table, as Xen 4.17's libxc uses
# it to seed a new guest's reserved entries (and lintel create too): Xen's answers.
@pytest.mark.parametrize("question,answer", [
    ("resource_size", 0),
    ("resource_size_frames", 64),           # the table's limit (gnttab_max_frames)
    ("resource_size_status", 0),
    ("resource_size_status_frames", 8),     # v2 status frames for 64 shared ones
    ("resource_size_bad_id", EINVAL),
    ("resource_size_with_count", EINVAL),
    # Xen's size query takes -EOPNOTSUPP for an unknown type as an unsigned count.
    ("resource_unknown_type", 0),
    ("resource_unknown_type_frames", 0xffffffa1),
    ("resource_unknown_type_map", EOPNOTSUPP),
    ("resource_ioreq", EINVAL),             # HVM's: a PV domain has none
    ("resource_ioreq_frames", 0),
    ("resource_ioreq_map", EINVAL),
    ("resource_vmtrace", EINVAL),
    ("resource_no_domain", ESRCH),
    ("resource_self_id", EPERM),
    ("resource_domid_self", ESRCH),
    ("resource_pad", EINVAL),
    ("resource_frame0", 0),
    ("resource_frame0_is_setup_table_frame", 1),
    ("resource_frame3_grows", 0),
    ("resource_frame3_nonzero", 1),
    ("resource_beyond_max", EINVAL),
    ("resource_straddles_max", EINVAL),
    ("resource_list_no_frames", EINVAL),
    ("resource_status_v1", EINVAL),
    ("resource_privcmd_map", 0),
    ("resource_privcmd_map_shared", 1),
])
def test_acquire_resource_maps_the_grant_table_as_xen_does(probe, question, answer):
    assert int(probe[question], 0) == answer


def test_set_cpu_policy_takes_features_away_and_drops_what_the_host_lacks(probe):
    assert probe["dompolicy_get"] == "1"
    assert probe["dompolicy_set_max_leaf_beyond_err"] == "0/0xffffffff"
    assert probe["dompolicy_leaf1_sse3_before"] == "1"
    assert int(probe["dompolicy_set_leaf1"]) == 0
    assert probe["dompolicy_leaf1_sse3_after"] == "0"
    assert probe["dompolicy_leaf1_vmx_after"] == "0"


# A domain built by our toolstack through domctl: `lintel create -c` builds
# tests/kernels/domu.c (staged in dom0) as an unprivileged PV guest
# (createdomain, max_vcpus, populate_physmap for it, foreign mappings, an L4
# pinned on its behalf, setvcpucontext, unpause); the guest checks what it
# was given and what it is refused, prints RESULT on its console ring and
# powers off, and on_poweroff = "destroy" takes it away.
GUEST_KERNEL = "/usr/lib/lintel/test-kernels/domu.elf"
CONFIG = [
    'name = "domctl-domu"',
    f'kernel = "{GUEST_KERNEL}"',
    "memory = 32",
    "vcpus = 1",
    'on_poweroff = "destroy"',
    'on_crash = "destroy"',
]
# `lintel create` sets no pseudo-physical memory map (libxl does, with
# XENMEM_set_memory_map), so XENMEM_memory_map has nothing to answer: Xen
# 4.17 says -ENOSYS. The kernel's one check of it is left out here.
NO_MEMORY_MAP = "XENMEM_memory_map"


def free_mib(machine):
    for line in machine.check("lintel info").splitlines():
        if line.split(":")[0].strip() == "free_memory":
            return int(line.partition(":")[2])
    raise AssertionError("lintel info has no free_memory")


def test_domu_built_by_lintel_create_passes_its_checks_and_goes(dom0):
    out, status = dom0.run(f"test -f {GUEST_KERNEL}", timeout=10)
    assert status == 0, f"{GUEST_KERNEL} is not in the dom0 image: run make"
    dom0.run("rm -f /tmp/domu.cfg", timeout=10)
    for line in CONFIG:
        dom0.run(f"echo '{line}' >> /tmp/domu.cfg", timeout=10)
    before = free_mib(dom0)
    # -c stays on the guest's console until it powers off.
    out, _ = dom0.run("timeout 120 lintel create -c /tmp/domu.cfg </dev/null 2>&1",
                      timeout=150)
    out = without_hypervisor_lines(out)
    failures = [l for l in out.splitlines()
                if l.startswith("FAIL ") and NO_MEMORY_MAP not in l]
    assert "created domain" in out, out[-2000:]
    assert "RESULT: " in out, out[-2000:]
    assert not failures, "\n".join(failures)
    assert out.count("END  ") >= 4, out[-2000:]
    gone = False
    for _ in range(30):
        if "domctl-domu" not in dom0.check("lintel list"):
            gone = True
            break
        dom0.check("sleep 1")
    assert gone, dom0.check("lintel list")
    # Everything the guest had comes back (the hypervisor's own slack: 1 MiB).
    assert abs(free_mib(dom0) - before) <= 1
    # dom0 is unharmed and still answers.
    assert dom0.check("echo alive") == "alive"
