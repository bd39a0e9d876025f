/* A frontend's grant table; see front_grants.h. */
#include "front_grants.h"

#include <public/errno.h>

#include "kernel.h"
#include "mm.h"

#define TABLE_FRAMES  1
#define TABLE_ENTRIES (TABLE_FRAMES * PAGE_SIZE / sizeof(grant_entry_v1_t))

static char table_window[TABLE_FRAMES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static grant_entry_v1_t *table;
static grant_ref_t next_ref = GNTTAB_NR_RESERVED_ENTRIES;

long front_grants_init(void)
{
    xen_pfn_t frames[TABLE_FRAMES];
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = TABLE_FRAMES };
    long rc;

    if (table)
        return 0;
    set_xen_guest_handle(setup.frame_list, frames);
    rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1);
    if (rc)
        return rc;
    if (setup.status != GNTST_okay)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < TABLE_FRAMES; i++) {
        rc = remap(table_window[i], frames[i],
                   PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY);
        if (rc)
            return rc;
    }
    table = (grant_entry_v1_t *)table_window;
    return 0;
}

grant_ref_t front_grant(const void *page, domid_t to, int readonly)
{
    grant_ref_t ref;

    if (front_grants_init() || next_ref >= TABLE_ENTRIES)
        return 0;
    ref = next_ref++;
    table[ref].domid = to;
    table[ref].frame = (uint32_t)virt_to_mfn(page);
    /* The hypervisor must see domid and frame before the entry is valid. */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    table[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
    return ref;
}

grant_ref_t front_grants_limit(void)
{
    return (grant_ref_t)TABLE_ENTRIES - 1;
}
