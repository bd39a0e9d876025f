#include "txn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void change_log_add(struct change_log *log, enum change_kind kind, const char *path,
                    const struct node_perms *perms)
{
    struct change *c = calloc(1, sizeof(*c));

    if (!c)
        return;
    c->kind = kind;
    c->path = strdup(path);
    if (!c->path || perms_copy(&c->perms, perms)) {
        free(c->path);
        free(c);
        return;
    }
    if (log->tail)
        log->tail->next = c;
    else
        log->head = c;
    log->tail = c;
}

void change_log_free(struct change_log *log)
{
    struct change *c = log->head;

    while (c) {
        struct change *next = c->next;

        free(c->path);
        perms_free(&c->perms);
        free(c);
        c = next;
    }
    log->head = log->tail = NULL;
}

struct txn *txn_new(uint32_t id)
{
    struct txn *tx = calloc(1, sizeof(*tx));

    if (!tx)
        return NULL;
    tx->id = id;
    if (nodemap_init(&tx->overlay) || nodemap_init(&tx->seen)) {
        txn_free(tx);
        return NULL;
    }
    return tx;
}

void txn_free(struct txn *tx)
{
    if (!tx)
        return;
    if (tx->overlay.bucket)
        nodemap_destroy(&tx->overlay);
    if (tx->seen.bucket)
        nodemap_destroy(&tx->seen);
    owner_counts_free(&tx->delta);
    change_log_free(&tx->log);
    free(tx);
}

struct commit_ctx {
    struct tree *tree;
    struct txn *tx;
    int conflict;
};

static void check_seen(struct node *seen, void *arg)
{
    struct commit_ctx *ctx = arg;
    const struct node *now = tree_get(ctx->tree, seen->path);

    if ((now ? now->gen : 0) != seen->gen)
        ctx->conflict = EAGAIN;
}

static void apply_one(struct node *n, void *arg)
{
    struct commit_ctx *ctx = arg;

    nodemap_take(&ctx->tx->overlay, n->path);
    if (n->deleted) {
        tree_remove(ctx->tree, n->path);
        node_free(n);
    } else {
        tree_put(ctx->tree, n);
    }
}

int txn_commit(struct tree *t, struct txn *tx)
{
    struct commit_ctx ctx = { t, tx, 0 };

    nodemap_each(&tx->seen, check_seen, &ctx);
    if (ctx.conflict)
        return ctx.conflict;
    nodemap_each(&tx->overlay, apply_one, &ctx);
    return 0;
}

/* The first look at a committed path pins the generation the transaction relies on. */
static void note_seen(struct txn *tx, const char *path, const struct node *base)
{
    struct node *s;

    if (nodemap_get(&tx->seen, path))
        return;
    s = node_new(path);
    if (!s)
        return;
    s->gen = base ? base->gen : 0;
    nodemap_put(&tx->seen, s);
}

const struct node *view_get(struct view *v, const char *path)
{
    const struct node *n;

    if (!v->tx)
        return tree_get(v->tree, path);
    n = nodemap_get(&v->tx->overlay, path);
    if (n)
        return n->deleted ? NULL : n;
    n = tree_get(v->tree, path);
    note_seen(v->tx, path, n);
    return n;
}

static void count_owner_change(struct view *v, const struct node *old, const struct node *new)
{
    if (old)
        owner_count_add(&v->tx->delta, old->perms.e[0].domid, -1);
    if (new)
        owner_count_add(&v->tx->delta, new->perms.e[0].domid, 1);
}

void view_put(struct view *v, struct node *n)
{
    struct node *old;

    if (!v->tx) {
        tree_put(v->tree, n);
        return;
    }
    count_owner_change(v, view_get(v, n->path), n);
    n->deleted = false;
    old = nodemap_put(&v->tx->overlay, n);
    node_free(old);
}

void view_remove(struct view *v, const char *path)
{
    const struct node *cur;
    struct node *tomb;

    if (!v->tx) {
        tree_remove(v->tree, path);
        return;
    }
    cur = view_get(v, path);
    if (!cur)
        return;
    count_owner_change(v, cur, NULL);
    tomb = node_new(path);
    if (!tomb)
        return;
    tomb->deleted = true;
    node_free(nodemap_put(&v->tx->overlay, tomb));
}

int32_t view_owned(const struct view *v, uint32_t domid)
{
    int32_t n = owner_count(&v->tree->owners, domid);

    return v->tx ? n + owner_count(&v->tx->delta, domid) : n;
}
