/* Parsing and answering tx requests; see tx_packet.h. */
#include <string.h>

#include "tx_packet.h"

bool tx_ring_published(const netif_tx_back_ring_t *ring, RING_IDX *prod)
{
    RING_IDX p = ((volatile netif_tx_sring_t *)ring->sring)->req_prod;

    /* The requests' contents must not be read before the index that publishes them. */
    xen_rmb();
    if (RING_REQUEST_PROD_OVERFLOW(ring, p) || (RING_IDX)(p - ring->req_cons) > RING_SIZE(ring))
        return false;
    *prod = p;
    return true;
}

/* One slot copied out of shared memory in a single read (the guest may rewrite it). */
static netif_tx_request_t copy_request(const netif_tx_back_ring_t *ring, RING_IDX idx)
{
    netif_tx_request_t req;

    RING_COPY_REQUEST(ring, idx, &req);
    return req;
}

static struct netif_extra_info as_extra(const netif_tx_request_t *req)
{
    struct netif_extra_info extra;

    _Static_assert(sizeof(extra) <= sizeof(*req), "an extra-info slot fits a request slot");
    memcpy(&extra, req, sizeof(extra));
    return extra;
}

static void mark_bad(struct tx_packet *pkt, const char *why)
{
    /* The first fault found is the one worth reporting. */
    if (pkt->verdict == TX_PACKET_OK) {
        pkt->verdict = TX_PACKET_BAD;
        pkt->why = why;
    }
}

static void record_slot(struct tx_packet *pkt, uint16_t id, bool is_extra)
{
    pkt->slot[pkt->n_requests].id = id;
    pkt->slot[pkt->n_requests].is_extra = is_extra;
    pkt->n_requests++;
}

static void take_extra(struct tx_packet *pkt, const struct netif_extra_info *extra,
                       unsigned *seen_types)
{
    if (extra->type == XEN_NETIF_EXTRA_TYPE_NONE || extra->type >= XEN_NETIF_EXTRA_TYPE_MAX) {
        mark_bad(pkt, "unknown extra-info type");
        return;
    }
    if (*seen_types & (1u << extra->type)) {
        mark_bad(pkt, "extra-info type given twice");
        return;
    }
    *seen_types |= 1u << extra->type;
    if (extra->type == XEN_NETIF_EXTRA_TYPE_GSO) {
        pkt->has_gso = true;
        pkt->gso = *extra;
    }
    /* Multicast and hash extras carry hints only; without the matching
     * feature negotiated they are ignored, as the protocol allows. */
}

/*
 * Returns false when the ring ran out (at PROD) before the extras ended.
 * The extras' chain is bounded by the ring: a frontend that keeps setting
 * FLAG_MORE runs into PROD, and ring_exhausted() turns that into BROKEN.
 */
static bool parse_extras(const netif_tx_back_ring_t *ring, RING_IDX prod, struct tx_packet *pkt)
{
    unsigned seen_types = 0;
    struct netif_extra_info extra;

    do {
        RING_IDX idx = ring->req_cons + pkt->n_requests;
        netif_tx_request_t req;

        if (idx == prod || pkt->n_requests == NETBACK_TX_RING_SLOTS)
            return false;
        req = copy_request(ring, idx);
        extra = as_extra(&req);
        record_slot(pkt, 0, true);
        take_extra(pkt, &extra, &seen_types);
    } while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
    return true;
}

static void take_data_slot(struct tx_packet *pkt, const netif_tx_request_t *req)
{
    if ((unsigned)req->offset + req->size > NETBACK_PAGE_SIZE)
        mark_bad(pkt, "a slot crosses its page boundary");
    if (pkt->n_data == NETBACK_TX_MAX_DATA_SLOTS) {
        mark_bad(pkt, "more data slots than the backend accepts");
        return;
    }
    pkt->data[pkt->n_data].gref = req->gref;
    pkt->data[pkt->n_data].offset = req->offset;
    pkt->data[pkt->n_data].size = req->size;
    pkt->n_data++;
}

static bool parse_continuations(const netif_tx_back_ring_t *ring, RING_IDX prod,
                                struct tx_packet *pkt, uint16_t flags)
{
    while (flags & NETTXF_more_data) {
        RING_IDX idx = ring->req_cons + pkt->n_requests;
        netif_tx_request_t req;

        if (idx == prod || pkt->n_requests == NETBACK_TX_RING_SLOTS)
            return false;
        req = copy_request(ring, idx);
        record_slot(pkt, req.id, false);
        take_data_slot(pkt, &req);
        flags = req.flags;
    }
    return true;
}

