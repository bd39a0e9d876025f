/* Frame movement for one vif; see vif_io.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "backend_log.h"
#include "frame_csum.h"
#include "grant_copy_plan.h"
#include "vif_io.h"

int vif_io_init(struct vif_io *io)
{
    for (unsigned i = 0; i < VIF_TX_BATCH; i++)
        if (!(io->tx_bufs[i] = malloc(VIF_FRAME_MAX)))
            return -ENOMEM;
    for (unsigned i = 0; i < VIF_RX_BATCH; i++)
        if (!(io->rx_bufs[i] = malloc(VIF_FRAME_MAX + sizeof(struct virtio_net_hdr))))
            return -ENOMEM;
    return 0;
}

void vif_io_free(struct vif_io *io)
{
    for (unsigned i = 0; i < VIF_TX_BATCH; i++)
        free(io->tx_bufs[i]);
    for (unsigned i = 0; i < VIF_RX_BATCH; i++)
        free(io->rx_bufs[i]);
}

void vif_io_attach(struct vif_io *io, void *tx_page, void *rx_page)
{
    BACK_RING_INIT(&io->tx, (netif_tx_sring_t *)tx_page, GRANT_PAGE_SIZE);
    BACK_RING_INIT(&io->rx, (netif_rx_sring_t *)rx_page, GRANT_PAGE_SIZE);
    io->broken = NULL;
    io->rx_stalled = false;
    io->rx_held = 0;
}

/* A misbehaving guest could flood the log; the first few and then a sample are enough. */
static void log_fault(struct vif_io *io, const char *what, const char *why)
{
    uint64_t n = io->stats.tx_errors + io->stats.rx_errors;

    if (n <= 10 || n % 1000 == 0)
        backend_log("%s: %s (%llu faults so far)", what, why, (unsigned long long)n);
}

static void notify_if(struct vif_io *io, int notify)
{
    if (notify)
        event_channel_notify(io->evt);
}

/* When the whole ioctl failed, no segment was copied. */
static void grant_copy_all(struct vif_io *io, struct gntdev_grant_copy_segment *segs,
                           unsigned n)
{
    int rc = grant_copy(io->gnt, segs, n);

    if (rc < 0 && rc != -EIO) {
        backend_log("grant copy of %u segments failed: %s", n, strerror(-rc));
        for (unsigned i = 0; i < n; i++)
            segs[i].status = GNTST_general_error;
    }
}

/* ---- tx: frontend -> tap ---- */

/* With a vnet header the host stack finishes checksums and segments; without, we checksum. */
static int tx_prepare(struct vif_io *io, const struct tx_packet *pkt, uint8_t *frame,
                      struct virtio_net_hdr *hdr, const char **why)
{
    if (io->vnet)
        return vnet_hdr_from_guest(pkt, frame, hdr, why);
    if (pkt->flags & NETTXF_csum_blank)
        return frame_complete_checksum(frame, pkt->size, why);
    return 0;
}

static int16_t tx_deliver(struct vif_io *io, unsigned i)
{
    struct tx_packet *pkt = &io->tx_pkts[i];
    struct virtio_net_hdr hdr;
    struct iovec iov[2];
    const char *why;

    if (pkt->verdict == TX_PACKET_BAD) {
        io->stats.tx_errors++;
        log_fault(io, "tx packet refused", pkt->why);
        return NETIF_RSP_ERROR;
    }
    for (unsigned s = io->tx_seg_first[i]; s < io->tx_seg_first[i + 1]; s++) {
        if (io->tx_segs[s].status != GNTST_okay) {
            io->stats.tx_errors++;
            log_fault(io, "tx packet refused", "a grant could not be copied (bad grant ref?)");
            return NETIF_RSP_ERROR;
        }
    }
    if (tx_prepare(io, pkt, io->tx_bufs[i], &hdr, &why) < 0) {
        io->stats.tx_errors++;
        log_fault(io, "tx packet refused", why);
        return NETIF_RSP_ERROR;
    }
    iov[0].iov_base = &hdr;
    iov[0].iov_len = io->vnet ? sizeof(hdr) : 0;
    iov[1].iov_base = io->tx_bufs[i];
    iov[1].iov_len = pkt->size;
    /* A full tap queue loses the frame as a full wire would; the guest's TCP resends. */
    if (writev(io->tap_fd, iov, 2) != (ssize_t)(iov[0].iov_len + pkt->size)) {
        io->stats.tx_dropped++;
        return NETIF_RSP_OKAY;
    }
    io->stats.tx_packets++;
    io->stats.tx_bytes += pkt->size;
    return NETIF_RSP_OKAY;
}

