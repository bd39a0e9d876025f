/*
 * Drives domctl and sysctl directly from dom0 (privcmd) and prints one
 * "name value..." line per question, so tests/integration/test_domctl_domu.py
 * can hold Lintel's answers against Xen 4.17's. Built statically against
 * the project's public headers (their layouts are Xen 4.17's, checked by
 * tests/abi). Exits 0 once every question was asked; the verdicts are the
 * test's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "public/domctl.h"
#include "public/grant_table.h"
#include "public/memory.h"
#include "public/sysctl.h"

#define PAGE 4096

/* Linux's privcmd interface (include/uapi/xen/privcmd.h): a fact of the ABI. */
struct privcmd_hypercall {
    uint64_t op;
    uint64_t arg[5];
};
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))

static int privcmd = -1;
static void *buf;       /* one locked page for every structure passed */

static void *locked_page(void)
{
    int fd = open("/dev/xen/hypercall", O_RDWR | O_CLOEXEC);
    void *p;

    /* Linux's hypercall buffers cannot move; a locked page is the fallback. */
    if (fd >= 0) {
        p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p != MAP_FAILED)
            return p;
    }
    p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED,
             -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

static long hypercall3(unsigned op, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct privcmd_hypercall call = { .op = op, .arg = { a0, a1, a2, 0, 0 } };
    long rc = ioctl(privcmd, IOCTL_PRIVCMD_HYPERCALL, &call);

    return rc < 0 ? -errno : rc;
}

static long hypercall(unsigned op, uint64_t a0, uint64_t a1)
{
    return hypercall3(op, a0, a1, 0);
}

static long domctl(struct xen_domctl *op)
{
    long rc;

    if (!op->interface_version)
        op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    memcpy(buf, op, sizeof(*op));
    rc = hypercall(__HYPERVISOR_domctl, (uintptr_t)buf, 0);
    memcpy(op, buf, sizeof(*op));
    return rc;
}

static long sysctl(struct xen_sysctl *op)
{
    long rc;

    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    memcpy(buf, op, sizeof(*op));
    rc = hypercall(__HYPERVISOR_sysctl, (uintptr_t)buf, 0);
    memcpy(op, buf, sizeof(*op));
    return rc;
}

static uint64_t free_pages(void)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };

    return sysctl(&op) ? 0 : op.u.physinfo.free_pages;
}

static const uint8_t handle[16] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

static struct xen_domctl create_request(void)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_createdomain;
    memcpy(op.u.createdomain.handle, handle, sizeof(handle));
    op.u.createdomain.max_vcpus = 2;
    op.u.createdomain.max_evtchn_port = 1023;
    op.u.createdomain.max_grant_frames = -1;
    op.u.createdomain.max_maptrack_frames = -1;
    op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    return op;
}

/* A request that should fail; a domain made by mistake is not left behind. */
static void refused(const char *name, struct xen_domctl op)
{
    long rc = domctl(&op);

    printf("%s %ld\n", name, rc);
    if (rc == 0) {
        struct xen_domctl d = { .cmd = XEN_DOMCTL_destroydomain, .domain = op.domain };

        domctl(&d);
    }
}

static void refused_requests(void)
{
    struct xen_domctl op;

    op = create_request();
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    refused("create_old_version", op);
    op = create_request();
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap;
    refused("create_hvm", op);
    op = create_request();
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hap;
    refused("create_hap_without_hvm", op);
    op = create_request();
    op.u.createdomain.flags = 1u << 20;
    refused("create_unknown_flag", op);
    op = create_request();
    op.u.createdomain.max_vcpus = 0;
    refused("create_no_vcpus", op);
    op = create_request();
    op.u.createdomain.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    refused("create_emulated_lapic", op);
    op = create_request();
    op.u.createdomain.cpupool_id = 7;
    refused("create_missing_cpupool", op);
    op = create_request();
    op.u.createdomain.grant_opts = 0;
    refused("create_grant_version_0", op);
    op = create_request();
    op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(3);
    refused("create_grant_version_3", op);
    op = create_request();
    op.u.createdomain.max_grant_frames = 0;
    refused("create_grant_frames_0", op);
    op = create_request();
    op.u.createdomain.vmtrace_size = PAGE;
    refused("create_vmtrace", op);
}

