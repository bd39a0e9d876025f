/* Filling the frontend's posted rx pages; see rx_slots.h. */
#include "rx_slots.h"

bool rx_ring_published(const netif_rx_back_ring_t *ring, RING_IDX *prod)
{
    RING_IDX p = ((volatile netif_rx_sring_t *)ring->sring)->req_prod;

    xen_rmb();
    if (RING_REQUEST_PROD_OVERFLOW(ring, p) || (RING_IDX)(p - ring->req_cons) > RING_SIZE(ring))
        return false;
    *prod = p;
    return true;
}

unsigned rx_slots_needed(size_t len, bool frontend_sg)
{
    size_t pages = (len + NETBACK_RX_PAGE_SIZE - 1) / NETBACK_RX_PAGE_SIZE;

    if (len == 0 || pages > NETBACK_RX_MAX_SLOTS || (pages > 1 && !frontend_sg))
        return 0;
    return (unsigned)pages;
}

bool rx_slots_take(netif_rx_back_ring_t *ring, RING_IDX prod, size_t len, unsigned need,
                   struct rx_slot *slots)
{
    if ((RING_IDX)(prod - ring->req_cons) < need)
        return false;
    for (unsigned i = 0; i < need; i++) {
        netif_rx_request_t req;
        size_t left = len - (size_t)i * NETBACK_RX_PAGE_SIZE;

        RING_COPY_REQUEST(ring, ring->req_cons + i, &req);
        slots[i].id = req.id;
        slots[i].gref = req.gref;
        slots[i].len = (uint16_t)(left < NETBACK_RX_PAGE_SIZE ? left : NETBACK_RX_PAGE_SIZE);
    }
    ring->req_cons += need;
    return true;
}

void rx_slots_respond(netif_rx_back_ring_t *ring, const struct rx_slot *slots, unsigned n,
                      bool delivered)
{
    for (unsigned i = 0; i < n; i++) {
        netif_rx_response_t *rsp = RING_GET_RESPONSE(ring, ring->rsp_prod_pvt);

        rsp->id = slots[i].id;
        rsp->offset = 0;
        /* Chained even on error: the frontend walks the chain to recycle every page. */
        rsp->flags = (i + 1 < n) ? NETRXF_more_data : 0;
        rsp->status = delivered ? (int16_t)slots[i].len : NETIF_RSP_ERROR;
        ring->rsp_prod_pvt++;
    }
}
