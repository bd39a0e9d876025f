/* The running daemon: the engine plus its endpoints (one per connected client). */
#ifndef LINTEL_XS_DAEMON_H
#define LINTEL_XS_DAEMON_H

#include <stdbool.h>
#include "event_loop.h"
#include "options.h"
#include "store.h"
#include "wire.h"

struct endpoint;

struct endpoint_ops {
    /* Moves requests in and replies out; returns true if any byte moved. */
    bool (*pump)(struct endpoint *ep);
    void (*destroy)(struct endpoint *ep);
};

struct endpoint {
    struct xs_conn conn;          /* first: the engine's view of this client */
    const struct endpoint_ops *ops;
    struct daemon *d;
    struct endpoint *next;
    struct msg_in in;
    bool gone;                    /* destroy at the next sweep */
};

struct daemon {
    struct store store;
    struct event_loop loop;
    struct options opts;
    struct endpoint *endpoints;
    int evtchn_fd;                /* /dev/xen/evtchn, shared by all Xen rings; -1 if none */
    int listen_fd;
    uint32_t dom_exc_port;        /* VIRQ_DOM_EXC: some domain shut down or died */
    bool dom_exc_bound;
};

void daemon_add_endpoint(struct daemon *d, struct endpoint *ep, const struct endpoint_ops *ops);
/* Executes the request just assembled in ep->in and readies it for the next one. */
void daemon_handle_request(struct daemon *d, struct endpoint *ep);
/* Whether the endpoint may be given another request now (outstanding-request quota). */
bool daemon_may_take_request(const struct daemon *d, const struct endpoint *ep);
void daemon_log(struct daemon *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Transports. */
int socket_transport_start(struct daemon *d, const char *path);
struct xs_conn *ring_attach(void *daemon, uint32_t domid, uint64_t mfn, uint32_t port, int *err);
void ring_detach(void *daemon, struct xs_conn *c);
/* dom0's own kernel, through /dev/xen/xenbus_backend. */
struct xs_conn *ring_attach_dom0(struct daemon *d, int *err);
/* Opens /dev/xen/evtchn once, shared by rings and VIRQs. */
int evtchn_open(struct daemon *d);
/* Domain shutdown/death reported by the hypervisor (xen_domains.c). */
int domains_watch_start(struct daemon *d);
void domains_check(struct daemon *d);

#endif
