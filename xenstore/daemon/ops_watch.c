/* WATCH, UNWATCH, RESET_WATCHES. */
#include <errno.h>

#include "ops.h"

static int watch_args(struct request *r, char *path, const char **given, const char **token)
{
    const char *argv[2];

    if (split_args(r, argv, 2, 2) != 2)
        return EINVAL;
    *given = argv[0];
    *token = argv[1];
    return path_resolve(r->c->who.domid, argv[0], true, path);
}

int op_watch(struct request *r)
{
    char path[PATH_BUF];
    const char *given, *token;
    int err = watch_args(r, path, &given, &token);

    if (err)
        return err;
    /* Xen reports a duplicate before a full quota. */
    if (watch_exists(&r->s->watches, r->c, path, token))
        return EEXIST;
    if (!requester_is_privileged(r) && r->c->nwatches >= r->s->quota.watches)
        return E2BIG;
    err = watch_add(&r->s->watches, r->c, path, token, given[0] != '/' && given[0] != '@');
    if (err)
        return err;
    r->s->dirty = true;     /* domains' watches are part of the saved state */
    reply_ok(r);
    /* Xen fires every new watch once, so the client reads the current state. */
    watch_send_event(r->c, given, token);
    return 0;
}

int op_unwatch(struct request *r)
{
    char path[PATH_BUF];
    const char *given, *token;
    int err = watch_args(r, path, &given, &token);

    if (!err)
        err = watch_remove(&r->s->watches, r->c, path, token);
    if (!err) {
        r->s->dirty = true;
        reply_ok(r);
    }
    return err;
}

int op_reset_watches(struct request *r)
{
    watch_remove_conn(&r->s->watches, r->c);
    conn_drop_txns(r->c);
    r->s->dirty = true;
    reply_ok(r);
    return 0;
}