static long simple(uint32_t cmd, uint16_t domid)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.domain = domid;
    return domctl(&op);
}

static long affinity(uint32_t cmd, uint16_t domid, uint32_t vcpu, uint8_t *map)
{
    struct xen_domctl op;
    uint8_t *bits = (uint8_t *)buf + PAGE;
    long rc;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.domain = domid;
    op.u.vcpuaffinity.vcpu = vcpu;
    op.u.vcpuaffinity.flags = XEN_VCPUAFFINITY_HARD;
    op.u.vcpuaffinity.cpumap_hard.bitmap.p = bits;
    op.u.vcpuaffinity.cpumap_hard.nr_bits = 8;
    bits[0] = *map;
    rc = domctl(&op);
    *map = bits[0];
    return rc;
}


/* ---- CPUID policies: what libxc's xc_cpuid_apply_policy() relies on ---- */

#define LEAVES_MAX 120          /* Xen 4.17's CPUID_MAX_SERIALISED_LEAVES */
#define NO_SUBLEAF 0xffffffffu

static xen_cpuid_leaf_t *policy_leaves(void)
{
    return (xen_cpuid_leaf_t *)((uint8_t *)buf + PAGE);
}

static xen_msr_entry_t *policy_msrs(void)
{
    return (xen_msr_entry_t *)((uint8_t *)buf + PAGE + LEAVES_MAX * sizeof(xen_cpuid_leaf_t));
}

static long system_policy(uint32_t index, uint32_t nr_leaves, uint32_t nr_msrs, int with_arrays,
                          uint32_t rsvd, struct xen_sysctl *op)
{
    memset(op, 0, sizeof(*op));
    op->cmd = XEN_SYSCTL_get_cpu_policy;
    op->u.cpu_policy.index = index;
    op->u.cpu_policy._rsvd = rsvd;
    op->u.cpu_policy.nr_leaves = nr_leaves;
    op->u.cpu_policy.nr_msrs = nr_msrs;
    if (with_arrays) {
        op->u.cpu_policy.leaves.p = policy_leaves();
        op->u.cpu_policy.msrs.p = policy_msrs();
    }
    return sysctl(op);
}

/* The leaves in the order libxc's deserialiser walks them: basic leaves
 * ascending (subleaves ascending), then the hypervisor range, then extended. */
static int leaves_in_order(const xen_cpuid_leaf_t *l, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        if (l[i].leaf < l[i - 1].leaf)
            return 0;
        if (l[i].leaf == l[i - 1].leaf && l[i].subleaf <= l[i - 1].subleaf)
            return 0;
    }
    return n > 0 && l[0].leaf == 0 && l[0].subleaf == NO_SUBLEAF;
}

static int has_leaf(const xen_cpuid_leaf_t *l, uint32_t n, uint32_t leaf)
{
    for (uint32_t i = 0; i < n; i++)
        if (l[i].leaf == leaf)
            return 1;
    return 0;
}

