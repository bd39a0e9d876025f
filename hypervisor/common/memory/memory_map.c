/*
 * A domain's pseudo-physical memory map (E820 entries): what the toolstack
 * sets with XENMEM_set_memory_map for a guest it builds, and what that
 * guest reads back with XENMEM_memory_map. Xen keeps no such map for a PV
 * dom0 (it reads the machine map), and a domain without one is told
 * -ENOSYS so that it derives a map from its reservation.
 *
 * struct domain is not this area's to extend, so the maps live here,
 * keyed by domain, and go when the domain's memory is released.
 */
#include <lintel/errno.h>
#include <lintel/guest_access.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/pv_mm.h>
#include <lintel/spinlock.h>
#include <public/errno.h>

#define MAX_MAPPED_DOMAINS 64

struct domain_map {
    const struct domain *domain;
    uint8_t *entries;               /* nr * PV_E820_ENTRY_SIZE bytes */
    unsigned nr;
};

static struct domain_map maps[MAX_MAPPED_DOMAINS];
static spinlock_t maps_lock = SPINLOCK_INIT;

static struct domain_map *map_of(const struct domain *d)
{
    for (unsigned i = 0; i < MAX_MAPPED_DOMAINS; i++)
        if (maps[i].domain == d)
            return &maps[i];
    return NULL;
}

int domain_memory_map_set(struct domain *d, const void *entries, unsigned nr)
{
    struct domain_map *m;
    uint8_t *copy = NULL, *old;

    if (nr > PV_E820_MAX_ENTRIES)
        return -XEN_EINVAL;
    if (nr) {
        copy = xmalloc(nr * PV_E820_ENTRY_SIZE);
        if (!copy)
            return -XEN_ENOMEM;
        memcpy(copy, entries, nr * PV_E820_ENTRY_SIZE);
    }
    spin_lock(&maps_lock);
    m = map_of(d);
    if (!m)
        m = map_of(NULL);
    if (!m) {
        spin_unlock(&maps_lock);
        xfree(copy);
        return -XEN_ENOMEM;
    }
    old = m->entries;
    /* An empty map is stored as none: the guest is told -ENOSYS again. */
    m->domain = nr ? d : NULL;
    m->entries = copy;
    m->nr = nr;
    spin_unlock(&maps_lock);
    xfree(old);
    return 0;
}

int domain_memory_map_get(struct domain *d, uint64_t guest_buf, unsigned *nr)
{
    const struct domain_map *m;
    int rc = -XEN_ENOSYS;

    spin_lock(&maps_lock);
    m = map_of(d);
    if (m) {
        *nr = MIN(*nr, m->nr);
        rc = copy_to_guest(guest_buf, m->entries, *nr * PV_E820_ENTRY_SIZE) ? -XEN_EFAULT : 0;
    }
    spin_unlock(&maps_lock);
    return rc;
}

void domain_memory_map_drop(struct domain *d)
{
    struct domain_map *m;
    uint8_t *old = NULL;

    spin_lock(&maps_lock);
    m = map_of(d);
    if (m) {
        old = m->entries;
        *m = (struct domain_map){ 0 };
    }
    spin_unlock(&maps_lock);
    xfree(old);
}
