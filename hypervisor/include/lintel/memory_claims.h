/*
 * XENMEM_claim_pages bookkeeping (Xen 4.17's rules), pure so the host
 * tests can check it. A claim sets free frames aside for one domain's
 * later allocations: a claim for `pages` in total reserves pages minus
 * what the domain has already. Frames allocated to the domain use its
 * claim up; other allocations may not take claimed frames. The caller
 * holds the lock that covers the allocator and the domains' counts.
 */
#ifndef LINTEL_MEMORY_CLAIMS_H
#define LINTEL_MEMORY_CLAIMS_H

#include <lintel/types.h>

struct claim_books {
    uint64_t outstanding;       /* every domain's claims, not yet allocated */
};

/* One domain's view: its frames, its limit, its outstanding claim. */
struct claim_holder {
    uint64_t tot_pages;
    uint64_t max_pages;
    uint64_t *outstanding;      /* the domain's own field */
};

/*
 * Stakes (pages > 0) or cancels (pages == 0, always 0) h's claim, with
 * free_frames free now. -EINVAL while h has a claim already or when pages
 * is not above tot_pages or above max_pages; -ENOMEM when the unclaimed
 * free frames are too few. Nothing changes on an error.
 */
int claim_stake(struct claim_books *b, const struct claim_holder *h, uint64_t free_frames,
                uint64_t pages);
/* Whether count frames may go to a domain whose outstanding claim is
 * holder_outstanding (0 for the hypervisor's own use). */
bool claim_allows(const struct claim_books *b, uint64_t holder_outstanding,
                  uint64_t free_frames, uint64_t count);
/* count frames went to the holder: its claim shrinks by as much (to 0). */
void claim_use(struct claim_books *b, uint64_t *holder_outstanding, uint64_t count);

#endif