static void system_policy_questions(void)
{
    struct xen_sysctl op;
    xen_cpuid_leaf_t *l = policy_leaves();
    long rc;

    rc = system_policy(XEN_SYSCTL_cpu_policy_raw, 0, 0, 0, 0, &op);
    printf("policy_size %ld\n", rc);
    printf("policy_size_leaves %u\n", op.u.cpu_policy.nr_leaves);
    printf("policy_size_msrs %u\n", op.u.cpu_policy.nr_msrs);
    printf("policy_rsvd %ld\n", system_policy(XEN_SYSCTL_cpu_policy_pv_default, 0, 0, 0, 1, &op));
    printf("policy_bad_index %ld\n", system_policy(6, 0, 0, 0, 0, &op));
    printf("policy_short_array %ld\n",
           system_policy(XEN_SYSCTL_cpu_policy_pv_default, 2, 2, 1, 0, &op));
    printf("policy_short_array_count %u\n", op.u.cpu_policy.nr_leaves);
    rc = system_policy(XEN_SYSCTL_cpu_policy_pv_default, LEAVES_MAX, 2, 1, 0, &op);
    printf("policy_pv_default %ld\n", rc);
    printf("policy_pv_default_msrs %u\n", op.u.cpu_policy.nr_msrs);
    printf("policy_pv_default_ordered %d\n", rc == 0 && leaves_in_order(l, op.u.cpu_policy.nr_leaves));
    printf("policy_pv_default_hv_and_extd %d\n",
           has_leaf(l, op.u.cpu_policy.nr_leaves, 0x40000000) &&
           has_leaf(l, op.u.cpu_policy.nr_leaves, 0x80000000));
    /* The vendor string is the CPU's on both: leaf 0 ebx, edx, ecx. */
    printf("policy_pv_default_vendor %.4s%.4s%.4s\n", (char *)&l[0].b, (char *)&l[0].d,
           (char *)&l[0].c);
    rc = system_policy(XEN_SYSCTL_cpu_policy_pv_max, LEAVES_MAX, 2, 1, 0, &op);
    printf("policy_pv_max %ld\n", rc);

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_get_cpu_featureset;
    printf("featureset_size %ld\n", sysctl(&op));
    printf("featureset_size_words %u\n", op.u.cpu_featureset.nr_features);
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_get_cpu_featureset;
    op.u.cpu_featureset.index = 9;
    op.u.cpu_featureset.nr_features = 4;
    op.u.cpu_featureset.features.p = (uint32_t *)policy_leaves();
    printf("featureset_bad_index %ld\n", sysctl(&op));
    op.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_pv;
    op.u.cpu_featureset.nr_features = 2;
    printf("featureset_short %ld\n", sysctl(&op));
    printf("featureset_short_words %u\n", op.u.cpu_featureset.nr_features);
}

static long domain_policy(uint32_t cmd, uint16_t domid, uint32_t nr_leaves, uint32_t nr_msrs,
                          int with_arrays, struct xen_domctl *op)
{
    memset(op, 0, sizeof(*op));
    op->cmd = cmd;
    op->domain = domid;
    op->u.cpu_policy.nr_leaves = nr_leaves;
    op->u.cpu_policy.nr_msrs = nr_msrs;
    if (with_arrays) {
        op->u.cpu_policy.leaves.p = policy_leaves();
        op->u.cpu_policy.msrs.p = policy_msrs();
    }
    return domctl(op);
}

static xen_cpuid_leaf_t *find_leaf(uint32_t n, uint32_t leaf, uint32_t subleaf)
{
    for (uint32_t i = 0; i < n; i++)
        if (policy_leaves()[i].leaf == leaf && policy_leaves()[i].subleaf == subleaf)
            return &policy_leaves()[i];
    return NULL;
}

/* Fetches the domain's policy into the arrays; its leaf count, or 0. */
static uint32_t fetch_domain_policy(uint16_t domid)
{
    struct xen_domctl op;

    if (domain_policy(XEN_DOMCTL_get_cpu_policy, domid, LEAVES_MAX, 2, 1, &op))
        return 0;
    return op.u.cpu_policy.nr_leaves;
}

/* One changed leaf sent back alone, as libxc's xend policy does. */
static long set_one_leaf(uint16_t domid, xen_cpuid_leaf_t leaf, struct xen_domctl *op)
{
    policy_leaves()[0] = leaf;
    return domain_policy(XEN_DOMCTL_set_cpu_policy, domid, 1, 0, 1, op);
}

