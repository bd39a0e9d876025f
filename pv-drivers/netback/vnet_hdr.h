/*
 * The offload header of a tap opened with IFF_VNET_HDR (virtio's
 * virtio_net_hdr), translated to and from the netif protocol's flags and
 * GSO extra-info: a guest's large TCP segment or unfinished checksum goes
 * to the host stack as it is, and the host's come to the guest the same
 * way, so neither side segments or checksums in software.
 */
#ifndef LINTEL_NETBACK_VNET_HDR_H
#define LINTEL_NETBACK_VNET_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_net.h>

#include "tx_packet.h"

/* What the frontend is told about a frame on rx. */
struct rx_meta {
    uint16_t flags;       /* NETRXF_csum_blank / NETRXF_data_validated */
    uint8_t gso_type;     /* XEN_NETIF_GSO_TYPE_*, NONE when not a GSO frame */
    uint16_t gso_size;
};

/*
 * The header for the guest's frame FRAME (PKT's data): what the host stack
 * still has to do. 0, or -1 with *WHY when the offload it asks for does not
 * fit the frame (such a frame is refused).
 */
int vnet_hdr_from_guest(const struct tx_packet *pkt, const uint8_t *frame,
                        struct virtio_net_hdr *hdr, const char **why);

/* The frontend's view of a frame the tap gave with HDR; -1 with *WHY if unsupported. */
int vnet_hdr_to_guest(const struct virtio_net_hdr *hdr, struct rx_meta *meta, const char **why);

#endif
