/*
 * How a ring endpoint reaches its shared page and event channel. Variants:
 * Xen guests (grant/foreign map + /dev/xen/evtchn), dom0's own kernel
 * (/dev/xen/xenbus_backend), and shared files for hosts without a hypervisor.
 */
#ifndef LINTEL_XS_RING_BACKEND_H
#define LINTEL_XS_RING_BACKEND_H

#include "daemon.h"

struct ring_endpoint;

struct ring_backend {
    const char *name;
    int (*map)(struct ring_endpoint *re, uint64_t mfn, uint32_t port);
    void (*notify)(struct ring_endpoint *re);
    void (*unmap)(struct ring_endpoint *re);
};

struct ring_endpoint {
    struct endpoint ep;
    const struct ring_backend *be;
    struct xenstore_domain_interface *intf;
    uint32_t domid;
    uint32_t local_port;     /* Xen: our end of the event channel */
    int fd;                  /* file backend: notification socket; -1 otherwise */
    void *mapping;           /* what to unmap */
    bool dead;               /* guest broke the protocol: ignored until released */
};

extern const struct ring_backend ring_backend_xen;
extern const struct ring_backend ring_backend_dom0;
extern const struct ring_backend ring_backend_file;

/* Runs the ring now (a notification arrived). */
void ring_kick(struct ring_endpoint *re);
struct ring_endpoint *ring_find_port(struct daemon *d, uint32_t port);

#endif
