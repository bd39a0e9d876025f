/*
 * Checks on the indexes a frontend writes into a shared ring. The frontend
 * can write anything there at any moment, so the backend reads req_prod
 * once, checks it against its own consumer index, and only then trusts it.
 */
#ifndef LINTEL_RING_INDEX_H
#define LINTEL_RING_INDEX_H

#include <stdbool.h>
#include <stdint.h>

/*
 * How many requests lie between CONS (ours) and PROD (the frontend's),
 * with free-running 32-bit indexes. False when PROD claims more requests
 * than the ring of RING_SIZE slots holds (or runs behind CONS): the
 * frontend is broken or hostile.
 */
bool ring_requests_pending(uint32_t prod, uint32_t cons, uint32_t ring_size,
                           uint32_t *pending);

/*
 * Parses a store value that must be a decimal number in [0, MAX] (ring
 * references, ports, page orders). False for anything else, including
 * signs, spaces and empty text.
 */
bool store_value_to_uint(const char *text, unsigned long max, unsigned long *out);

#endif
