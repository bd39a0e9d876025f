/*
 * The store engine: the tree, watches, domains and quotas, and one entry point
 * that executes a request for a connection and queues the reply and any watch
 * events. It does no I/O, so the unit tests and the fuzzer drive it directly.
 */
#ifndef LINTEL_XS_STORE_H
#define LINTEL_XS_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include "conn.h"
#include "quota.h"
#include "tree.h"
#include "watch.h"

/* How the engine reaches a guest's ring: provided by the daemon's transports. */
struct store_hooks {
    /* Maps the domain's ring and binds its event channel; NULL and *err on failure. */
    struct xs_conn *(*attach)(void *ctx, uint32_t domid, uint64_t mfn, uint32_t port, int *err);
    /* Tears the transport down and frees the connection. */
    void (*detach)(void *ctx, struct xs_conn *c);
    void *ctx;
};

struct domain {
    uint32_t domid;
    uint64_t mfn;
    uint32_t port;
    struct xs_conn *conn;
    bool shutdown;          /* already announced on @releaseDomain */
};

enum special_node { SPECIAL_INTRODUCE, SPECIAL_RELEASE, SPECIAL_COUNT };

struct store {
    struct tree tree;
    struct watch_list watches;
    struct quota quota;
    struct domain *domains;
    unsigned ndomains, capdomains;
    struct node_perms special_perms[SPECIAL_COUNT];
    struct store_hooks hooks;
    bool dirty;                 /* something persistent changed since the last save */
    bool keep_orphans;          /* a released domain's nodes go to dom0 instead of away */
    struct change_log pending;  /* fired after the current request's reply is queued */
    void (*log)(const char *msg);
};

int store_init(struct store *s);
void store_destroy(struct store *s);

void store_request(struct store *s, struct xs_conn *c, const struct xsd_sockmsg *hdr,
                   const char *body);

/* The connection is going away: forget its watches and transactions. */
void store_conn_closed(struct store *s, struct xs_conn *c);

struct domain *store_find_domain(struct store *s, uint32_t domid);
/* Fires the watch events changes made outside a request have queued. */
void store_fire_pending(struct store *s);
/* What the hypervisor reports about introduced domains (VIRQ_DOM_EXC). */
void store_domain_gone(struct store *s, uint32_t domid);
void store_domain_shutdown(struct store *s, uint32_t domid);
int store_add_domain(struct store *s, uint32_t domid, uint64_t mfn, uint32_t port,
                     struct xs_conn *c);

#endif