static void domain_policy_questions(uint16_t domid)
{
    struct xen_domctl op;
    xen_cpuid_leaf_t *leaf1, saved;
    uint32_t n;
    long rc;

    printf("dompolicy_size %ld\n", domain_policy(XEN_DOMCTL_get_cpu_policy, domid, 0, 0, 0, &op));
    printf("dompolicy_size_leaves %u\n", op.u.cpu_policy.nr_leaves);
    printf("dompolicy_no_domain %ld\n",
           domain_policy(XEN_DOMCTL_get_cpu_policy, 31000, LEAVES_MAX, 2, 1, &op));
    printf("dompolicy_short %ld\n", domain_policy(XEN_DOMCTL_get_cpu_policy, domid, 3, 2, 1, &op));
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_get_cpu_policy;
    op.domain = domid;
    op.u.cpu_policy.nr_leaves = LEAVES_MAX;
    op.u.cpu_policy.leaves.p = (void *)(uintptr_t)0x1000;   /* never mapped */
    printf("dompolicy_bad_pointer %ld\n", domctl(&op));

    n = fetch_domain_policy(domid);
    printf("dompolicy_get %d\n", n > 0);
    /* The whole policy back unchanged, as xc_cpuid_apply_policy() sends it. */
    rc = domain_policy(XEN_DOMCTL_set_cpu_policy, domid, n, 0, 1, &op);
    printf("dompolicy_set_same %ld\n", rc);
    printf("dompolicy_set_too_many %ld\n",
           domain_policy(XEN_DOMCTL_set_cpu_policy, domid, LEAVES_MAX + 1, 0, 1, &op));
    rc = set_one_leaf(domid, (xen_cpuid_leaf_t){ 0x14, NO_SUBLEAF, 0, 0, 0, 0 }, &op);
    printf("dompolicy_set_unknown_leaf %ld\n", rc);
    printf("dompolicy_set_unknown_leaf_err %#x\n", op.u.cpu_policy.err_leaf);
    rc = set_one_leaf(domid, (xen_cpuid_leaf_t){ 0, NO_SUBLEAF, 0xff, 0, 0, 0 }, &op);
    printf("dompolicy_set_max_leaf_beyond %ld\n", rc);
    printf("dompolicy_set_max_leaf_beyond_err %#x/%#x\n", op.u.cpu_policy.err_leaf,
           op.u.cpu_policy.err_subleaf);
    policy_msrs()[0] = (xen_msr_entry_t){ 0xce, 1, 0 };
    printf("dompolicy_set_msr_flags %ld\n",
           domain_policy(XEN_DOMCTL_set_cpu_policy, domid, 0, 1, 1, &op));
    printf("dompolicy_set_msr_flags_err %#x\n", op.u.cpu_policy.err_msr);
    policy_msrs()[0] = (xen_msr_entry_t){ 0x10, 0, 0 };
    printf("dompolicy_set_msr_unknown %ld\n",
           domain_policy(XEN_DOMCTL_set_cpu_policy, domid, 0, 1, 1, &op));

    /* A feature taken away is gone; one the host cannot give is dropped. */
    n = fetch_domain_policy(domid);
    leaf1 = find_leaf(n, 1, NO_SUBLEAF);
    if (!leaf1)
        return;
    saved = *leaf1;
    printf("dompolicy_leaf1_sse3_before %u\n", saved.c & 1);
    saved.c &= ~1u;             /* SSE3 */
    saved.c |= 1u << 5;         /* VMX: never offered to a PV guest */
    printf("dompolicy_set_leaf1 %ld\n", set_one_leaf(domid, saved, &op));
    n = fetch_domain_policy(domid);
    leaf1 = find_leaf(n, 1, NO_SUBLEAF);
    printf("dompolicy_leaf1_sse3_after %u\n", leaf1 ? leaf1->c & 1 : 9);
    printf("dompolicy_leaf1_vmx_after %u\n", leaf1 ? (leaf1->c >> 5) & 1 : 9);
}

