/*
 * The mapper's handle allocator: handles index chunks of entries that are
 * allocated only when the free list runs dry, so a domain that maps little
 * costs little, and the limit (maptrack frames) is a count of chunks.
 * Pure logic (host-tested in tests/test_grant.c).
 */
#include <lintel/grant_table.h>

/* next_free of a handed-out entry: tells it from the free list's tail. */
#define MAPTRACK_BUSY (MAPTRACK_NONE - 1)

void maptrack_init(struct maptrack *mt, struct maptrack_entry **chunk_table,
                   unsigned max_chunks, void *(*alloc_chunk)(size_t))
{
    mt->chunks = chunk_table;
    mt->nr_chunks = 0;
    mt->max_chunks = max_chunks;
    mt->free_head = MAPTRACK_NONE;
    mt->in_use = 0;
    mt->alloc_chunk = alloc_chunk;
}

struct maptrack_entry *maptrack_slot(const struct maptrack *mt, uint32_t handle)
{
    if (handle >= maptrack_size(mt))
        return NULL;
    return &mt->chunks[handle / MAPTRACK_PER_CHUNK][handle % MAPTRACK_PER_CHUNK];
}

static bool grow(struct maptrack *mt)
{
    struct maptrack_entry *chunk;
    uint32_t base = maptrack_size(mt);

    if (mt->nr_chunks >= mt->max_chunks)
        return false;
    chunk = mt->alloc_chunk(MAPTRACK_PER_CHUNK * sizeof(*chunk));
    if (!chunk)
        return false;
    /* Chained so the lowest new handle comes out first. */
    for (uint32_t i = 0; i < MAPTRACK_PER_CHUNK; i++) {
        chunk[i].flags = 0;
        chunk[i].next_free = i + 1 < MAPTRACK_PER_CHUNK ? base + i + 1 : mt->free_head;
    }
    mt->chunks[mt->nr_chunks++] = chunk;
    mt->free_head = base;
    return true;
}

uint32_t maptrack_get(struct maptrack *mt)
{
    struct maptrack_entry *e;
    uint32_t handle;

    if (mt->free_head == MAPTRACK_NONE && !grow(mt))
        return MAPTRACK_NONE;
    handle = mt->free_head;
    e = maptrack_slot(mt, handle);
    mt->free_head = e->next_free;
    e->next_free = MAPTRACK_BUSY;
    mt->in_use++;
    return handle;
}

void maptrack_put(struct maptrack *mt, uint32_t handle)
{
    struct maptrack_entry *e = maptrack_slot(mt, handle);

    if (!e || e->next_free != MAPTRACK_BUSY)
        return;     /* not handed out: a double put must not corrupt the list */
    e->flags = 0;
    e->next_free = mt->free_head;
    mt->free_head = handle;
    mt->in_use--;
}

struct maptrack_entry *maptrack_lookup(const struct maptrack *mt, uint32_t handle)
{
    struct maptrack_entry *e = maptrack_slot(mt, handle);

    return e && e->next_free == MAPTRACK_BUSY && e->flags ? e : NULL;
}
