/*
 * The grant-entry protocol shared with guests, and the pin counts behind
 * it. Pure logic (host-tested in tests/test_grant.c).
 *
 * The granter owns its entries and may rewrite them at any moment, even
 * while we look at them; Xen's contract is that a grant is taken by
 * atomically setting GTF_reading/GTF_writing on a header that still says
 * what we checked, so a granter that revokes (clears flags with its own
 * compare-exchange) either wins before we pin or sees the in-use bits.
 */
#include <lintel/grant_table.h>
#include <public/grant_table.h>

/* Header word layout: flags in the low half, domid in the high half
 * (little-endian {uint16_t flags; domid_t domid}). */
#define HDR_FLAGS(h) ((uint16_t)((h) & 0xffff))
#define HDR_DOMID(h) ((uint16_t)((h) >> 16))

unsigned grant_entries_per_frame(unsigned version)
{
    return version == 2 ? GRANT_PAGE_SIZE / sizeof(grant_entry_v2_t)
                        : GRANT_PAGE_SIZE / sizeof(grant_entry_v1_t);
}

unsigned grant_status_frames_for(unsigned version, unsigned nr_frames)
{
    unsigned entries = nr_frames * grant_entries_per_frame(version);

    if (version != 2)
        return 0;
    return (entries + GRANT_STATUS_PER_FRAME - 1) / GRANT_STATUS_PER_FRAME;
}

static bool header_allows(uint32_t hdr, uint16_t mapper, bool readonly, unsigned version)
{
    uint16_t flags = HDR_FLAGS(hdr);

    if ((flags & GTF_type_mask) != GTF_permit_access || HDR_DOMID(hdr) != mapper)
        return false;
    /* Sub-page grants may be copied but never mapped; copy does not use
     * claim for them, so refusing here keeps maps honest. */
    if (version == 2 && (flags & GTF_sub_page))
        return false;
    return readonly || !(flags & GTF_readonly);
}

static int claim_v1(const struct grant_entry_ref *e, uint16_t mapper, bool readonly)
{
    uint32_t old = __atomic_load_n(e->header, __ATOMIC_ACQUIRE);

    for (;;) {
        uint32_t want = GTF_reading | (readonly ? 0 : GTF_writing);

        if (!header_allows(old, mapper, readonly, 1))
            return GNTST_general_error;
        if (__atomic_compare_exchange_n(e->header, &old, old | want, false,
                                        __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
            return GNTST_okay;
    }
}

/*
 * v2 keeps the in-use bits apart from the header, so there is no single
 * word to compare-exchange: set the status, then make sure the header did
 * not change under us; if it did, undo and refuse (the granter won).
 */
static int claim_v2(const struct grant_entry_ref *e, uint16_t mapper, bool readonly)
{
    uint32_t hdr = __atomic_load_n(e->header, __ATOMIC_ACQUIRE);
    uint16_t want = GTF_reading | (readonly ? 0 : GTF_writing);
    uint16_t before;

    if (!header_allows(hdr, mapper, readonly, 2))
        return GNTST_general_error;
    before = __atomic_fetch_or(e->status, want, __ATOMIC_ACQ_REL);
    if (__atomic_load_n(e->header, __ATOMIC_ACQUIRE) != hdr) {
        __atomic_fetch_and(e->status, (uint16_t)~(want & ~before), __ATOMIC_ACQ_REL);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

int grant_entry_claim(const struct grant_entry_ref *e, uint16_t mapper, bool readonly)
{
    return e->version == 2 ? claim_v2(e, mapper, readonly) : claim_v1(e, mapper, readonly);
}

void grant_entry_release(const struct grant_entry_ref *e, bool clear_writing, bool clear_reading)
{
    uint16_t clear = (clear_writing ? GTF_writing : 0) | (clear_reading ? GTF_reading : 0);

    if (!clear)
        return;
    if (e->version == 2)
        __atomic_fetch_and(e->status, (uint16_t)~clear, __ATOMIC_ACQ_REL);
    else
        __atomic_fetch_and(e->header, ~(uint32_t)clear, __ATOMIC_ACQ_REL);
}

uint64_t grant_entry_frame(const void *entry, unsigned version)
{
    if (version == 2)
        return __atomic_load_n(&((const grant_entry_v2_t *)entry)->full_page.frame,
                               __ATOMIC_ACQUIRE);
    return __atomic_load_n(&((const grant_entry_v1_t *)entry)->frame, __ATOMIC_ACQUIRE);
}

bool grant_active_full(const struct grant_active *a, uint32_t map_flags)
{
    bool ro = map_flags & GNTMAP_readonly;

    if ((map_flags & GNTMAP_host_map) && (ro ? a->host_ro : a->host_rw) >= GRANT_PIN_LIMIT)
        return true;
    return (map_flags & GNTMAP_device_map) && (ro ? a->dev_ro : a->dev_rw) >= GRANT_PIN_LIMIT;
}

bool grant_active_copies_full(const struct grant_active *a)
{
    return a->copies >= GRANT_PIN_LIMIT;
}

void grant_active_pin(struct grant_active *a, uint32_t map_flags)
{
    bool ro = map_flags & GNTMAP_readonly;

    if (map_flags & GNTMAP_host_map)
        ro ? a->host_ro++ : a->host_rw++;
    if (map_flags & GNTMAP_device_map)
        ro ? a->dev_ro++ : a->dev_rw++;
}

void grant_active_unpin(struct grant_active *a, uint32_t map_flags)
{
    bool ro = map_flags & GNTMAP_readonly;

    if (map_flags & GNTMAP_host_map)
        ro ? a->host_ro-- : a->host_rw--;
    if (map_flags & GNTMAP_device_map)
        ro ? a->dev_ro-- : a->dev_rw--;
}

bool grant_copy_range_ok(unsigned offset, unsigned len)
{
    return offset < GRANT_PAGE_SIZE && len <= GRANT_PAGE_SIZE - offset;
}
