/*
 * Event channels in ring 0: each domain's port table (evtchn_table.c)
 * behind do_event_channel_op, VIRQ raising for the rest of the
 * hypervisor, and delivery through the domain's ABI ops: 2-level until the
 * guest's EVTCHNOP_init_control switches it to FIFO (event_fifo_ops.c),
 * and back on EVTCHNOP_reset.
 *
 * One lock covers every domain's ports: interdomain operations touch two
 * tables at once and a single lock cannot deadlock. Kicking a vCPU and
 * waking pollers takes the scheduler's lock, so that happens after this
 * lock is dropped (lock order: events, then scheduler).
 */
#include "evtchn_abi.h"

#include <lintel/errno.h>
#include <lintel/event.h>
#include <lintel/evtchn_table.h>
#include <lintel/guest_access.h>
#include <lintel/hypercall_handlers.h>
#include <lintel/keyhandler.h>
#include <lintel/lib.h>
#include <lintel/mm.h>
#include <lintel/physdev.h>
#include <lintel/printk.h>
#include <lintel/smp.h>
#include <lintel/spinlock.h>
#include <lintel/vcpu_time.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/xen.h>

/* Per-domain limits: all a 2-level guest can name for dom0, Xen's default for others. */
#define DOM0_MAX_PORTS EVTCHN_ABI_MAX_PORTS
#define DOMU_MAX_PORTS 1024

/* A notification decided under the lock, carried out after it. */
struct delivery {
    struct vcpu *kick;
    struct domain *poll_domain;
    uint32_t poll_port;
};

static spinlock_t evtchn_lock = SPINLOCK_INIT;
static struct evtchn_domain *all_domains;

unsigned long evtchn_lock_irqsave(void)
{
    return spin_lock_irqsave(&evtchn_lock);
}

void evtchn_unlock_irqrestore(unsigned long flags)
{
    spin_unlock_irqrestore(&evtchn_lock, flags);
}

static struct evtchn_domain *ed_of(const struct domain *d)
{
    return d ? d->evtchn : NULL;
}

static struct evtchn_table *table_of_domain(domid_t id, void *ctx)
{
    struct evtchn_domain *ed = ed_of(domain_lookup(id));

    (void)ctx;
    return ed ? &ed->table : NULL;
}

static struct vcpu *notify_vcpu(struct domain *d, const struct evtchn_port *p)
{
    struct vcpu *v = p->notify_vcpu < d->max_vcpus ? d->vcpus[p->notify_vcpu] : NULL;

    return v ? v : d->vcpus[0];
}

/* Marks port pending in d (lock held); *out says whom to wake afterwards. */
static void raise_locked(struct domain *d, uint32_t port, struct delivery *out)
{
    struct evtchn_domain *ed = ed_of(d);
    struct evtchn_port *p = ed ? evtchn_port_get(&ed->table, port) : NULL;
    struct vcpu *v;

    *out = (struct delivery){ 0 };
    if (!p || !d->shared_info)
        return;
    v = notify_vcpu(d, p);
    if (ed->ops->set_pending(d, v, port, p->priority))
        out->kick = v;
    out->poll_domain = d;
    out->poll_port = port;
}

static void deliver(const struct delivery *dl)
{
    if (dl->kick)
        vcpu_kick(dl->kick);
    if (dl->poll_domain)
        sched_poll_notify(dl->poll_domain, dl->poll_port);
}

void vcpu_kick(struct vcpu *v)
{
    /* A runnable vCPU sees its upcall on its way back in; one running on
     * another pCPU is made to come back in (an IPI) so it does so now. */
    vcpu_unblock(v);
    if (vcpu_is_running(v) && (unsigned)v->processor != smp_processor_id())
        smp_send_kick((unsigned)v->processor);
}

static void dump_key(char key);

