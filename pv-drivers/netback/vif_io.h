/*
 * Moving frames for one connected vif: tx ring -> tap, tap -> rx ring.
 * Everything runs in the backend's single poll loop; the frontend's pages
 * are only ever reached by grant copy (rings excepted, which are mapped).
 */
#ifndef LINTEL_NETBACK_VIF_IO_H
#define LINTEL_NETBACK_VIF_IO_H

#include <stdbool.h>
#include <stdint.h>

#include "event_channel.h"
#include "grant_dev.h"
#include "rx_slots.h"
#include "tx_packet.h"
#include "vnet_hdr.h"

/* Packets per grant-copy call in each direction. */
#define VIF_TX_BATCH 32
#define VIF_RX_BATCH 32
#define VIF_FRAME_MAX 65536

struct vif_stats {
    uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
    uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
};

struct vif_io {
    uint16_t domid;
    int tap_fd;
    bool frontend_sg;           /* the frontend accepts multi-page rx frames */
    /* The tap carries a virtio_net_hdr before each frame (offloads pass through). */
    bool vnet;
    unsigned tx_gso_types;      /* TX_GSO_TYPE()s offered to the frontend */
    struct grant_dev *gnt;
    struct event_channel *evt;
    netif_tx_back_ring_t tx;
    netif_rx_back_ring_t rx;
    /* Why the frontend must be disconnected; NULL while it behaves. */
    const char *broken;
    /* The tap is not read while the frontend has no rx pages for the next frame. */
    bool rx_stalled;
    struct vif_stats stats;

    struct tx_packet tx_pkts[VIF_TX_BATCH];
    uint8_t *tx_bufs[VIF_TX_BATCH];
    struct gntdev_grant_copy_segment tx_segs[VIF_TX_BATCH * NETBACK_TX_MAX_DATA_SLOTS];
    unsigned tx_seg_first[VIF_TX_BATCH + 1];

    /* Each: the tap's virtio_net_hdr (when vnet), then the frame. */
    uint8_t *rx_bufs[VIF_RX_BATCH];
    size_t rx_lens[VIF_RX_BATCH];       /* of the frame alone */
    unsigned rx_held;           /* frames read from the tap, not yet delivered (0 or 1 left over) */
    struct rx_meta rx_meta[VIF_RX_BATCH];
    struct rx_slot rx_slots[VIF_RX_BATCH * (NETBACK_RX_MAX_SLOTS + 1)];
    unsigned rx_nslots[VIF_RX_BATCH];
    unsigned rx_nsegs[VIF_RX_BATCH];
    struct gntdev_grant_copy_segment rx_segs[VIF_RX_BATCH * NETBACK_RX_MAX_SLOTS];
};

/* Allocates the frame buffers; 0 or -ENOMEM. */
int vif_io_init(struct vif_io *io);
void vif_io_free(struct vif_io *io);

/* Starts serving rings mapped at TX_PAGE and RX_PAGE. */
void vif_io_attach(struct vif_io *io, void *tx_page, void *rx_page);

/* The frontend kicked us: take its tx packets, and rx pages it may have posted. */
void vif_io_on_event(struct vif_io *io);
/* The tap has frames for the guest. */
void vif_io_on_tap(struct vif_io *io);

#endif
