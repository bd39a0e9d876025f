/* Offload header translation; see vnet_hdr.h. */
#include <string.h>

#include "frame_csum.h"
#include "vnet_hdr.h"

static int add_gso(const struct tx_packet *pkt, const struct frame_transport *t,
                   struct virtio_net_hdr *hdr, const char **why)
{
    bool v6 = pkt->gso.u.gso.type == XEN_NETIF_GSO_TYPE_TCPV6;

    if (t->proto != 6 || t->ipv6 != v6) {
        *why = "the GSO type does not match the frame's protocol";
        return -1;
    }
    hdr->gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
    hdr->gso_size = pkt->gso.u.gso.size;
    hdr->hdr_len = (uint16_t)(t->offset + t->header_len);
    return 0;
}

int vnet_hdr_from_guest(const struct tx_packet *pkt, const uint8_t *frame,
                        struct virtio_net_hdr *hdr, const char **why)
{
    struct frame_transport t;

    memset(hdr, 0, sizeof(*hdr));
    if (!(pkt->flags & NETTXF_csum_blank)) {
        if (pkt->flags & NETTXF_data_validated)
            hdr->flags = VIRTIO_NET_HDR_F_DATA_VALID;
        return 0;   /* tx_packet refuses GSO without csum_blank */
    }
    if (frame_find_transport(frame, pkt->size, &t, why) < 0)
        return -1;
    /* The guest left the pseudo-header sum in the field; the host stack finishes it. */
    hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    hdr->csum_start = (uint16_t)t.offset;
    hdr->csum_offset = (uint16_t)t.csum_field;
    return pkt->has_gso ? add_gso(pkt, &t, hdr, why) : 0;
}

int vnet_hdr_to_guest(const struct virtio_net_hdr *hdr, struct rx_meta *meta, const char **why)
{
    memset(meta, 0, sizeof(*meta));
    if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
        meta->flags = NETRXF_csum_blank | NETRXF_data_validated;
    else if (hdr->flags & VIRTIO_NET_HDR_F_DATA_VALID)
        meta->flags = NETRXF_data_validated;
    switch (hdr->gso_type) {
    case VIRTIO_NET_HDR_GSO_NONE:
        return 0;
    case VIRTIO_NET_HDR_GSO_TCPV4:
        meta->gso_type = XEN_NETIF_GSO_TYPE_TCPV4;
        break;
    case VIRTIO_NET_HDR_GSO_TCPV6:
        meta->gso_type = XEN_NETIF_GSO_TYPE_TCPV6;
        break;
    default:
        *why = "the host gave a GSO type the netif protocol cannot carry";
        return -1;
    }
    if (hdr->gso_size == 0 || !(hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)) {
        *why = "the host gave a GSO frame without a segment size or a partial checksum";
        return -1;
    }
    meta->gso_size = hdr->gso_size;
    return 0;
}
