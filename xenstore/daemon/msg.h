/* Outgoing messages (replies and watch events) and the per-connection queue. */
#ifndef LINTEL_XS_MSG_H
#define LINTEL_XS_MSG_H

#include <stdint.h>
#include "../../include/public/io/xs_wire.h"

struct xs_msg {
    struct xs_msg *next;
    struct xsd_sockmsg hdr;
    uint32_t sent;          /* bytes of header + body already handed to the transport */
    char body[];
};

struct msg_queue {
    struct xs_msg *head, *tail;
    unsigned count;
};

struct xs_msg *msg_new(uint32_t type, uint32_t req_id, uint32_t tx_id,
                       const void *body, uint32_t len);
void msgq_push(struct msg_queue *q, struct xs_msg *m);
struct xs_msg *msgq_pop(struct msg_queue *q);
void msgq_clear(struct msg_queue *q);

/* The whole message as bytes: header then body, for transports. */
static inline uint32_t msg_total_len(const struct xs_msg *m)
{
    return (uint32_t)sizeof(m->hdr) + m->hdr.len;
}
uint32_t msg_copy_out(const struct xs_msg *m, uint32_t off, void *dst, uint32_t room);

#endif
