/* A poll(2) loop over the daemon's file descriptors. */
#ifndef LINTEL_XS_EVENT_LOOP_H
#define LINTEL_XS_EVENT_LOOP_H

#include <poll.h>

typedef void (*fd_handler)(void *arg, short revents);

struct loop_entry {
    fd_handler fn;
    void *arg;
};

struct event_loop {
    struct pollfd *fds;
    struct loop_entry *entries;
    unsigned n, cap;
};

int loop_add(struct event_loop *l, int fd, short events, fd_handler fn, void *arg);
void loop_set_events(struct event_loop *l, int fd, short events);
void loop_remove(struct event_loop *l, int fd);
/* Waits up to timeout_ms and runs the handler of every ready descriptor. */
int loop_run_once(struct event_loop *l, int timeout_ms);

#endif
