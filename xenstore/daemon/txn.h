/*
 * Transactions and the "view" every operation goes through.
 *
 * A transaction keeps its own copies of the nodes it changed (overlay) and the
 * generation of every committed node it looked at (seen). Commit fails with
 * EAGAIN when any seen node changed since, which is Xen's conflict rule: the
 * client retries the whole transaction.
 */
#ifndef LINTEL_XS_TXN_H
#define LINTEL_XS_TXN_H

#include <stdint.h>
#include "tree.h"

enum change_kind {
    CHANGE_WRITE,     /* watches on the path and its ancestors fire */
    CHANGE_RM_ROOT,   /* the removed subtree's top: same as a write */
    CHANGE_RM_CHILD,  /* a node removed below it: only watches on exactly it fire */
};

struct change {
    struct change *next;
    enum change_kind kind;
    char *path;
    struct node_perms perms;   /* who may see the event */
};

struct change_log {
    struct change *head, *tail;
};

void change_log_add(struct change_log *log, enum change_kind kind, const char *path,
                    const struct node_perms *perms);
void change_log_free(struct change_log *log);

struct txn {
    uint32_t id;
    struct nodemap overlay;
    struct nodemap seen;
    struct owner_counts delta;
    struct change_log log;
    struct txn *next;
};

struct txn *txn_new(uint32_t id);
void txn_free(struct txn *tx);
/* Applies the transaction to the tree, or returns EAGAIN and changes nothing. */
int txn_commit(struct tree *t, struct txn *tx);

/* Where an operation reads and writes: the tree itself, or it through a transaction. */
struct view {
    struct tree *tree;
    struct txn *tx;
};

const struct node *view_get(struct view *v, const char *path);
/* Takes ownership of n. */
void view_put(struct view *v, struct node *n);
void view_remove(struct view *v, const char *path);
int32_t view_owned(const struct view *v, uint32_t domid);

#endif
