/*
 * The xenstore wire protocol as a test kernel speaks it over the ring page
 * named in start_info (io/xs_wire.h): message framing, the two byte rings,
 * and the daemon's error strings.
 *
 * Pure logic: also compiled on the host and unit-tested there (unit/).
 */
#ifndef TESTKERNEL_STORE_WIRE_H
#define TESTKERNEL_STORE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <public/io/xs_wire.h>

/* A whole message: header and the largest payload the daemon accepts. */
#define STORE_MSG_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)

/*
 * Copies up to len bytes into a XENSTORE_RING_SIZE byte ring at *prod,
 * as far as the consumer index cons leaves room; advances *prod and
 * returns the count copied. A corrupt index pair (more than a ring
 * apart) copies nothing.
 */
size_t store_ring_put(char *ring, XENSTORE_RING_IDX *prod, XENSTORE_RING_IDX cons,
                      const void *data, size_t len);

/* The reverse: up to len bytes out of the ring from *cons up to prod. */
size_t store_ring_get(const char *ring, XENSTORE_RING_IDX prod, XENSTORE_RING_IDX *cons,
                      void *data, size_t len);

/*
 * Frames a request: the header, then each of the nargs strings with its
 * NUL, then tail_len raw bytes of tail (a written value goes without its
 * NUL). Returns the message length, or 0 if it does not fit in size or
 * exceeds XENSTORE_PAYLOAD_MAX.
 */
size_t store_frame(void *buf, size_t size, uint32_t type, uint32_t req_id,
                   const char *const *args, unsigned int nargs,
                   const void *tail, size_t tail_len);

/*
 * The Xen errno (public/errno.h) for an XS_ERROR payload such as "ENOENT";
 * XEN_EIO for one this list does not know.
 */
int store_error_errno(const char *text, size_t len);

/*
 * Counts the NUL-terminated names of an XS_DIRECTORY answer; returns -1 if
 * the payload does not end with a NUL (a truncated answer).
 */
int store_count_names(const char *payload, size_t len);

/*
 * A store value as an unsigned decimal number (node values such as a
 * state or a ring reference): 0 and *value set, or -1 for anything else
 * (empty, a sign, other characters, more than 64 bits).
 */
int store_parse_ulong(const char *text, unsigned long *value);

#endif /* TESTKERNEL_STORE_WIRE_H */
