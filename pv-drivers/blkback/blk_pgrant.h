/*
 * Persistent grants (feature-persistent): a frontend that negotiated them
 * keeps reusing the same granted pages, so the backend maps each grant
 * once, keeps it mapped across requests, and copies data to and from the
 * mapping instead of asking the hypervisor for a grant copy per segment.
 *
 * A bounded cache keyed by grant reference. An entry in use by a running
 * request is pinned and never unmapped; when the cache is full the least
 * recently used unpinned entry makes room. Mapping and unmapping go through
 * ops, so the cache logic is unit-tested on the host with fake mappings.
 */
#ifndef LINTEL_BLK_PGRANT_H
#define LINTEL_BLK_PGRANT_H

#include <stdint.h>

/* Linux's blkfront uses at most 32 ring slots x (32 segments + 1 indirect page). */
#define BLK_PGRANT_MAX 1056u
#define BLK_PGRANT_BUCKETS 1024u

struct blk_pgrant_ops {
    /* Maps GREF writable: 0 with *ADDR and *HANDLE, or -errno. */
    int (*map)(void *ctx, uint32_t gref, void **addr, uint64_t *handle);
    void (*unmap)(void *ctx, void *addr, uint64_t handle);
};

struct blk_pgrant_entry {
    uint32_t gref;
    void *addr;              /* NULL: the entry is free */
    uint64_t handle;
    unsigned int pins;       /* running requests using it */
    uint64_t last_use;
    int next;                /* the next entry in its bucket, or -1 */
};

struct blk_pgrant_stats {
    uint64_t hits, maps, evictions, refused;
};

struct blk_pgrant_cache {
    const struct blk_pgrant_ops *ops;
    void *ctx;
    unsigned int capacity;   /* at most BLK_PGRANT_MAX */
    unsigned int mapped;
    uint64_t clock;
    int bucket[BLK_PGRANT_BUCKETS];
    struct blk_pgrant_entry entry[BLK_PGRANT_MAX];
    struct blk_pgrant_stats stats;
};

void blk_pgrant_init(struct blk_pgrant_cache *c, unsigned int capacity,
                     const struct blk_pgrant_ops *ops, void *ctx);
/*
 * Pins GREF's mapping (mapping it first if needed): its entry number, with
 * *ADDR the page. -ENOSPC when the cache is full of pinned entries, or the
 * map's -errno (a bad grant): nothing is pinned then.
 */
int blk_pgrant_get(struct blk_pgrant_cache *c, uint32_t gref, void **addr);
/* Unpins an entry blk_pgrant_get returned. */
void blk_pgrant_put(struct blk_pgrant_cache *c, int entry);
/* Unmaps everything (the frontend is gone); no entry may be pinned. */
void blk_pgrant_clear(struct blk_pgrant_cache *c);

#endif
