/* The frontend half of the xenbus handshake; see xenbus_front.h. */
#include "xenbus_front.h"

#include <public/errno.h>

#include "format.h"
#include "kernel.h"
#include "port_wait.h"
#include "store.h"

#define MS 1000000ULL

long xenbus_path(char *buf, unsigned long size, const char *dir, const char *node)
{
    return format(buf, size, "%s/%s", dir, node) < size ? 0 : -XEN_E2BIG;
}

long xenbus_front_open(struct xenbus_front *f, const char *type, unsigned int devid)
{
    char path[96];
    unsigned long id;
    long rc;

    if (format(f->dir, sizeof(f->dir), "device/%s/%u", type, devid) >= sizeof(f->dir))
        return -XEN_E2BIG;
    if ((rc = xenbus_path(path, sizeof(path), f->dir, "backend")) ||
        (rc = store_read(path, f->backend, sizeof(f->backend))) < 0)
        return rc;
    if ((rc = xenbus_path(path, sizeof(path), f->dir, "backend-id")) ||
        (rc = store_read_ulong(path, &id)) < 0)
        return rc;
    if (id >= DOMID_FIRST_RESERVED)
        return -XEN_EINVAL;
    f->backend_id = (domid_t)id;
    return 0;
}

long xenbus_backend_read(const struct xenbus_front *f, const char *node, char *buf,
                         unsigned long size)
{
    char path[192];
    long rc = xenbus_path(path, sizeof(path), f->backend, node);

    return rc ? rc : store_read(path, buf, size);
}

long xenbus_backend_read_ulong(const struct xenbus_front *f, const char *node,
                               unsigned long *value)
{
    char path[192];
    long rc = xenbus_path(path, sizeof(path), f->backend, node);

    return rc ? rc : store_read_ulong(path, value);
}

long xenbus_backend_state(const struct xenbus_front *f)
{
    unsigned long state;
    long rc = xenbus_backend_read_ulong(f, "state", &state);

    return rc ? rc : (long)state;
}

long xenbus_wait_backend(const struct xenbus_front *f, unsigned int state_mask,
                         uint64_t timeout_ns)
{
    uint64_t deadline = system_time_ns() + timeout_ns;
    long state;

    for (;;) {
        state = xenbus_backend_state(f);
        if (state >= 0 && state < 32 && (state_mask & (1u << state)))
            return state;
        if (system_time_ns() > deadline)
            return state;
        port_sleep_ns(20 * MS);
    }
}

static long front_write(const struct xenbus_front *f, const char *node, const char *fmt,
                        unsigned long value)
{
    char path[96];
    long rc = xenbus_path(path, sizeof(path), f->dir, node);

    return rc ? rc : store_printf(path, fmt, value);
}

long xenbus_front_switch(const struct xenbus_front *f, enum xenbus_state state)
{
    return front_write(f, "state", "%lu", (unsigned long)state);
}

long xenbus_front_connect(const struct xenbus_front *f, grant_ref_t ring_ref,
                          evtchn_port_t port, const char *protocol, uint64_t timeout_ns)
{
    char path[96];
    long rc, state;

    state = xenbus_wait_backend(f, 1u << XenbusStateInitWait, timeout_ns);
    if (state != XenbusStateInitWait)
        return state < 0 ? state : (state ? state : -XEN_ETIMEDOUT);
    if ((rc = front_write(f, "ring-ref", "%lu", ring_ref)) ||
        (rc = front_write(f, "event-channel", "%lu", port)) ||
        (rc = xenbus_path(path, sizeof(path), f->dir, "protocol")) ||
        (rc = store_write(path, protocol)) ||
        (rc = xenbus_front_switch(f, XenbusStateInitialised)))
        return rc;
    state = xenbus_wait_backend(f, (1u << XenbusStateConnected) | (1u << XenbusStateClosing) |
                                       (1u << XenbusStateClosed), timeout_ns);
    if (state != XenbusStateConnected)
        return state;
    return xenbus_front_switch(f, XenbusStateConnected);
}