int evtchn_init_domain(struct domain *d)
{
    static bool key_registered;
    unsigned long flags;

    uint32_t capacity = d->is_privileged ? DOM0_MAX_PORTS : DOMU_MAX_PORTS;
    struct evtchn_domain *ed = xzalloc(sizeof(*ed) + capacity * sizeof(struct evtchn_port));
    uint32_t (*virq)[NR_VIRQS] = xzalloc(d->max_vcpus * sizeof(*virq));

    if (!ed || !virq) {
        xfree(ed);
        xfree(virq);
        return -ENOMEM;
    }
    ed->domain = d;
    ed->ops = &evtchn_2l_ops;
    ed->virq_port = virq;
    /* createdomain's max_evtchn_port names the highest usable port. */
    uint32_t usable = d->max_evtchn_port < capacity ? d->max_evtchn_port + 1 : capacity;
    evtchn_table_init(&ed->table, ed->ports, capacity, usable, virq, d->max_vcpus);
    flags = spin_lock_irqsave(&evtchn_lock);
    ed->next = all_domains;
    all_domains = ed;
    d->evtchn = ed;
    spin_unlock_irqrestore(&evtchn_lock, flags);
    if (!key_registered)
        key_registered = keyhandler_register('e', dump_key, "dump event channels");
    return 0;
}

/* Closes port of d; a connected peer is told by an event on its end (lock held). */
static int close_locked(struct domain *d, uint32_t port, bool notify_peer,
                        struct delivery *peer)
{
    struct evtchn_domain *ed = ed_of(d);
    struct evtchn_port *p = evtchn_port_get(&ed->table, port);
    struct domain *peer_dom = NULL;
    uint32_t peer_port = 0;
    int rc;

    *peer = (struct delivery){ 0 };
    /* The line is masked again before the port can be reused. */
    if (p && p->state == EVTCHN_PIRQ)
        physdev_pirq_unbind(d, p->virq_or_pirq);
    if (p && p->state == EVTCHN_INTERDOMAIN && p->peer_dom != d->id) {
        peer_dom = domain_lookup(p->peer_dom);
        peer_port = p->peer_port;
    }
    rc = evtchn_table_close(&ed->table, d->id, port, table_of_domain, NULL);
    if (rc)
        return rc;
    /* A re-bound port must not inherit an old event. */
    ed->ops->clear_pending(d, port);
    if (notify_peer && peer_dom)
        raise_locked(peer_dom, peer_port, peer);
    return 0;
}

static void close_all_locked(struct domain *d, bool notify_peers, struct delivery *peers,
                             unsigned max_peers, unsigned *nr_peers)
{
    struct evtchn_domain *ed = ed_of(d);

    *nr_peers = 0;
    for (uint32_t port = 1; port < ed->table.valid_ports; port++) {
        struct delivery dl;

        if (ed->table.ports[port].state == EVTCHN_FREE)
            continue;
        close_locked(d, port, notify_peers, &dl);
        if (dl.kick || dl.poll_domain) {
            if (*nr_peers < max_peers)
                peers[(*nr_peers)++] = dl;
        }
    }
}

#define MAX_PEER_NOTIFICATIONS 64

void evtchn_destroy_domain(struct domain *d)
{
    struct delivery peers[MAX_PEER_NOTIFICATIONS];
    struct evtchn_domain *ed = ed_of(d);
    unsigned long flags;
    unsigned n;

    if (!ed)
        return;
    flags = spin_lock_irqsave(&evtchn_lock);
    /* Peers learn that their end went quiet: it is unbound now. */
    close_all_locked(d, true, peers, MAX_PEER_NOTIFICATIONS, &n);
    evtchn_fifo_teardown_locked(d);
    for (struct evtchn_domain **pp = &all_domains; *pp; pp = &(*pp)->next) {
        if (*pp == ed) {
            *pp = ed->next;
            break;
        }
    }
    d->evtchn = NULL;
    spin_unlock_irqrestore(&evtchn_lock, flags);
    for (unsigned i = 0; i < n; i++)
        deliver(&peers[i]);
    xfree(ed->virq_port);
    xfree(ed);
}

bool evtchn_port_is_pending(struct domain *d, uint32_t port)
{
    struct evtchn_domain *ed = ed_of(d);
    unsigned long flags;
    bool pending = false;

    if (!ed)
        return false;
    flags = spin_lock_irqsave(&evtchn_lock);
    if (evtchn_port_valid(&ed->table, port))
        pending = ed->ops->is_pending(d, port);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return pending;
}