/* Parses up to a batch of packets; returns how many were consumed. */
static unsigned tx_gather(struct vif_io *io, RING_IDX prod)
{
    unsigned n = 0, nseg = 0;

    while (n < VIF_TX_BATCH) {
        struct tx_packet *pkt = &io->tx_pkts[n];

        tx_packet_parse(&io->tx, prod, io->tx_gso_types, pkt);
        if (pkt->verdict == TX_INCOMPLETE)
            break;
        if (pkt->verdict == TX_RING_BROKEN) {
            io->broken = pkt->why;
            break;
        }
        tx_packet_consume(&io->tx, pkt);
        io->tx_seg_first[n] = nseg;
        if (pkt->verdict == TX_PACKET_OK)
            nseg += grant_copy_plan_tx(pkt, io->domid, io->tx_bufs[n], &io->tx_segs[nseg]);
        n++;
    }
    io->tx_seg_first[n] = nseg;
    return n;
}

static void service_tx(struct vif_io *io)
{
    for (;;) {
        RING_IDX prod;
        unsigned n;
        int notify;

        if (!tx_ring_published(&io->tx, &prod)) {
            io->broken = "tx ring: req_prod claims more requests than the ring holds";
            return;
        }
        n = tx_gather(io, prod);
        if (n) {
            grant_copy_all(io, io->tx_segs, io->tx_seg_first[n]);
            for (unsigned i = 0; i < n; i++)
                tx_packet_respond(&io->tx, &io->tx_pkts[i], tx_deliver(io, i));
            RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&io->tx, notify);
            notify_if(io, notify);
        }
        if (io->broken)
            return;
        if (n == VIF_TX_BATCH)
            continue;
        /* Ask for a kick on the next request, then look again: it may predate the ask. */
        io->tx.sring->req_event = prod + 1;
        xen_mb();
        if (((volatile netif_tx_sring_t *)io->tx.sring)->req_prod == prod)
            return;
    }
}

/* ---- rx: tap -> frontend ---- */

static size_t rx_hdr_len(const struct vif_io *io)
{
    return io->vnet ? sizeof(struct virtio_net_hdr) : 0;
}

/* The next frame for slot N of the batch: the one held back last time, or a fresh read. */
static bool rx_next_frame(struct vif_io *io, unsigned n)
{
    ssize_t got;

    if (n == 0 && io->rx_held) {
        io->rx_held = 0;
        return true;
    }
    got = read(io->tap_fd, io->rx_bufs[n], VIF_FRAME_MAX + rx_hdr_len(io));
    if (got <= (ssize_t)rx_hdr_len(io)) {
        if (got < 0 && errno != EAGAIN && errno != EINTR)
            backend_log("reading the tap device: %s", strerror(errno));
        return false;
    }
    io->rx_lens[n] = (size_t)got - rx_hdr_len(io);
    return true;
}

static void rx_hold(struct vif_io *io, unsigned n)
{
    uint8_t *buf = io->rx_bufs[0];
    size_t len = io->rx_lens[0];

    io->rx_bufs[0] = io->rx_bufs[n];
    io->rx_lens[0] = io->rx_lens[n];
    io->rx_bufs[n] = buf;
    io->rx_lens[n] = len;
    io->rx_held = 1;
}

