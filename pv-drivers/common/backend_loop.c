#include "backend_loop.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

void backend_loop_catch_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = request_stop;
    /* No SA_RESTART: poll must return so the loop sees the request. */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void backend_loop_init(struct backend_loop *loop)
{
    memset(loop, 0, sizeof(*loop));
}

int backend_loop_add(struct backend_loop *loop, int fd, void (*ready)(void *arg), void *arg)
{
    for (unsigned int i = 0; i < loop->count; i++)
        if (loop->sources[i].fd == fd)
            return -EEXIST;
    if (loop->count == BACKEND_LOOP_MAX_SOURCES)
        return -ENOSPC;
    loop->sources[loop->count++] = (struct backend_loop_source){ fd, ready, arg };
    return 0;
}

void backend_loop_remove(struct backend_loop *loop, int fd)
{
    for (unsigned int i = 0; i < loop->count; i++) {
        if (loop->sources[i].fd != fd)
            continue;
        loop->sources[i] = loop->sources[--loop->count];
        return;
    }
}

static bool still_registered(const struct backend_loop *loop,
                             const struct backend_loop_source *src)
{
    for (unsigned int i = 0; i < loop->count; i++)
        if (loop->sources[i].fd == src->fd && loop->sources[i].arg == src->arg)
            return true;
    return false;
}

int backend_loop_run(struct backend_loop *loop, const bool *done)
{
    while (!*done && !stop_requested) {
        struct pollfd fds[BACKEND_LOOP_MAX_SOURCES];
        struct backend_loop_source ready[BACKEND_LOOP_MAX_SOURCES];
        unsigned int n = loop->count, fired = 0;

        for (unsigned int i = 0; i < n; i++)
            fds[i] = (struct pollfd){ .fd = loop->sources[i].fd, .events = POLLIN };
        if (poll(fds, n, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        /* Snapshot first: a callback may add or remove sources. */
        for (unsigned int i = 0; i < n; i++)
            if (fds[i].revents)
                ready[fired++] = loop->sources[i];
        for (unsigned int i = 0; i < fired && !*done; i++)
            if (still_registered(loop, &ready[i]))
                ready[i].ready(ready[i].arg);
    }
    return 0;
}
