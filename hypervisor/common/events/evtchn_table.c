/*
 * Event-channel port bookkeeping for one domain (see evtchn_table.h).
 * Pure: no locks, no delivery, no allocation; built into the host tests.
 */
#include <lintel/evtchn_table.h>
#include <public/errno.h>

void evtchn_table_init(struct evtchn_table *t, struct evtchn_port *ports, uint32_t capacity,
                       uint32_t max_ports, uint32_t (*virq_port)[NR_VIRQS], uint32_t nr_vcpus)
{
    for (uint32_t i = 0; i < capacity; i++)
        ports[i] = (struct evtchn_port){ .state = EVTCHN_FREE,
                                         .priority = EVTCHN_FIFO_PRIORITY_DEFAULT };
    for (uint32_t v = 0; v < nr_vcpus; v++)
        for (unsigned q = 0; q < NR_VIRQS; q++)
            virq_port[v][q] = 0;
    t->ports = ports;
    t->capacity = capacity;
    t->max_ports = max_ports < capacity ? max_ports : capacity;
    t->nr_vcpus = nr_vcpus;
    t->virq_port = virq_port;
    t->valid_ports = t->max_ports < EVTCHN_BUCKET_PORTS ? t->max_ports : EVTCHN_BUCKET_PORTS;
    if (t->valid_ports)
        ports[0].state = EVTCHN_RESERVED;
}

bool evtchn_port_valid(const struct evtchn_table *t, uint32_t port)
{
    return port < t->valid_ports;
}

struct evtchn_port *evtchn_port_get(struct evtchn_table *t, uint32_t port)
{
    return evtchn_port_valid(t, port) ? &t->ports[port] : NULL;
}

bool evtchn_virq_is_global(uint32_t virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;
    }
}

/* Lowest free port, growing the valid range by a bucket when all are taken. */
static int alloc_port(struct evtchn_table *t)
{
    uint32_t port;

    for (port = 1; port < t->valid_ports; port++)
        if (t->ports[port].state == EVTCHN_FREE)
            return (int)port;
    if (t->valid_ports >= t->max_ports)
        return -XEN_ENOSPC;
    t->valid_ports += EVTCHN_BUCKET_PORTS;
    if (t->valid_ports > t->max_ports)
        t->valid_ports = t->max_ports;
    return (int)port;
}

int evtchn_table_alloc_unbound(struct evtchn_table *t, domid_t remote_dom)
{
    int port = alloc_port(t);

    if (port < 0)
        return port;
    t->ports[port] = (struct evtchn_port){ .state = EVTCHN_UNBOUND, .peer_dom = remote_dom,
                                           .priority = EVTCHN_FIFO_PRIORITY_DEFAULT };
    return port;
}

int evtchn_table_bind_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu)
{
    int port;

    if (virq >= NR_VIRQS)
        return -XEN_EINVAL;
    /* Global VIRQs are bound once, on vCPU 0; bind_vcpu moves them later. */
    if (evtchn_virq_is_global(virq) && vcpu != 0)
        return -XEN_EINVAL;
    if (vcpu >= t->nr_vcpus)
        return -XEN_ENOENT;
    if (t->virq_port[vcpu][virq])
        return -XEN_EEXIST;
    port = alloc_port(t);
    if (port < 0)
        return port;
    t->ports[port] = (struct evtchn_port){ .state = EVTCHN_VIRQ, .notify_vcpu = vcpu,
                                           .virq_or_pirq = virq,
                                           .priority = EVTCHN_FIFO_PRIORITY_DEFAULT };
    t->virq_port[vcpu][virq] = (uint32_t)port;
    return port;
}

int evtchn_table_bind_ipi(struct evtchn_table *t, uint32_t vcpu)
{
    int port;

    if (vcpu >= t->nr_vcpus)
        return -XEN_ENOENT;
    port = alloc_port(t);
    if (port < 0)
        return port;
    t->ports[port] = (struct evtchn_port){ .state = EVTCHN_IPI, .notify_vcpu = vcpu,
                                           .priority = EVTCHN_FIFO_PRIORITY_DEFAULT };
    return port;
}

int evtchn_table_bind_pirq(struct evtchn_table *t, uint32_t pirq)
{
    int port;

    for (uint32_t p = 1; p < t->valid_ports; p++)
        if (t->ports[p].state == EVTCHN_PIRQ && t->ports[p].virq_or_pirq == pirq)
            return -XEN_EEXIST;
    port = alloc_port(t);
    if (port < 0)
        return port;
    t->ports[port] = (struct evtchn_port){ .state = EVTCHN_PIRQ, .virq_or_pirq = pirq,
                                           .priority = EVTCHN_FIFO_PRIORITY_DEFAULT };
    return port;
}

