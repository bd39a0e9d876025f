/* Grant-copy segment lists; see grant_copy_plan.h. */
#include <string.h>

#include "grant_copy_plan.h"

unsigned grant_copy_plan_tx(const struct tx_packet *pkt, uint16_t domid, uint8_t *buf,
                            struct gntdev_grant_copy_segment *segs)
{
    size_t at = 0;
    unsigned n = 0;

    for (unsigned i = 0; i < pkt->n_data; i++) {
        struct gntdev_grant_copy_segment *s = &segs[n];

        /* An empty slot has nothing to copy (and its grant is not even checked, as on Xen). */
        if (pkt->data[i].size == 0)
            continue;
        n++;
        memset(s, 0, sizeof(*s));
        s->source.foreign.ref = pkt->data[i].gref;
        s->source.foreign.offset = pkt->data[i].offset;
        s->source.foreign.domid = domid;
        s->dest.virt = buf + at;
        s->len = pkt->data[i].size;
        s->flags = GNTCOPY_source_gref;
        at += pkt->data[i].size;
    }
    return n;
}

unsigned grant_copy_plan_rx(const struct rx_slot *slots, unsigned n, uint16_t domid,
                            const uint8_t *frame, struct gntdev_grant_copy_segment *segs)
{
    size_t at = 0;

    for (unsigned i = 0; i < n; i++) {
        struct gntdev_grant_copy_segment *s = &segs[i];

        memset(s, 0, sizeof(*s));
        /* The kernel only reads through a local source pointer. */
        s->source.virt = (void *)(uintptr_t)(frame + at);
        s->dest.foreign.ref = slots[i].gref;
        s->dest.foreign.offset = 0;
        s->dest.foreign.domid = domid;
        s->len = slots[i].len;
        s->flags = GNTCOPY_dest_gref;
        at += slots[i].len;
    }
    return n;
}
