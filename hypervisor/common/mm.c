#include <lintel/errno.h>
#include <lintel/heap.h>
#include <lintel/keyhandler.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/paging.h>
#include <lintel/printk.h>
#include <lintel/spinlock.h>
#include <lintel/stacktrace.h>

#define LOW_MEMORY_END   0x100000ULL    /* firmware, BIOS data: never ours */
#define MAX_RESERVED     (BOOT_MAX_MODULES + 4)
/* Until paging_init, only the early tables' 4 GiB are reachable. */
#define EARLY_MAPPED_END (4ULL << 30)

struct phys_range {
    uint64_t start, end;
};

struct frame_allocator frame_allocator;
static struct heap xen_heap;
static spinlock_t mm_lock = SPINLOCK_INIT;
/* Taken outside mm_lock: the heap calls into the frame allocator. */
static spinlock_t heap_lock = SPINLOCK_INIT;
static uint64_t nr_frames;
static struct phys_range frame_table_range;
static struct phys_range reserved[MAX_RESERVED];
static unsigned reserved_count;

extern const char _start[], _etext[], _srodata[], _erodata[], _sdata[], _edata[],
    _sbss[], _end[];

struct page_info *mfn_to_page(uint64_t mfn)
{
    return mfn < nr_frames ? &frame_allocator.table[mfn] : NULL;
}

uint64_t max_ram_frame(void)
{
    return nr_frames;
}

static void add_reserved(uint64_t start, uint64_t end)
{
    unsigned i = reserved_count++;

    start = ALIGN_DOWN(start, PAGE_SIZE);
    end = ALIGN_UP(end, PAGE_SIZE);
    /* Kept sorted by start for the subtraction in add_free_ram. */
    while (i > 0 && reserved[i - 1].start > start) {
        reserved[i] = reserved[i - 1];
        i--;
    }
    reserved[i] = (struct phys_range){ start, end };
}

static bool overlaps_reserved(uint64_t start, uint64_t end, uint64_t *skip_to)
{
    for (unsigned i = 0; i < reserved_count; i++) {
        if (start < reserved[i].end && reserved[i].start < end) {
            *skip_to = reserved[i].end;
            return true;
        }
    }
    return false;
}

static uint64_t find_boot_memory(const struct boot_info *bi, uint64_t bytes)
{
    for (unsigned i = 0; i < bi->memmap_count; i++) {
        const struct boot_memmap_entry *e = &bi->memmap[i];
        uint64_t start = ALIGN_UP(MAX(e->addr, LOW_MEMORY_END), PAGE_SIZE);
        uint64_t end = MIN(e->addr + e->len, EARLY_MAPPED_END), skip;

        if (e->type != MEMMAP_RAM)
            continue;
        while (start + bytes <= end) {
            if (!overlaps_reserved(start, start + bytes, &skip))
                return start;
            start = ALIGN_UP(skip, PAGE_SIZE);
        }
    }
    return 0;
}

static void add_free_piece(uint64_t start, uint64_t end)
{
    int rc;

    if (end <= start)
        return;
    rc = frame_add_free_range(&frame_allocator, start >> PAGE_SHIFT,
                              (end - start) >> PAGE_SHIFT);
    if (rc)
        pr_warn("memory: overlapping firmware map entry %#lx-%#lx ignored (%d)\n",
                (unsigned long)start, (unsigned long)end, rc);
}

/* Frees the RAM in [start, end) that no reserved range covers. */
static void add_free_ram(uint64_t start, uint64_t end)
{
    uint64_t cur = ALIGN_UP(MAX(start, LOW_MEMORY_END), PAGE_SIZE);

    end = ALIGN_DOWN(end, PAGE_SIZE);
    for (unsigned i = 0; i < reserved_count && cur < end; i++) {
        if (reserved[i].end <= cur)
            continue;
        if (reserved[i].start >= end)
            break;
        add_free_piece(cur, MIN(reserved[i].start, end));
        cur = MAX(cur, reserved[i].end);
    }
    add_free_piece(cur, end);
}

static void claim(const struct phys_range *r, enum frame_type type)
{
    uint64_t first = r->start >> PAGE_SHIFT, last = MIN(r->end >> PAGE_SHIFT, nr_frames);

    if (first < last)
        frame_claim_range(&frame_allocator, first, last - first, FRAME_OWNER_XEN, type);
}

void mm_init(const struct boot_info *bi)
{
    uint64_t ram_end = 0, table_bytes, table_pa;
    struct phys_range image = { virt_to_phys(_start), virt_to_phys(_end) };

    for (unsigned i = 0; i < bi->memmap_count; i++)
        if (bi->memmap[i].type == MEMMAP_RAM)
            ram_end = MAX(ram_end, bi->memmap[i].addr + bi->memmap[i].len);
    nr_frames = ram_end >> PAGE_SHIFT;
    if (nr_frames > FRAME_LINK_NONE)
        nr_frames = FRAME_LINK_NONE;    /* frame links are 32-bit */

    add_reserved(image.start, image.end);
    for (unsigned i = 0; i < bi->module_count; i++)
        add_reserved(bi->modules[i].start, bi->modules[i].end);

    table_bytes = ALIGN_UP(nr_frames * sizeof(struct page_info), PAGE_SIZE);
    table_pa = find_boot_memory(bi, table_bytes);
    if (!table_pa)
        panic("memory: no room below 4 GiB for a %lu KiB frame table",
              (unsigned long)(table_bytes >> 10));
    frame_table_range = (struct phys_range){ table_pa, table_pa + table_bytes };
    add_reserved(frame_table_range.start, frame_table_range.end);

    frame_allocator_init(&frame_allocator, phys_to_virt(table_pa), nr_frames);
    for (unsigned i = 0; i < bi->memmap_count; i++)
        if (bi->memmap[i].type == MEMMAP_RAM)
            add_free_ram(bi->memmap[i].addr, bi->memmap[i].addr + bi->memmap[i].len);
    claim(&image, FRAME_TYPE_HYPERVISOR);
    claim(&frame_table_range, FRAME_TYPE_HYPERVISOR);
    for (unsigned i = 0; i < bi->module_count; i++) {
        struct phys_range m = { ALIGN_DOWN(bi->modules[i].start, PAGE_SIZE),
                                ALIGN_UP(bi->modules[i].end, PAGE_SIZE) };
        claim(&m, FRAME_TYPE_BOOT_MODULE);
    }
}

