/* Ring endpoints: a domain's requests and replies through its shared page. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ring.h"
#include "ring_backend.h"

static void ring_fail(struct ring_endpoint *re, uint32_t why)
{
    daemon_log(re->ep.d, "domain %u: ring %s: ignoring it until released", re->domid,
               why == XENSTORE_ERROR_RINGIDX ? "indexes are bogus" : "payload too long");
    re->intf->error = why;
    re->dead = true;
    msgq_clear(&re->ep.conn.out);
}

/* Takes only the bytes the current message still needs: the rest stays queued in the ring. */
static bool ring_read(struct ring_endpoint *re)
{
    struct msg_in *in = &re->ep.in;
    bool moved = false;

    while (!re->dead && daemon_may_take_request(re->ep.d, &re->ep)) {
        char buf[XENSTORE_RING_SIZE];
        uint32_t want = in->have < sizeof(in->hdr)
                            ? (uint32_t)sizeof(in->hdr) - in->have
                            : (uint32_t)sizeof(in->hdr) + in->hdr.len - in->have;
        int got = ring_take_requests(re->intf, buf, want < sizeof(buf) ? want : sizeof(buf));
        bool complete;

        if (got < 0) {
            ring_fail(re, XENSTORE_ERROR_RINGIDX);
            break;
        }
        if (got == 0)
            break;
        moved = true;
        if (msgin_feed(in, buf, (size_t)got, &complete) < 0) {
            ring_fail(re, XENSTORE_ERROR_PROTO);
            break;
        }
        if (complete)
            daemon_handle_request(re->ep.d, &re->ep);
    }
    return moved;
}

static bool ring_write(struct ring_endpoint *re)
{
    struct xs_conn *c = &re->ep.conn;
    bool moved = false;

    while (!re->dead && c->out.head) {
        struct xs_msg *m = c->out.head;
        char buf[XENSTORE_RING_SIZE];
        uint32_t len = msg_copy_out(m, m->sent, buf, sizeof(buf));
        int put = ring_put_responses(re->intf, buf, len);

        if (put < 0) {
            ring_fail(re, XENSTORE_ERROR_RINGIDX);
            break;
        }
        if (put == 0)
            break;
        moved = true;
        m->sent += (uint32_t)put;
        if (m->sent == msg_total_len(m))
            free(msgq_pop(&c->out));
    }
    return moved;
}

static bool ring_pump(struct endpoint *ep)
{
    struct ring_endpoint *re = (struct ring_endpoint *)ep;
    bool moved = false, step;

    if (re->dead)
        return false;
    do {
        step = ring_write(re);
        step |= ring_read(re);
        moved |= step;
    } while (step);
    if (moved && !re->dead)
        re->be->notify(re);
    return moved;
}

static void ring_destroy(struct endpoint *ep)
{
    struct ring_endpoint *re = (struct ring_endpoint *)ep;

    re->be->unmap(re);
    msgq_clear(&ep->conn.out);
    free(re);
}

static const struct endpoint_ops ring_ops = { ring_pump, ring_destroy };

void ring_kick(struct ring_endpoint *re)
{
    ring_pump(&re->ep);
}

struct ring_endpoint *ring_find_port(struct daemon *d, uint32_t port)
{
    for (struct endpoint *ep = d->endpoints; ep; ep = ep->next)
        if (ep->ops == &ring_ops && ((struct ring_endpoint *)ep)->local_port == port)
            return (struct ring_endpoint *)ep;
    return NULL;
}

static struct ring_endpoint *ring_new(struct daemon *d, uint32_t domid,
                                      const struct ring_backend *be, uint64_t mfn,
                                      uint32_t port, int *err)
{
    struct ring_endpoint *re = calloc(1, sizeof(*re));

    if (!re) {
        *err = ENOMEM;
        return NULL;
    }
    re->be = be;
    re->domid = domid;
    re->fd = -1;
    re->ep.d = d;
    /* dom0's kernel is the toolstack's domain: it gets dom0's privilege. */
    conn_init(&re->ep.conn, domid, domid == 0);
    *err = be->map(re, mfn, port);
    if (*err) {
        free(re);
        return NULL;
    }
    re->intf->server_features = XENSTORE_SERVER_FEATURE_ERROR;
    re->intf->connection = XENSTORE_CONNECTED;
    re->intf->error = XENSTORE_ERROR_NONE;
    daemon_add_endpoint(d, &re->ep, &ring_ops);
    return re;
}

struct xs_conn *ring_attach(void *daemon, uint32_t domid, uint64_t mfn, uint32_t port, int *err)
{
    struct daemon *d = daemon;
    const struct ring_backend *be = d->opts.ring_dir ? &ring_backend_file : &ring_backend_xen;
    struct ring_endpoint *re = ring_new(d, domid, be, mfn, port, err);

    if (!re)
        return NULL;
    daemon_log(d, "domain %u introduced (%s ring)", domid, be->name);
    /* A guest may have queued requests before we mapped its page. */
    ring_kick(re);
    return &re->ep.conn;
}

void ring_detach(void *daemon, struct xs_conn *c)
{
    struct endpoint *ep = (struct endpoint *)c;

    (void)daemon;
    ep->gone = true;
}

struct xs_conn *ring_attach_dom0(struct daemon *d, int *err)
{
    struct ring_endpoint *re = ring_new(d, 0, &ring_backend_dom0, 0, 0, err);

    if (!re)
        return NULL;
    daemon_log(d, "dom0 kernel attached through /dev/xen/xenbus_backend (port %u)",
               re->local_port);
    /* The first event tells a waiting xenbus that the store is up. */
    ring_kick(re);
    re->be->notify(re);
    return &re->ep.conn;
}