static void send_virq_port(struct domain *d, unsigned virq, unsigned vcpu_id)
{
    struct evtchn_domain *ed = ed_of(d);
    struct delivery dl = { 0 };
    unsigned long flags;
    uint32_t port;

    if (!ed || virq >= NR_VIRQS)
        return;
    flags = spin_lock_irqsave(&evtchn_lock);
    port = evtchn_table_virq_port(&ed->table, virq, vcpu_id);
    if (port)
        raise_locked(d, port, &dl);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    deliver(&dl);
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned virq)
{
    send_virq_port(v->domain, virq, v->id);
}

void send_guest_global_virq(struct domain *d, unsigned virq)
{
    send_virq_port(d, virq, 0);
}

void send_guest_pirq(struct domain *d, uint32_t port, uint32_t pirq)
{
    struct evtchn_domain *ed = ed_of(d);
    struct delivery dl = { 0 };
    struct evtchn_port *p;
    unsigned long flags;

    if (!ed)
        return;
    flags = spin_lock_irqsave(&evtchn_lock);
    /* The port may have been closed and reused since the interrupt came. */
    p = evtchn_port_get(&ed->table, port);
    if (p && p->state == EVTCHN_PIRQ && p->virq_or_pirq == pirq)
        raise_locked(d, port, &dl);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    deliver(&dl);
}

/* ---- EVTCHNOP_* ---- */

/* The domain a "dom" field names: ourselves, or anyone for a privileged caller. */
static struct domain *target_domain(domid_t dom, long *err)
{
    struct domain *cur = current_domain();
    struct domain *d;

    if (dom == DOMID_SELF || dom == cur->id)
        return cur;
    if (!cur->is_privileged) {
        *err = -EPERM;
        return NULL;
    }
    d = domain_lookup(dom);
    if (!d || !d->evtchn)
        *err = -XEN_ESRCH;
    return d && d->evtchn ? d : NULL;
}

static long op_alloc_unbound(struct evtchn_alloc_unbound *a)
{
    long err = 0;
    struct domain *d = target_domain(a->dom, &err);
    domid_t remote;
    unsigned long flags;
    int port;

    if (!d)
        return err;
    /* The remote end is only named here, not looked up: it may not exist yet. */
    remote = a->remote_dom == DOMID_SELF ? current_domain()->id : a->remote_dom;
    flags = spin_lock_irqsave(&evtchn_lock);
    port = evtchn_table_alloc_unbound(&ed_of(d)->table, remote);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    if (port < 0)
        return port;
    a->port = (uint32_t)port;
    return 0;
}

static long op_bind_interdomain(struct evtchn_bind_interdomain *b)
{
    struct domain *ld = current_domain();
    struct domain *rd = b->remote_dom == DOMID_SELF ? ld : domain_lookup(b->remote_dom);
    struct delivery dl = { 0 };
    unsigned long flags;
    int port;

    if (!rd || !rd->evtchn)
        return -XEN_ESRCH;
    flags = spin_lock_irqsave(&evtchn_lock);
    port = evtchn_table_bind_interdomain(&ed_of(ld)->table, ld->id, &ed_of(rd)->table,
                                         rd->id, b->remote_port);
    /* The peer may have signalled before we listened: raise our end once. */
    if (port > 0)
        raise_locked(ld, (uint32_t)port, &dl);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    deliver(&dl);
    if (port < 0)
        return port;
    b->local_port = (uint32_t)port;
    return 0;
}

static long op_bind_virq(struct evtchn_bind_virq *b)
{
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    int port = evtchn_table_bind_virq(&ed_of(current_domain())->table, b->virq, b->vcpu);

    spin_unlock_irqrestore(&evtchn_lock, flags);
    if (port < 0)
        return port;
    b->port = (uint32_t)port;
    return 0;
}

static long op_bind_ipi(struct evtchn_bind_ipi *b)
{
    struct domain *d = current_domain();
    unsigned long flags;
    int port;

    if (b->vcpu >= d->max_vcpus || !d->vcpus[b->vcpu])
        return -ENOENT;
    flags = spin_lock_irqsave(&evtchn_lock);
    port = evtchn_table_bind_ipi(&ed_of(d)->table, b->vcpu);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    if (port < 0)
        return port;
    b->port = (uint32_t)port;
    return 0;
}

