/*
 * Grant tables (issue 7): a domain writes entries into its shared table to
 * let one named other domain map or copy one of its frames; the hypervisor
 * tracks who holds what (active entries on the granter's side, maptrack
 * handles on the mapper's side) so a frame stays referenced while mapped
 * and the granter sees GTF_reading/GTF_writing until the last use ends.
 *
 * Two layers:
 *   common/grant/grant_entry.c, maptrack.c  pure: entry formats v1/v2, the
 *       status protocol with the guest, pin counts, the handle allocator,
 *       limits. Also compiled on the host (tests/test_grant.c).
 *   common/grant/grant_table.c, grant_map.c, grant_copy.c  ring 0: the
 *       per-domain tables, GNTTABOP_*, host mappings through PV-MM's rules.
 */
#ifndef LINTEL_GRANT_TABLE_H
#define LINTEL_GRANT_TABLE_H

#include <lintel/types.h>

/* Xen 4.17's defaults (gnttab_max_frames, gnttab_max_maptrack_frames). */
#define GRANT_DEFAULT_MAX_FRAMES          64
#define GRANT_DEFAULT_MAX_MAPTRACK_FRAMES 1024
#define GRANT_PAGE_SIZE                   4096u

/* Entries of one shared frame: v1 entries are 8 bytes, v2 entries 16;
 * v2 status words are 2 bytes each, in frames of their own. */
unsigned grant_entries_per_frame(unsigned version);
#define GRANT_STATUS_PER_FRAME (GRANT_PAGE_SIZE / 2)
unsigned grant_status_frames_for(unsigned version, unsigned nr_frames);

/*
 * The guest-shared words of one entry: `header` points at {flags, domid}
 * (both versions start with it), `status` at the word holding
 * GTF_reading/GTF_writing (v1: the flags themselves; v2: the status array).
 * The guest may change the header at any time, so every check and the
 * status update race against it through atomic operations only.
 */
struct grant_entry_ref {
    uint32_t *header;
    uint16_t *status;
    unsigned version;
};

/*
 * First use of an entry by `mapper` (or a first writable use): checks that
 * it is a permit_access grant to mapper, writable unless `readonly`, and
 * sets GTF_reading (and GTF_writing unless readonly). Returns GNTST_okay or
 * GNTST_general_error, as Xen does for every such refusal.
 */
int grant_entry_claim(const struct grant_entry_ref *e, uint16_t mapper, bool readonly);
/* Clears the in-use bits the last reader / last writer held. */
void grant_entry_release(const struct grant_entry_ref *e, bool clear_writing, bool clear_reading);
/* The frame a v1 or v2 full-page entry names (v2 sub-page and transitive
 * entries are refused by claim, so callers only see full pages). */
uint64_t grant_entry_frame(const void *entry, unsigned version);

/* Granter-side bookkeeping of one entry while it is in use. */
struct grant_active {
    uint32_t host_ro, host_rw;  /* host mappings (page-table entries) */
    uint32_t dev_ro, dev_rw;    /* device mappings (bus addresses handed out) */
    uint32_t copies;            /* copy operations in progress */
    uint16_t domid;             /* the mapper, fixed while pinned */
    uint64_t mfn;
};

static inline bool grant_active_pinned(const struct grant_active *a)
{
    return a->host_ro || a->host_rw || a->dev_ro || a->dev_rw || a->copies;
}

static inline bool grant_active_writing(const struct grant_active *a)
{
    return a->host_rw || a->dev_rw;
}

/* Xen keeps each pin count in a byte and refuses a mapping whose count
 * has reached 128 (other kinds of mapping of the same grant still work),
 * so no guest can make one wrap; so do we. */
#define GRANT_PIN_LIMIT 128
bool grant_active_full(const struct grant_active *a, uint32_t map_flags);
bool grant_active_copies_full(const struct grant_active *a);

