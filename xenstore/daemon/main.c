/* lintel-stored: start-up, the main loop, persistence and endpoint bookkeeping. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "persist.h"
#include "ring_backend.h"

/* State is written at most this often; a crash loses at most this much. */
#define SAVE_INTERVAL_MS 50

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

void daemon_log(struct daemon *d, const char *fmt, ...)
{
    va_list ap;

    (void)d;
    fputs("lintel-stored: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static struct daemon *log_target;

static void engine_log(const char *msg)
{
    daemon_log(log_target, "%s", msg);
}

void daemon_add_endpoint(struct daemon *d, struct endpoint *ep, const struct endpoint_ops *ops)
{
    ep->ops = ops;
    ep->d = d;
    msgin_reset(&ep->in);
    ep->next = d->endpoints;
    d->endpoints = ep;
}

bool daemon_may_take_request(const struct daemon *d, const struct endpoint *ep)
{
    return ep->conn.who.privileged || ep->conn.out.count < d->store.quota.outstanding;
}

void daemon_handle_request(struct daemon *d, struct endpoint *ep)
{
    if (d->opts.verbose)
        daemon_log(d, "domain %u: request type %u id %u tx %u len %u", ep->conn.who.domid,
                   ep->in.hdr.type, ep->in.hdr.req_id, ep->in.hdr.tx_id, ep->in.hdr.len);
    store_request(&d->store, &ep->conn, &ep->in.hdr, ep->in.body);
    msgin_reset(&ep->in);
}

/* Runs every endpoint until nothing moves: one client's request may queue others' events. */
static void pump_all(struct daemon *d)
{
    for (int pass = 0; pass < 16; pass++) {
        bool moved = false;

        for (struct endpoint *ep = d->endpoints; ep; ep = ep->next)
            if (!ep->gone)
                moved |= ep->ops->pump(ep);
        if (!moved)
            break;
    }
}

static void sweep_endpoints(struct daemon *d)
{
    struct endpoint **pp = &d->endpoints;

    while (*pp) {
        struct endpoint *ep = *pp;

        if (ep->conn.broken)
            ep->gone = true;
        if (!ep->gone) {
            pp = &ep->next;
            continue;
        }
        *pp = ep->next;
        store_conn_closed(&d->store, &ep->conn);
        for (unsigned i = 0; i < d->store.ndomains; i++)
            if (d->store.domains[i].conn == &ep->conn)
                d->store.domains[i].conn = NULL;
        ep->ops->destroy(ep);
    }
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void save_state(struct daemon *d)
{
    int err = persist_save(&d->store, d->opts.state_file);

    if (err)
        daemon_log(d, "cannot save state to %s: %s", d->opts.state_file, strerror(err));
    else
        d->store.dirty = false;
}

static void run(struct daemon *d)
{
    long last_save = now_ms();

    while (!stop_requested) {
        bool pending = d->store.dirty;

        loop_run_once(&d->loop, pending ? SAVE_INTERVAL_MS : 1000);
        pump_all(d);
        sweep_endpoints(d);
        if (d->store.dirty && now_ms() - last_save >= SAVE_INTERVAL_MS) {
            save_state(d);
            last_save = now_ms();
        }
    }
    /* Always: the next daemon starts from this file, whatever was thought saved. */
    save_state(d);
}

/* Watches of domain connections come back with their domain after a restart. */
static void restore_watch(void *ctx, uint32_t domid, const char *path, const char *token,
                          bool relative)
{
    struct daemon *d = ctx;
    struct domain *dom = store_find_domain(&d->store, domid);

    if (dom && dom->conn)
        watch_add(&d->store.watches, dom->conn, path, token, relative);
}

struct pending_watch {
    uint32_t domid;
    char *path, *token;
    bool relative;
};

static struct pending_watch *pending;
static unsigned npending;

static void remember_watch(void *ctx, uint32_t domid, const char *path, const char *token,
                           bool relative)
{
    struct pending_watch *p = realloc(pending, (npending + 1) * sizeof(*p));

    (void)ctx;
    if (!p)
        return;
    pending = p;
    pending[npending++] = (struct pending_watch){ domid, strdup(path), strdup(token), relative };
}

static bool dom0_ring_wanted(const struct daemon *d)
{
    return !d->opts.no_dom0_ring && !d->opts.ring_dir;
}

static void reattach_domains(struct daemon *d)
{
    for (unsigned i = 0; i < d->store.ndomains; i++) {
        struct domain *dom = &d->store.domains[i];
        int err = 0;

        if (dom->domid == 0)
            dom->conn = dom0_ring_wanted(d) ? ring_attach_dom0(d, &err) : NULL;
        else
            dom->conn = ring_attach(d, dom->domid, dom->mfn, dom->port, &err);
        if (!dom->conn && err)
            daemon_log(d, "domain %u: cannot reattach its ring: %s", dom->domid, strerror(err));
    }
    for (unsigned i = 0; i < npending; i++) {
        restore_watch(d, pending[i].domid, pending[i].path, pending[i].token, pending[i].relative);
        free(pending[i].path);
        free(pending[i].token);
    }
    free(pending);
    pending = NULL;
    npending = 0;
}

static int load_state(struct daemon *d)
{
    char dir[4096], *slash;
    int err;

    snprintf(dir, sizeof(dir), "%s", d->opts.state_file);
    slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        mkdir(dir, 0700);
    }
    err = persist_load(&d->store, d->opts.state_file, remember_watch, d);
    if (err == ENOENT)
        return 0;
    if (err) {
        daemon_log(d, "state file %s is damaged (%s): starting empty", d->opts.state_file,
                   strerror(err));
        return 0;
    }
    daemon_log(d, "state restored from %s (%u domains)", d->opts.state_file, d->store.ndomains);
    reattach_domains(d);
    return 0;
}

static int write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f)
        return errno;
    fprintf(f, "%d\n", (int)getpid());
    return fclose(f) ? errno : 0;
}