static void running_domain_policy_questions(uint16_t domid)
{
    struct xen_domctl op;
    uint32_t n = fetch_domain_policy(domid);

    printf("dompolicy_set_after_unpause %ld\n",
           domain_policy(XEN_DOMCTL_set_cpu_policy, domid, n, 0, 1, &op));
    printf("dompolicy_set_self %ld\n",
           domain_policy(XEN_DOMCTL_set_cpu_policy, 0, n, 0, 1, &op));
}


/* ---- XEN_DOMCTL_getvcpucontext ---- */

static long get_context(uint16_t domid, uint32_t vcpu, void *where)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_getvcpucontext;
    op.domain = domid;
    op.u.vcpucontext.vcpu = vcpu;
    op.u.vcpucontext.ctxt.p = where;
    return domctl(&op);
}

static void vcpu_context_questions(uint16_t domid)
{
    /* The context (5 KiB) fits in the locked pages after the domctl itself. */
    struct vcpu_guest_context *c = (struct vcpu_guest_context *)((uint8_t *)buf + 512);

    /* Never given a context: there is none to read (checked before the pointer). */
    printf("getvcpucontext_never_initialised %ld\n", get_context(domid, 0, c));
    printf("getvcpucontext_vcpu_out_of_range %ld\n", get_context(domid, 2, c));
    printf("getvcpucontext_uninitialised_bad_pointer %ld\n",
           get_context(domid, 0, (void *)(uintptr_t)0x1000));
    printf("getvcpucontext_self %ld\n", get_context(0, 0, c));
}

/* ---- XENMEM_acquire_resource: what libxc's grant-table seeding uses ---- */

struct privcmd_mmap_resource {
    uint16_t dom;
    uint32_t type;
    uint32_t id;
    uint32_t idx;
    uint64_t num;
    uint64_t addr;
};
#define IOCTL_PRIVCMD_MMAP_RESOURCE \
    _IOC(_IOC_NONE, 'P', 7, sizeof(struct privcmd_mmap_resource))

struct privcmd_mmapbatch_v2 {
    unsigned int num;
    uint16_t dom;
    uint64_t addr;
    const uint64_t *arr;
    int *err;
};
#define IOCTL_PRIVCMD_MMAPBATCH_V2 _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

static long acquire(uint16_t domid, uint16_t type, uint32_t id, uint64_t frame,
                    uint32_t nr_frames, int with_list, uint32_t *nr_out, uint64_t *mfn0)
{
    struct xen_mem_acquire_resource *r = buf;
    uint64_t *list = (uint64_t *)((uint8_t *)buf + PAGE);
    long rc;

    memset(r, 0, sizeof(*r));
    r->domid = domid;
    r->type = type;
    r->id = id;
    r->frame = frame;
    r->nr_frames = nr_frames;
    list[0] = 0;
    if (with_list)
        r->frame_list.p = list;
    rc = hypercall(__HYPERVISOR_memory_op, XENMEM_acquire_resource, (uintptr_t)r);
    if (nr_out)
        *nr_out = r->nr_frames;
    if (mfn0)
        *mfn0 = list[0];
    return rc;
}

static uint64_t setup_table_frame0(uint16_t domid)
{
    struct gnttab_setup_table *op = buf;
    uint64_t *list = (uint64_t *)((uint8_t *)buf + PAGE);

    memset(op, 0, sizeof(*op));
    op->dom = domid;
    op->nr_frames = 1;
    op->frame_list.p = list;
    list[0] = 0;
    if (hypercall3(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, (uintptr_t)op, 1) ||
        op->status)
        return 0;
    return list[0];
}

