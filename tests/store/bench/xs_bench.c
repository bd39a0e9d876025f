/*
 * Store throughput over the xs socket protocol, the same raw messages for any
 * daemon (lintel-stored, Debian's xenstored, oxenstored). Prints "<op> <ops/s>".
 *
 *   xs_bench SOCKET read|write|directory|transaction|watch N [SECONDS]
 *
 * watch N: N connections watch one node while another writes below it; one
 * op is a write whose event reached all N watchers.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "../../../include/public/io/xs_wire.h"

static const char *sock_path;

static int connect_store(void)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        perror(sock_path);
        exit(1);
    }
    return fd;
}

static void io_all(int fd, void *buf, size_t len, int writing)
{
    char *p = buf;

    while (len) {
        ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);

        if (n <= 0) {
            fprintf(stderr, "xs_bench: connection lost (%s)\n", n ? strerror(errno) : "EOF");
            exit(1);
        }
        p += n;
        len -= (size_t)n;
    }
}

struct msg {
    struct xsd_sockmsg hdr;
    char body[XENSTORE_PAYLOAD_MAX + 1];
};

static void recv_msg(int fd, struct msg *m)
{
    io_all(fd, &m->hdr, sizeof(m->hdr), 0);
    if (m->hdr.len > XENSTORE_PAYLOAD_MAX) {
        fprintf(stderr, "xs_bench: oversized reply\n");
        exit(1);
    }
    io_all(fd, m->body, m->hdr.len, 0);
    m->body[m->hdr.len] = '\0';
}

/* Sends a request and returns its reply, skipping watch events. */
static void request(int fd, uint32_t type, uint32_t tx, const void *body, uint32_t len,
                    struct msg *reply)
{
    struct msg out = { .hdr = { type, 1, tx, len } };

    memcpy(out.body, body, len);
    io_all(fd, &out, sizeof(out.hdr) + len, 1);
    do
        recv_msg(fd, reply);
    while (reply->hdr.type == XS_WATCH_EVENT);
    if (reply->hdr.type == XS_ERROR && type != XS_TRANSACTION_END) {
        fprintf(stderr, "xs_bench: request %u failed: %s\n", type, reply->body);
        exit(1);
    }
}

static void write_node(int fd, uint32_t tx, const char *path, const char *value, struct msg *r)
{
    char body[512];
    size_t pl = strlen(path) + 1, vl = strlen(value);

    memcpy(body, path, pl);
    memcpy(body + pl, value, vl);
    request(fd, XS_WRITE, tx, body, (uint32_t)(pl + vl), r);
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double bench_simple(const char *op, double seconds)
{
    int fd = connect_store();
    struct msg r;
    char path[64];
    long n = 0;
    double start, end;

    write_node(fd, 0, "/bench/r", "a value of moderate length", &r);
    for (int i = 0; i < 64; i++) {
        snprintf(path, sizeof(path), "/bench/d/entry%d", i);
        write_node(fd, 0, path, "", &r);
    }
    start = now();
    end = start + seconds;
    while (now() < end) {
        for (int k = 0; k < 64; k++, n++) {
            if (strcmp(op, "read") == 0) {
                request(fd, XS_READ, 0, "/bench/r", 9, &r);
            } else if (strcmp(op, "write") == 0) {
                snprintf(path, sizeof(path), "/bench/w/%ld", n % 100);
                write_node(fd, 0, path, "value", &r);
            } else if (strcmp(op, "directory") == 0) {
                request(fd, XS_DIRECTORY, 0, "/bench/d", 9, &r);
            } else {
                uint32_t tx;

                request(fd, XS_TRANSACTION_START, 0, "", 1, &r);
                tx = (uint32_t)strtoul(r.body, NULL, 10);
                request(fd, XS_READ, tx, "/bench/r", 9, &r);
                write_node(fd, tx, "/bench/t", "committed", &r);
                request(fd, XS_TRANSACTION_END, tx, "T", 2, &r);
            }
        }
    }
    close(fd);
    return (double)n / (now() - start);
}

static double bench_watch(int watchers, double seconds)
{
    int *fds = calloc((size_t)watchers, sizeof(int)), writer = connect_store();
    struct pollfd *pfd = calloc((size_t)watchers, sizeof(*pfd));
    long *seen = calloc((size_t)watchers, sizeof(long)), writes = 0;
    struct msg r;
    double start, end;

    write_node(writer, 0, "/bench/fan", "", &r);
    for (int i = 0; i < watchers; i++) {
        char body[64];
        int len = snprintf(body, sizeof(body), "/bench/fan%ctok%d", 0, i) + 1;

        fds[i] = connect_store();
        request(fds[i], XS_WATCH, 0, body, (uint32_t)len, &r);
        recv_msg(fds[i], &r);              /* the event every new watch gets */
        pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
    }
    start = now();
    end = start + seconds;
    while (now() < end) {
        /* Batches of 16 writes keep every daemon's queues short and equal. */
        for (int k = 0; k < 16; k++, writes++)
            write_node(writer, 0, "/bench/fan/v", "x", &r);
        for (int i = 0; i < watchers; i++)
            while (seen[i] < writes) {
                recv_msg(fds[i], &r);
                seen[i]++;
            }
    }
    for (int i = 0; i < watchers; i++)
        close(fds[i]);
    close(writer);
    free(fds);
    free(pfd);
    free(seen);
    return (double)writes / (now() - start);
}

int main(int argc, char **argv)
{
    double seconds;

    if (argc < 3) {
        fprintf(stderr, "usage: xs_bench SOCKET read|write|directory|transaction|watch N [SECONDS]\n");
        return 2;
    }
    sock_path = argv[1];
    if (strcmp(argv[2], "watch") == 0) {
        int n = argc > 3 ? atoi(argv[3]) : 1;

        seconds = argc > 4 ? atof(argv[4]) : 1.0;
        if (n < 1 || n > 1000 || seconds <= 0) {
            fprintf(stderr, "xs_bench: invalid watcher count or duration\n");
            return 2;
        }
        printf("watch-%d %.0f\n", n, bench_watch(n, seconds));
        return 0;
    }
    if (strcmp(argv[2], "read") && strcmp(argv[2], "write") && strcmp(argv[2], "directory") &&
        strcmp(argv[2], "transaction")) {
        fprintf(stderr, "xs_bench: unknown operation \"%s\"\n", argv[2]);
        return 2;
    }
    seconds = argc > 3 ? atof(argv[3]) : 1.0;
    printf("%s %.0f\n", argv[2], bench_simple(argv[2], seconds));
    return 0;
}
