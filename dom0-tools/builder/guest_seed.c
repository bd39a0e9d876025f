/* The reserved grant entries and the memory map of a new PV guest. */
#include "guest_seed.h"

#include <string.h>

static void grant_access(grant_entry_v1_t *e, uint64_t frame, domid_t backend)
{
    e->domid = backend;
    e->frame = (uint32_t)frame;
    /* The guest (or a mapper) reads flags first: the rest must be there. */
    __atomic_store_n(&e->flags, (uint16_t)GTF_permit_access, __ATOMIC_RELEASE);
}

void guest_seed_reserved_grants(grant_entry_v1_t *table, uint64_t console_frame,
                                uint64_t store_frame, domid_t backend)
{
    grant_access(&table[GNTTAB_RESERVED_CONSOLE], console_frame, backend);
    grant_access(&table[GNTTAB_RESERVED_XENSTORE], store_frame, backend);
}

unsigned guest_seed_memory_map(uint64_t maxmem_kib, struct guest_e820_entry *map)
{
    /* libxl's set_memmap_limit: all of maxmem is RAM from 0, no holes (a PV
     * guest has no firmware or MMIO below 1 MiB to keep out of it). */
    memset(map, 0, sizeof(*map));
    map[0].addr = 0;
    map[0].size = maxmem_kib * 1024;
    map[0].type = GUEST_E820_RAM;
    return 1;
}
