/*
 * lintel console DOMAIN: attach this terminal to a guest's console, through
 * lintel-consoled's pty (console_pty.c) or, when that daemon is not
 * running, straight on the ring (one reader at a time). Ctrl-] detaches.
 * Output keeps flowing when stdin is not a terminal or reaches its end, so
 * scripts can capture a console.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "console_session.h"
#include "console_ring.h"
#include "domain_lookup.h"
#include "domain_store.h"

#define POLL_MS    200      /* also drain without an event: one may be missed */

struct console_session {
    struct xenctl *ctl;
    uint32_t domid;
    struct xencons_interface *ring;
    int evtchn_fd;
    int local_port;
    bool stdin_open;
    struct console_term term;
};

static int ring_location(const struct command *cmd, uint32_t domid, uint64_t *mfn,
                         uint32_t *port)
{
    struct xs_handle *xs = store_handle();
    char *ref = store_read_domain_key(xs, domid, "console/ring-ref");
    char *evtchn = store_read_domain_key(xs, domid, "console/port");
    int rc = EXIT_OK;

    if (!ref || !evtchn)
        rc = command_fail(cmd, "domain %u has no console in the store%s", domid,
                          xs ? "" : " (the store is not running)");
    else {
        *mfn = strtoull(ref, NULL, 10);
        *port = (uint32_t)strtoul(evtchn, NULL, 10);
    }
    free(ref);
    free(evtchn);
    return rc;
}

static void drain_output(struct console_session *s)
{
    char buf[2048];
    size_t n;

    while ((n = console_ring_take_output(s->ring, buf, sizeof(buf))) > 0) {
        fwrite(buf, 1, n, stdout);
        fflush(stdout);
        evtchn_notify(s->evtchn_fd, (uint32_t)s->local_port);
    }
}

/* Returns false when the user asked to detach. */
static bool forward_input(struct console_session *s)
{
    char buf[256];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

    if (n <= 0) {
        s->stdin_open = false;
        return true;
    }
    if (memchr(buf, CONSOLE_DETACH_KEY, (size_t)n))
        return false;
    console_ring_put_input(s->ring, buf, (size_t)n);
    evtchn_notify(s->evtchn_fd, (uint32_t)s->local_port);
    return true;
}

static void run_session(struct console_session *s)
{
    for (;;) {
        struct pollfd fds[2] = {
            { s->evtchn_fd, POLLIN, 0 },
            { s->stdin_open ? STDIN_FILENO : -1, POLLIN, 0 },
        };

        drain_output(s);
        int ready = poll(fds, 2, POLL_MS);

        if (ready < 0 && errno != EINTR)
            return;
        if (ready == 0 && console_domain_going(s->ctl, s->domid))
            return;
        if (fds[0].revents & POLLIN)
            evtchn_ack(s->evtchn_fd);
        if ((fds[1].revents & (POLLIN | POLLHUP)) && !forward_input(s))
            return;
    }
}

static int console_attach_ring(const struct command *cmd, struct xenctl *ctl, uint32_t domid)
{
    struct console_session s = { .ctl = ctl, .domid = domid, .stdin_open = true };
    uint64_t mfn = 0;
    uint32_t port = 0;
    xen_pfn_t frame;
    int rc = ring_location(cmd, domid, &mfn, &port);

    if (rc != EXIT_OK)
        return rc;
    frame = mfn;
    s.ring = xenctl_map_foreign(ctl, domid, &frame, 1, &rc);
    if (!s.ring)
        return command_fail(cmd, "mapping domain %u's console ring: %s", domid,
                            strerror(-rc));
    s.evtchn_fd = evtchn_open();
    s.local_port = s.evtchn_fd < 0 ? s.evtchn_fd
                                   : evtchn_bind_interdomain(s.evtchn_fd, domid, port);
    if (s.local_port < 0) {
        rc = command_fail(cmd, "binding domain %u's console event channel: %s", domid,
                          strerror(-s.local_port));
    } else {
        console_term_raw(&s.term);
        run_session(&s);
        console_term_restore(&s.term);
        rc = EXIT_OK;
    }
    if (s.evtchn_fd >= 0)
        close(s.evtchn_fd);
    xenctl_unmap_foreign(s.ring, 1);
    return rc;
}

int console_attach(const struct command *cmd, struct xenctl *ctl, uint32_t domid)
{
    if (consoled_is_running())
        return console_attach_pty(cmd, ctl, domid);
    /* Said on stderr: a script capturing the console reads stdout. */
    fprintf(stderr, "lintel %s: lintel-consoled is not running; reading domain %u's "
            "console ring directly\n", cmd->name, domid);
    return console_attach_ring(cmd, ctl, domid);
}

int cmd_console(const struct command *cmd, int argc, char **argv)
{
    struct xenctl ctl;
    uint32_t domid;
    int rc;

    optind = 0;
    if (command_getopt(cmd, argc, argv, "", NULL) != -1)
        return EXIT_USAGE;
    if (argc - optind != 1)
        return command_usage_error(cmd, argc - optind ? "too many arguments"
                                                      : "missing DOMAIN");
    if ((rc = hypervisor_open(cmd, &ctl)) != EXIT_OK)
        return rc;
    if ((rc = domain_lookup(cmd, &ctl, argv[optind], &domid)) == EXIT_OK) {
        if (domid == 0)
            rc = command_fail(cmd, "dom0's console is the hypervisor's serial line");
        else
            rc = console_attach(cmd, &ctl, domid);
    }
    xenctl_close(&ctl);
    return rc;
}
