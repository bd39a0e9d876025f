/* A client of the store as the request handlers see it, whatever its transport. */
#ifndef LINTEL_XS_CONN_H
#define LINTEL_XS_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include "msg.h"
#include "perms.h"
#include "txn.h"

/* More queued output than this means the peer stopped reading: drop it. */
#define CONN_MAX_QUEUED 8192

struct xs_conn {
    struct requester who;
    struct txn *txns;
    unsigned ntxns;
    uint32_t next_txid;
    unsigned nwatches;
    struct msg_queue out;
    bool broken;             /* protocol violation or overflow: transport must close */
    void *transport;         /* the transport's own state */
};

void conn_init(struct xs_conn *c, uint32_t domid, bool privileged);
/* Queues a message; on overflow marks the connection broken instead. */
void conn_send(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
               const void *body, uint32_t len);
struct txn *conn_find_txn(const struct xs_conn *c, uint32_t id);
void conn_unlink_txn(struct xs_conn *c, struct txn *tx);
void conn_drop_txns(struct xs_conn *c);

#endif
