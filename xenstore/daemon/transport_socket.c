/* The unix socket that libxenstore, xenstore-utils and our tools connect to (as dom0). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"

struct socket_client {
    struct endpoint ep;
    int fd;
};

static bool socket_read(struct socket_client *sc)
{
    char buf[8192];
    ssize_t n = read(sc->fd, buf, sizeof(buf));
    bool moved = false;

    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        sc->ep.gone = true;
        return false;
    }
    for (ssize_t off = 0; n > 0 && off < n;) {
        bool complete;
        long used = msgin_feed(&sc->ep.in, buf + off, (size_t)(n - off), &complete);

        if (used < 0) {
            daemon_log(sc->ep.d, "socket client sent a %u-byte payload: closing it",
                       sc->ep.in.hdr.len);
            sc->ep.gone = true;
            return false;
        }
        off += used;
        moved = true;
        if (complete)
            daemon_handle_request(sc->ep.d, &sc->ep);
    }
    return moved;
}

/* Queued messages go out together: one write for a burst of watch events. */
static bool socket_write(struct socket_client *sc)
{
    struct xs_conn *c = &sc->ep.conn;
    bool moved = false;

    while (c->out.head) {
        char buf[4 * (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)];
        uint32_t len = 0;
        ssize_t n;

        for (struct xs_msg *m = c->out.head; m && len < sizeof(buf); m = m->next)
            len += msg_copy_out(m, m->sent, buf + len, (uint32_t)sizeof(buf) - len);
        n = write(sc->fd, buf, len);
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                sc->ep.gone = true;
            break;
        }
        moved = true;
        while (n > 0) {
            struct xs_msg *m = c->out.head;
            uint32_t left = msg_total_len(m) - m->sent;
            uint32_t done = (uint32_t)n < left ? (uint32_t)n : left;

            m->sent += done;
            n -= done;
            if (m->sent == msg_total_len(m))
                free(msgq_pop(&c->out));
        }
    }
    loop_set_events(&sc->ep.d->loop, sc->fd, POLLIN | (c->out.head ? POLLOUT : 0));
    return moved;
}

static bool socket_pump(struct endpoint *ep)
{
    return socket_write((struct socket_client *)ep);
}

static void socket_destroy(struct endpoint *ep)
{
    struct socket_client *sc = (struct socket_client *)ep;

    loop_remove(&ep->d->loop, sc->fd);
    close(sc->fd);
    msgq_clear(&ep->conn.out);
    free(sc);
}

static const struct endpoint_ops socket_ops = { socket_pump, socket_destroy };

static void on_client(void *arg, short revents)
{
    struct socket_client *sc = arg;

    if (revents & (POLLIN | POLLHUP | POLLERR))
        socket_read(sc);
    if (!sc->ep.gone)
        socket_write(sc);
}

static void on_listen(void *arg, short revents)
{
    struct daemon *d = arg;
    int fd = accept4(d->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    struct socket_client *sc;

    (void)revents;
    if (fd < 0)
        return;
    sc = calloc(1, sizeof(*sc));
    if (!sc) {
        close(fd);
        return;
    }
    sc->fd = fd;
    /* Only root can reach the socket (mode 0600), so its clients act as dom0. */
    conn_init(&sc->ep.conn, 0, true);
    daemon_add_endpoint(d, &sc->ep, &socket_ops);
    if (loop_add(&d->loop, fd, POLLIN, on_client, sc))
        sc->ep.gone = true;
}

static int make_parent_dir(const char *path)
{
    char dir[4096];
    char *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    if (mkdir(dir, 0755) && errno != EEXIST)
        return errno;
    return 0;
}

/* Bound under a temporary name and renamed once listening: the socket never
 * appears at its real path before it accepts connections. */
int socket_transport_start(struct daemon *d, const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd, err;

    if (strlen(path) + 5 >= sizeof(sa.sun_path))
        return ENAMETOOLONG;
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.new", path);
    err = make_parent_dir(path);
    if (err)
        return err;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return errno;
    unlink(sa.sun_path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || chmod(sa.sun_path, 0600) ||
        listen(fd, 64) || rename(sa.sun_path, path)) {
        err = errno;
        unlink(sa.sun_path);
        close(fd);
        return err;
    }
    d->listen_fd = fd;
    return loop_add(&d->loop, fd, POLLIN, on_listen, d);
}
