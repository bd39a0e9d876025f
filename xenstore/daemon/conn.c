#include "conn.h"

#include <string.h>

void conn_init(struct xs_conn *c, uint32_t domid, bool privileged)
{
    memset(c, 0, sizeof(*c));
    c->who.domid = domid;
    c->who.privileged = privileged;
    c->next_txid = 1;
}

void conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
               const void *body, uint32_t len)
{
    struct xs_msg *m;

    if (c->broken)
        return;
    if (c->out.count >= CONN_MAX_QUEUED) {
        c->broken = true;
        return;
    }
    m = msg_new(type, req_id, tx_id, body, len);
    if (!m) {
        c->broken = true;
        return;
    }
    msgq_push(&c->out, m);
}

struct txn *conn_find_txn(const struct xs_conn *c, uint32_t id)
{
    for (struct txn *tx = c->txns; tx; tx = tx->next)
        if (tx->id == id)
            return tx;
    return NULL;
}

void conn_unlink_txn(struct xs_conn *c, struct txn *tx)
{
    for (struct txn **pp = &c->txns; *pp; pp = &(*pp)->next)
        if (*pp == tx) {
            *pp = tx->next;
            tx->next = NULL;
            c->ntxns--;
            return;
        }
}

void conn_drop_txns(struct xs_conn *c)
{
    while (c->txns) {
        struct txn *tx = c->txns;

        conn_unlink_txn(c, tx);
        txn_free(tx);
    }
}
