/*
 * libFuzzer target: arbitrary bytes become a stream of requests from two
 * clients (the privileged toolstack and unprivileged domain 5) fed through the
 * message parser into the store engine; the same bytes also play a guest's
 * ring page with arbitrary indexes. Any crash, leak or sanitizer report fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"
#include "store.h"
#include "wire.h"

static struct xs_conn *fuzz_attach(void *ctx, uint32_t domid, uint64_t mfn, uint32_t port,
                                   int *err)
{
    struct xs_conn *c = malloc(sizeof(*c));

    (void)ctx;
    (void)mfn;
    (void)port;
    if (!c) {
        *err = ENOMEM;
        return NULL;
    }
    conn_init(c, domid, false);
    return c;
}

static void fuzz_detach(void *ctx, struct xs_conn *c)
{
    (void)ctx;
    msgq_clear(&c->out);
    free(c);
}

static void fuzz_ring(const uint8_t *data, size_t size)
{
    struct xenstore_domain_interface intf;
    char buf[XENSTORE_RING_SIZE];

    if (size < sizeof(intf))
        return;
    memcpy(&intf, data, sizeof(intf));
    ring_take_requests(&intf, buf, sizeof(buf));
    ring_put_responses(&intf, data, XENSTORE_RING_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct msg_in in[2];
    struct store s;
    struct xs_conn conns[2];
    size_t off = 0;

    if (store_init(&s))
        return 0;
    s.hooks = (struct store_hooks){ fuzz_attach, fuzz_detach, NULL };
    conn_init(&conns[0], 0, true);
    conn_init(&conns[1], 5, false);
    msgin_reset(&in[0]);
    msgin_reset(&in[1]);
    while (off < size) {
        int who = data[off++] & 1;
        bool complete;
        long used = msgin_feed(&in[who], data + off, size - off, &complete);

        if (used < 0)
            break;
        off += (size_t)used;
        if (complete) {
            store_request(&s, &conns[who], &in[who].hdr, in[who].body);
            msgin_reset(&in[who]);
        }
    }
    for (unsigned i = 0; i < s.ndomains; i++) {
        store_conn_closed(&s, s.domains[i].conn);
        fuzz_detach(NULL, s.domains[i].conn);
    }
    for (int i = 0; i < 2; i++) {
        store_conn_closed(&s, &conns[i]);
        msgq_clear(&conns[i].out);
    }
    store_destroy(&s);
    fuzz_ring(data, size);
    return 0;
}