/* privcmd's IOCTL_PRIVCMD_MMAP_RESOURCE, as libxenforeignmemory maps it. */
static void *map_grant_frame0(uint16_t domid, long *rc)
{
    struct privcmd_mmap_resource res = { .dom = domid, .type = XENMEM_resource_grant_table,
                                         .id = XENMEM_resource_grant_table_id_shared,
                                         .idx = 0, .num = 1 };
    void *addr = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);

    if (addr == MAP_FAILED) {
        *rc = -errno;
        return NULL;
    }
    res.addr = (uintptr_t)addr;
    *rc = ioctl(privcmd, IOCTL_PRIVCMD_MMAP_RESOURCE, &res) < 0 ? -errno : 0;
    if (*rc) {
        munmap(addr, PAGE);
        return NULL;
    }
    return addr;
}

static void acquire_resource_questions(uint16_t domid)
{
    const uint16_t grant = XENMEM_resource_grant_table;
    uint64_t mfn = 0, frame0 = setup_table_frame0(domid);
    uint32_t nr = 0;
    long rc;
    void *map;

    rc = acquire(domid, grant, XENMEM_resource_grant_table_id_shared, 0, 0, 0, &nr, NULL);
    printf("resource_size %ld\nresource_size_frames %u\n", rc, nr);
    rc = acquire(domid, grant, XENMEM_resource_grant_table_id_status, 0, 0, 0, &nr, NULL);
    printf("resource_size_status %ld\nresource_size_status_frames %u\n", rc, nr);
    printf("resource_size_bad_id %ld\n", acquire(domid, grant, 2, 0, 0, 0, NULL, NULL));
    printf("resource_size_with_count %ld\n",
           acquire(domid, grant, XENMEM_resource_grant_table_id_shared, 0, 1, 0, NULL, NULL));
    rc = acquire(domid, 9, 0, 0, 0, 0, &nr, NULL);
    printf("resource_unknown_type %ld\nresource_unknown_type_frames %#x\n", rc, nr);
    printf("resource_unknown_type_map %ld\n", acquire(domid, 9, 0, 0, 1, 1, NULL, NULL));
    rc = acquire(domid, XENMEM_resource_ioreq_server, 0, 0, 0, 0, &nr, NULL);
    printf("resource_ioreq %ld\nresource_ioreq_frames %#x\n", rc, nr);
    printf("resource_ioreq_map %ld\n",
           acquire(domid, XENMEM_resource_ioreq_server, 0, 0, 1, 1, NULL, NULL));
    printf("resource_vmtrace %ld\n", acquire(domid, XENMEM_resource_vmtrace_buf, 0, 0, 0, 0,
                                             NULL, NULL));
    printf("resource_no_domain %ld\n", acquire(31000, grant, 0, 0, 0, 0, NULL, NULL));
    printf("resource_self_id %ld\n", acquire(0, grant, 0, 0, 0, 0, NULL, NULL));
    printf("resource_domid_self %ld\n", acquire(DOMID_SELF, grant, 0, 0, 0, 0, NULL, NULL));
    memset(buf, 0, sizeof(struct xen_mem_acquire_resource));
    ((struct xen_mem_acquire_resource *)buf)->domid = domid;
    ((struct xen_mem_acquire_resource *)buf)->type = grant;
    ((struct xen_mem_acquire_resource *)buf)->pad = 1;
    printf("resource_pad %ld\n",
           hypercall(__HYPERVISOR_memory_op, XENMEM_acquire_resource, (uintptr_t)buf));
    rc = acquire(domid, grant, XENMEM_resource_grant_table_id_shared, 0, 1, 1, NULL, &mfn);
    printf("resource_frame0 %ld\nresource_frame0_is_setup_table_frame %d\n", rc,
           mfn != 0 && mfn == frame0);
    rc = acquire(domid, grant, XENMEM_resource_grant_table_id_shared, 3, 1, 1, NULL, &mfn);
    printf("resource_frame3_grows %ld\nresource_frame3_nonzero %d\n", rc, mfn != 0);
    printf("resource_beyond_max %ld\n",
           acquire(domid, grant, XENMEM_resource_grant_table_id_shared, 64, 1, 1, NULL, NULL));
    printf("resource_straddles_max %ld\n",
           acquire(domid, grant, XENMEM_resource_grant_table_id_shared, 63, 2, 1, NULL, NULL));
    printf("resource_list_no_frames %ld\n",
           acquire(domid, grant, XENMEM_resource_grant_table_id_shared, 0, 0, 1, NULL, NULL));
    printf("resource_status_v1 %ld\n",
           acquire(domid, grant, XENMEM_resource_grant_table_id_status, 0, 1, 1, NULL, NULL));
    map = map_grant_frame0(domid, &rc);
    printf("resource_privcmd_map %ld\n", rc);
    if (map) {
        /* What is written through one mapping of the frame shows in the other. */
        long rc2;
        volatile uint32_t *via_resource = map;
        struct privcmd_mmapbatch_v2 batch;
        int err = 0;
        uint64_t frame = frame0;
        void *other = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, privcmd, 0);

        batch = (struct privcmd_mmapbatch_v2){ 1, domid, (uintptr_t)other, &frame, &err };
        rc2 = other == MAP_FAILED ? -1 :
              ioctl(privcmd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch);
        via_resource[100] = 0x5eedf00d;
        printf("resource_privcmd_map_shared %d\n",
               rc2 == 0 && err == 0 && ((volatile uint32_t *)other)[100] == 0x5eedf00d);
        via_resource[100] = 0;
        munmap(map, PAGE);
        if (other != MAP_FAILED)
            munmap(other, PAGE);
    }
}

