#include <lintel/errno.h>
#include <lintel/heap.h>
#include <lintel/lib.h>

#define ARENA_BYTES   (PAGE_SIZE << HEAP_ARENA_ORDER)
#define MAGIC_ARENA   0x4152454eU
#define MAGIC_USED    0x55534544U
#define MAGIC_FREE    0x46524545U
#define MAGIC_BIG     0x42494721U

struct heap_block {
    uint32_t magic;
    uint32_t order;             /* big allocations only */
    uint32_t size;              /* whole block including this header */
    uint32_t prev_size;         /* 0 for the first block of an arena */
    struct heap_arena *arena;
    uint64_t reserved;
    /* Free blocks keep their free-list links in the payload. */
    struct heap_block *next_free, *prev_free;
};

struct heap_arena {
    uint32_t magic;
    uint32_t reserved;
    struct heap_arena *next, *prev;
    uint64_t pad;
};

#define HEADER_BYTES  offsetof(struct heap_block, next_free)
#define MIN_BLOCK     ALIGN_UP(sizeof(struct heap_block), HEAP_ALIGN)
#define FIRST_BLOCK   ALIGN_UP(sizeof(struct heap_arena), HEAP_ALIGN)

_Static_assert(HEADER_BYTES % HEAP_ALIGN == 0, "payload must stay aligned");

size_t heap_arena_max_request(void)
{
    return ARENA_BYTES - FIRST_BLOCK - HEADER_BYTES;
}

void heap_init(struct heap *h, const struct heap_page_source *src)
{
    memset(h, 0, sizeof(*h));
    h->src = *src;
}

static struct heap_block *block_after(struct heap_block *b)
{
    char *next = (char *)b + b->size;

    return next < (char *)b->arena + ARENA_BYTES ? (struct heap_block *)next : NULL;
}

static void free_list_insert(struct heap *h, struct heap_block *b)
{
    b->magic = MAGIC_FREE;
    b->prev_free = NULL;
    b->next_free = h->free_list;
    if (h->free_list)
        h->free_list->prev_free = b;
    h->free_list = b;
}

static void free_list_remove(struct heap *h, struct heap_block *b)
{
    if (b->prev_free)
        b->prev_free->next_free = b->next_free;
    else
        h->free_list = b->next_free;
    if (b->next_free)
        b->next_free->prev_free = b->prev_free;
}

static struct heap_block *new_arena(struct heap *h)
{
    struct heap_arena *a = h->src.alloc(h->src.ctx, HEAP_ARENA_ORDER);
    struct heap_block *b;

    if (!a)
        return NULL;
    a->magic = MAGIC_ARENA;
    a->prev = NULL;
    a->next = h->arenas;
    if (h->arenas)
        h->arenas->prev = a;
    h->arenas = a;
    h->stats.arenas++;
    b = (struct heap_block *)((char *)a + FIRST_BLOCK);
    b->size = (uint32_t)(ARENA_BYTES - FIRST_BLOCK);
    b->prev_size = 0;
    b->arena = a;
    free_list_insert(h, b);
    return b;
}

static void release_arena(struct heap *h, struct heap_arena *a)
{
    if (a->prev)
        a->prev->next = a->next;
    else
        h->arenas = a->next;
    if (a->next)
        a->next->prev = a->prev;
    a->magic = 0;
    h->stats.arenas--;
    h->src.free(h->src.ctx, a, HEAP_ARENA_ORDER);
}

static void *alloc_big(struct heap *h, size_t size)
{
    unsigned order = 0;
    struct heap_block *b;

    while ((PAGE_SIZE << order) < size + HEADER_BYTES) {
        if (++order > 30)
            return NULL;
    }
    b = h->src.alloc(h->src.ctx, order);
    if (!b)
        return NULL;
    b->magic = MAGIC_BIG;
    b->order = order;
    b->size = 0;
    b->arena = NULL;
    h->stats.big_allocations++;
    return (char *)b + HEADER_BYTES;
}

