/* Grant-copy segment lists; see grant_copy_plan.h. */
#include "grant_copy_plan.h"
#include "grant_dev.h"

unsigned grant_copy_plan_tx(const struct tx_packet *pkt, uint16_t domid, uint8_t *buf,
                            struct gntdev_grant_copy_segment *segs)
{
    size_t at = 0;
    unsigned n = 0;

    for (unsigned i = 0; i < pkt->n_data; i++) {
        /* An empty slot has nothing to copy (and its grant is not even checked, as on Xen). */
        if (pkt->data[i].size == 0)
            continue;
        grant_copy_from_guest(&segs[n++], domid, pkt->data[i].gref, pkt->data[i].offset,
                              buf + at, pkt->data[i].size);
        at += pkt->data[i].size;
    }
    return n;
}

unsigned grant_copy_plan_rx(const struct rx_slot *slots, unsigned n, uint16_t domid,
                            const uint8_t *frame, struct gntdev_grant_copy_segment *segs)
{
    size_t at = 0;
    unsigned nseg = 0;

    for (unsigned i = 0; i < n; i++) {
        if (slots[i].is_extra)
            continue;
        grant_copy_to_guest(&segs[nseg++], domid, slots[i].gref, 0, frame + at, slots[i].len);
        at += slots[i].len;
    }
    return nseg;
}