static int start(struct daemon *d)
{
    int err = store_init(&d->store);

    if (err)
        return err;
    d->store.quota = d->opts.quota;
    d->store.keep_orphans = d->opts.keep_orphans;
    d->store.hooks = (struct store_hooks){ ring_attach, ring_detach, d };
    log_target = d;
    d->store.log = engine_log;
    err = socket_transport_start(d, d->opts.socket_path);
    if (err) {
        daemon_log(d, "cannot listen on %s: %s", d->opts.socket_path, strerror(err));
        return err;
    }
    load_state(d);
    /* dom0's kernel is a domain like the others, so its watches survive restarts. */
    if (dom0_ring_wanted(d) && !store_find_domain(&d->store, 0)) {
        struct xs_conn *c = ring_attach_dom0(d, &err);

        if (!c)
            daemon_log(d, "no dom0 kernel ring (/dev/xen/xenbus_backend: %s); socket only",
                       strerror(err));
        else if (store_add_domain(&d->store, 0, 0, 0, c))
            daemon_log(d, "out of memory recording dom0's ring");
    }
    if (!d->opts.ring_dir && (err = domains_watch_start(d)) && err != ENOENT)
        daemon_log(d, "cannot watch for dying domains (VIRQ_DOM_EXC): %s", strerror(err));
    return 0;
}

/*
 * Forks only now that the socket listens and dom0's ring is attached, so
 * whoever started us (dom0's init) may use the store as soon as we return.
 */
static void detach_from_starter(struct daemon *d)
{
    pid_t pid;
    int null;

    if (d->opts.foreground)
        return;
    pid = fork();
    if (pid < 0) {
        daemon_log(d, "cannot fork (%s): staying in the foreground", strerror(errno));
        return;
    }
    if (pid > 0)
        _exit(0);
    setsid();
    null = open("/dev/null", O_RDONLY);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        close(null);
    }
}

int main(int argc, char **argv)
{
    static struct daemon d = { .evtchn_fd = -1, .listen_fd = -1 };
    struct sigaction sa = { .sa_handler = on_stop_signal };
    int rc = options_parse(argc, argv, &d.opts);

    if (rc)
        return rc > 0 ? 0 : 2;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* A hung-up console must not take the store (and every domain's state) down. */
    signal(SIGHUP, SIG_IGN);
    if (start(&d))
        return 1;
    daemon_log(&d, "listening on %s", d.opts.socket_path);
    detach_from_starter(&d);
    if (d.opts.pidfile && (rc = write_pidfile(d.opts.pidfile)))
        daemon_log(&d, "cannot write pidfile %s: %s", d.opts.pidfile, strerror(rc));
    run(&d);
    unlink(d.opts.socket_path);
    return 0;
}
