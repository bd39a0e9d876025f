/*
 * The FIFO ABI plugged into the event-channel code: the guest's control
 * blocks (one per vCPU, EVTCHNOP_init_control) and event-array pages
 * (EVTCHNOP_expand_array) are frames the domain owns, held with a general
 * and a writable-type reference so they can never become page tables while
 * we write them, and reached through the direct map. The queue logic is
 * event_fifo.c's.
 *
 * Not carried over from Xen: ports bound and pending under the 2-level ABI
 * before the switch, and events on ports beyond the event array, are not
 * queued later (Linux switches before binding anything and expands the
 * array before it binds a port the array does not cover).
 */
#include "evtchn_abi.h"

#include <lintel/errno.h>
#include <lintel/event_fifo.h>
#include <lintel/frame.h>
#include <lintel/layout.h>
#include <lintel/mm.h>
#include <lintel/pv_exec.h>
#include <lintel/pv_mm.h>
#include <public/errno.h>
#include <public/xen.h>

struct evtchn_fifo_domain {
    unsigned nr_vcpus;
    struct evtchn_fifo_vcpu *vcpus;
    mfn_t *cb_mfn;                      /* per vCPU, INVALID_MFN when none */
    unsigned nr_pages;
    event_word_t *pages[EVTCHN_FIFO_MAX_PAGES];
    mfn_t page_mfn[EVTCHN_FIFO_MAX_PAGES];
};

static struct evtchn_fifo_domain *fifo_of(struct domain *d)
{
    return ((struct evtchn_domain *)d->evtchn)->fifo;
}

static event_word_t *word_of(void *ctx, uint32_t port)
{
    struct evtchn_fifo_domain *fd = ctx;
    unsigned page = port / EVTCHN_FIFO_WORDS_PER_PAGE;

    if (port >= EVTCHN_FIFO_NR_CHANNELS || page >= fd->nr_pages)
        return NULL;
    return &fd->pages[page][port % EVTCHN_FIFO_WORDS_PER_PAGE];
}

/* The upcall flag is the same as under the 2-level ABI. */
static bool mark_upcall(struct vcpu *v)
{
    struct vcpu_info *vi = pv_vcpu_info(v);

    return vi && !__atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
}

static struct evtchn_fifo_vcpu *fifo_vcpu(struct evtchn_fifo_domain *fd, struct vcpu *v)
{
    static struct evtchn_fifo_vcpu none;

    return v && v->id < fd->nr_vcpus ? &fd->vcpus[v->id] : &none;
}

static bool set_pending_fifo(struct domain *d, struct vcpu *v, uint32_t port, unsigned priority)
{
    struct evtchn_fifo_domain *fd = fifo_of(d);

    return evtchn_fifo_raise(fifo_vcpu(fd, v), word_of, fd, port, priority) && mark_upcall(v);
}

static bool unmask_fifo(struct domain *d, struct vcpu *v, uint32_t port, unsigned priority)
{
    struct evtchn_fifo_domain *fd = fifo_of(d);

    return evtchn_fifo_unmask(fifo_vcpu(fd, v), word_of, fd, port, priority) && mark_upcall(v);
}

static void clear_pending_fifo(struct domain *d, uint32_t port)
{
    event_word_t *w = word_of(fifo_of(d), port);

    if (w)
        evtchn_fifo_clear_pending(w);
}

static bool is_pending_fifo(struct domain *d, uint32_t port)
{
    event_word_t *w = word_of(fifo_of(d), port);

    return w && evtchn_fifo_word_pending(w);
}

static bool is_masked_fifo(struct domain *d, uint32_t port)
{
    event_word_t *w = word_of(fifo_of(d), port);

    return !w || evtchn_fifo_word_masked(w);
}

const struct evtchn_abi_ops evtchn_fifo_ops = {
    .name = "FIFO",
    .set_pending = set_pending_fifo,
    .unmask = unmask_fifo,
    .clear_pending = clear_pending_fifo,
    .is_pending = is_pending_fifo,
    .is_masked = is_masked_fifo,
};

/* ---- set-up ---- */

/* A frame of d the hypervisor may write for good: referenced and typed writable. */
static void *hold_guest_frame(struct domain *d, uint64_t gfn)
{
    if (!get_page(gfn, d))
        return NULL;
    if (get_page_type(gfn, d, FRAME_TYPE_WRITABLE)) {
        put_page(gfn);
        return NULL;
    }
    return phys_to_virt(gfn << PAGE_SHIFT);
}

static void release_guest_frame(mfn_t mfn)
{
    put_page_type(mfn);
    put_page(mfn);
}

