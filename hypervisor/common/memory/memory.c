/*
 * memory_op for PV guests: the reservation calls that move frames between
 * a domain and the hypervisor (within max_pages), the queries Linux makes
 * at boot, and dom0's view of the machine memory map.
 *
 * The reservation calls are batched: after MEMOP_BATCH frames the call
 * continues with the progress encoded in the command (bits 6 and up), as
 * Xen does, so a large balloon request never holds the CPU for long.
 */
#include <lintel/control.h>
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/pv_mm.h>
#include <lintel/setup.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>

#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1UL << MEMOP_EXTENT_SHIFT) - 1)
#define MEMOP_BATCH        256
#define E820_ENTRY_SIZE    20

static uint64_t handle_addr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}

static bool extent_read(const struct xen_memory_reservation *r, uint64_t i, uint64_t *v)
{
    return copy_from_guest(v, handle_addr(r->extent_start.p) + i * sizeof(*v),
                           sizeof(*v)) == 0;
}

static bool extent_write(const struct xen_memory_reservation *r, uint64_t i, uint64_t v)
{
    return copy_to_guest(handle_addr(r->extent_start.p) + i * sizeof(v), &v,
                         sizeof(v)) == 0;
}

/*
 * One extent of 2^order frames: a single frame, or a machine-contiguous run
 * aligned to its size (the buddy allocator's blocks are), charged whole
 * against max_pages and below 2^address_bits when the flags ask for it.
 */
static mfn_t alloc_extent(struct domain *d, const struct xen_memory_reservation *r)
{
    unsigned bits = XENMEMF_get_address_bits(r->mem_flags);

    if (r->extent_order == 0 && bits == 0)
        return domain_alloc_page(d);
    return domain_alloc_contiguous(d, r->extent_order, bits, true);
}

static void free_extent(struct domain *d, mfn_t mfn, unsigned order)
{
    for (uint64_t j = 0; j < (1ULL << order); j++)
        domain_give_back_page(d, mfn + j);
}

/* One extent; false stops the batch (the count returned says how far). */
static bool increase_one(struct domain *d, const struct xen_memory_reservation *r,
                         uint64_t i)
{
    mfn_t mfn = alloc_extent(d, r);

    if (mfn == INVALID_MFN)
        return false;
    if (r->extent_start.p && !extent_write(r, i, mfn)) {
        free_extent(d, mfn, r->extent_order);
        return false;
    }
    return true;
}

static bool populate_one(struct domain *d, const struct xen_memory_reservation *r,
                         uint64_t i)
{
    uint64_t gpfn;
    mfn_t mfn;

    if (!extent_read(r, i, &gpfn))
        return false;
    mfn = alloc_extent(d, r);
    if (mfn == INVALID_MFN)
        return false;
    /* Not translated: the guest learns the frames and keeps its own p2m. */
    if (!extent_write(r, i, mfn)) {
        free_extent(d, mfn, r->extent_order);
        return false;
    }
    for (uint64_t j = 0; j < (1ULL << r->extent_order); j++)
        m2p_set(mfn + j, gpfn + j);
    return true;
}

static bool decrease_one(struct domain *d, const struct xen_memory_reservation *r,
                         uint64_t i)
{
    uint64_t mfn;

    if (!extent_read(r, i, &mfn))
        return false;
    for (uint64_t j = 0; j < (1ULL << r->extent_order); j++)
        if (domain_give_back_page(d, mfn + j))
            return false;
    return true;
}

static long reservation_op(unsigned cmd, uint64_t start, uint64_t arg)
{
    struct xen_memory_reservation r;
    struct domain *d;
    int err;

    /* These calls answer with a count of extents done: every refusal,
     * even an unreadable argument or an unknown domain, is "none". */
    if (copy_from_guest(&r, arg, sizeof(r)))
        return (long)start;
    if (start >= r.nr_extents || r.nr_extents > (UINT64_MAX >> MEMOP_EXTENT_SHIFT))
        return (long)start;
    d = pv_mm_target_domain(r.domid, &err);
    if (!d)
        return (long)start;
    /* The caller's limit, whichever domain the frames are for (Xen's rule). */
    if (r.extent_order > (current_domain()->is_privileged ? PV_MAX_EXTENT_ORDER
                                                          : PV_DOMU_MAX_EXTENT_ORDER))
        return (long)start;
    for (uint64_t i = start; i < r.nr_extents; i++) {
        bool ok;

        /* Bounded in frames, not extents: an order-12 extent is 4096. */
        if (i > start && ((i - start) << r.extent_order) >= MEMOP_BATCH)
            return hypercall_continue(hypercall_regs(),
                                      cmd | (i << MEMOP_EXTENT_SHIFT), arg, 0, 0, 0);
        if (cmd == XENMEM_increase_reservation)
            ok = increase_one(d, &r, i);
        else if (cmd == XENMEM_populate_physmap)
            ok = populate_one(d, &r, i);
        else
            ok = decrease_one(d, &r, i);
        if (!ok)
            return (long)i;
    }
    return (long)r.nr_extents;
}

