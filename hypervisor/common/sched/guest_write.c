/*
 * Guest writes through a vCPU's own page tables (see guest_write.h). Only
 * frames the domain owns are written, and only through mappings the guest
 * made writable, so a stale or hostile address loses the update instead of
 * corrupting anything else.
 */
#include "guest_write.h"

#include <lintel/guest_access.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/paging.h>

#define LEVEL_SHIFT(level) (PAGE_SHIFT + 9 * ((level) - 1))

static bool frame_owned_by(uint64_t mfn, const struct domain *d)
{
    const struct page_info *pg = mfn_to_page(mfn);

    return pg && pg->state == FRAME_IN_USE && pg->owner == d->id;
}

/* Machine address for va, or 0 when it is not a writable guest mapping. */
static paddr_t translate(struct vcpu *v, uint64_t va)
{
    uint64_t table = v->pv.kernel_root;

    for (int level = 4; level >= 1; level--) {
        const uint64_t *entries;
        uint64_t pte;

        if (!table || !frame_owned_by(table, v->domain))
            return 0;
        entries = phys_to_virt(table << PAGE_SHIFT);
        pte = entries[(va >> LEVEL_SHIFT(level)) & 511];
        if ((pte & (PTE_PRESENT | PTE_WRITE)) != (PTE_PRESENT | PTE_WRITE))
            return 0;
        if (level == 1 || (level <= 3 && (pte & PTE_LARGE))) {
            uint64_t offset = va & ((1ULL << LEVEL_SHIFT(level)) - 1);
            paddr_t pa = (pte & PTE_ADDR_MASK & ~((1ULL << LEVEL_SHIFT(level)) - 1)) + offset;

            return frame_owned_by(pa >> PAGE_SHIFT, v->domain) ? pa : 0;
        }
        table = (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    return 0;
}

bool guest_write_through_root(struct vcpu *v, uint64_t va, const void *src, size_t len)
{
    const uint8_t *from = src;

    if (!guest_range_ok(va, len))
        return false;
    while (len) {
        size_t chunk = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        paddr_t pa = translate(v, va);

        if (!pa)
            return false;
        memcpy(phys_to_virt(pa), from, chunk);
        va += chunk;
        from += chunk;
        len -= chunk;
    }
    return true;
}