static void check_gso(struct tx_packet *pkt, unsigned gso_types)
{
    uint8_t type = pkt->gso.u.gso.type;

    if (type == XEN_NETIF_GSO_TYPE_NONE || type > XEN_NETIF_GSO_TYPE_TCPV6 ||
        !(gso_types & TX_GSO_TYPE(type)))
        mark_bad(pkt, "GSO type not offered (feature-gso-* = 0)");
    else if (pkt->gso.u.gso.size == 0)
        mark_bad(pkt, "GSO with a segment size of 0");
    else if (!(pkt->flags & NETTXF_csum_blank))
        mark_bad(pkt, "GSO without NETTXF_csum_blank");
}

/* The first slot's size is the frame's; its own share is what the others leave. */
static void settle_sizes(struct tx_packet *pkt)
{
    uint32_t rest = 0;

    for (unsigned i = 1; i < pkt->n_data; i++)
        rest += pkt->data[i].size;
    if (pkt->size < NETBACK_ETH_HLEN)
        mark_bad(pkt, "frame shorter than an Ethernet header");
    if (rest > pkt->size) {
        mark_bad(pkt, "continuation slots hold more than the frame size");
        return;
    }
    pkt->data[0].size = (uint16_t)(pkt->size - rest);
    if ((unsigned)pkt->data[0].offset + pkt->data[0].size > NETBACK_PAGE_SIZE)
        mark_bad(pkt, "the first slot crosses its page boundary");
}

/*
 * A packet still incomplete when it alone spans the whole ring can never
 * end. (Shorter ones wait: the frontend may need our earlier responses
 * before it has room to publish the rest.)
 */
static void incomplete_or_broken(const netif_tx_back_ring_t *ring, RING_IDX prod,
                                 struct tx_packet *pkt)
{
    if ((RING_IDX)(prod - ring->req_cons) >= RING_SIZE(ring) ||
        pkt->n_requests == NETBACK_TX_RING_SLOTS) {
        pkt->verdict = TX_RING_BROKEN;
        pkt->why = "a packet fills the whole ring without ending";
    } else {
        pkt->verdict = TX_INCOMPLETE;
        pkt->why = NULL;
    }
}

void tx_packet_parse(const netif_tx_back_ring_t *ring, RING_IDX prod, unsigned gso_types,
                     struct tx_packet *pkt)
{
    netif_tx_request_t first;

    pkt->verdict = TX_PACKET_OK;
    pkt->why = NULL;
    pkt->n_requests = 0;
    pkt->n_data = 0;
    pkt->has_gso = false;
    if (ring->req_cons == prod) {
        pkt->verdict = TX_INCOMPLETE;
        return;
    }
    first = copy_request(ring, ring->req_cons);
    pkt->size = first.size;
    pkt->flags = first.flags;
    record_slot(pkt, first.id, false);
    pkt->data[0].gref = first.gref;
    pkt->data[0].offset = first.offset;
    pkt->n_data = 1;
    if ((first.flags & NETTXF_extra_info) && !parse_extras(ring, prod, pkt)) {
        incomplete_or_broken(ring, prod, pkt);
        return;
    }
    if (!parse_continuations(ring, prod, pkt, first.flags)) {
        incomplete_or_broken(ring, prod, pkt);
        return;
    }
    settle_sizes(pkt);
    if (pkt->has_gso)
        check_gso(pkt, gso_types);
}

void tx_packet_consume(netif_tx_back_ring_t *ring, const struct tx_packet *pkt)
{
    ring->req_cons += pkt->n_requests;
}

void tx_packet_respond(netif_tx_back_ring_t *ring, const struct tx_packet *pkt, int16_t status)
{
    for (unsigned i = 0; i < pkt->n_requests; i++) {
        netif_tx_response_t *rsp = RING_GET_RESPONSE(ring, ring->rsp_prod_pvt);

        rsp->id = pkt->slot[i].id;
        rsp->status = pkt->slot[i].is_extra ? NETIF_RSP_NULL : status;
        ring->rsp_prod_pvt++;
    }
}