static struct evtchn_fifo_domain *fifo_alloc(struct domain *d)
{
    struct evtchn_fifo_domain *fd = xzalloc(sizeof(*fd));

    if (!fd)
        return NULL;
    fd->nr_vcpus = d->max_vcpus;
    fd->vcpus = xzalloc(d->max_vcpus * sizeof(*fd->vcpus));
    fd->cb_mfn = xzalloc(d->max_vcpus * sizeof(*fd->cb_mfn));
    if (!fd->vcpus || !fd->cb_mfn) {
        xfree(fd->vcpus);
        xfree(fd->cb_mfn);
        xfree(fd);
        return NULL;
    }
    for (unsigned i = 0; i < d->max_vcpus; i++) {
        fd->cb_mfn[i] = INVALID_MFN;
        fd->vcpus[i].all = fd->vcpus;
        fd->vcpus[i].nr_all = fd->nr_vcpus;
    }
    return fd;
}

static void fifo_free(struct evtchn_fifo_domain *fd)
{
    xfree(fd->vcpus);
    xfree(fd->cb_mfn);
    xfree(fd);
}

long evtchn_fifo_init_control(struct domain *d, struct evtchn_init_control *init)
{
    struct evtchn_domain *ed = d->evtchn;
    struct evtchn_fifo_domain *fresh = NULL, *fd;
    unsigned long flags;
    uint8_t *page;
    long rc = 0;

    if ((init->offset & 7) || init->offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block))
        return -EINVAL;
    if (init->vcpu >= d->max_vcpus || !d->vcpus[init->vcpu])
        return -ENOENT;
    if (!ed->fifo && !(fresh = fifo_alloc(d)))
        return -ENOMEM;
    page = hold_guest_frame(d, init->control_gfn);
    if (!page) {
        if (fresh)
            fifo_free(fresh);
        return -EINVAL;
    }
    flags = evtchn_lock_irqsave();
    if (!ed->fifo && fresh) {
        ed->fifo = fresh;
        fresh = NULL;
        ed->ops = &evtchn_fifo_ops;
    }
    fd = ed->fifo;
    if (fd->vcpus[init->vcpu].cb) {
        rc = -EINVAL;   /* one control block per vCPU */
    } else {
        fd->vcpus[init->vcpu] = (struct evtchn_fifo_vcpu){
            .cb = (struct evtchn_fifo_control_block *)(page + init->offset),
            .all = fd->vcpus, .nr_all = fd->nr_vcpus };
        fd->cb_mfn[init->vcpu] = init->control_gfn;
    }
    evtchn_unlock_irqrestore(flags);
    if (fresh)
        fifo_free(fresh);
    if (rc)
        release_guest_frame(init->control_gfn);
    init->link_bits = EVTCHN_FIFO_LINK_BITS;
    return rc;
}

long evtchn_fifo_expand_array(struct domain *d, const struct evtchn_expand_array *e)
{
    struct evtchn_domain *ed = d->evtchn;
    uint32_t max_pages = (ed->table.capacity + EVTCHN_FIFO_WORDS_PER_PAGE - 1) /
                         EVTCHN_FIFO_WORDS_PER_PAGE;
    unsigned long flags;
    event_word_t *page;
    long rc = 0;

    if (!ed->fifo)
        return -XEN_EOPNOTSUPP;
    page = hold_guest_frame(d, e->array_gfn);
    if (!page)
        return -EINVAL;
    flags = evtchn_lock_irqsave();
    if (!ed->fifo) {
        rc = -XEN_EOPNOTSUPP;
    } else if (ed->fifo->nr_pages >= max_pages) {
        rc = -ENOSPC;
    } else {
        ed->fifo->page_mfn[ed->fifo->nr_pages] = e->array_gfn;
        ed->fifo->pages[ed->fifo->nr_pages++] = page;
    }
    evtchn_unlock_irqrestore(flags);
    if (rc)
        release_guest_frame(e->array_gfn);
    return rc;
}

void evtchn_fifo_teardown_locked(struct domain *d)
{
    struct evtchn_domain *ed = d->evtchn;
    struct evtchn_fifo_domain *fd = ed->fifo;

    if (!fd)
        return;
    ed->fifo = NULL;
    ed->ops = &evtchn_2l_ops;
    for (unsigned i = 0; i < fd->nr_vcpus; i++)
        if (fd->cb_mfn[i] != INVALID_MFN)
            release_guest_frame(fd->cb_mfn[i]);
    for (unsigned i = 0; i < fd->nr_pages; i++)
        release_guest_frame(fd->page_mfn[i]);
    fifo_free(fd);
}
