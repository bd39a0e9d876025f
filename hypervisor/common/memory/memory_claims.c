/*
 * XENMEM_claim_pages bookkeeping (see memory_claims.h). Claims are
 * arithmetic only: no frame is set aside, the allocator just refuses to
 * let anyone else dip below the claimed count.
 */
#include <lintel/errno.h>
#include <lintel/memory_claims.h>

static uint64_t unclaimed(const struct claim_books *b, uint64_t free_frames)
{
    return free_frames > b->outstanding ? free_frames - b->outstanding : 0;
}

int claim_stake(struct claim_books *b, const struct claim_holder *h, uint64_t free_frames,
                uint64_t pages)
{
    if (pages == 0) {
        b->outstanding -= *h->outstanding;
        *h->outstanding = 0;
        return 0;
    }
    /* One claim at a time; one that adds nothing or could never be met
     * within the domain's limit is a mistake. */
    if (*h->outstanding || pages <= h->tot_pages || pages > h->max_pages)
        return -EINVAL;
    if (pages - h->tot_pages > unclaimed(b, free_frames))
        return -ENOMEM;
    *h->outstanding = pages - h->tot_pages;
    b->outstanding += *h->outstanding;
    return 0;
}

bool claim_allows(const struct claim_books *b, uint64_t holder_outstanding,
                  uint64_t free_frames, uint64_t count)
{
    if (count > free_frames)
        return false;
    return count <= unclaimed(b, free_frames) || count <= holder_outstanding;
}

void claim_use(struct claim_books *b, uint64_t *holder_outstanding, uint64_t count)
{
    uint64_t used = *holder_outstanding < count ? *holder_outstanding : count;

    *holder_outstanding -= used;
    b->outstanding -= used;
}
