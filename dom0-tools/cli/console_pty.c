/*
 * `lintel console` through lintel-consoled: the daemon owns the ring and
 * publishes a pty at /local/domain/N/console/tty; we relay this terminal
 * to it. Output keeps flowing when stdin is not a terminal or reaches its
 * end, so scripts can capture a console.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console_session.h"
#include "domain_store.h"

#define CONSOLED_PIDFILE "/run/lintel-consoled.pid"
#define TTY_WAIT_MS      10000  /* a just-created guest: the daemon may be a scan behind */
#define POLL_MS          500

void console_term_raw(struct console_term *t)
{
    struct termios raw;

    t->raw = false;
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &t->saved) < 0)
        return;
    raw = t->saved;
    cfmakeraw(&raw);
    t->raw = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
}

void console_term_restore(struct console_term *t)
{
    if (t->raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
    t->raw = false;
}

bool console_domain_going(struct xenctl *ctl, uint32_t domid)
{
    struct xen_domctl_getdomaininfo info;
    int rc = xenctl_domain_getinfo(ctl, domid, &info);

    return rc == -ESRCH || (rc == 0 && (info.flags & XEN_DOMINF_dying));
}

bool consoled_is_running(void)
{
    char path[64], comm[64] = "";
    FILE *f = fopen(CONSOLED_PIDFILE, "r");
    int pid = 0;

    if (!f)
        return false;
    if (fscanf(f, "%d", &pid) != 1)
        pid = 0;
    fclose(f);
    if (pid <= 0 || kill(pid, 0) < 0)
        return false;
    /* A stale pidfile may name a pid some other program has now. */
    snprintf(path, sizeof(path), "/proc/%d/comm", pid);
    if (!(f = fopen(path, "r")))
        return false;
    if (!fgets(comm, sizeof(comm), f))
        comm[0] = '\0';
    fclose(f);
    return strncmp(comm, "lintel-consoled", 15) == 0;
}

static char *wait_for_tty(uint32_t domid)
{
    for (int waited = 0; waited < TTY_WAIT_MS; waited += 100) {
        char *tty = store_read_domain_key(store_handle(), domid, "console/tty");

        if (tty && *tty)
            return tty;
        free(tty);
        usleep(100 * 1000);
    }
    return NULL;
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t done = write(fd, p, n);

        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return false;
        p += done;
        n -= (size_t)done;
    }
    return true;
}

/* Returns false when the session is over (detach, or the pty went away). */
static bool relay(struct pollfd *fds, int pty)
{
    char buf[4096];
    ssize_t n;

    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
        n = read(pty, buf, sizeof(buf));
        /* EIO: the daemon closed its side, the guest's console is gone. */
        if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN)))
            return false;
        if (n > 0 && !write_all(STDOUT_FILENO, buf, (size_t)n))
            return false;
    }
    if (fds[1].revents & (POLLIN | POLLHUP)) {
        n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n <= 0) {
            fds[1].fd = -1;     /* no more input; keep showing output */
            return true;
        }
        if (memchr(buf, CONSOLE_DETACH_KEY, (size_t)n))
            return false;
        write_all(pty, buf, (size_t)n);
    }
    return true;
}

int console_attach_pty(const struct command *cmd, struct xenctl *ctl, uint32_t domid)
{
    struct console_term term;
    struct pollfd fds[2];
    char *tty = wait_for_tty(domid);
    int pty;

    if (!tty)
        return command_fail(cmd, "lintel-consoled published no console/tty for domain %u "
                            "(see /var/log/lintel/consoled.log)", domid);
    pty = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (pty < 0) {
        int rc = command_fail(cmd, "opening domain %u's console %s: %s", domid, tty,
                              strerror(errno));

        free(tty);
        return rc;
    }
    free(tty);
    console_term_raw(&term);
    fds[0] = (struct pollfd){ pty, POLLIN, 0 };
    fds[1] = (struct pollfd){ STDIN_FILENO, POLLIN, 0 };
    for (;;) {
        int ready = poll(fds, 2, POLL_MS);

        if (ready < 0 && errno != EINTR)
            break;
        if (ready == 0 && console_domain_going(ctl, domid))
            break;
        if (ready > 0 && !relay(fds, pty))
            break;
    }
    console_term_restore(&term);
    close(pty);
    return EXIT_OK;
}