/*
 * XENMEM_exchange works in units of max(in order, out order) pages: each
 * unit checks that its input frames are referenced by nothing but their
 * allocation, gets its output extents, and only then gives the input
 * back, so a unit either happens whole or not at all. Linux uses it to get
 * machine-contiguous memory below 4 GiB for DMA (swiotlb) and back.
 */
#define EXCHANGE_MAX_UNIT_EXTENTS 64     /* orders at most 6 apart (Linux: 0 and 6) */
#define EXCHANGE_UNITS_PER_PASS   64

struct exchange_unit {
    unsigned in_count, out_count;   /* extents per unit */
    unsigned in_order, out_order, address_bits;
};

static bool unit_input_unused(struct domain *d, const struct exchange_unit *u,
                              const mfn_t *in)
{
    for (unsigned i = 0; i < u->in_count; i++)
        for (uint64_t j = 0; j < (1ULL << u->in_order); j++)
            if (!domain_page_is_unused(d, in[i] + j))
                return false;
    return true;
}

static void give_back_extent(struct domain *d, mfn_t mfn, unsigned order)
{
    for (uint64_t j = 0; j < (1ULL << order); j++)
        domain_give_back_page(d, mfn + j);
}

static int exchange_unit(struct domain *d, const struct xen_memory_exchange *x,
                         const struct exchange_unit *u, uint64_t in_index,
                         uint64_t out_index)
{
    mfn_t in[EXCHANGE_MAX_UNIT_EXTENTS], out[EXCHANGE_MAX_UNIT_EXTENTS];
    uint64_t gpfn;
    unsigned i;

    for (i = 0; i < u->in_count; i++)
        if (!extent_read(&x->in, in_index + i, &in[i]))
            return -XEN_EFAULT;
    if (!unit_input_unused(d, u, in))
        return -XEN_EINVAL;
    for (i = 0; i < u->out_count; i++) {
        out[i] = domain_alloc_contiguous(d, u->out_order, u->address_bits, false);
        if (out[i] == INVALID_MFN) {
            while (i--)
                give_back_extent(d, out[i], u->out_order);
            return -XEN_ENOMEM;
        }
    }
    for (i = 0; i < u->in_count; i++)
        give_back_extent(d, in[i], u->in_order);
    for (i = 0; i < u->out_count; i++) {
        if (!extent_read(&x->out, out_index + i, &gpfn) ||
            !extent_write(&x->out, out_index + i, out[i]))
            return -XEN_EFAULT;
        for (uint64_t j = 0; j < (1ULL << u->out_order); j++)
            m2p_set(out[i] + j, gpfn + j);
    }
    return 0;
}

static long exchange(uint64_t arg)
{
    struct xen_memory_exchange x;
    struct exchange_unit u;
    unsigned unit_order;
    struct domain *d;
    long rc = 0;
    int err;

    if (copy_from_guest(&x, arg, sizeof(x)))
        return -XEN_EFAULT;
    if (x.in.extent_order > PT_MAX_CONTIGUOUS_ORDER ||
        x.out.extent_order > PT_MAX_CONTIGUOUS_ORDER ||
        (1u << (MAX(x.in.extent_order, x.out.extent_order) -
                MIN(x.in.extent_order, x.out.extent_order))) > EXCHANGE_MAX_UNIT_EXTENTS)
        return -XEN_EPERM;
    if ((x.in.nr_extents << x.in.extent_order) != (x.out.nr_extents << x.out.extent_order) ||
        x.in.nr_extents > (1ULL << 32) || x.nr_exchanged > x.in.nr_extents ||
        x.in.domid != x.out.domid)
        return -XEN_EINVAL;
    d = pv_mm_target_domain(x.in.domid, &err);
    if (!d)
        return err;
    unit_order = MAX(x.in.extent_order, x.out.extent_order);
    u = (struct exchange_unit){
        .in_count = 1u << (unit_order - x.in.extent_order),
        .out_count = 1u << (unit_order - x.out.extent_order),
        .in_order = x.in.extent_order, .out_order = x.out.extent_order,
        .address_bits = XENMEMF_get_address_bits(x.out.mem_flags),
    };
    if (x.nr_exchanged % u.in_count)
        return -XEN_EINVAL;
    for (unsigned units = 0; x.nr_exchanged < x.in.nr_extents; units++) {
        uint64_t out_index = (x.nr_exchanged << x.in.extent_order) >> x.out.extent_order;

        if (units == EXCHANGE_UNITS_PER_PASS) {
            /* The progress lives in the guest's nr_exchanged: re-execute. */
            if (copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                              &x.nr_exchanged, sizeof(x.nr_exchanged)))
                return -XEN_EFAULT;
            return hypercall_continue(hypercall_regs(), XENMEM_exchange, arg, 0, 0, 0);
        }
        rc = exchange_unit(d, &x, &u, x.nr_exchanged, out_index);
        if (rc)
            break;
        x.nr_exchanged += u.in_count;
    }
    if (copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                      &x.nr_exchanged, sizeof(x.nr_exchanged)))
        return -XEN_EFAULT;
    return rc;
}

