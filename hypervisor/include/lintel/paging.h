/* The hypervisor's own page tables (see layout.h for the layout). */
#ifndef LINTEL_PAGING_H
#define LINTEL_PAGING_H

#include <lintel/bootinfo.h>

/* End of what the direct map covers right now (a virtual address). */
uint64_t directmap_end(void);
/* The same as a physical address: phys_to_virt() is valid below it. */
uint64_t directmap_limit_phys(void);
/*
 * Builds the final tables (direct map of RAM and low MMIO, the image with
 * per-section permissions, no identity map) and switches to them.
 */
void paging_init(const struct boot_info *bi);
uint64_t paging_table_frames(void);
bool paging_nx_enabled(void);

#define PTE_PRESENT   (1ULL << 0)
#define PTE_WRITE     (1ULL << 1)
#define PTE_USER      (1ULL << 2)
#define PTE_PWT       (1ULL << 3)
#define PTE_PCD       (1ULL << 4)
#define PTE_LARGE     (1ULL << 7)
#define PTE_GLOBAL    (1ULL << 8)
#define PTE_NX        (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

#endif
