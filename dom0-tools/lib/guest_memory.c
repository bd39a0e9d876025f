/*
 * Building a guest's memory from dom0: backing its pfns with machine
 * frames (memory_op populate_physmap), and mapping those frames into our
 * address space through privcmd (foreign mappings).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/types.h>
#include <xen/privcmd.h>

#include "xenctl.h"
#include "public/memory.h"

/* Extents per populate call: small enough that one call never runs long. */
#define POPULATE_BATCH 2048

static int populate_batch(struct xenctl *ctl, uint32_t domid, xen_pfn_t *frames, size_t n)
{
    struct hcall_buffer list, res;
    struct xen_memory_reservation *r;
    long done;
    int rc;

    if ((rc = hcall_buffer_alloc(ctl, n * sizeof(*frames), &list)) < 0)
        return rc;
    if ((rc = hcall_buffer_alloc(ctl, sizeof(*r), &res)) < 0) {
        hcall_buffer_free(&list);
        return rc;
    }
    memcpy(list.addr, frames, n * sizeof(*frames));
    r = res.addr;
    set_xen_guest_handle(r->extent_start, (xen_pfn_t *)list.addr);
    r->nr_extents = n;
    r->extent_order = 0;
    r->domid = (domid_t)domid;
    done = xenctl_hypercall(ctl, __HYPERVISOR_memory_op, XENMEM_populate_physmap,
                            (uintptr_t)r, 0, 0, 0);
    /* A PV guest's pfns are its own idea: the list comes back as mfns. */
    if (done == (long)n)
        memcpy(frames, list.addr, n * sizeof(*frames));
    hcall_buffer_free(&res);
    hcall_buffer_free(&list);
    if (done < 0)
        return (int)done;
    return done == (long)n ? 0 : -ENOMEM;
}

int xenctl_populate_physmap(struct xenctl *ctl, uint32_t domid, xen_pfn_t *frames,
                            size_t n)
{
    for (size_t at = 0; at < n; at += POPULATE_BATCH) {
        size_t count = n - at < POPULATE_BATCH ? n - at : POPULATE_BATCH;
        int rc = populate_batch(ctl, domid, frames + at, count);

        if (rc < 0)
            return rc;
    }
    return 0;
}

void *xenctl_map_foreign(struct xenctl *ctl, uint32_t domid, const xen_pfn_t *mfns,
                         size_t n, int *rc_out)
{
    struct privcmd_mmapbatch_v2 batch;
    size_t len = n * XENCTL_PAGE_SIZE;
    int *errs = calloc(n, sizeof(*errs));
    void *addr;

    *rc_out = 0;
    if (!errs) {
        *rc_out = -ENOMEM;
        return NULL;
    }
    /* privcmd fills a range of its own mapping with the foreign frames. */
    addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, ctl->privcmd_fd, 0);
    if (addr == MAP_FAILED) {
        *rc_out = -errno;
        free(errs);
        return NULL;
    }
    batch.num = (unsigned int)n;
    batch.dom = (domid_t)domid;
    batch.addr = (uintptr_t)addr;
    batch.arr = mfns;
    batch.err = errs;
    if (ioctl(ctl->privcmd_fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) < 0) {
        *rc_out = -errno;
    } else {
        for (size_t i = 0; i < n && *rc_out == 0; i++)
            *rc_out = errs[i];
    }
    free(errs);
    if (*rc_out < 0) {
        munmap(addr, len);
        return NULL;
    }
    return addr;
}

void *xenctl_map_resource(struct xenctl *ctl, uint32_t domid, unsigned type, unsigned id,
                          unsigned frame, size_t n, int *rc_out)
{
    struct privcmd_mmap_resource res;
    size_t len = n * XENCTL_PAGE_SIZE;
    void *addr = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, ctl->privcmd_fd, 0);

    if (addr == MAP_FAILED) {
        *rc_out = -errno;
        return NULL;
    }
    memset(&res, 0, sizeof(res));
    res.dom = (domid_t)domid;
    res.type = type;
    res.id = id;
    res.idx = frame;
    res.num = n;
    res.addr = (uintptr_t)addr;
    *rc_out = ioctl(ctl->privcmd_fd, IOCTL_PRIVCMD_MMAP_RESOURCE, &res) < 0 ? -errno : 0;
    if (*rc_out < 0) {
        munmap(addr, len);
        return NULL;
    }
    return addr;
}

void xenctl_unmap_foreign(void *addr, size_t n)
{
    if (addr)
        munmap(addr, n * XENCTL_PAGE_SIZE);
}
