/*
 * The PV console ring (io/console.h) seen from the backend side: the
 * guest produces into out[] and consumes from in[]. Pure index arithmetic
 * and copies with the barriers the shared-memory protocol needs, so unit
 * tests drive it with an ordinary struct.
 */
#ifndef LINTEL_CONSOLE_RING_H
#define LINTEL_CONSOLE_RING_H

#include <stddef.h>

#include "public/io/console.h"

/* Copies up to CAP bytes the guest wrote and marks them consumed. */
size_t console_ring_take_output(struct xencons_interface *ring, char *buf, size_t cap);

/*
 * The same with the consumer index kept by the caller in *CONS: a daemon
 * serving an untrusted guest never re-reads out_cons, which the guest may
 * rewrite to replay its ring forever. At most one ring's worth is taken
 * per call; *CONS is published to the guest afterwards.
 */
size_t console_ring_take_output_at(struct xencons_interface *ring, XENCONS_RING_IDX *cons,
                                   char *buf, size_t cap);

/* Queues up to LEN bytes of keyboard input; returns how many fitted. */
size_t console_ring_put_input(struct xencons_interface *ring, const char *data, size_t len);

#endif
