/*
 * Completing the TCP/UDP checksum of a frame the frontend sent with
 * NETTXF_csum_blank: the guest left the transport checksum for someone
 * else to fill (its "hardware"), and the tap device we write to expects
 * finished frames, so the backend computes it.
 */
#ifndef LINTEL_NETBACK_FRAME_CSUM_H
#define LINTEL_NETBACK_FRAME_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Fills in the TCP or UDP checksum of FRAME (Ethernet, optional 802.1Q tag,
 * IPv4 or IPv6). Returns 0, or -1 with *WHY naming what could not be
 * parsed (such a frame cannot be delivered correctly and is dropped).
 */
int frame_complete_checksum(uint8_t *frame, size_t len, const char **why);

/* Where a frame's TCP or UDP header is, and what a checksum or segmenter needs of it. */
struct frame_transport {
    size_t offset;        /* of the transport header in the frame */
    size_t header_len;    /* TCP: its data offset; UDP: 8 */
    size_t csum_field;    /* the checksum's offset within the transport header */
    uint8_t proto;        /* 6 or 17 */
    bool ipv6;
};

/* 0, or -1 with *WHY when FRAME is not TCP/UDP over IPv4/IPv6 (or is a fragment). */
int frame_find_transport(const uint8_t *frame, size_t len, struct frame_transport *t,
                         const char **why);

/* The Internet checksum's folded one's-complement sum of DATA, added to SUM. */
uint32_t inet_sum(const uint8_t *data, size_t len, uint32_t sum);
uint16_t inet_fold(uint32_t sum);

#endif
