/*
 * One guest's console: its ring mapped from the frame the builder
 * published (console/ring-ref, a machine frame, as for xenconsoled's
 * foreign-map path), its event channel bound on the daemon's shared
 * evtchn fd, a pty whose slave path goes to console/tty, and a log file.
 * Everything the guest controls (the ring's indexes, its name) is treated
 * as hostile: clamped, never trusted to end a loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "console_ring.h"
#include "public/grant_table.h"
#include "consoled.h"
#include "xenstore.h"

/* Bounds on one pass, so a guest that never stops writing cannot starve others. */
#define DRAIN_PASSES   32
#define INPUT_CHUNK    256

static bool read_number(struct xs_handle *xs, uint32_t domid, const char *key, uint64_t *out)
{
    char path[96], *value, *end;
    unsigned int len;
    bool ok;

    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
    value = xs_read(xs, XBT_NULL, path, &len);
    if (!value)
        return false;
    errno = 0;
    *out = strtoull(value, &end, 10);
    ok = errno == 0 && end != value && *end == '\0';
    free(value);
    return ok;
}

static char *domain_name(struct xs_handle *xs, uint32_t domid)
{
    char path[64];
    unsigned int len;

    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    return xs_read(xs, XBT_NULL, path, &len);
}

static int open_pty(struct guest_console *g)
{
    struct termios raw;

    g->master_fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (g->master_fd < 0)
        return -errno;
    if (grantpt(g->master_fd) < 0 || unlockpt(g->master_fd) < 0 ||
        ptsname_r(g->master_fd, g->tty, sizeof(g->tty)) != 0)
        return -errno;
    /* Held by us, the slave stays a tty between readers, and the master
     * never sees the hang-up that closing the last slave would cause. */
    g->slave_fd = open(g->tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (g->slave_fd < 0)
        return -errno;
    /* The guest echoes and edits lines itself: the tty passes bytes through. */
    if (tcgetattr(g->slave_fd, &raw) == 0) {
        cfmakeraw(&raw);
        tcsetattr(g->slave_fd, TCSANOW, &raw);
    }
    return 0;
}

static void write_banner(struct guest_console *g, const char *name)
{
    char stamp[32], line[256];
    time_t now = time(NULL);
    int n;

    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", localtime(&now));
    n = snprintf(line, sizeof(line), "\n[lintel-consoled %s] domain %u (%s) console "
                 "connected\n", stamp, g->domid, name ? name : "unnamed");
    console_log_write(&g->log, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

static void publish_tty(struct consoled *d, struct guest_console *g)
{
    char path[64];

    snprintf(path, sizeof(path), "/local/domain/%u/console/tty", g->domid);
    if (!xs_write(d->xs, XBT_NULL, path, g->tty, (unsigned int)strlen(g->tty)))
        consoled_log("domain %u: writing %s failed: %s", g->domid, path, strerror(errno));
}

/*
 * As xenconsoled: the grant the domain builder reserved for the console
 * first (it needs no privilege over the guest's memory), the machine frame
 * the store names when the guest has no such grant (a builder that does
 * not seed one).
 */
static int map_ring(struct consoled *d, struct guest_console *g)
{
    xen_pfn_t frame = g->ring_ref;
    int rc = -ENODEV;

    if (d->gntdev_fd >= 0)
        g->ring = gntdev_map_page(d->gntdev_fd, g->domid, GNTTAB_RESERVED_CONSOLE,
                                  &g->grant_index, &rc);
    g->ring_by_grant = g->ring != NULL;
    if (!g->ring)
        g->ring = xenctl_map_foreign(&d->ctl, g->domid, &frame, 1, &rc);
    return g->ring ? 0 : rc;
}

static void unmap_ring(struct consoled *d, struct guest_console *g)
{
    if (g->ring_by_grant)
        gntdev_unmap_page(d->gntdev_fd, g->ring, g->grant_index);
    else
        xenctl_unmap_foreign(g->ring, 1);
    g->ring = NULL;
    g->ring_by_grant = false;
}

static int connect_console(struct consoled *d, struct guest_console *g, const char **step)
{
    char *name, file[96];
    int rc;

    *step = "mapping its ring";
    if ((rc = map_ring(d, g)) < 0)
        return rc;
    *step = "binding its event channel";
    rc = evtchn_bind_interdomain(d->evtchn_fd, g->domid, g->remote_port);
    if (rc < 0)
        return rc;
    g->local_port = (uint32_t)rc;
    g->connected = true;    /* from here, disconnect undoes everything */
    *step = "opening a pty";
    if ((rc = open_pty(g)) < 0)
        return rc;
    *step = "allocating its pty buffer";
    if ((rc = out_queue_init(&g->pty_out, d->opts.pty_buffer_bytes)) < 0)
        return rc;
    name = domain_name(d->xs, g->domid);
    console_log_file_name(name, g->domid, file, sizeof(file));
    *step = "opening its log file";
    rc = console_log_open(&g->log, d->opts.log_dir, file, d->opts.log_max_bytes);
    if (rc == 0)
        write_banner(g, name);
    free(name);
    if (rc < 0)
        return rc;
    /* Whatever the guest wrote before we came is still waiting in the ring. */
    g->out_cons = __atomic_load_n(&g->ring->out_cons, __ATOMIC_ACQUIRE);
    publish_tty(d, g);
    return 0;
}

void guest_console_refresh(struct consoled *d, struct guest_console *g)
{
    uint64_t ref, port;
    const char *step = "";
    int rc;

    if (!read_number(d->xs, g->domid, "console/ring-ref", &ref) ||
        !read_number(d->xs, g->domid, "console/port", &port) || port > UINT32_MAX)
        return;     /* not published yet: the watch brings us back */
    if (g->attempted && ref == g->ring_ref && port == g->remote_port)
        return;     /* connected to it already, or it failed and nothing changed */
    if (g->connected)
        guest_console_disconnect(d, g);
    g->ring_ref = ref;
    g->remote_port = (uint32_t)port;
    g->attempted = true;
    rc = connect_console(d, g, &step);
    if (rc < 0) {
        consoled_log("domain %u: console ring %" PRIu64 " port %u: %s failed: %s",
                     g->domid, ref, g->remote_port, step, strerror(-rc));
        guest_console_disconnect(d, g);
        return;
    }
    consoled_log("domain %u: console on %s, log %s, ring %s", g->domid, g->tty,
                 g->log.path, g->ring_by_grant ? "by grant" : "by foreign mapping");
    guest_console_drain(d, g);
}

void guest_console_disconnect(struct consoled *d, struct guest_console *g)
{
    if (g->local_port && d->evtchn_fd >= 0)
        evtchn_unbind(d->evtchn_fd, g->local_port);
    g->local_port = 0;
    /* Dropping the mapping is what lets a dead domain's memory go back. */
    if (g->ring)
        unmap_ring(d, g);
    if (g->master_fd >= 0)
        close(g->master_fd);
    if (g->slave_fd >= 0)
        close(g->slave_fd);
    g->master_fd = g->slave_fd = -1;
    g->tty[0] = '\0';
    console_log_close(&g->log);
    if (g->pty_out.dropped)
        consoled_log("domain %u: %" PRIu64 " bytes of output found no pty reader and were "
                     "dropped", g->domid, g->pty_out.dropped);
    out_queue_free(&g->pty_out);
    g->connected = false;
}

bool guest_console_drain(struct consoled *d, struct guest_console *g)
{
    char buf[sizeof(g->ring->out)];
    bool took = false;

    if (!g->connected)
        return false;
    for (int pass = 0; pass < DRAIN_PASSES; pass++) {
        size_t n = console_ring_take_output_at(g->ring, &g->out_cons, buf, sizeof(buf));

        if (n == 0)
            break;
        took = true;
        if (console_log_write(&g->log, buf, n) < 0 && g->log.fd >= 0)
            consoled_log("domain %u: writing %s: %s", g->domid, g->log.path, strerror(errno));
        out_queue_push(&g->pty_out, buf, n);
    }
    /* The guest may be waiting for room in its ring. */
    if (took)
        evtchn_notify(d->evtchn_fd, g->local_port);
    guest_console_pty_flush(d, g);
    return took;
}

size_t guest_console_input_room(const struct guest_console *g)
{
    XENCONS_RING_IDX prod, cons, used;

    if (!g->connected)
        return 0;
    prod = g->ring->in_prod;
    cons = __atomic_load_n(&g->ring->in_cons, __ATOMIC_ACQUIRE);
    used = prod - cons;
    /* A consumer "ahead" of us is malformed: take no input until it is sane. */
    return used > sizeof(g->ring->in) ? 0 : sizeof(g->ring->in) - used;
}

void guest_console_pty_input(struct consoled *d, struct guest_console *g)
{
    char buf[INPUT_CHUNK];
    size_t room = guest_console_input_room(g);
    ssize_t n;

    if (room == 0)
        return;
    n = read(g->master_fd, buf, room < sizeof(buf) ? room : sizeof(buf));
    if (n <= 0)
        return;
    console_ring_put_input(g->ring, buf, (size_t)n);
    evtchn_notify(d->evtchn_fd, g->local_port);
}

void guest_console_pty_flush(struct consoled *d, struct guest_console *g)
{
    bool flushed_stale = false;

    (void)d;
    while (g->connected && g->pty_out.len) {
        const char *p;
        size_t run = out_queue_peek(&g->pty_out, &p);
        ssize_t n = write(g->master_fd, p, run);

        if (n > 0) {
            out_queue_consume(&g->pty_out, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        /* The pty is full and our own backlog is large: nobody is reading,
         * or not fast enough. Its oldest bytes make way for the newest. */
        if (!flushed_stale && g->pty_out.len >= g->pty_out.cap / 2) {
            tcflush(g->slave_fd, TCIFLUSH);
            flushed_stale = true;
            continue;
        }
        break;
    }
}
