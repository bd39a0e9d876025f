#include "event_loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int loop_add(struct event_loop *l, int fd, short events, fd_handler fn, void *arg)
{
    if (l->n == l->cap) {
        unsigned cap = l->cap ? l->cap * 2 : 16;
        struct pollfd *f = realloc(l->fds, cap * sizeof(*f));
        struct loop_entry *e;

        if (!f)
            return ENOMEM;
        l->fds = f;
        e = realloc(l->entries, cap * sizeof(*e));
        if (!e)
            return ENOMEM;
        l->entries = e;
        l->cap = cap;
    }
    l->fds[l->n] = (struct pollfd){ .fd = fd, .events = events };
    l->entries[l->n] = (struct loop_entry){ fn, arg };
    l->n++;
    return 0;
}

void loop_set_events(struct event_loop *l, int fd, short events)
{
    for (unsigned i = 0; i < l->n; i++)
        if (l->fds[i].fd == fd)
            l->fds[i].events = events;
}

void loop_remove(struct event_loop *l, int fd)
{
    for (unsigned i = 0; i < l->n; i++)
        if (l->fds[i].fd == fd) {
            /* Mark rather than compact: loop_run_once may be walking the array. */
            l->fds[i].fd = -1;
            l->fds[i].revents = 0;
        }
}

static void compact(struct event_loop *l)
{
    unsigned j = 0;

    for (unsigned i = 0; i < l->n; i++)
        if (l->fds[i].fd >= 0) {
            l->fds[j] = l->fds[i];
            l->entries[j] = l->entries[i];
            j++;
        }
    l->n = j;
}

int loop_run_once(struct event_loop *l, int timeout_ms)
{
    int ready;
    unsigned n;

    compact(l);
    ready = poll(l->fds, l->n, timeout_ms);
    if (ready < 0)
        return errno == EINTR ? 0 : -1;
    n = l->n;   /* handlers may add descriptors; those wait for the next round */
    for (unsigned i = 0; i < n && ready > 0; i++) {
        short rev = l->fds[i].revents;

        if (!rev || l->fds[i].fd < 0)
            continue;
        ready--;
        l->fds[i].revents = 0;
        l->entries[i].fn(l->entries[i].arg, rev);
    }
    return 0;
}
