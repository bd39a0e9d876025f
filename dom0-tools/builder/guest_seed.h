/*
 * What a toolstack leaves in a new PV guest beside its memory, as libxl
 * does: the two reserved grant entries that let dom0's console and store
 * daemons map the guest's rings by grant (GNTTAB_RESERVED_CONSOLE and
 * GNTTAB_RESERVED_XENSTORE), and the guest's E820 memory map (one RAM
 * entry up to maxmem, what XENMEM_memory_map then returns to the guest).
 * Pure, so unit tests check the entries on the host.
 */
#ifndef LINTEL_GUEST_SEED_H
#define LINTEL_GUEST_SEED_H

#include <stdint.h>

#include "public/xen.h"
#include "public/grant_table.h"

/* One E820 entry as XENMEM_set_memory_map takes it: 20 bytes, packed. */
struct guest_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));

#define GUEST_E820_RAM 1

/* Fills TABLE's reserved entries so BACKEND may map the two ring frames.
 * The flags word is written last: it is what makes an entry valid. */
void guest_seed_reserved_grants(grant_entry_v1_t *table, uint64_t console_frame,
                                uint64_t store_frame, domid_t backend);

/* The map a PV guest of MAXMEM_KIB gets; returns the number of entries. */
unsigned guest_seed_memory_map(uint64_t maxmem_kib, struct guest_e820_entry *map);

#endif
