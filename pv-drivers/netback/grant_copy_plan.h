/*
 * Grant-copy segments (Linux's IOCTL_GNTDEV_GRANT_COPY) for moving a frame
 * between a guest's granted pages and a local buffer. The kernel splits
 * the local side at page boundaries itself; the granted side of a segment
 * must stay within one page, which tx_packet and rx_slots guarantee.
 */
#ifndef LINTEL_NETBACK_GRANT_COPY_PLAN_H
#define LINTEL_NETBACK_GRANT_COPY_PLAN_H

#include <stdint.h>

#include "public/grant_table.h"
/* Linux's uapi header expects domid_t and grant_ref_t from the ABI headers. */
#include <xen/gntdev.h>

#include "rx_slots.h"
#include "tx_packet.h"

/*
 * Appends one segment per non-empty data slot of PKT, copying it from DOMID's grants
 * into BUF (PKT->size bytes). Returns the number of segments added.
 */
unsigned grant_copy_plan_tx(const struct tx_packet *pkt, uint16_t domid, uint8_t *buf,
                            struct gntdev_grant_copy_segment *segs);

/* Appends one segment per data slot, copying FRAME into DOMID's granted pages; returns how many. */
unsigned grant_copy_plan_rx(const struct rx_slot *slots, unsigned n, uint16_t domid,
                            const uint8_t *frame, struct gntdev_grant_copy_segment *segs);

#endif