uint64_t alloc_frames(unsigned order, uint16_t owner, enum frame_type type)
{
    unsigned long flags = spin_lock_irqsave(&mm_lock);
    uint64_t mfn = frame_alloc(&frame_allocator, order, owner, type);

    spin_unlock_irqrestore(&mm_lock, flags);
    return mfn;
}

int free_frames(uint64_t mfn, unsigned order)
{
    unsigned long flags = spin_lock_irqsave(&mm_lock);
    int rc = frame_free(&frame_allocator, mfn, order);

    spin_unlock_irqrestore(&mm_lock, flags);
    return rc;
}

int release_boot_module(const struct boot_module *m)
{
    uint64_t first = ALIGN_DOWN(m->start, PAGE_SIZE) >> PAGE_SHIFT;
    uint64_t last = ALIGN_UP(m->end, PAGE_SIZE) >> PAGE_SHIFT;
    unsigned long flags;
    int rc;

    if (last <= first)
        return 0;
    flags = spin_lock_irqsave(&mm_lock);
    rc = frame_release_range(&frame_allocator, first, last - first);
    spin_unlock_irqrestore(&mm_lock, flags);
    return rc;
}

void *alloc_xen_pages(unsigned order)
{
    uint64_t mfn = alloc_frames(order, FRAME_OWNER_XEN, FRAME_TYPE_HYPERVISOR);

    return mfn == INVALID_MFN ? NULL : phys_to_virt(mfn << PAGE_SHIFT);
}

void free_xen_pages(void *va, unsigned order)
{
    int rc = free_frames(virt_to_phys(va) >> PAGE_SHIFT, order);

    if (rc) {
        pr_err("free_xen_pages(%p, order %u) failed: %s\n", va, order,
               rc == -EALREADY ? "double free" : "not an allocated block");
        stacktrace_print_here();
    }
}

static void *heap_pages_alloc(void *ctx, unsigned order)
{
    (void)ctx;
    return alloc_xen_pages(order);
}

static void heap_pages_free(void *ctx, void *pages, unsigned order)
{
    (void)ctx;
    free_xen_pages(pages, order);
}

void *xmalloc(size_t size)
{
    unsigned long flags = spin_lock_irqsave(&heap_lock);
    void *p = heap_alloc(&xen_heap, size);

    spin_unlock_irqrestore(&heap_lock, flags);
    return p;
}

void *xzalloc(size_t size)
{
    void *p = xmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

void xfree(void *p)
{
    unsigned long flags;
    int rc;

    if (!p)
        return;
    flags = spin_lock_irqsave(&heap_lock);
    rc = heap_free(&xen_heap, p);
    spin_unlock_irqrestore(&heap_lock, flags);
    if (rc) {
        pr_err("xfree(%p) failed: %s\n", p,
               rc == -EALREADY ? "double free" : "not a heap pointer");
        stacktrace_print_here();
    }
}

static void memory_key(char key)
{
    const struct frame_allocator *fa = &frame_allocator;
    uint64_t counts[3] = { 0, 0, 0 };

    (void)key;
    for (uint64_t i = 0; i < fa->nr_frames; i++)
        counts[fa->table[i].state]++;
    printk("Memory: %lu frames tracked (%lu MiB), %lu free (%lu MiB), %lu in use, "
           "%lu reserved; largest free block order %d\n",
           (unsigned long)fa->nr_frames, (unsigned long)(fa->nr_frames >> 8),
           (unsigned long)fa->free_frames, (unsigned long)(fa->free_frames >> 8),
           (unsigned long)counts[FRAME_IN_USE], (unsigned long)counts[FRAME_RESERVED],
           frame_largest_free_order(fa));
    printk("Heap: %zu bytes in use, %zu arenas, %zu page-sized allocations, "
           "%zu failed\n", xen_heap.stats.bytes_in_use, xen_heap.stats.arenas,
           xen_heap.stats.big_allocations, xen_heap.stats.failed_allocations);
    mm_print_footprint();
}

void heap_setup(void)
{
    static const struct heap_page_source src = { heap_pages_alloc, heap_pages_free, NULL };

    heap_init(&xen_heap, &src);
    keyhandler_register('m', memory_key, "memory info");
}

void mm_print_footprint(void)
{
    uint64_t image = (uint64_t)(_end - _start);

    printk("Lintel footprint: image %#lx-%#lx (%lu KiB: text %lu, rodata %lu, "
           "data %lu, bss %lu), frame table %#lx-%#lx (%lu KiB), page tables %lu KiB\n",
           (unsigned long)virt_to_phys(_start), (unsigned long)virt_to_phys(_end),
           (unsigned long)(image >> 10), (unsigned long)((_etext - _start) >> 10),
           (unsigned long)((_erodata - _srodata) >> 10),
           (unsigned long)((_edata - _sdata) >> 10),
           (unsigned long)((_end - _sbss) >> 10),
           (unsigned long)frame_table_range.start, (unsigned long)frame_table_range.end,
           (unsigned long)((frame_table_range.end - frame_table_range.start) >> 10),
           (unsigned long)(paging_table_frames() * 4));
}
