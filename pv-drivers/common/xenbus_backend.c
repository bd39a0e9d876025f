#include "xenbus_backend.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_log.h"
#include "ring_index.h"
#include "xenbus_decide.h"
#include "xenstore.h"

static char *read_path(struct xenbus_backend *be, const char *dir, const char *key)
{
    char path[256];
    unsigned int len;
    char *value;

    snprintf(path, sizeof(path), "%s%s%s", dir, key[0] ? "/" : "", key);
    value = xs_read(be->xs, XBT_NULL, path, &len);
    return value;
}

char *xenbus_backend_read(struct xenbus_backend *be, const char *key)
{
    return read_path(be, be->path, key);
}

char *xenbus_frontend_read(struct xenbus_backend *be, const char *key)
{
    return read_path(be, be->frontend, key);
}

int xenbus_frontend_read_uint(struct xenbus_backend *be, const char *key, unsigned long max,
                              unsigned long *value)
{
    char *text = xenbus_frontend_read(be, key);
    bool ok;

    if (!text)
        return -ENOENT;
    ok = store_value_to_uint(text, max, value);
    free(text);
    return ok ? 0 : -EINVAL;
}

int xenbus_backend_write(struct xenbus_backend *be, const char *key, const char *fmt, ...)
{
    char path[256], value[256];
    va_list ap;

    snprintf(path, sizeof(path), "%s/%s", be->path, key);
    va_start(ap, fmt);
    vsnprintf(value, sizeof(value), fmt, ap);
    va_end(ap);
    return xs_write(be->xs, XBT_NULL, path, value, (unsigned int)strlen(value)) ? 0 : -errno;
}

static void switch_state(struct xenbus_backend *be, enum xenbus_state state)
{
    if (xenbus_backend_write(be, "state", "%d", (int)state) < 0)
        backend_log("writing state %s failed: %s", xenbus_state_name(state), strerror(errno));
    else
        backend_debug("state %s -> %s", xenbus_state_name(be->state), xenbus_state_name(state));
    be->state = state;
}

static void stop_serving(struct xenbus_backend *be)
{
    if (!be->connected)
        return;
    be->ops->disconnect(be);
    be->connected = false;
}

void xenbus_backend_fail(struct xenbus_backend *be, const char *why)
{
    backend_log("disconnecting the frontend: %s", why);
    stop_serving(be);
    xenbus_backend_write(be, "error", "%s", why);
    switch_state(be, XenbusStateClosing);
}

static bool dir_exists(struct xenbus_backend *be, const char *dir)
{
    char *value = read_path(be, dir, "");

    if (value) {
        free(value);
        return true;
    }
    return errno != ENOENT;
}

static enum xenbus_state frontend_state(struct xenbus_backend *be)
{
    unsigned long v;

    if (xenbus_frontend_read_uint(be, "state", XenbusStateReconfigured, &v) < 0)
        return XenbusStateUnknown;
    return (enum xenbus_state)v;
}

static void look(struct xenbus_backend *be, struct xenbus_view *view)
{
    char *online = xenbus_backend_read(be, "online");

    view->ours = be->state;
    view->backend_gone = !dir_exists(be, be->path);
    view->frontend_gone = !dir_exists(be, be->frontend);
    view->theirs = view->frontend_gone ? XenbusStateUnknown : frontend_state(be);
    view->online = !online || strcmp(online, "0") != 0;
    view->connect_on_initialised = be->ops->connect_on_initialised;
    free(online);
}

static void do_setup(struct xenbus_backend *be)
{
    int rc;

    stop_serving(be);
    rc = be->ops->setup(be);
    if (rc < 0) {
        backend_log("cannot set the device up: %s", strerror(-rc));
        xenbus_backend_write(be, "hotplug-error", "%s", strerror(-rc));
        switch_state(be, XenbusStateClosed);
        be->finished = true;
        return;
    }
    switch_state(be, XenbusStateInitWait);
}

static void do_connect(struct xenbus_backend *be)
{
    int rc = be->ops->connect(be);

    if (rc < 0) {
        backend_log("cannot connect to the frontend: %s", strerror(-rc));
        switch_state(be, XenbusStateClosing);
        return;
    }
    be->connected = true;
    switch_state(be, XenbusStateConnected);
    backend_log("connected");
}

