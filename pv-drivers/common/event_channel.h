/*
 * One interdomain event channel to the frontend, through Linux's
 * /dev/xen/evtchn. Each device gets its own file, so the file's readiness
 * means "this frontend kicked us" and a poll loop needs no port lookup.
 */
#ifndef LINTEL_EVENT_CHANNEL_H
#define LINTEL_EVENT_CHANNEL_H

#include <stdint.h>

struct event_channel {
    int fd;
    uint32_t local_port;
    uint32_t bound;      /* 1 once bound */
};

/* 0 or -errno (no evtchn device: is xen-evtchn loaded?). */
int event_channel_open(struct event_channel *ch);
/* Binds to DOMID's REMOTE_PORT; 0 or -errno (a bogus port gives -EINVAL). */
int event_channel_bind(struct event_channel *ch, uint32_t domid, uint32_t remote_port);
/* Unbinds the port; the file stays open for a later bind. */
void event_channel_unbind(struct event_channel *ch);
void event_channel_close(struct event_channel *ch);

int event_channel_notify(struct event_channel *ch);

/*
 * Takes the pending events off the file and unmasks the port, so the next
 * kick arrives again. Call when the fd polls readable, BEFORE looking at the
 * ring: a kick that lands after the unmask is then never lost.
 * 1 if an event was pending, 0 if none, -errno on failure.
 */
int event_channel_ack(struct event_channel *ch);

#endif
