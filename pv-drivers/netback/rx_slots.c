/* Filling the frontend's posted rx pages; see rx_slots.h. */
#include <string.h>

#include "rx_slots.h"
#include "vnet_hdr.h"

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
                   bool extra, struct rx_slot *slots, unsigned *n)
{
    size_t left = len;

    *n = need + (extra ? 1 : 0);
    if ((RING_IDX)(prod - ring->req_cons) < *n)
        return false;
    for (unsigned i = 0; i < *n; i++) {
        netif_rx_request_t req;

        RING_COPY_REQUEST(ring, ring->req_cons + i, &req);
        slots[i].id = req.id;
        slots[i].gref = req.gref;
        /* The frontend reads the extra-info right after the first response. */
        slots[i].is_extra = extra && i == 1;
        slots[i].len = slots[i].is_extra ? 0 :
            (uint16_t)(left < NETBACK_RX_PAGE_SIZE ? left : NETBACK_RX_PAGE_SIZE);
        left -= slots[i].len;
    }
    ring->req_cons += *n;
    return true;
}

static void respond_extra(netif_rx_back_ring_t *ring, const struct rx_meta *meta)
{
    struct netif_extra_info extra;

    _Static_assert(sizeof(extra) <= sizeof(netif_rx_response_t), "extra-info fits a response");
    memset(&extra, 0, sizeof(extra));
    extra.type = XEN_NETIF_EXTRA_TYPE_GSO;
    extra.u.gso.size = meta->gso_size;
    extra.u.gso.type = meta->gso_type;
    memcpy(RING_GET_RESPONSE(ring, ring->rsp_prod_pvt), &extra, sizeof(extra));
    ring->rsp_prod_pvt++;
}

void rx_slots_respond(netif_rx_back_ring_t *ring, const struct rx_slot *slots, unsigned n,
                      bool delivered, const struct rx_meta *meta)
{
    unsigned last_data = n - 1;

    while (last_data > 0 && slots[last_data].is_extra)
        last_data--;
    for (unsigned i = 0; i < n; i++) {
        netif_rx_response_t *rsp;

        if (slots[i].is_extra && delivered) {
            respond_extra(ring, meta);
            continue;
        }
        /* Undelivered, the extra's slot is one more error in the chain the frontend walks. */
        rsp = RING_GET_RESPONSE(ring, ring->rsp_prod_pvt);
        rsp->id = slots[i].id;
        rsp->offset = 0;
        /* Chained even on error: the frontend walks the chain to recycle every page. */
        rsp->flags = (i < (delivered ? last_data : n - 1)) ? NETRXF_more_data : 0;
        if (delivered && i == 0 && meta) {
            rsp->flags |= meta->flags;
            if (meta->gso_type != XEN_NETIF_GSO_TYPE_NONE)
                rsp->flags |= NETRXF_extra_info;
        }
        rsp->status = delivered ? (int16_t)slots[i].len : NETIF_RSP_ERROR;
        ring->rsp_prod_pvt++;
    }
}
