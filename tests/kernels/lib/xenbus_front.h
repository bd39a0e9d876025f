/*
 * The frontend half of the xenbus handshake (io/xenbus.h), through the
 * store (store.h): find the device's backend, publish our ring and event
 * channel, go Initialised, wait for the backend's Connected, go Connected.
 *
 *   struct xenbus_front f;
 *   xenbus_front_open(&f, "vbd", 51712);
 *   xenbus_front_connect(&f, ring_ref, port, "x86_64-abi");
 */
#ifndef TESTKERNEL_XENBUS_FRONT_H
#define TESTKERNEL_XENBUS_FRONT_H

#include <stdint.h>

#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/io/xenbus.h>
#include <public/xen.h>

struct xenbus_front {
    char dir[64];         /* ours, relative: device/<type>/<devid> */
    char backend[128];    /* the backend's directory, absolute */
    domid_t backend_id;
};

/* Fills f from device/<type>/<devid>/{backend,backend-id}; 0 or -errno. */
long xenbus_front_open(struct xenbus_front *f, const char *type, unsigned int devid);

/* The path DIR/NODE in buf; 0, or -XEN_E2BIG if it does not fit. */
long xenbus_path(char *buf, unsigned long size, const char *dir, const char *node);

/* Reads NODE of the backend's directory; its length or -errno. */
long xenbus_backend_read(const struct xenbus_front *f, const char *node, char *buf,
                         unsigned long size);
long xenbus_backend_read_ulong(const struct xenbus_front *f, const char *node,
                               unsigned long *value);

/* The backend's state, or -errno (no state node: -XEN_ENOENT). */
long xenbus_backend_state(const struct xenbus_front *f);

/*
 * Polls the backend's state until it is one of the states in the mask
 * (1 << XenbusStateX) or timeout_ns passed; returns the last state read
 * (or -errno).
 */
long xenbus_wait_backend(const struct xenbus_front *f, unsigned int state_mask,
                         uint64_t timeout_ns);

/* Writes our own state node; 0 or -errno. */
long xenbus_front_switch(const struct xenbus_front *f, enum xenbus_state state);

/*
 * The handshake with a one-page ring: waits for the backend's InitWait,
 * writes ring-ref, event-channel and protocol, goes Initialised, waits for
 * Connected and goes Connected. Returns 0, or the backend's state when it
 * never connected (e.g. Closing after it refused our ring), or -errno.
 */
long xenbus_front_connect(const struct xenbus_front *f, grant_ref_t ring_ref,
                          evtchn_port_t port, const char *protocol, uint64_t timeout_ns);

#endif /* TESTKERNEL_XENBUS_FRONT_H */
