/* lintel-consoled: options, start-up checks, and the poll loop. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "consoled.h"
#include "xenstore.h"

#define SCAN_INTERVAL_MS  1000
#define STORE_WAIT_TRIES  50        /* x 100 ms for the store to come up */
#define MAX_PENDING_PORTS 64
#define DAEMON_LOG        "/var/log/lintel/consoled.log"

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void usage(FILE *to)
{
    fprintf(to,
            "usage: lintel-consoled [OPTIONS]\n"
            "Serves every guest's PV console: output to DIR/NAME.log and to a pty\n"
            "published at /local/domain/N/console/tty; pty input to the guest.\n"
            "  -d, --log-dir DIR        log directory (default " CONSOLED_LOG_DIR ")\n"
            "  -s, --log-max-kib N      rotate a guest's log past N KiB (default 1024)\n"
            "  -b, --pty-buffer-kib N   output kept for a slow pty reader (default 64)\n"
            "  -p, --pidfile FILE       write the daemon's pid (default " CONSOLED_PIDFILE ")\n"
            "  -f, --foreground         do not fork; log to stderr\n"
            "  -h, --help\n");
}

static bool parse_kib(const char *what, const char *arg, long min, long max, long *out)
{
    char *end;

    errno = 0;
    *out = strtol(arg, &end, 10);
    if (errno || end == arg || *end || *out < min || *out > max) {
        fprintf(stderr, "lintel-consoled: %s: invalid value \"%s\": expected %ld to %ld KiB\n",
                what, arg, min, max);
        return false;
    }
    return true;
}

