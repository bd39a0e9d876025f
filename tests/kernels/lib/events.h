/*
 * Event channels in the test kernels, 2-level ABI.
 *
 * events_init() registers the upcall; events_enable()/events_disable()
 * flip vcpu 0's evtchn_upcall_mask (the PV "interrupt flag"). The upcall
 * handler acknowledges every pending, unmasked port, counts upcalls and
 * remembers which ports it saw, so tests can ask event_seen(port).
 */
#ifndef TESTKERNEL_EVENTS_H
#define TESTKERNEL_EVENTS_H

#include <stdint.h>

#include <public/event_channel.h>

extern volatile unsigned int event_upcalls;

long events_init(void);
void events_enable(void);
void events_disable(void);
int event_seen(evtchn_port_t port);
void event_forget(evtchn_port_t port);

/*
 * For the timer tests: traps and upcalls installed, vcpu 0's VIRQ_TIMER
 * bound (its port in *port) with the 100 Hz periodic timer every PV vcpu
 * starts with stopped, so only the tests' own timers raise it; events on.
 */
long events_setup_quiet_timer(evtchn_port_t *port);

/* Pending and mask bits of a port in shared_info, for direct inspection. */
int event_port_pending(evtchn_port_t port);
void event_port_set_mask(evtchn_port_t port, int masked);

#endif /* TESTKERNEL_EVENTS_H */
