/*
 * Two test kernels started as domUs by a toolstack in dom0, talking over
 * one interdomain event channel. The toolstack's "extra" line names each
 * one's role and its peer's domid (role=... peer=<domid>); the listener
 * allocates an unbound port for its peer, the other side finds that port by
 * trying to bind to each of the listener's low ports (the two share no
 * store). Events stay masked: both sides wait in SCHEDOP_poll and read the
 * pending bits of the 2-level ABI directly, so no upcall handler is needed.
 */
#ifndef TESTKERNEL_PEER_DOMAIN_H
#define TESTKERNEL_PEER_DOMAIN_H

#include <stdint.h>

#include <public/event_channel.h>

#define PEER_MS 1000000ULL

/* The number after "name=" on the command line, or fallback. */
unsigned long peer_option(const char *name, unsigned long fallback);
/* Whether the command line carries "role=<role>". */
int peer_role_is(const char *role);

int peer_port_pending(evtchn_port_t port);
void peer_port_clear(evtchn_port_t port);
long peer_port_send(evtchn_port_t port);
/* Blocks in SCHEDOP_poll until the port is pending or timeout_ns passes;
 * whether it is pending. */
int peer_port_wait(evtchn_port_t port, uint64_t timeout_ns);
/* Blocks for ns (polling no port). */
void peer_sleep_ns(uint64_t ns);
struct evtchn_status peer_port_status(evtchn_port_t port);

/* Listener side: a port kept for domain peer (0 on failure). */
evtchn_port_t peer_listen(domid_t peer);
/* Caller side: binds to the listener's unbound port, retrying until
 * timeout_ns; our local port, 0 if none was found. Binding raises our end
 * once: that first event is cleared here. */
evtchn_port_t peer_connect(domid_t listener, uint64_t timeout_ns);

#endif /* TESTKERNEL_PEER_DOMAIN_H */