static void one_domain(uint16_t domid)
{
    struct xen_domctl op;
    uint8_t map;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.domain = domid;
    printf("info %ld\n", domctl(&op));
    printf("info_domain_matches %d\n", op.u.getdomaininfo.domain == domid);
    printf("info_handle_matches %d\n", !memcmp(op.u.getdomaininfo.handle, handle, 16));
    printf("info_paused %d\n", !!(op.u.getdomaininfo.flags & XEN_DOMINF_paused));
    printf("info_max_vcpu_id %u\n", op.u.getdomaininfo.max_vcpu_id);

    op = create_request();
    op.domain = domid;
    refused("create_taken_domid", op);

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_max_vcpus;
    op.domain = domid;
    op.u.max_vcpus.max = 3;
    printf("max_vcpus_other_count %ld\n", domctl(&op));
    op.u.max_vcpus.max = 2;
    printf("max_vcpus_same_count %ld\n", domctl(&op));

    map = 0;
    printf("affinity_no_cpu %ld\n", affinity(XEN_DOMCTL_setvcpuaffinity, domid, 1, &map));
    map = 0x1;
    printf("affinity_cpu0 %ld\n", affinity(XEN_DOMCTL_setvcpuaffinity, domid, 1, &map));
    printf("affinity_cpu0_back %#x\n", map);
    map = 0;
    printf("affinity_get %ld\n", affinity(XEN_DOMCTL_getvcpuaffinity, domid, 1, &map));
    printf("affinity_get_map %#x\n", map);
    map = 0x1;
    printf("affinity_vcpu_out_of_range %ld\n",
           affinity(XEN_DOMCTL_setvcpuaffinity, domid, 2, &map));

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_settimeoffset;
    op.domain = domid;
    op.u.settimeoffset.time_offset_seconds = 3600;
    printf("settimeoffset %ld\n", domctl(&op));

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_setvcpucontext;
    op.domain = domid;
    op.u.vcpucontext.vcpu = 2;
    printf("setvcpucontext_vcpu_out_of_range %ld\n", domctl(&op));

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_hypercall_init;
    op.domain = domid;
    op.u.hypercall_init.gmfn = 0;   /* never this domain's frame */
    printf("hypercall_init_foreign_frame %ld\n", domctl(&op));

    domain_policy_questions(domid);
    vcpu_context_questions(domid);
    acquire_resource_questions(domid);

    printf("unpause_paused %ld\n", simple(XEN_DOMCTL_unpausedomain, domid));
    running_domain_policy_questions(domid);
    printf("pause %ld\n", simple(XEN_DOMCTL_pausedomain, domid));
    printf("destroy %ld\n", simple(XEN_DOMCTL_destroydomain, domid));
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.domain = domid;
    domctl(&op);
    printf("gone %d\n", op.u.getdomaininfo.domain != domid);
    printf("destroy_again %ld\n", simple(XEN_DOMCTL_destroydomain, domid));
}