int evtchn_table_bind_interdomain(struct evtchn_table *local, domid_t local_dom,
                                  struct evtchn_table *remote, domid_t remote_dom,
                                  uint32_t remote_port)
{
    struct evtchn_port *rp = evtchn_port_get(remote, remote_port);
    int port;

    if (!rp || rp->state != EVTCHN_UNBOUND || rp->peer_dom != local_dom)
        return -XEN_EINVAL;
    port = alloc_port(local);
    if (port < 0)
        return port;
    /* alloc_port may have grown remote too when it is our own table. */
    rp = &remote->ports[remote_port];
    local->ports[port] = (struct evtchn_port){ .state = EVTCHN_INTERDOMAIN,
                                               .peer_dom = remote_dom,
                                               .peer_port = remote_port,
                                               .priority = EVTCHN_FIFO_PRIORITY_DEFAULT };
    rp->state = EVTCHN_INTERDOMAIN;
    rp->peer_dom = local_dom;
    rp->peer_port = (uint32_t)port;
    return port;
}

int evtchn_table_close(struct evtchn_table *t, domid_t self, uint32_t port,
                       evtchn_table_lookup_fn peer_table, void *ctx)
{
    struct evtchn_port *p = evtchn_port_get(t, port);
    struct evtchn_table *peer;
    struct evtchn_port *pp;

    if (!p || p->state == EVTCHN_FREE || p->state == EVTCHN_RESERVED)
        return -XEN_EINVAL;
    switch (p->state) {
    case EVTCHN_VIRQ:
        for (uint32_t v = 0; v < t->nr_vcpus; v++)
            if (t->virq_port[v][p->virq_or_pirq] == port)
                t->virq_port[v][p->virq_or_pirq] = 0;
        break;
    case EVTCHN_INTERDOMAIN:
        /* The peer's end stays allocated, waiting for us to bind again. */
        peer = p->peer_dom == self ? t : (peer_table ? peer_table(p->peer_dom, ctx) : NULL);
        pp = peer ? evtchn_port_get(peer, p->peer_port) : NULL;
        if (pp && pp->state == EVTCHN_INTERDOMAIN && pp->peer_dom == self &&
            pp->peer_port == port) {
            pp->state = EVTCHN_UNBOUND;
            pp->peer_dom = self;
            pp->peer_port = 0;
        }
        break;
    default:
        break;
    }
    *p = (struct evtchn_port){ .state = EVTCHN_FREE, .priority = EVTCHN_FIFO_PRIORITY_DEFAULT };
    return 0;
}

int evtchn_table_status(struct evtchn_table *t, uint32_t port, struct evtchn_status *out)
{
    struct evtchn_port *p = evtchn_port_get(t, port);

    if (!p)
        return -XEN_EINVAL;
    out->vcpu = p->notify_vcpu;
    switch (p->state) {
    case EVTCHN_FREE:
    case EVTCHN_RESERVED:
        out->status = EVTCHNSTAT_closed;
        break;
    case EVTCHN_UNBOUND:
        out->status = EVTCHNSTAT_unbound;
        out->u.unbound.dom = p->peer_dom;
        break;
    case EVTCHN_INTERDOMAIN:
        out->status = EVTCHNSTAT_interdomain;
        out->u.interdomain.dom = p->peer_dom;
        out->u.interdomain.port = p->peer_port;
        break;
    case EVTCHN_PIRQ:
        out->status = EVTCHNSTAT_pirq;
        out->u.pirq = p->virq_or_pirq;
        break;
    case EVTCHN_VIRQ:
        out->status = EVTCHNSTAT_virq;
        out->u.virq = p->virq_or_pirq;
        break;
    case EVTCHN_IPI:
        out->status = EVTCHNSTAT_ipi;
        break;
    }
    return 0;
}

int evtchn_table_bind_vcpu(struct evtchn_table *t, uint32_t port, uint32_t vcpu)
{
    struct evtchn_port *p = evtchn_port_get(t, port);

    if (vcpu >= t->nr_vcpus)
        return -XEN_ENOENT;
    if (!p)
        return -XEN_EINVAL;
    switch (p->state) {
    case EVTCHN_VIRQ:
        if (!evtchn_virq_is_global(p->virq_or_pirq))
            return -XEN_EINVAL;
        break;
    case EVTCHN_UNBOUND:
    case EVTCHN_INTERDOMAIN:
    case EVTCHN_PIRQ:
        break;
    default:
        return -XEN_EINVAL;
    }
    p->notify_vcpu = vcpu;
    return 0;
}

int evtchn_table_send_target(struct evtchn_table *t, uint32_t port,
                             struct evtchn_send_target *out)
{
    struct evtchn_port *p = evtchn_port_get(t, port);

    if (!p)
        return -XEN_EINVAL;
    *out = (struct evtchn_send_target){ .deliver = false };
    switch (p->state) {
    case EVTCHN_INTERDOMAIN:
        *out = (struct evtchn_send_target){ true, p->peer_dom, p->peer_port };
        return 0;
    case EVTCHN_IPI:
        *out = (struct evtchn_send_target){ true, DOMID_SELF, port };
        return 0;
    case EVTCHN_UNBOUND:
        /* Nobody is listening yet: the notification is dropped, not an error. */
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

uint32_t evtchn_table_virq_port(const struct evtchn_table *t, uint32_t virq, uint32_t vcpu)
{
    if (virq >= NR_VIRQS)
        return 0;
    if (evtchn_virq_is_global(virq))
        vcpu = 0;
    if (vcpu >= t->nr_vcpus)
        return 0;
    return t->virq_port[vcpu][virq];
}
