/*
 * XENMEM_acquire_resource for a PV toolstack: the machine frames of a
 * domain's resource, which privcmd then maps with the domain as the
 * frames' owner. The only resource offered is the grant table (Xen 4.17's
 * libxc seeds a new guest's reserved entries through it, and falls back
 * to GNTTABOP_setup_table plus a foreign mapping only where it is refused);
 * ioreq servers and vmtrace buffers belong to HVM: a PV domain has none.
 *
 * The checks follow Xen 4.17's order: the argument, its padding, the
 * domain (another one: the caller's own id is -EPERM, an unknown one,
 * DOMID_SELF included, -ESRCH), privilege, the resource's size, then the
 * size query (a NULL frame list) or the frames, 32 per pass with the
 * progress encoded in the command as memory_op's other batched calls do.
 */
#include <lintel/control.h>
#include <lintel/domain.h>
#include <lintel/errno.h>
#include <lintel/grant_table.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall.h>
#include <lintel/lib.h>
#include <public/errno.h>
#include <public/memory.h>

#define MEMOP_EXTENT_SHIFT 6
#define FRAMES_PER_PASS    32

/* The resource's size in frames (0: it has none; < 0: an error). */
static long resource_max_frames(struct domain *d, const struct xen_mem_acquire_resource *r)
{
    switch (r->type) {
    case XENMEM_resource_grant_table:
        return grant_resource_max_frames(d, r->id);
    /* HVM's: a PV domain has no ioreq server and no vmtrace buffer. */
    case XENMEM_resource_ioreq_server:
    case XENMEM_resource_vmtrace_buf:
        return 0;
    /* Xen 4.17 answers an unknown type's size query with -EOPNOTSUPP taken
     * as an unsigned count (and refuses to map it): the same here. */
    default:
        return (uint32_t)-XEN_EOPNOTSUPP;
    }
}

static long resource_owner(domid_t domid, struct domain **out)
{
    struct domain *cur = current_domain();
    /* Another domain by its id: DOMID_SELF names none here. */
    struct domain *d = domid == DOMID_SELF ? NULL : domain_lookup(domid);

    if (!d || d->state >= DOMAIN_DYING)
        return -XEN_ESRCH;
    if (d == cur)
        return -XEN_EPERM;
    if (!cur->is_privileged)
        return -XEN_EPERM;
    *out = d;
    return 0;
}

/* Frames [start, nr_frames) of the resource into the caller's frame list. */
static long copy_frames(struct domain *d, const struct xen_mem_acquire_resource *r,
                        uint64_t start, uint64_t cmd, uint64_t arg)
{
    uint64_t list = (uint64_t)(uintptr_t)r->frame_list.p;
    uint64_t mfns[FRAMES_PER_PASS];

    while (start < r->nr_frames) {
        unsigned n = (unsigned)MIN((uint64_t)FRAMES_PER_PASS, r->nr_frames - start);
        int rc = grant_resource_frames(d, r->id, r->frame + start, n, mfns);

        if (rc)
            return rc;
        if (copy_to_guest(list + start * sizeof(mfns[0]), mfns, n * sizeof(mfns[0])))
            return -XEN_EFAULT;
        start += n;
        if (start < r->nr_frames)
            return hypercall_continue(hypercall_regs(),
                                      cmd | (start << MEMOP_EXTENT_SHIFT), arg, 0, 0, 0);
    }
    return 0;
}

long memory_acquire_resource(uint64_t cmd, uint64_t start, uint64_t arg)
{
    struct xen_mem_acquire_resource r;
    struct domain *d = NULL;
    long rc, max;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -XEN_EFAULT;
    if (r.pad)
        return -XEN_EINVAL;
    rc = resource_owner(r.domid, &d);
    if (rc)
        return rc;
    max = resource_max_frames(d, &r);
    if (max <= 0)
        return max ? max : -XEN_EINVAL;
    if (!r.frame_list.p) {
        if (r.nr_frames || start)
            return -XEN_EINVAL;
        r.nr_frames = (uint32_t)max;
        return copy_to_guest(arg + offsetof(struct xen_mem_acquire_resource, nr_frames),
                             &r.nr_frames, sizeof(r.nr_frames)) ? -XEN_EFAULT : 0;
    }
    if (r.type != XENMEM_resource_grant_table)
        return -XEN_EOPNOTSUPP;
    if (r.frame >= (uint64_t)max || r.nr_frames > max - r.frame || start >= r.nr_frames)
        return -XEN_EINVAL;
    return copy_frames(d, &r, start, cmd & ((1UL << MEMOP_EXTENT_SHIFT) - 1), arg);
}
