#include <lintel/errno.h>
#include <lintel/frame.h>

void frame_allocator_init(struct frame_allocator *fa, struct page_info *table,
                          uint64_t nr_frames)
{
    fa->table = table;
    fa->nr_frames = nr_frames;
    fa->free_frames = 0;
    fa->total_frames = 0;
    for (unsigned o = 0; o <= FRAME_MAX_ORDER; o++)
        fa->free_head[o] = FRAME_LINK_NONE;
    for (uint64_t i = 0; i < nr_frames; i++)
        table[i] = (struct page_info){
            .next = FRAME_LINK_NONE, .prev = FRAME_LINK_NONE,
            .owner = FRAME_OWNER_IO, .type = FRAME_TYPE_NONE,
            .state = FRAME_RESERVED, .order = FRAME_NOT_HEAD,
        };
}

static void list_push(struct frame_allocator *fa, unsigned order, uint64_t mfn)
{
    struct page_info *pg = &fa->table[mfn];

    pg->prev = FRAME_LINK_NONE;
    pg->next = fa->free_head[order];
    if (pg->next != FRAME_LINK_NONE)
        fa->table[pg->next].prev = (uint32_t)mfn;
    fa->free_head[order] = (uint32_t)mfn;
}

static void list_remove(struct frame_allocator *fa, unsigned order, uint64_t mfn)
{
    struct page_info *pg = &fa->table[mfn];

    if (pg->prev != FRAME_LINK_NONE)
        fa->table[pg->prev].next = pg->next;
    else
        fa->free_head[order] = pg->next;
    if (pg->next != FRAME_LINK_NONE)
        fa->table[pg->next].prev = pg->prev;
    pg->next = pg->prev = FRAME_LINK_NONE;
}

static void mark_block(struct frame_allocator *fa, uint64_t mfn, uint64_t count,
                       enum frame_state state, uint16_t owner, enum frame_type type)
{
    for (uint64_t i = mfn; i < mfn + count; i++) {
        struct page_info *pg = &fa->table[i];
        pg->state = state;
        pg->owner = owner;
        pg->type = type;
        pg->order = FRAME_NOT_HEAD;
        pg->refcount = 0;
        pg->type_count = 0;
        pg->flags = 0;
    }
}

static bool is_free_head(const struct frame_allocator *fa, uint64_t mfn, unsigned order)
{
    return mfn + (1ULL << order) <= fa->nr_frames &&
           fa->table[mfn].state == FRAME_FREE && fa->table[mfn].order == order;
}

/* The block's frames must already be marked free; merges with free buddies. */
static void insert_free_block(struct frame_allocator *fa, uint64_t mfn, unsigned order)
{
    while (order < FRAME_MAX_ORDER) {
        uint64_t buddy = mfn ^ (1ULL << order);

        if (!is_free_head(fa, buddy, order))
            break;
        list_remove(fa, order, buddy);
        fa->table[buddy].order = FRAME_NOT_HEAD;
        fa->table[mfn].order = FRAME_NOT_HEAD;
        mfn = mfn < buddy ? mfn : buddy;
        order++;
    }
    fa->table[mfn].order = (uint8_t)order;
    list_push(fa, order, mfn);
}

static unsigned largest_fitting_order(uint64_t mfn, uint64_t count)
{
    unsigned order = 0;

    while (order < FRAME_MAX_ORDER && !(mfn & (1ULL << order)) &&
           (2ULL << order) <= count)
        order++;
    return order;
}

static void free_range_unchecked(struct frame_allocator *fa, uint64_t first,
                                 uint64_t count)
{
    mark_block(fa, first, count, FRAME_FREE, FRAME_OWNER_NONE, FRAME_TYPE_NONE);
    fa->free_frames += count;
    while (count) {
        unsigned order = largest_fitting_order(first, count);
        insert_free_block(fa, first, order);
        first += 1ULL << order;
        count -= 1ULL << order;
    }
}

