/*
 * Looking at and changing a PV kernel's own page tables.
 *
 * The builder maps the boot page tables read-only inside the initial
 * mapping, where virtual = KERNEL_VIRT_BASE_ADDR + pfn * PAGE_SIZE, so a
 * walk only needs the m2p table to turn each entry's frame into a pfn.
 * Changes go through the hypervisor (update_va_mapping, mmu_update).
 */
#ifndef TESTKERNEL_MM_H
#define TESTKERNEL_MM_H

#include <stdint.h>

#define PTE_FRAME_MASK 0x000ffffffffff000ULL

/* A page of our own, page aligned, for tests that remap or retype pages. */
#define SCRATCH_PAGES 8
extern char scratch_pages[SCRATCH_PAGES][4096];

unsigned long mfn_to_pfn(unsigned long mfn);
void *pfn_to_virt(unsigned long pfn);

/*
 * The L1 entry mapping va: its current value, and its machine address (what
 * mmu_update takes). Returns 0 if va has no L1 (unmapped higher level).
 */
int l1_entry_of(const void *va, uint64_t *value, uint64_t *maddr);

/* Machine frame of the L1 table that maps va (0 if none). */
unsigned long l1_table_mfn_of(const void *va);

/* update_va_mapping with an INVLPG of that address. */
long remap(const void *va, unsigned long mfn, uint64_t flags);

#endif /* TESTKERNEL_MM_H */
