/* Parsing incoming bytes into requests, and the argument conventions of the wire. */
#ifndef LINTEL_XS_WIRE_PARSE_H
#define LINTEL_XS_WIRE_PARSE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../../include/public/io/xs_wire.h"

/* One request being assembled from a byte stream (socket or ring). */
struct msg_in {
    struct xsd_sockmsg hdr;
    uint32_t have;                          /* header + body bytes received */
    char body[XENSTORE_PAYLOAD_MAX + 1];    /* +1: always NUL-terminated for parsers */
};

void msgin_reset(struct msg_in *m);

/*
 * Consumes up to n bytes. Returns the bytes used, or -1 when the header
 * announces a payload past XENSTORE_PAYLOAD_MAX (the stream cannot be
 * resynchronised after that, so the caller drops the connection).
 */
long msgin_feed(struct msg_in *m, const void *data, size_t n, bool *complete);

/*
 * Splits a payload into its NUL-terminated strings. Returns how many strings
 * were found, or -1 when bytes follow the last NUL or there are more than max.
 */
int wire_split(const char *body, uint32_t len, const char **argv, int max);

/* Xen's name for an errno ("EINVAL" for anything it has no name for). */
const char *wire_errname(int err);

/* Decimal unsigned parse of a whole string with range check; false if malformed. */
bool wire_parse_u32(const char *s, uint32_t *out);
bool wire_parse_u64(const char *s, uint64_t *out);

#endif
