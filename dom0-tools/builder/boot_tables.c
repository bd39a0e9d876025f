#include "boot_tables.h"

#include <stdio.h>
#include <string.h>

#define ENTRIES 512

struct table_builder {
    const struct boot_layout *layout;
    const uint64_t *p2m;
    uint64_t *pt;
    uint64_t used;
};

static uint64_t table_mfn(const struct table_builder *b, uint64_t index)
{
    return b->p2m[b->layout->page_tables.pfn + index];
}

/* The table an entry points to, by its frame (tables are few: search). */
static int64_t table_index_of(const struct table_builder *b, uint64_t entry)
{
    uint64_t mfn = (entry & 0x000ffffffffff000ULL) >> 12;

    for (uint64_t i = 0; i < b->used; i++)
        if (table_mfn(b, i) == mfn)
            return (int64_t)i;
    return -1;
}

/* The table below PARENT's entry SLOT, made on first use. */
static int64_t child_table(struct table_builder *b, uint64_t parent, unsigned slot)
{
    uint64_t *entry = &b->pt[parent * ENTRIES + slot];

    if (*entry & BOOT_PTE_PRESENT)
        return table_index_of(b, *entry);
    if (b->used == b->layout->page_tables.pages)
        return -1;
    *entry = (table_mfn(b, b->used) << 12) | BOOT_PTE_FLAGS;
    return (int64_t)b->used++;
}

static bool is_page_table_pfn(const struct boot_layout *l, uint64_t pfn)
{
    return pfn >= l->page_tables.pfn && pfn < l->page_tables.pfn + l->page_tables.pages;
}

static int map_range(struct table_builder *b, uint64_t start, uint64_t end,
                     uint64_t first_pfn, char *why, size_t why_len)
{
    for (uint64_t v = start; v < end; v += BOOT_PAGE_SIZE) {
        uint64_t pfn = first_pfn + (v - start) / BOOT_PAGE_SIZE;
        int64_t l3 = child_table(b, 0, (v >> 39) & 511);
        int64_t l2 = l3 < 0 ? -1 : child_table(b, (uint64_t)l3, (v >> 30) & 511);
        int64_t l1 = l2 < 0 ? -1 : child_table(b, (uint64_t)l2, (v >> 21) & 511);
        uint64_t flags = BOOT_PTE_FLAGS;

        if (l1 < 0) {
            snprintf(why, why_len, "bootstrap page tables overflow the %llu planned",
                     (unsigned long long)b->layout->page_tables.pages);
            return -1;
        }
        if (is_page_table_pfn(b->layout, pfn))
            flags &= ~BOOT_PTE_RW;
        b->pt[(uint64_t)l1 * ENTRIES + ((v >> 12) & 511)] = (b->p2m[pfn] << 12) | flags;
    }
    return 0;
}

int boot_tables_build(const struct boot_layout *layout,
                      const struct boot_layout_request *req, const uint64_t *p2m,
                      uint64_t *pt, char *why, size_t why_len)
{
    struct table_builder b = { layout, p2m, pt, 1 };   /* table 0 is the L4 */

    if (map_range(&b, req->virt_base, layout->mapped_end, 0, why, why_len) < 0)
        return -1;
    if (req->p2m_at_init_p2m &&
        map_range(&b, req->init_p2m, req->init_p2m + layout->p2m.pages * BOOT_PAGE_SIZE,
                  layout->p2m.pfn, why, why_len) < 0)
        return -1;
    if (b.used != layout->page_tables.pages) {
        snprintf(why, why_len, "used %llu bootstrap page tables, planned %llu",
                 (unsigned long long)b.used,
                 (unsigned long long)layout->page_tables.pages);
        return -1;
    }
    return 0;
}

void boot_start_info_fill(start_info_t *si, const struct boot_layout *layout,
                          const struct boot_layout_request *req, const uint64_t *p2m,
                          const struct boot_start_facts *facts)
{
    memset(si, 0, sizeof(*si));
    snprintf(si->magic, sizeof(si->magic), "xen-3.0-x86_64");
    si->nr_pages = facts->nr_pages;
    si->shared_info = facts->shared_info_mfn << 12;
    si->store_mfn = p2m[layout->xenstore.pfn];
    si->store_evtchn = facts->store_evtchn;
    si->console.domU.mfn = p2m[layout->console.pfn];
    si->console.domU.evtchn = facts->console_evtchn;
    si->pt_base = layout->page_tables.vaddr;
    si->nr_pt_frames = layout->page_tables.pages;
    si->mfn_list = layout->p2m.vaddr;
    if (req->p2m_at_init_p2m) {
        si->first_p2m_pfn = layout->p2m.pfn;
        si->nr_p2m_frames = layout->p2m.pages;
    }
    if (facts->ramdisk_len) {
        si->mod_len = facts->ramdisk_len;
        if (req->ramdisk_unmapped) {
            si->flags |= SIF_MOD_START_PFN;
            si->mod_start = layout->ramdisk.pfn;
        } else {
            si->mod_start = layout->ramdisk.vaddr;
        }
    }
    if (facts->cmdline)
        snprintf((char *)si->cmd_line, sizeof(si->cmd_line), "%s", facts->cmdline);
}