static long op_bind_pirq(struct evtchn_bind_pirq *b)
{
    struct domain *d = current_domain();
    struct evtchn_table *t = &ed_of(d)->table;
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    int port = evtchn_table_bind_pirq(t, b->pirq);
    int rc = port < 0 ? port : physdev_pirq_bind(d, b->pirq, (uint32_t)port);

    /* A refused line gives its new port back. */
    if (port > 0 && rc)
        evtchn_table_close(t, d->id, (uint32_t)port, NULL, NULL);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    if (rc)
        return rc;
    b->port = (uint32_t)port;
    return 0;
}

static long op_close(const struct evtchn_close *c)
{
    struct delivery dl;
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    int rc = close_locked(current_domain(), c->port, false, &dl);

    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

static long op_send(const struct evtchn_send *s)
{
    struct domain *d = current_domain();
    struct evtchn_send_target to;
    struct delivery dl = { 0 };
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    int rc = evtchn_table_send_target(&ed_of(d)->table, s->port, &to);

    if (!rc && to.deliver)
        raise_locked(to.dom == DOMID_SELF ? d : domain_lookup(to.dom), to.port, &dl);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    deliver(&dl);
    return rc;
}

static long op_status(struct evtchn_status *s)
{
    long err = 0;
    struct domain *d = target_domain(s->dom, &err);
    unsigned long flags;
    int rc;

    if (!d)
        return err;
    flags = spin_lock_irqsave(&evtchn_lock);
    rc = evtchn_table_status(&ed_of(d)->table, s->port, s);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

static long op_bind_vcpu(const struct evtchn_bind_vcpu *b)
{
    struct domain *d = current_domain();
    unsigned long flags;
    int rc;

    if (b->vcpu >= d->max_vcpus || !d->vcpus[b->vcpu])
        return -ENOENT;
    flags = spin_lock_irqsave(&evtchn_lock);
    rc = evtchn_table_bind_vcpu(&ed_of(d)->table, b->port, b->vcpu);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

static long op_unmask(const struct evtchn_unmask *u)
{
    struct domain *d = current_domain();
    struct evtchn_domain *ed = ed_of(d);
    struct vcpu *kick = NULL;
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    struct evtchn_port *p = evtchn_port_get(&ed->table, u->port);
    struct vcpu *v;

    if (p) {
        v = notify_vcpu(d, p);
        if (ed->ops->unmask(d, v, u->port, p->priority))
            kick = v;
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
    if (kick)
        vcpu_kick(kick);
    return p ? 0 : -EINVAL;
}

static long op_reset(const struct evtchn_reset *r)
{
    struct delivery peers[MAX_PEER_NOTIFICATIONS];
    long err = 0;
    struct domain *d = target_domain(r->dom, &err);
    unsigned long flags;
    unsigned n;

    if (!d)
        return err;
    flags = spin_lock_irqsave(&evtchn_lock);
    close_all_locked(d, false, peers, MAX_PEER_NOTIFICATIONS, &n);
    /* A reset domain starts over with the 2-level ABI, as on Xen. */
    evtchn_fifo_teardown_locked(d);
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return 0;
}

static long op_init_control(struct evtchn_init_control *init)
{
    return evtchn_fifo_init_control(current_domain(), init);
}

static long op_expand_array(struct evtchn_expand_array *e)
{
    return evtchn_fifo_expand_array(current_domain(), e);
}

static long op_set_priority(struct evtchn_set_priority *sp)
{
    struct evtchn_domain *ed = ed_of(current_domain());
    unsigned long flags = spin_lock_irqsave(&evtchn_lock);
    struct evtchn_port *p = evtchn_port_get(&ed->table, sp->port);
    long rc = 0;

    if (!ed->fifo)
        rc = -ENOSYS;       /* the 2-level ABI has no priorities */
    else if (!p || sp->priority > EVTCHN_FIFO_PRIORITY_MIN)
        rc = -EINVAL;
    else
        p->priority = (uint8_t)sp->priority;
    spin_unlock_irqrestore(&evtchn_lock, flags);
    return rc;
}

/* Copies the argument in, runs op, copies it back out when op succeeded. */
#define WITH_ARG(type, op, copy_out)                                   \
    do {                                                               \
        type a_;                                                       \
        long rc_;                                                      \
        if (copy_from_guest(&a_, arg, sizeof(a_)))                     \
            return -EFAULT;                                            \
        rc_ = op(&a_);                                                 \
        if (rc_ == 0 && (copy_out) && copy_to_guest(arg, &a_, sizeof(a_))) \
            return -EFAULT;                                            \
        return rc_;                                                    \
    } while (0)

HYPERCALL_HANDLER(do_event_channel_op)
{
    uint64_t arg = a2;

    (void)a3, (void)a4, (void)a5;
    if (!current_domain()->evtchn)
        return -ENOSYS;
    switch (a1) {
    case EVTCHNOP_alloc_unbound:
        WITH_ARG(struct evtchn_alloc_unbound, op_alloc_unbound, true);
    case EVTCHNOP_bind_interdomain:
        WITH_ARG(struct evtchn_bind_interdomain, op_bind_interdomain, true);
    case EVTCHNOP_bind_virq:
        WITH_ARG(struct evtchn_bind_virq, op_bind_virq, true);
    case EVTCHNOP_bind_ipi:
        WITH_ARG(struct evtchn_bind_ipi, op_bind_ipi, true);
    case EVTCHNOP_close:
        WITH_ARG(struct evtchn_close, op_close, false);
    case EVTCHNOP_send:
        WITH_ARG(struct evtchn_send, op_send, false);
    case EVTCHNOP_status:
        WITH_ARG(struct evtchn_status, op_status, true);
    case EVTCHNOP_bind_vcpu:
        WITH_ARG(struct evtchn_bind_vcpu, op_bind_vcpu, false);
    case EVTCHNOP_unmask:
        WITH_ARG(struct evtchn_unmask, op_unmask, false);
    case EVTCHNOP_reset:
        WITH_ARG(struct evtchn_reset, op_reset, false);
    case EVTCHNOP_bind_pirq:
        WITH_ARG(struct evtchn_bind_pirq, op_bind_pirq, true);
    case EVTCHNOP_init_control:
        WITH_ARG(struct evtchn_init_control, op_init_control, true);
    case EVTCHNOP_expand_array:
        WITH_ARG(struct evtchn_expand_array, op_expand_array, false);
    case EVTCHNOP_set_priority:
        WITH_ARG(struct evtchn_set_priority, op_set_priority, false);
    default:
        return -ENOSYS;
    }
}

/* ---- debug key ---- */

static const char *const state_names[] = {
    [EVTCHN_FREE] = "free", [EVTCHN_RESERVED] = "reserved", [EVTCHN_UNBOUND] = "unbound",
    [EVTCHN_INTERDOMAIN] = "interdomain", [EVTCHN_PIRQ] = "pirq", [EVTCHN_VIRQ] = "virq",
    [EVTCHN_IPI] = "ipi",
};

static void dump_port(struct evtchn_domain *ed, uint32_t port)
{
    const struct evtchn_port *p = &ed->table.ports[port];

    printk("    port %4u: %-11s vcpu %u prio %u%s%s", port, state_names[p->state],
           p->notify_vcpu, p->priority,
           ed->ops->is_pending(ed->domain, port) ? " pending" : "",
           ed->ops->is_masked(ed->domain, port) ? " masked" : "");
    if (p->state == EVTCHN_INTERDOMAIN)
        printk(" -> d%u port %u\n", p->peer_dom, p->peer_port);
    else if (p->state == EVTCHN_UNBOUND)
        printk(" for d%u\n", p->peer_dom);
    else if (p->state == EVTCHN_VIRQ || p->state == EVTCHN_PIRQ)
        printk(" %s %u\n", state_names[p->state], p->virq_or_pirq);
    else
        printk("\n");
}

static void dump_key(char key)
{
    unsigned long flags;

    (void)key;
    printk("Event channels:\n");
    flags = spin_lock_irqsave(&evtchn_lock);
    for (struct evtchn_domain *ed = all_domains; ed; ed = ed->next) {
        printk("  %s: %s ABI, ports valid below %u (limit %u)\n", ed->domain->name,
               ed->ops->name, ed->table.valid_ports, ed->table.max_ports);
        for (uint32_t port = 1; port < ed->table.valid_ports; port++)
            if (ed->table.ports[port].state != EVTCHN_FREE)
                dump_port(ed, port);
    }
    spin_unlock_irqrestore(&evtchn_lock, flags);
}