static void rx_deliver(struct vif_io *io, unsigned n)
{
    unsigned slot = 0, seg = 0;
    int notify;

    for (unsigned i = 0; i < n; i++)
        seg += io->rx_nsegs[i];
    grant_copy_all(io, io->rx_segs, seg);
    seg = 0;
    for (unsigned i = 0; i < n; i++) {
        bool ok = true;

        for (unsigned s = seg; s < seg + io->rx_nsegs[i]; s++)
            ok = ok && io->rx_segs[s].status == GNTST_okay;
        if (ok) {
            io->stats.rx_packets++;
            io->stats.rx_bytes += io->rx_lens[i];
        } else {
            io->stats.rx_errors++;
            log_fault(io, "rx frame lost", "a posted rx page could not be written (bad grant ref?)");
        }
        rx_slots_respond(&io->rx, &io->rx_slots[slot], io->rx_nslots[i], ok, &io->rx_meta[i]);
        slot += io->rx_nslots[i];
        seg += io->rx_nsegs[i];
    }
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&io->rx, notify);
    notify_if(io, notify);
}

/* What the frontend is told about frame N; false when it cannot be told (dropped). */
static bool rx_describe(struct vif_io *io, unsigned n)
{
    const char *why;

    if (!io->vnet) {
        memset(&io->rx_meta[n], 0, sizeof(io->rx_meta[n]));
        return true;
    }
    if (vnet_hdr_to_guest((const struct virtio_net_hdr *)io->rx_bufs[n], &io->rx_meta[n],
                          &why) < 0) {
        log_fault(io, "rx frame dropped", why);
        return false;
    }
    return true;
}

/*
 * Fills a batch. Returns the slots the held-back frame needs (0 if none
 * was held back), and the frames in the batch through *COUNT.
 */
static unsigned rx_gather(struct vif_io *io, RING_IDX prod, unsigned *count)
{
    unsigned n = 0, slot = 0, seg = 0;

    while (n < VIF_RX_BATCH && rx_next_frame(io, n)) {
        unsigned need = rx_slots_needed(io->rx_lens[n], io->frontend_sg), taken;
        bool extra;

        if (need == 0 || !rx_describe(io, n)) {
            io->stats.rx_dropped++;   /* too big for what the frontend accepts, or unsayable */
            continue;
        }
        extra = io->rx_meta[n].gso_type != XEN_NETIF_GSO_TYPE_NONE;
        if (!rx_slots_take(&io->rx, prod, io->rx_lens[n], need, extra, &io->rx_slots[slot],
                           &taken)) {
            *count = n;
            rx_hold(io, n);
            return need + (extra ? 1 : 0);
        }
        io->rx_nslots[n] = taken;
        io->rx_nsegs[n] = grant_copy_plan_rx(&io->rx_slots[slot], taken, io->domid,
                                             io->rx_bufs[n] + rx_hdr_len(io), &io->rx_segs[seg]);
        slot += taken;
        seg += io->rx_nsegs[n];
        n++;
    }
    *count = n;
    return 0;
}

static void service_rx(struct vif_io *io)
{
    for (;;) {
        RING_IDX prod;
        unsigned n, need;

        if (!rx_ring_published(&io->rx, &prod)) {
            io->broken = "rx ring: req_prod claims more requests than the ring holds";
            return;
        }
        need = rx_gather(io, prod, &n);
        if (n)
            rx_deliver(io, n);
        if (need == 0) {
            io->rx_stalled = false;
            if (n < VIF_RX_BATCH)
                return;
            continue;
        }
        /* Out of pages: the frontend (feature-rx-notify) kicks us once it posts enough. */
        io->rx.sring->req_event = io->rx.req_cons + need;
        xen_mb();
        if (!rx_ring_published(&io->rx, &prod) || (RING_IDX)(prod - io->rx.req_cons) < need) {
            io->rx_stalled = true;
            return;
        }
    }
}

void vif_io_on_event(struct vif_io *io)
{
    service_tx(io);
    if (!io->broken)
        service_rx(io);
}

void vif_io_on_tap(struct vif_io *io)
{
    if (!io->rx_stalled)
        service_rx(io);
}