/*
 * The domain a query or the memory map names: any existing domain by id
 * (-ESRCH otherwise), then the caller's right to it (itself, or any for a
 * privileged caller: -EPERM), in that order as on Xen.
 */
static struct domain *memop_domain(domid_t domid, int *err)
{
    struct domain *cur = current_domain();
    struct domain *d = domid == DOMID_SELF ? cur : domain_lookup(domid);

    *err = 0;
    if (!d)
        *err = -XEN_ESRCH;
    else if (d != cur && !cur->is_privileged)
        *err = -XEN_EPERM;
    return *err ? NULL : d;
}

/* PV guests record their pfn count in shared_info; Xen answers it minus one. */
static long maximum_gpfn(const struct domain *d)
{
    const struct shared_info *si = d->shared_info;
    uint64_t max_pfn = si ? si->arch.max_pfn : 0;

    return (long)(max_pfn ? max_pfn : 1) - 1;
}

static long reservation_query(unsigned cmd, uint64_t arg)
{
    domid_t domid;
    struct domain *d;
    int err;

    if (copy_from_guest(&domid, arg, sizeof(domid)))
        return -XEN_EFAULT;
    d = memop_domain(domid, &err);
    if (!d)
        return err;
    if (cmd == XENMEM_maximum_gpfn)
        return maximum_gpfn(d);
    return (long)(cmd == XENMEM_current_reservation ? d->tot_pages : d->max_pages);
}

static long memory_map(uint64_t arg)
{
    struct xen_memory_map map;
    unsigned nr;
    int rc;

    if (copy_from_guest(&map, arg, sizeof(map)))
        return -XEN_EFAULT;
    nr = map.nr_entries;
    rc = domain_memory_map_get(current_domain(), handle_addr(map.buffer.p), &nr);
    if (rc)
        return rc;
    map.nr_entries = nr;
    return copy_to_guest(arg, &map, sizeof(map)) ? -XEN_EFAULT : 0;
}

/* The toolstack gives a guest it builds its map (libxl: one RAM entry up
 * to max_mem plus slack). Xen's order of checks. */
static long set_memory_map(uint64_t arg)
{
    struct xen_foreign_memory_map fmap;
    struct domain *d;
    void *entries;
    size_t len;
    long rc;
    int err;

    if (copy_from_guest(&fmap, arg, sizeof(fmap)))
        return -XEN_EFAULT;
    if (fmap.map.nr_entries > PV_E820_MAX_ENTRIES)
        return -XEN_EINVAL;
    d = memop_domain(fmap.domid, &err);
    if (!d)
        return err;
    len = (size_t)fmap.map.nr_entries * PV_E820_ENTRY_SIZE;
    entries = xmalloc(len ? len : 1);
    if (!entries)
        return -XEN_ENOMEM;
    rc = copy_from_guest(entries, handle_addr(fmap.map.buffer.p), len) ? -XEN_EFAULT
         : domain_memory_map_set(d, entries, fmap.map.nr_entries);
    xfree(entries);
    return rc;
}

/*
 * The machine frames of the M2P, one per 2 MiB of it (what the tools map
 * to read the table): they are contiguous, so chunk i starts 512 frames
 * after chunk i-1.
 */
#define M2P_ENTRIES_PER_CHUNK (2UL * 1024 * 1024 / sizeof(uint64_t))

