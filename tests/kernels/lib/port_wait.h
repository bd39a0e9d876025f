/*
 * Waiting for an event channel with upcalls off: the frontends' way to
 * sleep until their backend (or the store daemon) signals. SCHEDOP_poll
 * returns at once for a port already pending, so the port is cleared
 * first and the caller looks at its ring again before each wait.
 */
#ifndef TESTKERNEL_PORT_WAIT_H
#define TESTKERNEL_PORT_WAIT_H

#include <stdint.h>

#include <public/event_channel.h>

/* Clears PORT's pending bit; call before looking at what it announces. */
void port_clear(evtchn_port_t port);

/* Blocks until PORT is pending or timeout_ns passed (no upcall needed). */
void port_wait(evtchn_port_t port, uint64_t timeout_ns);

/* Tells the other end of PORT. */
void port_notify(evtchn_port_t port);

/* Sleeps without any event to wake it. */
void port_sleep_ns(uint64_t ns);

#endif /* TESTKERNEL_PORT_WAIT_H */