static int check_range(const struct frame_allocator *fa, uint64_t first,
                       uint64_t count, enum frame_state want, bool claimed)
{
    if (count == 0 || first >= fa->nr_frames || count > fa->nr_frames - first)
        return -EINVAL;
    for (uint64_t i = first; i < first + count; i++) {
        if (fa->table[i].state != want)
            return fa->table[i].state == FRAME_FREE && want == FRAME_IN_USE
                       ? -EALREADY : -EEXIST;
        if (claimed && !(fa->table[i].flags & FRAME_FLAG_CLAIMED))
            return -EINVAL;
    }
    return 0;
}

int frame_add_free_range(struct frame_allocator *fa, uint64_t first, uint64_t count)
{
    int rc = check_range(fa, first, count, FRAME_RESERVED, false);

    if (rc)
        return rc;
    free_range_unchecked(fa, first, count);
    fa->total_frames += count;
    return 0;
}

uint64_t frame_alloc(struct frame_allocator *fa, unsigned order, uint16_t owner,
                     enum frame_type type)
{
    unsigned o = order;
    uint64_t mfn;

    if (order > FRAME_MAX_ORDER)
        return INVALID_MFN;
    while (o <= FRAME_MAX_ORDER && fa->free_head[o] == FRAME_LINK_NONE)
        o++;
    if (o > FRAME_MAX_ORDER)
        return INVALID_MFN;
    mfn = fa->free_head[o];
    list_remove(fa, o, mfn);
    /* Split, giving back the upper halves until the block fits. */
    while (o > order) {
        uint64_t upper;

        o--;
        upper = mfn + (1ULL << o);
        fa->table[upper].order = (uint8_t)o;
        list_push(fa, o, upper);
    }
    mark_block(fa, mfn, 1ULL << order, FRAME_IN_USE, owner, type);
    fa->table[mfn].order = (uint8_t)order;
    fa->free_frames -= 1ULL << order;
    return mfn;
}

int frame_free(struct frame_allocator *fa, uint64_t mfn, unsigned order)
{
    uint64_t count = 1ULL << order;
    const struct page_info *head;

    if (order > FRAME_MAX_ORDER || mfn >= fa->nr_frames || (mfn & (count - 1)) ||
        count > fa->nr_frames - mfn)
        return -EINVAL;
    head = &fa->table[mfn];
    if (head->state == FRAME_FREE)
        return -EALREADY;
    if (head->state != FRAME_IN_USE || head->order != order ||
        (head->flags & FRAME_FLAG_CLAIMED))
        return -EINVAL;
    for (uint64_t i = mfn; i < mfn + count; i++) {
        if (fa->table[i].state != FRAME_IN_USE)
            return fa->table[i].state == FRAME_FREE ? -EALREADY : -EINVAL;
        if (fa->table[i].refcount || fa->table[i].type_count)
            return -EBUSY;
    }
    mark_block(fa, mfn, count, FRAME_FREE, FRAME_OWNER_NONE, FRAME_TYPE_NONE);
    fa->free_frames += count;
    insert_free_block(fa, mfn, order);
    return 0;
}

int frame_claim_range(struct frame_allocator *fa, uint64_t first, uint64_t count,
                      uint16_t owner, enum frame_type type)
{
    int rc = check_range(fa, first, count, FRAME_RESERVED, false);

    if (rc)
        return rc;
    mark_block(fa, first, count, FRAME_IN_USE, owner, type);
    for (uint64_t i = first; i < first + count; i++)
        fa->table[i].flags = FRAME_FLAG_CLAIMED;
    return 0;
}

int frame_release_range(struct frame_allocator *fa, uint64_t first, uint64_t count)
{
    int rc = check_range(fa, first, count, FRAME_IN_USE, true);

    if (rc)
        return rc;
    free_range_unchecked(fa, first, count);
    fa->total_frames += count;
    return 0;
}

int frame_largest_free_order(const struct frame_allocator *fa)
{
    for (int o = FRAME_MAX_ORDER; o >= 0; o--)
        if (fa->free_head[o] != FRAME_LINK_NONE)
            return o;
    return -1;
}
