#include "blk_pgrant.h"

#include <errno.h>
#include <string.h>

static unsigned int bucket_of(uint32_t gref)
{
    /* Frontends hand out references densely from a few low numbers. */
    return (gref * 2654435761u) % BLK_PGRANT_BUCKETS;
}

void blk_pgrant_init(struct blk_pgrant_cache *c, unsigned int capacity,
                     const struct blk_pgrant_ops *ops, void *ctx)
{
    memset(c, 0, sizeof(*c));
    c->ops = ops;
    c->ctx = ctx;
    c->capacity = capacity > BLK_PGRANT_MAX ? BLK_PGRANT_MAX : capacity;
    for (unsigned int i = 0; i < BLK_PGRANT_BUCKETS; i++)
        c->bucket[i] = -1;
}

static int find(const struct blk_pgrant_cache *c, uint32_t gref)
{
    for (int i = c->bucket[bucket_of(gref)]; i >= 0; i = c->entry[i].next)
        if (c->entry[i].gref == gref)
            return i;
    return -1;
}

static void unlink_entry(struct blk_pgrant_cache *c, int victim)
{
    int *link = &c->bucket[bucket_of(c->entry[victim].gref)];

    while (*link != victim)
        link = &c->entry[*link].next;
    *link = c->entry[victim].next;
}

static void drop(struct blk_pgrant_cache *c, int i)
{
    struct blk_pgrant_entry *e = &c->entry[i];

    unlink_entry(c, i);
    c->ops->unmap(c->ctx, e->addr, e->handle);
    memset(e, 0, sizeof(*e));
    c->mapped--;
}

/* A free entry, making one from the least recently used unpinned entry if needed. */
static int free_entry(struct blk_pgrant_cache *c)
{
    int oldest = -1;

    for (unsigned int i = 0; i < c->capacity; i++) {
        const struct blk_pgrant_entry *e = &c->entry[i];

        if (!e->addr)
            return (int)i;
        if (!e->pins && (oldest < 0 || e->last_use < c->entry[oldest].last_use))
            oldest = (int)i;
    }
    if (oldest < 0)
        return -ENOSPC;
    drop(c, oldest);
    c->stats.evictions++;
    return oldest;
}

int blk_pgrant_get(struct blk_pgrant_cache *c, uint32_t gref, void **addr)
{
    int i = find(c, gref);
    struct blk_pgrant_entry *e;
    int rc;

    if (i >= 0) {
        c->stats.hits++;
    } else {
        if ((i = free_entry(c)) < 0) {
            c->stats.refused++;
            return i;
        }
        e = &c->entry[i];
        if ((rc = c->ops->map(c->ctx, gref, &e->addr, &e->handle)) < 0) {
            e->addr = NULL;
            c->stats.refused++;
            return rc;
        }
        e->gref = gref;
        e->next = c->bucket[bucket_of(gref)];
        c->bucket[bucket_of(gref)] = i;
        c->mapped++;
        c->stats.maps++;
    }
    e = &c->entry[i];
    e->pins++;
    e->last_use = ++c->clock;
    *addr = e->addr;
    return i;
}

void blk_pgrant_put(struct blk_pgrant_cache *c, int entry)
{
    if (entry >= 0 && (unsigned int)entry < c->capacity && c->entry[entry].pins)
        c->entry[entry].pins--;
}

void blk_pgrant_clear(struct blk_pgrant_cache *c)
{
    for (unsigned int i = 0; i < c->capacity; i++)
        if (c->entry[i].addr)
            drop(c, (int)i);
}
