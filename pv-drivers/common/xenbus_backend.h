/*
 * One backend device's connection to the store: its directory
 * /local/domain/0/backend/TYPE/DOMID/DEVID (written by the toolstack), the
 * frontend directory it names, the watches on both, and the handshake
 * (xenbus_decide.h) that calls the driver's hooks at the right moments.
 *
 * A driver fills in xenbus_backend_ops, calls xenbus_backend_open(), then
 * calls xenbus_backend_on_store_event() whenever xenbus_backend_fd() polls
 * readable (backend_loop.h does that) until xenbus_backend_finished().
 */
#ifndef LINTEL_XENBUS_BACKEND_H
#define LINTEL_XENBUS_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "public/io/xenbus.h"

struct xs_handle;
struct xenbus_backend;

struct xenbus_backend_ops {
    /*
     * Publish the device's features (backend keys the frontend reads before
     * it connects). 0, or -errno: the device goes to Closed with the reason
     * in the backend's "hotplug-error" node.
     */
    int (*setup)(struct xenbus_backend *be);
    /*
     * The frontend published its ring: map it, bind the event channel,
     * write what the frontend reads on connection. 0, or -errno with nothing
     * left mapped (the device then goes to Closing).
     */
    int (*connect)(struct xenbus_backend *be);
    /* Stop using the frontend's pages and port; only called after connect. */
    void (*disconnect)(struct xenbus_backend *be);
    /* blk: the frontend's Initialised is enough to connect; net waits for Connected. */
    bool connect_on_initialised;
};

struct xenbus_backend {
    struct xs_handle *xs;
    const char *type;              /* "vbd", "vif" */
    uint32_t domid, devid;         /* the frontend's domain and device id */
    char path[128];                /* our directory */
    char frontend[128];            /* the frontend's directory */
    enum xenbus_state state;       /* what we last published */
    bool connected;                /* connect succeeded, disconnect not yet called */
    bool finished;                 /* the process should end */
    const struct xenbus_backend_ops *ops;
    void *driver;                  /* the driver's own state */
};

/*
 * Connects to the store, reads our directory's "frontend" node, puts the
 * watches in place and runs the first step of the handshake. 0 or -errno
 * with a message already logged.
 */
int xenbus_backend_open(struct xenbus_backend *be, const char *type, uint32_t domid,
                        uint32_t devid, const struct xenbus_backend_ops *ops, void *driver);
/* Disconnects if needed; removes our directory when the frontend is gone. */
void xenbus_backend_close(struct xenbus_backend *be);

int xenbus_backend_fd(const struct xenbus_backend *be);
/* Drains the store's watch events and acts on the current state. */
void xenbus_backend_on_store_event(struct xenbus_backend *be);
static inline bool xenbus_backend_finished(const struct xenbus_backend *be)
{
    return be->finished;
}

/*
 * The driver found the frontend misbehaving (bad ring index, bad grant):
 * stop serving it and go to Closing, leaving WHY in the backend's "error"
 * node for the toolstack.
 */
void xenbus_backend_fail(struct xenbus_backend *be, const char *why);

/* Our directory's KEY (malloc'd, NUL-terminated) or NULL with errno. */
char *xenbus_backend_read(struct xenbus_backend *be, const char *key);
/* The frontend directory's KEY (malloc'd) or NULL with errno. */
char *xenbus_frontend_read(struct xenbus_backend *be, const char *key);
/* The frontend's KEY as a number in [0, MAX]; -ENOENT if absent, -EINVAL if malformed. */
int xenbus_frontend_read_uint(struct xenbus_backend *be, const char *key, unsigned long max,
                              unsigned long *value);
/* Writes our directory's KEY; 0 or -errno. */
int xenbus_backend_write(struct xenbus_backend *be, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Reads the frontend's ring: "ring-page-order" with "ring-ref0".."ring-refN"
 * (multi-page rings, at most 2^MAX_ORDER pages) or a single "ring-ref",
 * and "event-channel". 0 with *COUNT refs, or -errno with WHY filled in.
 */
int xenbus_read_ring(struct xenbus_backend *be, unsigned int max_order, uint32_t *refs,
                     unsigned int *count, uint32_t *port, char *why, unsigned int why_len);

#endif