/* GNTMAP_* bits of one mapping added to / removed from the pin counts. */
void grant_active_pin(struct grant_active *a, uint32_t map_flags);
void grant_active_unpin(struct grant_active *a, uint32_t map_flags);

/*
 * The mapper's handles (maptrack). Entries come in chunks of one Xen
 * maptrack frame's worth (256 handles: the limit counts those frames),
 * allocated on demand up to the domain's limit; a freed handle is reused
 * last-in first-out. When none is left a map gets GNTST_no_space.
 */
#define MAPTRACK_PER_CHUNK 256u
#define MAPTRACK_NONE      UINT32_MAX

struct maptrack_entry {
    uint32_t flags;         /* GNTMAP_* still held; 0 = free */
    uint32_t ref;
    uint16_t domid;         /* the granter */
    uint32_t next_free;
    void *granter;          /* the granter's table (outlives its domain) */
};

struct maptrack {
    struct maptrack_entry **chunks;     /* max_chunks pointers */
    unsigned nr_chunks, max_chunks;
    uint32_t free_head;
    uint32_t in_use;
    /* Zeroed storage for one chunk, or NULL when out of memory. */
    void *(*alloc_chunk)(size_t bytes);
};

/* chunk_table has room for max_chunks pointers; it is owned by the caller. */
void maptrack_init(struct maptrack *mt, struct maptrack_entry **chunk_table,
                   unsigned max_chunks, void *(*alloc_chunk)(size_t));
/* MAPTRACK_NONE when the limit is reached. */
uint32_t maptrack_get(struct maptrack *mt);
void maptrack_put(struct maptrack *mt, uint32_t handle);
/* NULL for a handle that was never handed out or is free. */
struct maptrack_entry *maptrack_lookup(const struct maptrack *mt, uint32_t handle);
/* Any handle (in use or not) below the current size, for teardown walks. */
struct maptrack_entry *maptrack_slot(const struct maptrack *mt, uint32_t handle);
static inline uint32_t maptrack_size(const struct maptrack *mt)
{
    return mt->nr_chunks * MAPTRACK_PER_CHUNK;
}

/* A copy side [offset, offset+len) must stay inside its page. */
bool grant_copy_range_ok(unsigned offset, unsigned len);

#ifndef LINTEL_HOST
struct domain;
/*
 * Per-domain limits, as XEN_DOMCTL_createdomain's max_grant_frames and
 * max_maptrack_frames set them; before the first grant operation only
 * (-EBUSY after). Domains that never call it get Xen's defaults.
 */
int grant_table_set_limits(struct domain *d, unsigned max_frames, unsigned max_maptrack_frames);
/* The highest version set_version may switch to (createdomain's grant_opts;
 * 2 for domains that never call it, Xen's default). */
int grant_table_set_max_version(struct domain *d, unsigned version);
/*
 * A dying domain, in two steps around the release of its memory.
 * grant_table_domain_destroy (before): its mappings of other domains'
 * grants are torn down (their granters see the in-use bits go) and its own
 * entries are no longer looked at. grant_table_domain_free (after: its page
 * tables no longer map its table's frames): those frames are freed. Frames
 * others still map through its grants stay referenced by those mappings,
 * and the bookkeeping of its pins stays until they are gone.
 */
void grant_table_domain_destroy(struct domain *d);
void grant_table_domain_free(struct domain *d);
/*
 * The grant table as XENMEM_acquire_resource's resource, Xen's way: id 0
 * the shared frames, id 1 the v2 status frames. max_frames: how many the
 * id can ever have (0 for an unknown id). frames: the machine frames of
 * [frame, frame + nr), growing the table to them; -EINVAL beyond the
 * limit, for status frames of a v1 table, or for an unknown id.
 */
long grant_resource_max_frames(struct domain *d, unsigned id);
int grant_resource_frames(struct domain *d, unsigned id, uint64_t frame, unsigned nr,
                          uint64_t *mfns);
#endif

#endif