static void host_questions(void)
{
    struct xen_sysctl op;
    uint8_t *bits = (uint8_t *)buf + PAGE;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_cpupool_op;
    op.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
    op.u.cpupool_op.cpupool_id = 0;
    op.u.cpupool_op.cpumap.bitmap.p = bits;
    op.u.cpupool_op.cpumap.nr_bits = 8;
    bits[0] = 0;
    printf("cpupool0 %ld\n", sysctl(&op));
    printf("cpupool0_sched %u\n", op.u.cpupool_op.sched_id);
    printf("cpupool0_n_dom %u\n", op.u.cpupool_op.n_dom);
    printf("cpupool0_cpumap %#x\n", bits[0]);
    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_cpupool_op;
    op.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
    op.u.cpupool_op.cpupool_id = 1;
    op.u.cpupool_op.cpumap.bitmap.p = bits;
    op.u.cpupool_op.cpumap.nr_bits = 8;
    printf("cpupool1 %ld\n", sysctl(&op));

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_getcpuinfo;
    op.u.getcpuinfo.max_cpus = 8;
    op.u.getcpuinfo.info.p = (void *)bits;
    printf("getcpuinfo %ld\n", sysctl(&op));
    printf("getcpuinfo_nr_cpus %u\n", op.u.getcpuinfo.nr_cpus);
    printf("getcpuinfo_idle0_positive %d\n", ((struct xen_sysctl_cpuinfo *)bits)[0].idletime > 0);

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_cputopoinfo;
    printf("cputopoinfo_count %ld\n", sysctl(&op));
    printf("cputopoinfo_num_cpus %u\n", op.u.cputopoinfo.num_cpus);

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_numainfo;
    printf("numainfo_count %ld\n", sysctl(&op));
    printf("numainfo_num_nodes %u\n", op.u.numainfo.num_nodes);
}

int main(void)
{
    struct xen_domctl op;
    uint64_t before, after;
    long rc;
    uint16_t first;

    privcmd = open("/dev/xen/privcmd", O_RDWR | O_CLOEXEC);
    buf = locked_page();
    if (privcmd < 0 || !buf) {
        perror("privcmd");
        return 1;
    }
    before = free_pages();
    host_questions();
    system_policy_questions();
    refused_requests();
    op = create_request();
    rc = domctl(&op);
    printf("create %ld\n", rc);
    if (rc)
        return 1;
    first = op.domain;
    printf("create_domid_nonzero %d\n", first != 0);
    printf("create_flags_oos_off %d\n", !!(op.u.createdomain.flags & XEN_DOMCTL_CDF_oos_off));
    one_domain(first);
    op = create_request();
    rc = domctl(&op);
    printf("create_next %ld\n", rc);
    printf("create_next_new_domid %d\n", rc == 0 && op.domain != first);
    if (rc == 0)
        simple(XEN_DOMCTL_destroydomain, op.domain);
    after = free_pages();
    printf("free_pages_lost %lld\n", (long long)before - (long long)after);
    printf("DOMCTL-PROBE: DONE\n");
    return 0;
}
