/*
 * Final page tables. The early tables from head.S map 4 GiB three times
 * with no permissions; these map only what is needed, with the image's
 * code read-only and its data non-executable, so that stray writes and
 * jumps fault into a crash report instead of corrupting the hypervisor.
 */
#include <lintel/cpu.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/paging.h>
#include <lintel/printk.h>
#include <lintel/uaccess.h>
#include <lintel/x86.h>

#define L4_SLOT(va)  (((va) >> 39) & 511)
#define L3_SLOT(va)  (((va) >> 30) & 511)
#define L2_SLOT(va)  (((va) >> 21) & 511)
#define L1_SLOT(va)  (((va) >> 12) & 511)
#define SIZE_2M      (1ULL << 21)
#define SIZE_1G      (1ULL << 30)
#define SIZE_512G    (1ULL << 39)

extern const char _start[], _stext[], _etext[], _srodata[], _erodata[], _end[];

static uint64_t directmap_mapped = 4ULL << 30;
static uint64_t table_frames;
static bool nx;

uint64_t directmap_end(void)
{
    return DIRECTMAP_VIRT_START + directmap_mapped;
}

uint64_t directmap_limit_phys(void)
{
    return directmap_mapped;
}

uint64_t paging_table_frames(void)
{
    return table_frames;
}

bool paging_nx_enabled(void)
{
    return nx;
}

static uint64_t *new_table(void)
{
    uint64_t *t = alloc_xen_pages(0);

    if (!t)
        panic("paging: out of memory for page tables");
    memset(t, 0, PAGE_SIZE);
    table_frames++;
    return t;
}

/* Returns the next-level table behind entry e, creating it if absent. */
static uint64_t *next_level(uint64_t *e)
{
    if (!(*e & PTE_PRESENT))
        *e = virt_to_phys(new_table()) | PTE_PRESENT | PTE_WRITE;
    return phys_to_virt(*e & PTE_ADDR_MASK);
}

static bool overlaps_memory(const struct boot_info *bi, uint64_t start, uint64_t end)
{
    for (unsigned i = 0; i < bi->memmap_count; i++) {
        const struct boot_memmap_entry *e = &bi->memmap[i];
        bool cacheable = e->type == MEMMAP_RAM || e->type == MEMMAP_ACPI ||
                         e->type == MEMMAP_NVS;
        if (cacheable && start < e->addr + e->len && e->addr < end)
            return true;
    }
    return false;
}

static void map_directmap(uint64_t *l4, const struct boot_info *bi, uint64_t limit)
{
    uint64_t nx_bit = nx ? PTE_NX : 0;

    for (uint64_t pa = 0; pa < limit; pa += SIZE_2M) {
        uint64_t va = DIRECTMAP_VIRT_START + pa;
        uint64_t *l3 = next_level(&l4[L4_SLOT(va)]);
        uint64_t *l2 = next_level(&l3[L3_SLOT(va)]);
        /* Holes hold MMIO (APIC, HPET, PCI BARs): never cache them. */
        uint64_t cache = overlaps_memory(bi, pa, pa + SIZE_2M) ? 0 : PTE_PCD | PTE_PWT;

        l2[L2_SLOT(va)] = pa | PTE_PRESENT | PTE_WRITE | PTE_LARGE | cache | nx_bit;
    }
}

static void map_image(uint64_t *l4)
{
    uint64_t start = (uint64_t)(uintptr_t)_start, end = (uint64_t)(uintptr_t)_end;
    uint64_t text_end = ALIGN_UP((uint64_t)(uintptr_t)_etext, PAGE_SIZE);
    uint64_t rodata_end = ALIGN_UP((uint64_t)(uintptr_t)_erodata, PAGE_SIZE);
    uint64_t nx_bit = nx ? PTE_NX : 0;

    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        uint64_t *l3 = next_level(&l4[L4_SLOT(va)]);
        uint64_t *l2 = next_level(&l3[L3_SLOT(va)]);
        uint64_t *l1 = next_level(&l2[L2_SLOT(va)]);
        uint64_t flags = PTE_PRESENT;

        if (va >= rodata_end)
            flags |= PTE_WRITE | nx_bit;
        else if (va >= text_end)
            flags |= nx_bit;
        l1[L1_SLOT(va)] = virt_to_phys((void *)(uintptr_t)va) | flags;
    }
}

/* The point of per-section permissions: a stray write must fault. */
static void check_image_protection(void)
{
    uint8_t byte = 0;

    if (copy_to_unsafe((void *)(uintptr_t)_stext, &byte, 1) == 0 ||
        copy_to_unsafe((void *)(uintptr_t)_srodata, &byte, 1) == 0)
        panic("paging: the image's code or read-only data is writable");
}

void paging_init(const struct boot_info *bi)
{
    uint64_t *l4, limit = 4ULL << 30;

    /* head.S turned EFER.NXE on exactly when CPUID reports NX. */
    nx = boot_cpu.nx;
    for (unsigned i = 0; i < bi->memmap_count; i++)
        if (bi->memmap[i].type == MEMMAP_RAM)
            limit = MAX(limit, ALIGN_UP(bi->memmap[i].addr + bi->memmap[i].len, SIZE_2M));
    if (limit > DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START) {
        pr_warn("paging: RAM above %lu GiB is not mapped\n",
                (unsigned long)((DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START) >> 30));
        limit = DIRECTMAP_VIRT_END - DIRECTMAP_VIRT_START;
    }
    l4 = new_table();
    map_directmap(l4, bi, limit);
    map_image(l4);
    write_cr3(virt_to_phys(l4));
    directmap_mapped = limit;
    check_image_protection();
    pr_info("paging: direct map of 0-%#lx at %#lx, image mapped RX/R/RW%s "
            "(writes to code fault: checked)\n",
            (unsigned long)limit, (unsigned long)DIRECTMAP_VIRT_START,
            nx ? " with NX" : " (no NX on this CPU)");
}