/* 0 to run, 1 to exit successfully (--help), 2 on a usage error. */
static int parse_options(int argc, char **argv, struct consoled_options *o)
{
    static const struct option longopts[] = {
        { "log-dir", required_argument, NULL, 'd' },
        { "log-max-kib", required_argument, NULL, 's' },
        { "pty-buffer-kib", required_argument, NULL, 'b' },
        { "pidfile", required_argument, NULL, 'p' },
        { "foreground", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    long kib;
    int opt;

    *o = (struct consoled_options){ CONSOLED_LOG_DIR, 1024 * 1024, 64 * 1024,
                                    CONSOLED_PIDFILE, false };
    while ((opt = getopt_long(argc, argv, "d:s:b:p:fh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'd': o->log_dir = optarg; break;
        case 'p': o->pidfile = optarg; break;
        case 'f': o->foreground = true; break;
        case 'h': usage(stdout); return 1;
        case 's':
            if (!parse_kib("--log-max-kib", optarg, 4, 1L << 30, &kib))
                return 2;
            o->log_max_bytes = (off_t)kib * 1024;
            break;
        case 'b':
            if (!parse_kib("--pty-buffer-kib", optarg, 4, 1L << 20, &kib))
                return 2;
            o->pty_buffer_bytes = (size_t)kib * 1024;
            break;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "lintel-consoled: unexpected argument \"%s\"\n", argv[optind]);
        return 2;
    }
    return 0;
}

/* The pid of a running process called COMM, or 0. */
static pid_t find_process(const char *comm)
{
    DIR *proc = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;

    while (proc && !found && (e = readdir(proc))) {
        char path[300], name[64] = "";
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        FILE *f;

        if (*end || pid <= 0 || pid == getpid())
            continue;
        snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
        if (!(f = fopen(path, "r")))
            continue;
        if (fgets(name, sizeof(name), f))
            name[strcspn(name, "\n")] = '\0';
        fclose(f);
        if (strcmp(name, comm) == 0)
            found = (pid_t)pid;
    }
    if (proc)
        closedir(proc);
    return found;
}

/* Two consumers of one ring would each see half of the guest's output. */
static bool console_is_unclaimed(void)
{
    pid_t other = find_process("xenconsoled");

    if (other) {
        fprintf(stderr, "lintel-consoled: Debian's xenconsoled (pid %d) already serves the "
                "guests' consoles; not starting a second reader of their rings\n", other);
        return false;
    }
    if ((other = find_process("lintel-consoled"))) {
        fprintf(stderr, "lintel-consoled: already running (pid %d)\n", other);
        return false;
    }
    return true;
}

static void detach(void)
{
    pid_t pid = fork();
    int fd;

    if (pid < 0) {
        consoled_log("cannot fork (%s): staying in the foreground", strerror(errno));
        return;
    }
    if (pid > 0)
        _exit(0);
    setsid();
    mkdir("/var/log", 0755);
    mkdir("/var/log/lintel", 0755);
    fd = open(DAEMON_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    dup2(open("/dev/null", O_RDONLY | O_CLOEXEC), STDIN_FILENO);
    setvbuf(stderr, NULL, _IOLBF, 0);
}

static bool open_store(struct consoled *d)
{
    for (int i = 0; i < STORE_WAIT_TRIES && !d->xs; i++) {
        if (!(d->xs = xs_open(0)))
            usleep(100 * 1000);
    }
    if (!d->xs)
        return false;
    if (!consoled_watch_store(d)) {
        xs_close(d->xs);
        d->xs = NULL;
        return false;
    }
    return true;
}

/* A restarted store forgets our watches: notice, reconnect, watch again. */
static void check_store(struct consoled *d)
{
    char *home = d->xs ? xs_get_domain_path(d->xs, 0) : NULL;

    if (home) {
        free(home);
        return;
    }
    if (d->xs) {
        consoled_log("lost the store connection; reconnecting");
        xs_close(d->xs);
        d->xs = NULL;
    }
    if ((d->xs = xs_open(0)) && !consoled_watch_store(d)) {
        xs_close(d->xs);
        d->xs = NULL;
    }
}

static void write_pidfile(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f) != 0)
        consoled_log("cannot write pidfile %s: %s", path, strerror(errno));
}

static void handle_store(struct consoled *d)
{
    char **ev;

    while (d->xs && (ev = xs_check_watch(d->xs))) {
        consoled_watch_event(d, ev[XS_WATCH_PATH], ev[XS_WATCH_TOKEN]);
        free(ev);
    }
}

static void handle_events(struct consoled *d)
{
    uint32_t ports[MAX_PENDING_PORTS];
    int n = evtchn_read_pending(d->evtchn_fd, ports, MAX_PENDING_PORTS);

    for (int i = 0; i < n; i++) {
        struct guest_console *g = consoled_find_port(d, ports[i]);

        if (g)
            guest_console_drain(d, g);
        evtchn_unmask(d->evtchn_fd, ports[i]);
    }
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void serve(struct consoled *d)
{
    long next_scan = 0;

    while (!stop_requested) {
        size_t n = d->n_guests;
        struct pollfd *fds = calloc(n + 2, sizeof(*fds));
        uint32_t *ids = calloc(n + 1, sizeof(*ids));
        long now;

        if (!fds || !ids) {
            free(fds);
            free(ids);
            sleep(1);
            continue;
        }
        fds[0] = (struct pollfd){ d->xs ? xs_fileno(d->xs) : -1, POLLIN, 0 };
        fds[1] = (struct pollfd){ d->evtchn_fd, POLLIN, 0 };
        for (size_t i = 0; i < n; i++) {
            struct guest_console *g = d->guests[i];

            ids[i] = g->domid;
            fds[i + 2].fd = g->connected ? g->master_fd : -1;
            fds[i + 2].events = (guest_console_input_room(g) ? POLLIN : 0) |
                                (g->pty_out.len ? POLLOUT : 0);
        }
        if (poll(fds, n + 2, SCAN_INTERVAL_MS) < 0 && errno != EINTR) {
            consoled_log("poll: %s", strerror(errno));
            sleep(1);
        }
        /* Pty work first, while the guest list is still the one polled. */
        for (size_t i = 0; i < n; i++) {
            struct guest_console *g = d->guests[i];

            if (g->domid != ids[i] || !fds[i + 2].revents)
                continue;
            if (fds[i + 2].revents & POLLIN)
                guest_console_pty_input(d, g);
            if (fds[i + 2].revents & POLLOUT)
                guest_console_pty_flush(d, g);
        }
        free(fds);
        free(ids);
        handle_events(d);
        handle_store(d);
        now = now_ms();
        if (now >= next_scan) {
            check_store(d);
            consoled_scan_domains(d);
            /* Catches output whose event was lost (or never sent). */
            for (size_t i = 0; i < d->n_guests; i++)
                guest_console_drain(d, d->guests[i]);
            next_scan = now + SCAN_INTERVAL_MS;
        }
    }
}

int main(int argc, char **argv)
{
    struct consoled d = { .evtchn_fd = -1, .gntdev_fd = -1 };
    const char *why = "";
    int rc = parse_options(argc, argv, &d.opts);

    if (rc)
        return rc == 1 ? 0 : 2;
    if (!console_is_unclaimed())
        return 1;
    if ((rc = xenctl_open(&d.ctl, &why)) < 0) {
        fprintf(stderr, "lintel-consoled: cannot open " XENCTL_PRIVCMD_PATH ": %s%s\n",
                strerror(-rc), why);
        return 1;
    }
    if ((d.evtchn_fd = evtchn_open()) < 0) {
        fprintf(stderr, "lintel-consoled: cannot open /dev/xen/evtchn: %s\n",
                strerror(-d.evtchn_fd));
        return 1;
    }
    fcntl(d.evtchn_fd, F_SETFL, fcntl(d.evtchn_fd, F_GETFL) | O_NONBLOCK);
    /* Without gntdev every ring is foreign-mapped by its machine frame. */
    if ((d.gntdev_fd = gntdev_open()) < 0)
        fprintf(stderr, "lintel-consoled: /dev/xen/gntdev: %s; mapping rings by machine "
                "frame\n", strerror(-d.gntdev_fd));
    /* Before the store: its client library runs a thread, which fork would lose. */
    if (!d.opts.foreground)
        detach();
    signal(SIGTERM, on_stop_signal);
    signal(SIGINT, on_stop_signal);
    signal(SIGPIPE, SIG_IGN);
    if (!open_store(&d)) {
        consoled_log("cannot connect to the store and watch @introduceDomain: %s",
                     strerror(errno));
        return 1;
    }
    write_pidfile(d.opts.pidfile);
    consoled_log("serving guest consoles; logs in %s", d.opts.log_dir);
    serve(&d);
    consoled_forget_all(&d);
    unlink(d.opts.pidfile);
    consoled_log("stopped");
    return 0;
}