/* Carves `need` bytes off the front of free block b. */
static void take_block(struct heap *h, struct heap_block *b, size_t need)
{
    free_list_remove(h, b);
    if (b->size - need >= MIN_BLOCK) {
        struct heap_block *rest = (struct heap_block *)((char *)b + need), *after;

        rest->size = (uint32_t)(b->size - need);
        rest->prev_size = (uint32_t)need;
        rest->arena = b->arena;
        b->size = (uint32_t)need;
        after = block_after(rest);
        if (after)
            after->prev_size = rest->size;
        free_list_insert(h, rest);
    }
    b->magic = MAGIC_USED;
}

void *heap_alloc(struct heap *h, size_t size)
{
    struct heap_block *b;
    size_t need;

    if (size == 0)
        return NULL;
    if (size > heap_arena_max_request()) {
        void *p = alloc_big(h, size);
        if (!p)
            h->stats.failed_allocations++;
        return p;
    }
    need = MAX(ALIGN_UP(size + HEADER_BYTES, HEAP_ALIGN), MIN_BLOCK);
    for (b = h->free_list; b; b = b->next_free)
        if (b->size >= need)
            break;
    if (!b && !(b = new_arena(h))) {
        h->stats.failed_allocations++;
        return NULL;
    }
    take_block(h, b, need);
    h->stats.bytes_in_use += b->size - HEADER_BYTES;
    return (char *)b + HEADER_BYTES;
}

/* Absorbed headers keep MAGIC_FREE so that freeing them again is caught. */
static struct heap_block *coalesce(struct heap *h, struct heap_block *b)
{
    struct heap_block *next = block_after(b), *after;

    if (next && next->magic == MAGIC_FREE) {
        free_list_remove(h, next);
        b->size += next->size;
    }
    if (b->prev_size) {
        struct heap_block *prev = (struct heap_block *)((char *)b - b->prev_size);
        if (prev->magic == MAGIC_FREE) {
            free_list_remove(h, prev);
            prev->size += b->size;
            b->magic = MAGIC_FREE;
            b = prev;
        }
    }
    after = block_after(b);
    if (after)
        after->prev_size = b->size;
    return b;
}

int heap_free(struct heap *h, void *p)
{
    struct heap_block *b;

    if (!p || ((uintptr_t)p & (HEAP_ALIGN - 1)))
        return -EINVAL;
    b = (struct heap_block *)((char *)p - HEADER_BYTES);
    if (b->magic == MAGIC_FREE)
        return -EALREADY;
    if (b->magic == MAGIC_BIG && !((uintptr_t)b & (PAGE_SIZE - 1))) {
        b->magic = MAGIC_FREE;
        h->stats.big_allocations--;
        h->src.free(h->src.ctx, b, b->order);
        return 0;
    }
    if (b->magic != MAGIC_USED || !b->arena || b->arena->magic != MAGIC_ARENA)
        return -EINVAL;
    h->stats.bytes_in_use -= b->size - HEADER_BYTES;
    b = coalesce(h, b);
    if (b->size == ARENA_BYTES - FIRST_BLOCK) {
        b->magic = MAGIC_FREE;
        release_arena(h, b->arena);
        return 0;
    }
    free_list_insert(h, b);
    return 0;
}

static int check_arena(const struct heap_arena *a)
{
    const char *end = (const char *)a + ARENA_BYTES;
    const struct heap_block *b = (const void *)((const char *)a + FIRST_BLOCK);
    uint32_t prev_size = 0;
    bool prev_free = false;

    while ((const char *)b < end) {
        bool is_free = b->magic == MAGIC_FREE;

        if ((!is_free && b->magic != MAGIC_USED) || b->arena != a ||
            b->prev_size != prev_size || b->size < MIN_BLOCK ||
            b->size % HEAP_ALIGN || (const char *)b + b->size > end)
            return -EINVAL;
        /* Two free neighbours mean a missed coalesce. */
        if (is_free && prev_free)
            return -EINVAL;
        prev_free = is_free;
        prev_size = b->size;
        b = (const void *)((const char *)b + b->size);
    }
    return 0;
}

int heap_check(const struct heap *h)
{
    for (const struct heap_arena *a = h->arenas; a; a = a->next)
        if (a->magic != MAGIC_ARENA || check_arena(a))
            return -EINVAL;
    for (const struct heap_block *b = h->free_list; b; b = b->next_free)
        if (b->magic != MAGIC_FREE)
            return -EINVAL;
    return 0;
}
