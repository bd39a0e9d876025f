/* Page-table inspection for the test kernels; see mm.h. */
#include "mm.h"

#include "kernel.h"

char scratch_pages[SCRATCH_PAGES][4096] __attribute__((aligned(4096)));

unsigned long mfn_to_pfn(unsigned long mfn)
{
    return ((const unsigned long *)MACH2PHYS_VIRT_START)[mfn];
}

void *pfn_to_virt(unsigned long pfn)
{
    return (void *)(KERNEL_VIRT_BASE_ADDR + pfn * PAGE_SIZE);
}

static const uint64_t *table_of_entry(uint64_t entry)
{
    return pfn_to_virt(mfn_to_pfn((entry & PTE_FRAME_MASK) / PAGE_SIZE));
}

static unsigned int index_at(const void *va, unsigned int level)
{
    return ((unsigned long)va >> (12 + 9 * (level - 1))) & 511;
}

int l1_entry_of(const void *va, uint64_t *value, uint64_t *maddr)
{
    const uint64_t *table = (const uint64_t *)start_info->pt_base;
    unsigned long table_mfn = virt_to_mfn(table);

    for (unsigned int level = 4; level > 1; level--) {
        uint64_t entry = table[index_at(va, level)];

        /* Large pages (bit 7) do not occur in a PV guest's boot tables. */
        if (!(entry & PTE_PRESENT))
            return 0;
        table_mfn = (entry & PTE_FRAME_MASK) / PAGE_SIZE;
        table = table_of_entry(entry);
    }
    if (value)
        *value = table[index_at(va, 1)];
    if (maddr)
        *maddr = table_mfn * PAGE_SIZE + index_at(va, 1) * sizeof(uint64_t);
    return 1;
}

unsigned long l1_table_mfn_of(const void *va)
{
    uint64_t maddr;

    return l1_entry_of(va, 0, &maddr) ? maddr / PAGE_SIZE : 0;
}

long remap(const void *va, unsigned long mfn, uint64_t flags)
{
    uint64_t pte = mfn ? ((uint64_t)mfn * PAGE_SIZE) | flags : 0;

    return HYPERVISOR_update_va_mapping((unsigned long)va, pte, UVMF_INVLPG);
}
