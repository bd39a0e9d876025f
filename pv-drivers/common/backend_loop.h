/*
 * The single-threaded poll loop of a backend process: the store connection,
 * the event channel, and whatever else the driver reads (a tap device).
 * Callbacks run one at a time, so driver state needs no locks.
 */
#ifndef LINTEL_BACKEND_LOOP_H
#define LINTEL_BACKEND_LOOP_H

#include <stdbool.h>

#define BACKEND_LOOP_MAX_SOURCES 8

struct backend_loop_source {
    int fd;
    void (*ready)(void *arg);
    void *arg;
};

struct backend_loop {
    struct backend_loop_source sources[BACKEND_LOOP_MAX_SOURCES];
    unsigned int count;
};

void backend_loop_init(struct backend_loop *loop);
/* Calls READY(ARG) whenever FD polls readable. 0, or -ENOSPC / -EEXIST. */
int backend_loop_add(struct backend_loop *loop, int fd, void (*ready)(void *arg), void *arg);
/* Safe to call from a callback; unknown fds are ignored. */
void backend_loop_remove(struct backend_loop *loop, int fd);

/*
 * SIGTERM and SIGINT end backend_loop_run() (after the callback that is
 * running), so the driver can unmap and publish Closed before it exits.
 */
void backend_loop_catch_signals(void);

/* Runs until *DONE becomes true or a signal arrives: 0, or -errno from poll. */
int backend_loop_run(struct backend_loop *loop, const bool *done);

#endif
