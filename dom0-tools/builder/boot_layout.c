#include "boot_layout.h"

#include <stdio.h>
#include <string.h>

/* Bits of virtual address covered by one table at each level (L1..L4). */
static const unsigned level_span_shift[4] = { 21, 30, 39, 48 };

static uint64_t round_up(uint64_t value, uint64_t align)
{
    return (value + align - 1) & ~(align - 1);
}

static uint64_t pages_for(uint64_t bytes)
{
    return round_up(bytes, BOOT_PAGE_SIZE) / BOOT_PAGE_SIZE;
}

/* Size of the union of two closed integer intervals. */
static uint64_t union_size(uint64_t a_lo, uint64_t a_hi, uint64_t b_lo, uint64_t b_hi)
{
    uint64_t total = (a_hi - a_lo + 1) + (b_hi - b_lo + 1);
    uint64_t lo = a_lo > b_lo ? a_lo : b_lo, hi = a_hi < b_hi ? a_hi : b_hi;

    return lo <= hi ? total - (hi - lo + 1) : total;
}

void boot_count_tables(const uint64_t *start, const uint64_t *end, size_t n,
                       unsigned tables[4])
{
    for (int level = 0; level < 4; level++) {
        unsigned shift = level_span_shift[level];
        uint64_t count = 0;

        /* The top level is a single root whatever is mapped. */
        if (level == 3) {
            tables[level] = n ? 1 : 0;
            continue;
        }
        if (n == 1)
            count = ((end[0] - 1) >> shift) - (start[0] >> shift) + 1;
        else if (n == 2)
            count = union_size(start[0] >> shift, (end[0] - 1) >> shift,
                               start[1] >> shift, (end[1] - 1) >> shift);
        tables[level] = (unsigned)count;
    }
}

/* Hands out consecutive pages from *NEXT_PFN, mapped at virt_base + pfn. */
static void place(struct boot_region *r, uint64_t *next_pfn, uint64_t pages,
                  uint64_t virt_base, bool mapped)
{
    r->pfn = *next_pfn;
    r->pages = pages;
    r->vaddr = mapped ? virt_base + r->pfn * BOOT_PAGE_SIZE : 0;
    *next_pfn += pages;
}

static int check_request(const struct boot_layout_request *req, char *why, size_t why_len)
{
    if (req->kernel_vstart < req->virt_base || req->kernel_vend <= req->kernel_vstart ||
        req->kernel_vstart % BOOT_PAGE_SIZE) {
        snprintf(why, why_len, "kernel range %#llx-%#llx does not sit page-aligned above "
                 "VIRT_BASE %#llx", (unsigned long long)req->kernel_vstart,
                 (unsigned long long)req->kernel_vend, (unsigned long long)req->virt_base);
        return -1;
    }
    if (req->p2m_at_init_p2m && req->init_p2m % BOOT_MAP_ALIGN) {
        snprintf(why, why_len, "INIT_P2M %#llx is not 4 MiB aligned",
                 (unsigned long long)req->init_p2m);
        return -1;
    }
    return 0;
}

/* Places everything after the kernel for a guess of the page-table size. */
static void place_all(const struct boot_layout_request *req, uint64_t pt_pages,
                      struct boot_layout *out)
{
    uint64_t vb = req->virt_base;
    uint64_t next = (req->kernel_vstart - vb) / BOOT_PAGE_SIZE;
    uint64_t p2m_pages = pages_for(req->nr_pages * sizeof(uint64_t));
    uint64_t ramdisk_pages = pages_for(req->ramdisk_size);

    memset(out, 0, sizeof(*out));
    place(&out->kernel, &next, pages_for(req->kernel_vend - req->kernel_vstart), vb, true);
    if (ramdisk_pages && !req->ramdisk_unmapped)
        place(&out->ramdisk, &next, ramdisk_pages, vb, true);
    if (!req->p2m_at_init_p2m)
        place(&out->p2m, &next, p2m_pages, vb, true);
    place(&out->start_info, &next, 1, vb, true);
    place(&out->xenstore, &next, 1, vb, true);
    place(&out->console, &next, 1, vb, true);
    place(&out->page_tables, &next, pt_pages, vb, true);
    place(&out->boot_stack, &next, 1, vb, true);
    out->mapped_end = round_up(vb + next * BOOT_PAGE_SIZE + BOOT_MAP_SLACK, BOOT_MAP_ALIGN);
    /* Whatever is not mapped at boot lives above the mapped range. */
    next = (out->mapped_end - vb) / BOOT_PAGE_SIZE;
    if (req->p2m_at_init_p2m) {
        place(&out->p2m, &next, p2m_pages, vb, false);
        out->p2m.vaddr = req->init_p2m;
    }
    if (ramdisk_pages && req->ramdisk_unmapped)
        place(&out->ramdisk, &next, ramdisk_pages, vb, false);
    out->pages_used = next;
}

static unsigned total_tables(const unsigned tables[4])
{
    return tables[0] + tables[1] + tables[2] + tables[3];
}

int boot_layout_compute(const struct boot_layout_request *req,
                        struct boot_layout *out, char *why, size_t why_len)
{
    uint64_t pt_pages = 0;

    if (check_request(req, why, why_len) < 0)
        return -1;
    /* More tables map more, which may need more tables: iterate to a fixed point. */
    for (int round = 0; round < 16; round++) {
        uint64_t start[2], end[2];
        size_t n = 1;
        unsigned tables[4];

        place_all(req, pt_pages, out);
        start[0] = req->virt_base;
        end[0] = out->mapped_end;
        if (req->p2m_at_init_p2m) {
            start[1] = req->init_p2m;
            end[1] = req->init_p2m + out->p2m.pages * BOOT_PAGE_SIZE;
            n = 2;
        }
        boot_count_tables(start, end, n, tables);
        memcpy(out->tables, tables, sizeof(tables));
        if (total_tables(tables) == pt_pages)
            break;
        pt_pages = total_tables(tables);
    }
    if (total_tables(out->tables) != out->page_tables.pages) {
        snprintf(why, why_len, "page-table sizing did not settle");
        return -1;
    }
    if (out->pages_used > req->nr_pages) {
        snprintf(why, why_len, "the kernel and boot data need %llu MiB but the domain "
                 "has %llu MiB", (unsigned long long)(out->pages_used >> 8),
                 (unsigned long long)(req->nr_pages >> 8));
        return -1;
    }
    return 0;
}
