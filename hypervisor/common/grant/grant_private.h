/*
 * What the ring-0 grant files share. One lock (grant_lock) covers every
 * table: operations touch two domains' tables at once (granter's active
 * entries, mapper's maptrack), and one lock cannot be taken in the wrong
 * order. It is taken before PV-MM's lock, never after.
 */
#ifndef GRANT_PRIVATE_H
#define GRANT_PRIVATE_H

#include <lintel/domain.h>
#include <lintel/grant_table.h>
#include <lintel/spinlock.h>

struct grant_table {
    struct domain *d;           /* NULL once the domain is gone */
    domid_t domid;
    unsigned version;           /* 1 or 2 */
    unsigned max_version;       /* the highest set_version may switch to */
    unsigned nr_frames, max_frames;
    void **shared;              /* max_frames pages lent to the domain */
    unsigned nr_status_frames;
    void **status;              /* v2: max status frames */
    struct grant_active **active;   /* chunks of GRANT_ACTIVE_PER_CHUNK */
    unsigned max_maptrack_frames;
    struct maptrack maptrack;
    /* Pins on this table's entries held by mappers: a dead domain's table
     * stays until they are gone (the granter-dies-while-mapped case). */
    uint64_t outstanding;
};

#define GRANT_ACTIVE_PER_CHUNK 512u

extern spinlock_t grant_lock;

/* The domain's table, created on first use with the default limits
 * (NULL when out of memory). grant_lock held. */
struct grant_table *grant_table_of(struct domain *d);
unsigned grant_nr_entries(const struct grant_table *t);
/* Entry ref's shared words and active record; ref < grant_nr_entries. */
struct grant_entry_ref grant_entry_words(struct grant_table *t, uint32_t ref);
void *grant_shared_entry(struct grant_table *t, uint32_t ref);
struct grant_active *grant_active_entry(struct grant_table *t, uint32_t ref);
/* After the last pin of an entry went: clear the granter-visible bits
 * that no longer hold and free a dead domain's table once unused. */
void grant_active_settle(struct grant_table *t, uint32_t ref, bool was_writing);
/* The domain a GNTTABOP names: DOMID_SELF/own id, or any for dom0.
 * Sets *status (GNTST_bad_domain / GNTST_permission_denied) on NULL. */
struct domain *grant_target_domain(domid_t dom, int16_t *status);

/* Host mappings (grant_map.c) through PV-MM's page-table rules. */
int grant_host_map(struct domain *ld, uint64_t addr, uint32_t flags, domid_t granter,
                   uint64_t mfn);
int grant_host_unmap(struct domain *ld, uint64_t addr, uint32_t flags, uint64_t mfn,
                     uint64_t new_addr);

long grant_map_op(uint64_t uop, unsigned count);
long grant_unmap_op(uint64_t uop, unsigned count, bool and_replace);
long grant_copy_op(uint64_t uop, unsigned count);
/* The mapper's handles: dropped at its death (grant_map.c). */
void grant_release_mappings(struct grant_table *mapper);

#endif
