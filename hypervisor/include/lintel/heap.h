/*
 * The hypervisor heap (xmalloc): small objects come from 16 KiB arenas
 * managed with boundary tags (so neighbours coalesce on free); requests
 * too big for an arena get whole pages. Pages come from a page source,
 * which is the frame allocator in ring 0 and plain memory in host tests.
 *
 * Pure logic: also compiled into the host unit tests.
 */
#ifndef LINTEL_HEAP_H
#define LINTEL_HEAP_H

#include <lintel/types.h>

#define HEAP_ARENA_ORDER 2
#define HEAP_ALIGN       16

struct heap_page_source {
    /* 2^order page-aligned pages, or NULL when memory is exhausted. */
    void *(*alloc)(void *ctx, unsigned order);
    void (*free)(void *ctx, void *pages, unsigned order);
    void *ctx;
};

struct heap_block;
struct heap_arena;

struct heap_stats {
    size_t bytes_in_use;        /* payload bytes handed out */
    size_t arenas;
    size_t big_allocations;
    size_t failed_allocations;
};

struct heap {
    struct heap_page_source src;
    struct heap_arena *arenas;
    struct heap_block *free_list;
    struct heap_stats stats;
};

void heap_init(struct heap *h, const struct heap_page_source *src);
/* 16-byte aligned memory, or NULL (size 0 or exhaustion). */
void *heap_alloc(struct heap *h, size_t size);
/* 0; -EALREADY for a double free; -EINVAL if p is no live heap pointer. */
int heap_free(struct heap *h, void *p);
/* Walks every arena checking the boundary tags; 0 when consistent. */
int heap_check(const struct heap *h);
/* Largest request an arena can satisfy; larger ones take whole pages. */
size_t heap_arena_max_request(void);

#endif