static long machphys_mfn_list(uint64_t arg)
{
    struct xen_machphys_mfn_list list;
    uint64_t chunks = (m2p_nr_entries() + M2P_ENTRIES_PER_CHUNK - 1) / M2P_ENTRIES_PER_CHUNK;
    unsigned i;

    if (copy_from_guest(&list, arg, sizeof(list)))
        return -XEN_EFAULT;
    for (i = 0; i < list.max_extents && i < chunks; i++) {
        xen_pfn_t mfn = m2p_first_mfn() + (uint64_t)i * (M2P_ENTRIES_PER_CHUNK * sizeof(uint64_t) / PAGE_SIZE);

        if (copy_to_guest(handle_addr(list.extent_start.p) + i * sizeof(mfn), &mfn, sizeof(mfn)))
            return -XEN_EFAULT;
    }
    list.nr_extents = i;
    return copy_to_guest(arg, &list, sizeof(list)) ? -XEN_EFAULT : 0;
}

static long machphys_mapping(uint64_t arg)
{
    uint64_t entries = m2p_nr_entries();
    struct xen_machphys_mapping m = {
        .v_start = RO_MPT_VIRT_START,
        .v_end = RO_MPT_VIRT_START + ALIGN_UP(entries * sizeof(uint64_t), PAGE_SIZE),
        .max_mfn = entries - 1,
    };

    return copy_to_guest(arg, &m, sizeof(m)) ? -XEN_EFAULT : 0;
}

/* The firmware map in E820 form (packed 20-byte entries), dom0 only. */
static long machine_memory_map(uint64_t arg)
{
    struct xen_memory_map map;
    uint64_t buf;
    unsigned n;

    if (!current_domain()->is_privileged)
        return -XEN_EPERM;
    if (copy_from_guest(&map, arg, sizeof(map)))
        return -XEN_EFAULT;
    buf = handle_addr(map.buffer.p);
    n = MIN(map.nr_entries, boot_info.memmap_count);
    for (unsigned i = 0; i < n; i++) {
        const struct boot_memmap_entry *e = &boot_info.memmap[i];
        uint8_t raw[E820_ENTRY_SIZE];

        memcpy(raw, &e->addr, 8);
        memcpy(raw + 8, &e->len, 8);
        memcpy(raw + 16, &e->type, 4);
        if (copy_to_guest(buf + i * E820_ENTRY_SIZE, raw, sizeof(raw)))
            return -XEN_EFAULT;
    }
    map.nr_entries = n;
    if (copy_to_guest(arg, &map.nr_entries, sizeof(map.nr_entries)))
        return -XEN_EFAULT;
    return n < boot_info.memmap_count ? -XEN_ENOBUFS : 0;
}

/*
 * XENMEM_claim_pages, for the toolstack: the checks in Xen 4.17's order
 * (a start extent, the argument, its unused fields, then the domain, by
 * id only: DOMID_SELF or an unknown id is -EINVAL; then privilege).
 */
static long claim_pages(uint64_t start, uint64_t arg)
{
    struct xen_memory_reservation r;
    struct domain *d;

    if (start)
        return -XEN_EINVAL;
    if (copy_from_guest(&r, arg, sizeof(r)))
        return -XEN_EFAULT;
    if (handle_addr(r.extent_start.p) || r.extent_order || r.mem_flags)
        return -XEN_EINVAL;
    d = r.domid == DOMID_SELF ? NULL : domain_lookup(r.domid);
    if (!d)
        return -XEN_EINVAL;
    if (!current_domain()->is_privileged)
        return -XEN_EPERM;
    return domain_claim_pages(d, r.nr_extents);
}

HYPERCALL_HANDLER(do_memory_op)
{
    unsigned cmd = a1 & MEMOP_CMD_MASK;
    uint64_t start = a1 >> MEMOP_EXTENT_SHIFT;

    (void)a3;
    (void)a4;
    (void)a5;
    switch (cmd) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(cmd, start, a2);
    case XENMEM_maximum_ram_page:
        return (long)max_ram_frame();
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
        return reservation_query(cmd, a2);
    case XENMEM_machphys_mfn_list:
        return machphys_mfn_list(a2);
    case XENMEM_machphys_mapping:
        return machphys_mapping(a2);
    case XENMEM_machine_memory_map:
        return machine_memory_map(a2);
    case XENMEM_exchange:
        return exchange(a2);
    case XENMEM_memory_map:
        return memory_map(a2);
    case XENMEM_set_memory_map:
        return set_memory_map(a2);
    case XENMEM_claim_pages:
        return claim_pages(start, a2);
    case XENMEM_acquire_resource:
        return memory_acquire_resource(a1, start, a2);
    default:
        return -XEN_ENOSYS;
    }
}
