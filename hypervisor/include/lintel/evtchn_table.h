/*
 * One domain's event-channel ports: the pure bookkeeping behind
 * do_event_channel_op (states, binding rules, per-domain limits, close
 * semantics). No locking and no delivery here: common/events/ takes the
 * domain locks and sets pending bits through the 2-level or FIFO ops; this
 * file also builds into the host unit tests.
 *
 * Port 0 is never handed out (Xen reserves it, and guests use 0 as "none").
 * Ports are valid up to the last allocated bucket, so a guest probing just
 * past its highest port gets -EINVAL, as on Xen.
 */
#ifndef LINTEL_EVTCHN_TABLE_H
#define LINTEL_EVTCHN_TABLE_H

#include <lintel/types.h>
#include <public/xen.h>
#include <public/event_channel.h>

enum evtchn_state {
    EVTCHN_FREE,
    EVTCHN_RESERVED,    /* port 0 */
    EVTCHN_UNBOUND,     /* alloc_unbound: waits for remote_dom to bind */
    EVTCHN_INTERDOMAIN,
    EVTCHN_PIRQ,
    EVTCHN_VIRQ,
    EVTCHN_IPI,
};

/* Ports grow in buckets so port validity follows what was ever allocated. */
#define EVTCHN_BUCKET_PORTS 64

struct evtchn_port {
    uint8_t state;              /* enum evtchn_state */
    uint8_t priority;           /* FIFO ABI only */
    uint16_t peer_dom;          /* UNBOUND: who may bind; INTERDOMAIN: the peer */
    uint32_t peer_port;         /* INTERDOMAIN */
    uint32_t notify_vcpu;
    uint32_t virq_or_pirq;
};

struct evtchn_table {
    struct evtchn_port *ports;  /* capacity entries, caller-provided storage */
    uint32_t capacity;          /* storage size, a multiple of the bucket */
    uint32_t max_ports;         /* per-domain limit (<= capacity) */
    uint32_t valid_ports;       /* ports below this are valid numbers */
    uint32_t nr_vcpus;
    uint32_t (*virq_port)[NR_VIRQS];  /* [vcpu][virq], 0 = unbound */
};

/* Prepares t over ports[capacity] and virq_port[nr_vcpus]; both zeroed here. */
void evtchn_table_init(struct evtchn_table *t, struct evtchn_port *ports, uint32_t capacity,
                       uint32_t max_ports, uint32_t (*virq_port)[NR_VIRQS], uint32_t nr_vcpus);

bool evtchn_port_valid(const struct evtchn_table *t, uint32_t port);
/* The port record, or NULL for a number beyond the valid range. */
struct evtchn_port *evtchn_port_get(struct evtchn_table *t, uint32_t port);

/* VIRQs delivered to one chosen vCPU of the domain rather than per vCPU. */
bool evtchn_virq_is_global(uint32_t virq);

/* Each returns the new port (> 0) or a negative errno. */
int evtchn_table_alloc_unbound(struct evtchn_table *t, domid_t remote_dom);
int evtchn_table_bind_virq(struct evtchn_table *t, uint32_t virq, uint32_t vcpu);
int evtchn_table_bind_ipi(struct evtchn_table *t, uint32_t vcpu);
int evtchn_table_bind_pirq(struct evtchn_table *t, uint32_t pirq);
/*
 * Connects a new port of local (domain local_dom) to remote's unbound
 * remote_port, which must have been allocated for local_dom. local and
 * remote may be the same table (a domain may connect to itself).
 */
int evtchn_table_bind_interdomain(struct evtchn_table *local, domid_t local_dom,
                                  struct evtchn_table *remote, domid_t remote_dom,
                                  uint32_t remote_port);

/*
 * Frees port. An interdomain peer is left UNBOUND and waiting for us again
 * (so the other end stays consistent and may be re-bound); peer_table finds
 * the peer's table (NULL if that domain is gone). Returns 0 or -EINVAL.
 */
typedef struct evtchn_table *(*evtchn_table_lookup_fn)(domid_t dom, void *ctx);
int evtchn_table_close(struct evtchn_table *t, domid_t self, uint32_t port,
                       evtchn_table_lookup_fn peer_table, void *ctx);

int evtchn_table_status(struct evtchn_table *t, uint32_t port, struct evtchn_status *out);
int evtchn_table_bind_vcpu(struct evtchn_table *t, uint32_t port, uint32_t vcpu);

/* Where EVTCHNOP_send delivers: nothing (unbound), ours (IPI) or a peer's port. */
struct evtchn_send_target {
    bool deliver;
    domid_t dom;                /* DOMID_SELF for IPI */
    uint32_t port;
};
int evtchn_table_send_target(struct evtchn_table *t, uint32_t port,
                             struct evtchn_send_target *out);

/* Port bound to virq on vcpu (global VIRQs: on vCPU 0's slot), 0 if none. */
uint32_t evtchn_table_virq_port(const struct evtchn_table *t, uint32_t virq, uint32_t vcpu);

#endif
