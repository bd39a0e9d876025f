/*
 * The transmit half of the netif protocol, seen from the backend: turning
 * the frontend's tx requests into packets and answering every slot.
 *
 * A packet is a first request (whose size is the whole packet), optional
 * extra-info slots right after it (NETTXF_extra_info), then continuation
 * requests while NETTXF_more_data is set. Everything read from the ring is
 * copied once and checked here; nothing in this file touches a grant.
 */
#ifndef LINTEL_NETBACK_TX_PACKET_H
#define LINTEL_NETBACK_TX_PACKET_H

#include <stdbool.h>
#include <stdint.h>

#include "public/io/netif.h"

#define NETBACK_PAGE_SIZE 4096u
/* Slots in a one-page tx ring: the most a packet can ever occupy. */
#define NETBACK_TX_RING_SLOTS __CONST_RING_SIZE(netif_tx, NETBACK_PAGE_SIZE)
/* Data slots we accept in one packet: the protocol's guaranteed minimum. */
#define NETBACK_TX_MAX_DATA_SLOTS XEN_NETIF_NR_SLOTS_MIN
/* Smallest frame: an Ethernet header. */
#define NETBACK_ETH_HLEN 14u

enum tx_verdict {
    TX_PACKET_OK,      /* a well-formed packet: copy it, then answer */
    TX_PACKET_BAD,     /* malformed but delimited: answer NETIF_RSP_ERROR */
    TX_INCOMPLETE,     /* the frontend has not published the rest yet */
    TX_RING_BROKEN,    /* the ring can never be parsed again: disconnect */
};

struct tx_data_slot {
    grant_ref_t gref;
    uint16_t offset;
    uint16_t size;     /* bytes in this slot (the first slot's own share) */
};

struct tx_packet {
    enum tx_verdict verdict;
    const char *why;            /* names the fault for BAD and BROKEN */
    unsigned n_requests;        /* ring slots the packet occupies */
    unsigned n_data;            /* entries of data[] */
    uint16_t size;              /* the whole frame */
    uint16_t flags;             /* the first request's NETTXF_* */
    bool has_gso;
    struct netif_extra_info gso;
    struct tx_data_slot data[NETBACK_TX_MAX_DATA_SLOTS];
    /* Per occupied slot, what its response needs; requests are overwritten by responses. */
    struct {
        uint16_t id;
        bool is_extra;
    } slot[NETBACK_TX_RING_SLOTS];
};

/*
 * Reads the frontend's req_prod once. False when it claims more requests
 * than the ring can hold beyond our unanswered ones: the frontend is
 * broken or hostile and the device must be disconnected.
 */
bool tx_ring_published(const netif_tx_back_ring_t *ring, RING_IDX *prod);

/* Bit of XEN_NETIF_GSO_TYPE_X in a set of accepted GSO types. */
#define TX_GSO_TYPE(x) (1u << (x))

/*
 * Parses the packet at ring->req_cons, reading no slot at or past PROD.
 * GSO_TYPES: the TX_GSO_TYPE()s the backend offered; a GSO extra of
 * another type makes the packet BAD.
 */
void tx_packet_parse(const netif_tx_back_ring_t *ring, RING_IDX prod, unsigned gso_types,
                     struct tx_packet *pkt);

/* Marks the parsed packet's requests as taken (after OK or BAD only). */
void tx_packet_consume(netif_tx_back_ring_t *ring, const struct tx_packet *pkt);

/*
 * Queues one response per slot of a consumed packet: STATUS for data slots,
 * NETIF_RSP_NULL for extra-info slots. Packets must be answered in the
 * order they were consumed; publishing is the caller's.
 */
void tx_packet_respond(netif_tx_back_ring_t *ring, const struct tx_packet *pkt,
                       int16_t status);

#endif
