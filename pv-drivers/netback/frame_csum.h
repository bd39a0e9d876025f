/*
 * Completing the TCP/UDP checksum of a frame the frontend sent with
 * NETTXF_csum_blank: the guest left the transport checksum for someone
 * else to fill (its "hardware"), and the tap device we write to expects
 * finished frames, so the backend computes it.
 */
#ifndef LINTEL_NETBACK_FRAME_CSUM_H
#define LINTEL_NETBACK_FRAME_CSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Fills in the TCP or UDP checksum of FRAME (Ethernet, optional 802.1Q tag,
 * IPv4 or IPv6). Returns 0, or -1 with *WHY naming what could not be
 * parsed (such a frame cannot be delivered correctly and is dropped).
 */
int frame_complete_checksum(uint8_t *frame, size_t len, const char **why);

/* The Internet checksum's folded one's-complement sum of DATA, added to SUM. */
uint32_t inet_sum(const uint8_t *data, size_t len, uint32_t sum);
uint16_t inet_fold(uint32_t sum);

#endif
