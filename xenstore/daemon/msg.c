#include "msg.h"

#include <stdlib.h>
#include <string.h>

struct xs_msg *msg_new(uint32_t type, uint32_t req_id, uint32_t tx_id,
                       const void *body, uint32_t len)
{
    struct xs_msg *m = malloc(sizeof(*m) + len + 1);

    if (!m)
        return NULL;
    m->next = NULL;
    m->sent = 0;
    m->hdr.type = type;
    m->hdr.req_id = req_id;
    m->hdr.tx_id = tx_id;
    m->hdr.len = len;
    if (len)
        memcpy(m->body, body, len);
    m->body[len] = '\0';
    return m;
}

void msgq_push(struct msg_queue *q, struct xs_msg *m)
{
    m->next = NULL;
    if (q->tail)
        q->tail->next = m;
    else
        q->head = m;
    q->tail = m;
    q->count++;
}

struct xs_msg *msgq_pop(struct msg_queue *q)
{
    struct xs_msg *m = q->head;

    if (!m)
        return NULL;
    q->head = m->next;
    if (!q->head)
        q->tail = NULL;
    q->count--;
    m->next = NULL;
    return m;
}

void msgq_clear(struct msg_queue *q)
{
    struct xs_msg *m;

    while ((m = msgq_pop(q)))
        free(m);
}

/* Header and body live apart in memory but go out as one byte stream. */
uint32_t msg_copy_out(const struct xs_msg *m, uint32_t off, void *dst, uint32_t room)
{
    uint32_t total = msg_total_len(m), done = 0;
    char *out = dst;

    while (off < total && done < room) {
        uint32_t n;
        const char *src;

        if (off < sizeof(m->hdr)) {
            src = (const char *)&m->hdr + off;
            n = (uint32_t)sizeof(m->hdr) - off;
        } else {
            src = m->body + (off - sizeof(m->hdr));
            n = total - off;
        }
        if (n > room - done)
            n = room - done;
        memcpy(out + done, src, n);
        done += n;
        off += n;
    }
    return done;
}
