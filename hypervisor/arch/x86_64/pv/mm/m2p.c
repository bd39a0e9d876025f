/*
 * The machine-to-phys table (one 64-bit pfn per machine frame) and the
 * hypervisor's slots of every guest L4.
 *
 * Ring 0 reads and writes the table through the direct map. Guests see it
 * read-only at RO_MPT_VIRT_START (L4 slot 256, what XENMEM_machphys_mapping
 * reports): every level of that mapping is user-accessible so a guest
 * kernel in ring 3 can read it, and none is writable, so MMU_MACHPHYS_UPDATE
 * is the only way to change an entry. The other hypervisor slots (257-271)
 * are copied from the hypervisor's own L4 and are supervisor-only.
 */
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/paging.h>
#include <lintel/printk.h>
#include <lintel/pv_mm.h>
#include <lintel/x86.h>

#include "pv_mm_internal.h"

#define ENTRIES_PER_TABLE 512
#define M2P_INVALID       (~0ULL)

static uint64_t *m2p;               /* direct-map view, ring 0 only */
static uint64_t m2p_entries;
static uint64_t m2p_frames;         /* the whole allocation, in frames */
static uint64_t m2p_guest_l3;       /* physical address of slot 256's L3 */
static uint64_t *hypervisor_l4;
static paddr_t hypervisor_l4_phys;

static unsigned order_for_pages(uint64_t pages)
{
    unsigned order = 0;

    while ((1ULL << order) < pages)
        order++;
    return order;
}

static uint64_t *zeroed_table(void)
{
    uint64_t *t = alloc_xen_pages(0);

    if (!t)
        panic("pv-mm: no memory for the guest M2P mapping\n");
    memset(t, 0, PAGE_SIZE);
    return t;
}

/* Read-only, user-accessible leaves for the table's frames; 4 KiB pages
 * keep this independent of superpage support. */
static void map_m2p_for_guests(paddr_t table_phys, uint64_t pages)
{
    uint64_t leaf_flags = PTE_PRESENT | PTE_USER | (paging_nx_enabled() ? PTE_NX : 0);
    uint64_t table_flags = PTE_PRESENT | PTE_USER;
    uint64_t *l3 = zeroed_table(), *l2 = NULL, *l1 = NULL;

    for (uint64_t i = 0; i < pages; i++) {
        unsigned i1 = i % ENTRIES_PER_TABLE;
        unsigned i2 = (i / ENTRIES_PER_TABLE) % ENTRIES_PER_TABLE;
        unsigned i3 = i / (ENTRIES_PER_TABLE * ENTRIES_PER_TABLE);

        if (i % (ENTRIES_PER_TABLE * ENTRIES_PER_TABLE) == 0) {
            l2 = zeroed_table();
            l3[i3] = virt_to_phys(l2) | table_flags;
        }
        if (i1 == 0) {
            l1 = zeroed_table();
            l2[i2] = virt_to_phys(l1) | table_flags;
        }
        l1[i1] = (table_phys + i * PAGE_SIZE) | leaf_flags;
    }
    m2p_guest_l3 = virt_to_phys(l3);
}

void pv_mm_init(void)
{
    uint64_t pages;
    unsigned order;

    if (m2p)
        return;
    hypervisor_l4_phys = read_cr3() & PTE_ADDR_MASK;
    hypervisor_l4 = phys_to_virt(hypervisor_l4_phys);
    m2p_entries = max_ram_frame();
    pages = ALIGN_UP(m2p_entries * sizeof(uint64_t), PAGE_SIZE) / PAGE_SIZE;
    order = order_for_pages(pages);
    m2p = alloc_xen_pages(order);
    m2p_frames = 1ULL << order;
    if (!m2p)
        panic("pv-mm: no memory for the M2P table (%lu frames)\n",
              (unsigned long)m2p_entries);
    /* Unknown frames read as invalid, never as some other frame's pfn. */
    memset(m2p, 0xff, PAGE_SIZE << order);
    map_m2p_for_guests(virt_to_phys(m2p), pages);
    printk("pv-mm: M2P for %lu frames (%lu KiB), read-only for guests at %#lx\n",
           (unsigned long)m2p_entries, (unsigned long)(pages * 4),
           (unsigned long)RO_MPT_VIRT_START);
}

void m2p_set(mfn_t mfn, uint64_t pfn)
{
    if (m2p && mfn < m2p_entries)
        m2p[mfn] = pfn;
}

uint64_t m2p_get(mfn_t mfn)
{
    return m2p && mfn < m2p_entries ? m2p[mfn] : M2P_INVALID;
}

mfn_t m2p_first_mfn(void)
{
    pv_mm_init();
    return virt_to_phys(m2p) >> PAGE_SHIFT;
}

bool m2p_is_m2p_frame(mfn_t mfn)
{
    mfn_t first;

    if (!m2p)
        return false;
    first = virt_to_phys(m2p) >> PAGE_SHIFT;
    return mfn >= first && mfn < first + m2p_frames;
}

uint64_t m2p_nr_entries(void)
{
    return m2p_entries;
}

paddr_t pv_hypervisor_root(void)
{
    return hypervisor_l4_phys;
}

void pv_install_hv_slots(uint64_t *l4)
{
    pv_mm_init();
    for (unsigned i = PT_HV_L4_FIRST; i <= PT_HV_L4_LAST; i++)
        l4[i] = hypervisor_l4[i];
    l4[PT_HV_L4_FIRST] = m2p_guest_l3 | PTE_PRESENT | PTE_USER;
}