/* Returns false once nothing more is to be done for now. */
static bool step(struct xenbus_backend *be)
{
    struct xenbus_view view;
    enum xenbus_action action;

    look(be, &view);
    action = xenbus_decide(&view);
    if (action != XENBUS_NOTHING)
        backend_debug("ours %s, frontend %s%s%s: %s", xenbus_state_name(view.ours),
                      xenbus_state_name(view.theirs), view.online ? "" : ", offline",
                      view.frontend_gone ? ", frontend gone" : "", xenbus_action_name(action));
    switch (action) {
    case XENBUS_NOTHING:
        return false;
    case XENBUS_SETUP:
        do_setup(be);
        break;
    case XENBUS_CONNECT:
        do_connect(be);
        break;
    case XENBUS_CLOSING:
        stop_serving(be);
        switch_state(be, XenbusStateClosing);
        break;
    case XENBUS_CLOSED:
        stop_serving(be);
        switch_state(be, XenbusStateClosed);
        break;
    case XENBUS_EXIT:
        stop_serving(be);
        if (view.frontend_gone && !view.backend_gone) {
            backend_log("the frontend's domain is gone; removing %s", be->path);
            xs_rm(be->xs, XBT_NULL, be->path);
        }
        be->finished = true;
        return false;
    }
    return !be->finished;
}

void xenbus_backend_on_store_event(struct xenbus_backend *be)
{
    char **event;

    while ((event = xs_check_watch(be->xs)) != NULL)
        free(event);
    /* Each action changes our state, so a handful of steps always settles. */
    for (int i = 0; i < 8 && step(be); i++)
        ;
}

int xenbus_backend_fd(const struct xenbus_backend *be)
{
    return xs_fileno(be->xs);
}

int xenbus_backend_open(struct xenbus_backend *be, const char *type, uint32_t domid,
                        uint32_t devid, const struct xenbus_backend_ops *ops, void *driver)
{
    char *frontend;

    memset(be, 0, sizeof(*be));
    be->type = type;
    be->domid = domid;
    be->devid = devid;
    be->ops = ops;
    be->driver = driver;
    be->state = XenbusStateInitialising;
    snprintf(be->path, sizeof(be->path), "/local/domain/0/backend/%s/%u/%u", type, domid, devid);
    be->xs = xs_open(0);
    if (!be->xs) {
        backend_log("cannot connect to the store: %s", strerror(errno));
        return -ENOTCONN;
    }
    frontend = xenbus_backend_read(be, "frontend");
    if (!frontend || strlen(frontend) >= sizeof(be->frontend)) {
        backend_log("%s/frontend is missing or too long", be->path);
        free(frontend);
        return -ENOENT;
    }
    snprintf(be->frontend, sizeof(be->frontend), "%s", frontend);
    free(frontend);
    if (!xs_watch(be->xs, be->path, "backend") || !xs_watch(be->xs, be->frontend, "frontend")) {
        backend_log("cannot watch %s and %s: %s", be->path, be->frontend, strerror(errno));
        return -errno;
    }
    xenbus_backend_on_store_event(be);
    return 0;
}

void xenbus_backend_close(struct xenbus_backend *be)
{
    stop_serving(be);
    if (be->xs)
        xs_close(be->xs);
    be->xs = NULL;
}

static int read_ring_refs(struct xenbus_backend *be, unsigned int max_order, uint32_t *refs,
                          unsigned int *count, char *why, unsigned int why_len)
{
    unsigned long order, ref;
    int rc = xenbus_frontend_read_uint(be, "ring-page-order", max_order, &order);

    if (rc == -EINVAL) {
        snprintf(why, why_len, "ring-page-order is not a number in [0, %u]", max_order);
        return rc;
    }
    if (rc == -ENOENT) {
        if (xenbus_frontend_read_uint(be, "ring-ref", UINT32_MAX, &ref) < 0) {
            snprintf(why, why_len, "ring-ref is missing or not a grant reference");
            return -EINVAL;
        }
        refs[0] = (uint32_t)ref;
        *count = 1;
        return 0;
    }
    *count = 1u << order;
    for (unsigned int i = 0; i < *count; i++) {
        char key[32];

        snprintf(key, sizeof(key), "ring-ref%u", i);
        if (xenbus_frontend_read_uint(be, key, UINT32_MAX, &ref) < 0) {
            snprintf(why, why_len, "%s is missing or not a grant reference", key);
            return -EINVAL;
        }
        refs[i] = (uint32_t)ref;
    }
    return 0;
}

int xenbus_read_ring(struct xenbus_backend *be, unsigned int max_order, uint32_t *refs,
                     unsigned int *count, uint32_t *port, char *why, unsigned int why_len)
{
    unsigned long value;
    int rc = read_ring_refs(be, max_order, refs, count, why, why_len);

    if (rc < 0)
        return rc;
    if (xenbus_frontend_read_uint(be, "event-channel", UINT32_MAX, &value) < 0) {
        snprintf(why, why_len, "event-channel is missing or not a port number");
        return -EINVAL;
    }
    *port = (uint32_t)value;
    return 0;
}
