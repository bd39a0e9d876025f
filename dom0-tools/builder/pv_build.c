/*
 * The PV domain builder's steps, in the order the hypervisor needs them:
 * create the domain, back its memory, load the kernel and initrd, write
 * the p2m list, start_info and bootstrap page tables, seed the reserved
 * grant entries, pin the top-level table, then hand vCPU 0 its registers.
 * The guest stays paused.
 */
#include "pv_build.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot_tables.h"
#include "guest_seed.h"
#include "kernel_image.h"
#include "vcpu_placement.h"

/* An initrd is read whole into memory; beyond this it is a mistake. */
#define RAMDISK_MAX (1ULL << 30)

struct build {
    struct xenctl *ctl;
    const struct domain_config *cfg;
    struct kernel_image img;
    uint8_t *ramdisk;
    size_t ramdisk_len;
    struct boot_layout_request req;
    struct boot_layout layout;
    uint64_t *p2m;
    uint32_t domid;
    bool created;
    char *why;
    size_t why_len;
};

static int failf(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int failf(struct build *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(b->why, b->why_len, fmt, ap);
    va_end(ap);
    return -1;
}

static int fail_rc(struct build *b, const char *what, int rc)
{
    return failf(b, "%s failed: %s", what, strerror(-rc));
}

static int read_ramdisk(struct build *b)
{
    FILE *f;

    if (!b->cfg->ramdisk)
        return 0;
    f = fopen(b->cfg->ramdisk, "rb");
    if (!f)
        return failf(b, "ramdisk %s: %s", b->cfg->ramdisk, strerror(errno));
    fseek(f, 0, SEEK_END);
    b->ramdisk_len = (size_t)ftell(f);
    rewind(f);
    if (b->ramdisk_len > RAMDISK_MAX) {
        fclose(f);
        return failf(b, "ramdisk %s is larger than 1 GiB", b->cfg->ramdisk);
    }
    b->ramdisk = malloc(b->ramdisk_len ? b->ramdisk_len : 1);
    if (!b->ramdisk || fread(b->ramdisk, 1, b->ramdisk_len, f) != b->ramdisk_len) {
        fclose(f);
        return failf(b, "ramdisk %s: cannot read it whole", b->cfg->ramdisk);
    }
    fclose(f);
    return 0;
}

static int plan(struct build *b)
{
    char why[256];

    if (kernel_image_load(b->cfg->kernel, &b->img, why, sizeof(why)) < 0)
        return failf(b, "kernel %s: %s", b->cfg->kernel, why);
    if (read_ramdisk(b) < 0)
        return -1;
    b->req = (struct boot_layout_request){
        .virt_base = b->img.xen.virt_base,
        .kernel_vstart = b->img.virt_start,
        .kernel_vend = b->img.virt_end,
        .nr_pages = b->cfg->memory_mib * 256,
        .ramdisk_size = b->ramdisk_len,
        .ramdisk_unmapped = b->img.xen.mod_start_pfn,
        .p2m_at_init_p2m = b->img.xen.has_init_p2m,
        .init_p2m = b->img.xen.init_p2m,
    };
    if (boot_layout_compute(&b->req, &b->layout, why, sizeof(why)) < 0)
        return failf(b, "%s", why);
    return 0;
}

/* Without a map the guest would size itself from its reservation alone,
 * with no room above it for balloon growth up to maxmem. */
static int set_memory_map(struct build *b)
{
    struct guest_e820_entry map[1];
    unsigned nr = guest_seed_memory_map(b->cfg->maxmem_mib * 1024, map);
    int rc = xenctl_set_memory_map(b->ctl, b->domid, map, nr, sizeof(map[0]));

    return rc < 0 ? fail_rc(b, "XENMEM_set_memory_map", rc) : 0;
}

static int create(struct build *b)
{
    int rc = xenctl_domain_create(b->ctl, b->cfg->uuid, b->cfg->maxvcpus, &b->domid);

    if (rc < 0)
        return fail_rc(b, "XEN_DOMCTL_createdomain", rc);
    b->created = true;
    /* createdomain fixes the limit; this allocates the vCPUs themselves. */
    if ((rc = xenctl_domain_max_vcpus(b->ctl, b->domid, b->cfg->maxvcpus)) < 0)
        return fail_rc(b, "XEN_DOMCTL_max_vcpus", rc);
    if ((rc = xenctl_domain_max_mem(b->ctl, b->domid, b->cfg->maxmem_mib * 1024)) < 0)
        return fail_rc(b, "XEN_DOMCTL_max_mem", rc);
    if ((rc = xenctl_domain_set_address_size(b->ctl, b->domid, 64)) < 0)
        return fail_rc(b, "XEN_DOMCTL_set_address_size", rc);
    return set_memory_map(b);
}

static int populate(struct build *b)
{
    uint64_t n = b->req.nr_pages;
    int rc;

    b->p2m = malloc(n * sizeof(*b->p2m));
    if (!b->p2m)
        return failf(b, "out of memory for a %llu-entry p2m", (unsigned long long)n);
    for (uint64_t pfn = 0; pfn < n; pfn++)
        b->p2m[pfn] = pfn;
    rc = xenctl_populate_physmap(b->ctl, b->domid, (xen_pfn_t *)b->p2m, n);
    return rc < 0 ? fail_rc(b, "XENMEM_populate_physmap", rc) : 0;
}

static uint8_t *page_at(uint8_t *base, uint64_t first_pfn, uint64_t pfn)
{
    return base + (pfn - first_pfn) * BOOT_PAGE_SIZE;
}

static void load_kernel(struct build *b, uint8_t *base, uint64_t first_pfn)
{
    for (size_t i = 0; i < b->img.n_segments; i++) {
        const struct kernel_segment *s = &b->img.segments[i];
        uint64_t pfn = (s->load_vaddr - b->req.virt_base) / BOOT_PAGE_SIZE;
        uint8_t *dest = page_at(base, first_pfn, pfn) + s->load_vaddr % BOOT_PAGE_SIZE;

        memcpy(dest, b->img.elf + s->file_offset, s->file_size);
        memset(dest + s->file_size, 0, s->mem_size - s->file_size);
    }
}

/* Everything written into the guest goes through one foreign mapping. */
static int write_boot_data(struct build *b, const struct boot_start_facts *facts)
{
    const struct boot_layout *l = &b->layout;
    uint64_t first = l->kernel.pfn, count = l->pages_used - first;
    char why[256];
    uint8_t *base;
    int rc;

    base = xenctl_map_foreign(b->ctl, b->domid, (xen_pfn_t *)b->p2m + first, count, &rc);
    if (!base)
        return fail_rc(b, "mapping the new domain's memory", rc);
    memset(base, 0, count * BOOT_PAGE_SIZE);
    load_kernel(b, base, first);
    if (b->ramdisk_len)
        memcpy(page_at(base, first, l->ramdisk.pfn), b->ramdisk, b->ramdisk_len);
    memcpy(page_at(base, first, l->p2m.pfn), b->p2m, b->req.nr_pages * sizeof(*b->p2m));
    boot_start_info_fill((start_info_t *)page_at(base, first, l->start_info.pfn), l,
                         &b->req, b->p2m, facts);
    rc = boot_tables_build(l, &b->req, b->p2m,
                           (uint64_t *)page_at(base, first, l->page_tables.pfn), why,
                           sizeof(why));
    xenctl_unmap_foreign(base, count);
    return rc < 0 ? failf(b, "%s", why) : 0;
}

/* The toolstack clears shared_info and masks events until the guest is ready. */
static int reset_shared_info(struct build *b, uint64_t mfn)
{
    xen_pfn_t frame = mfn;
    shared_info_t *si;
    int rc;

    si = xenctl_map_foreign(b->ctl, b->domid, &frame, 1, &rc);
    if (!si)
        return fail_rc(b, "mapping shared_info", rc);
    memset(si, 0, BOOT_PAGE_SIZE);
    for (int v = 0; v < XEN_LEGACY_MAX_VCPUS; v++)
        si->vcpu_info[v].evtchn_upcall_mask = 1;
    xenctl_unmap_foreign(si, 1);
    return 0;
}

/* The guest's first grant-table frame, mapped the way libxc does: as the
 * grant-table resource, or where the hypervisor does not offer it, by
 * GNTTABOP_setup_table and a foreign mapping of the frame it names. */
static grant_entry_v1_t *map_grant_frame0(struct build *b, int *rc)
{
    grant_entry_v1_t *table;
    xen_pfn_t frame;

    table = xenctl_map_resource(b->ctl, b->domid, XENMEM_resource_grant_table,
                                XENMEM_resource_grant_table_id_shared, 0, 1, rc);
    if (table || *rc != -EOPNOTSUPP)
        return table;
    if ((*rc = xenctl_grant_frame0(b->ctl, b->domid, &frame)) < 0)
        return NULL;
    return xenctl_map_foreign(b->ctl, b->domid, &frame, 1, rc);
}

/* dom0's console and store daemons may map the rings by grant, as with libxl. */
static int seed_grants(struct build *b)
{
    grant_entry_v1_t *table;
    int rc;

    table = map_grant_frame0(b, &rc);
    if (!table)
        return fail_rc(b, "mapping the grant table", rc);
    guest_seed_reserved_grants(table, b->p2m[b->layout.console.pfn],
                               b->p2m[b->layout.xenstore.pfn], 0);
    xenctl_unmap_foreign(table, 1);
    return 0;
}

static int start_vcpu0(struct build *b)
{
    const struct boot_layout *l = &b->layout;
    uint64_t stack_top = l->boot_stack.vaddr + BOOT_PAGE_SIZE;
    vcpu_guest_context_t ctxt;
    int rc;

    memset(&ctxt, 0, sizeof(ctxt));
    ctxt.flags = VGCF_in_kernel | VGCF_online;
    ctxt.user_regs.rip = b->img.xen.has_entry ? b->img.xen.entry : b->img.entry_elf;
    ctxt.user_regs.rsp = stack_top;
    ctxt.user_regs.rsi = l->start_info.vaddr;
    ctxt.user_regs.cs = FLAT_KERNEL_CS;
    ctxt.user_regs.ss = FLAT_KERNEL_SS;
    ctxt.user_regs.ds = ctxt.user_regs.es = FLAT_KERNEL_DS;
    ctxt.user_regs.fs = ctxt.user_regs.gs = FLAT_KERNEL_DS;
    ctxt.user_regs.rflags = 1 << 9;     /* interrupts (events) enabled */
    ctxt.kernel_ss = FLAT_KERNEL_SS;
    ctxt.kernel_sp = stack_top;
    ctxt.ctrlreg[3] = b->p2m[l->page_tables.pfn] << 12;
    rc = xenctl_vcpu_set_context(b->ctl, b->domid, 0, &ctxt);
    return rc < 0 ? fail_rc(b, "XEN_DOMCTL_setvcpucontext", rc) : 0;
}

static int build(struct build *b, struct pv_built_domain *out)
{
    struct xen_domctl_getdomaininfo info;
    struct boot_start_facts facts = { 0 };
    int rc;

    if (plan(b) < 0 || create(b) < 0 || populate(b) < 0)
        return -1;
    if (vcpu_placement_apply(b->ctl, b->domid, b->cfg, b->why, b->why_len) < 0)
        return -1;
    if ((rc = xenctl_domain_getinfo(b->ctl, b->domid, &info)) < 0)
        return fail_rc(b, "XEN_DOMCTL_getdomaininfo", rc);
    if ((rc = xenctl_evtchn_alloc_unbound(b->ctl, b->domid, 0, &facts.store_evtchn)) < 0 ||
        (rc = xenctl_evtchn_alloc_unbound(b->ctl, b->domid, 0, &facts.console_evtchn)) < 0)
        return fail_rc(b, "EVTCHNOP_alloc_unbound", rc);
    facts.nr_pages = b->req.nr_pages;
    facts.shared_info_mfn = info.shared_info_frame;
    facts.ramdisk_len = b->ramdisk_len;
    facts.cmdline = b->cfg->cmdline;
    if (write_boot_data(b, &facts) < 0 || reset_shared_info(b, info.shared_info_frame) < 0 ||
        seed_grants(b) < 0)
        return -1;
    if (b->img.xen.has_hypercall_page) {
        uint64_t pfn = (b->img.xen.hypercall_page - b->req.virt_base) / BOOT_PAGE_SIZE;

        if ((rc = xenctl_hypercall_init(b->ctl, b->domid, b->p2m[pfn])) < 0)
            return fail_rc(b, "XEN_DOMCTL_hypercall_init", rc);
    }
    if ((rc = xenctl_pin_l4(b->ctl, b->domid, b->p2m[b->layout.page_tables.pfn])) < 0)
        return fail_rc(b, "MMUEXT_PIN_L4_TABLE", rc);
    if (start_vcpu0(b) < 0)
        return -1;
    *out = (struct pv_built_domain){
        .domid = b->domid,
        .store_mfn = b->p2m[b->layout.xenstore.pfn],
        .store_evtchn = facts.store_evtchn,
        .console_mfn = b->p2m[b->layout.console.pfn],
        .console_evtchn = facts.console_evtchn,
        .nr_pages = b->req.nr_pages,
    };
    return 0;
}

int pv_build_domain(struct xenctl *ctl, const struct domain_config *cfg,
                    struct pv_built_domain *out, char *why, size_t why_len)
{
    struct build b = { .ctl = ctl, .cfg = cfg, .why = why, .why_len = why_len };
    int rc = build(&b, out);

    /* Nothing half-built survives a failure. */
    if (rc < 0 && b.created)
        xenctl_domain_destroy(ctl, b.domid);
    kernel_image_free(&b.img);
    free(b.ramdisk);
    free(b.p2m);
    return rc;
}
