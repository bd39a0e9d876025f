/*
 * The receive half of the netif protocol, seen from the backend (rx-copy
 * only): the frontend posts empty granted pages; a frame from the host
 * takes as many of them as it needs, filled from offset 0, and each taken
 * request gets a response in the same ring position (Linux's netfront
 * finds the page of a response by its position, not by its id).
 */
#ifndef LINTEL_NETBACK_RX_SLOTS_H
#define LINTEL_NETBACK_RX_SLOTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/io/netif.h"

#define NETBACK_RX_PAGE_SIZE 4096u
/* Largest frame we hand a frontend: 64 KiB spread over pages. */
#define NETBACK_RX_MAX_SLOTS 17u

struct rx_slot {
    uint16_t id;
    grant_ref_t gref;
    uint16_t len;      /* bytes of the frame in this page */
    bool is_extra;     /* answered with the GSO extra-info, its page left empty */
};

struct rx_meta;

/* Reads req_prod once; false when it overruns the ring (disconnect). */
bool rx_ring_published(const netif_rx_back_ring_t *ring, RING_IDX *prod);

/* Pages a frame of LEN bytes needs; 0 when it cannot be sent (too big, or >1 page without SG). */
unsigned rx_slots_needed(size_t len, bool frontend_sg);

/*
 * Takes the requests for a frame of LEN bytes into SLOTS: NEED pages for
 * data (from rx_slots_needed), plus, with EXTRA, the slot right after the
 * first that carries the GSO extra-info. False, with nothing taken, when
 * fewer are published. Returns the slots taken through *N.
 */
bool rx_slots_take(netif_rx_back_ring_t *ring, RING_IDX prod, size_t len, unsigned need,
                   bool extra, struct rx_slot *slots, unsigned *n);

/*
 * Queues the responses of one frame: byte counts, META's flags on the
 * first, the GSO extra-info when META has a type, and NETRXF_more_data
 * chaining when DELIVERED; NETIF_RSP_ERROR in every slot otherwise (the
 * frontend then drops the frame and keeps its pages). META may be NULL.
 */
void rx_slots_respond(netif_rx_back_ring_t *ring, const struct rx_slot *slots, unsigned n,
                      bool delivered, const struct rx_meta *meta);

#endif
