/* TRANSACTION_START and TRANSACTION_END. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ops.h"

int op_transaction_start(struct request *r)
{
    struct xs_conn *c = r->c;
    struct txn *tx;
    char id[16];

    if (r->view.tx)
        return EBUSY;
    if (!requester_is_privileged(r) && c->ntxns >= r->s->quota.transactions)
        return ENOSPC;
    if (c->next_txid == 0)
        c->next_txid = 1;      /* 0 means "no transaction" on the wire */
    tx = txn_new(c->next_txid++);
    if (!tx)
        return ENOMEM;
    tx->next = c->txns;
    c->txns = tx;
    c->ntxns++;
    snprintf(id, sizeof(id), "%u", tx->id);
    reply_string(r, id);
    return 0;
}

/* The committed changes join the request's pending events, fired after the reply. */
static void queue_logged_changes(struct store *s, struct change_log *log)
{
    if (!log->head)
        return;
    if (s->pending.tail)
        s->pending.tail->next = log->head;
    else
        s->pending.head = log->head;
    s->pending.tail = log->tail;
    log->head = log->tail = NULL;
}

int op_transaction_end(struct request *r)
{
    struct txn *tx = r->view.tx;
    const char *argv[1];
    bool commit;
    int err = 0;

    if (!tx)
        return ENOENT;
    if (split_args(r, argv, 1, 1) != 1 ||
        (strcmp(argv[0], "T") != 0 && strcmp(argv[0], "F") != 0))
        return EINVAL;
    commit = argv[0][0] == 'T';
    conn_unlink_txn(r->c, tx);
    if (commit) {
        err = txn_commit(&r->s->tree, tx);
        if (!err) {
            queue_logged_changes(r->s, &tx->log);
            r->s->dirty = true;
        }
    }
    txn_free(tx);
    if (!err)
        reply_ok(r);
    return err;
}
