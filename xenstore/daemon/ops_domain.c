/* INTRODUCE, RELEASE, GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED, RESUME, SET_TARGET. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

/* Domain ids at and above this are Xen's reserved ids (DOMID_FIRST_RESERVED). */
#define DOMID_LIMIT 0x7ff0u

static int domid_arg(const char *s, uint32_t *domid)
{
    return wire_parse_u32(s, domid) && *domid < DOMID_LIMIT ? 0 : EINVAL;
}

static int one_domid(struct request *r, uint32_t *domid)
{
    const char *argv[1];

    if (split_args(r, argv, 1, 1) != 1)
        return EINVAL;
    return domid_arg(argv[0], domid);
}

static void fire_special(struct store *s, enum special_node which, const char *path)
{
    change_log_add(&s->pending, CHANGE_WRITE, path, &s->special_perms[which]);
}

int op_introduce(struct request *r)
{
    const char *argv[3];
    uint32_t domid, port;
    uint64_t mfn;
    struct xs_conn *c;
    int err = 0;

    if (!requester_is_privileged(r))
        return EACCES;
    if (split_args(r, argv, 3, 3) != 3 || domid_arg(argv[0], &domid) ||
        !wire_parse_u64(argv[1], &mfn) || !wire_parse_u32(argv[2], &port))
        return EINVAL;
    if (store_find_domain(r->s, domid)) {
        reply_ok(r);   /* re-introducing a known domain is how tools resync it */
        return 0;
    }
    if (!r->s->hooks.attach)
        return ENOSYS;
    c = r->s->hooks.attach(r->s->hooks.ctx, domid, mfn, port, &err);
    if (!c)
        return err ? err : EINVAL;
    err = store_add_domain(r->s, domid, mfn, port, c);
    if (err) {
        r->s->hooks.detach(r->s->hooks.ctx, c);
        return err;
    }
    fire_special(r->s, SPECIAL_INTRODUCE, PATH_INTRODUCE);
    reply_ok(r);
    return 0;
}

struct path_list {
    char **v;
    unsigned n, cap;
    uint32_t domid;
};

static void collect_owned(struct node *n, void *arg)
{
    struct path_list *l = arg;
    char **v;

    if (n->perms.e[0].domid != l->domid && n->perms.n < 2)
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        v = realloc(l->v, l->cap * sizeof(*v));
        if (!v)
            return;
        l->v = v;
    }
    l->v[l->n] = strdup(n->path);
    if (l->v[l->n])
        l->n++;
}

static int shorter_first(const void *a, const void *b)
{
    size_t la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);

    return la < lb ? -1 : la > lb;
}

/* Entries naming a dead domain must not pass to a new domain reusing its id. */
static void drop_acl_entries(struct request *r, const struct node *cur, uint32_t domid)
{
    struct node *n = node_copy(cur);
    uint32_t j = 1;

    if (!n)
        return;
    for (uint32_t i = 1; i < n->perms.n; i++)
        if (n->perms.e[i].domid != domid)
            n->perms.e[j++] = n->perms.e[i];
    if (j == n->perms.n) {
        node_free(n);
        return;
    }
    n->perms.n = j;
    view_put(&r->view, n);
}

/*
 * Xen's rule for a released domain: the nodes it owns go away (or, with
 * keep-orphans, to dom0) and its permission entries elsewhere are dropped.
 */
static void forget_domain_nodes(struct request *r, uint32_t domid)
{
    struct path_list l = { NULL, 0, 0, domid };

    nodemap_each(&r->s->tree.map, collect_owned, &l);
    if (l.n)
        qsort(l.v, l.n, sizeof(*l.v), shorter_first);
    for (unsigned i = 0; i < l.n; i++) {
        const struct node *cur = view_get(&r->view, l.v[i]);

        if (cur && cur->perms.e[0].domid == domid && strcmp(l.v[i], "/") != 0) {
            if (r->s->keep_orphans) {
                struct node *n = node_copy(cur);

                if (n) {
                    n->perms.e[0].domid = 0;
                    view_put(&r->view, n);
                }
            } else {
                remove_node(r, l.v[i]);
            }
        } else if (cur) {
            drop_acl_entries(r, cur, domid);
        }
        free(l.v[i]);
    }
    free(l.v);
    r->s->dirty = true;
}

/* Forgets a domain: its connection, its nodes, and tells @releaseDomain watchers. */
static void release_domain(struct request *r, struct domain *d)
{
    uint32_t domid = d->domid;
    struct xs_conn *c = d->conn;

    *d = r->s->domains[--r->s->ndomains];
    r->s->dirty = true;
    if (c) {
        store_conn_closed(r->s, c);
        if (r->s->hooks.detach)
            r->s->hooks.detach(r->s->hooks.ctx, c);
    }
    forget_domain_nodes(r, domid);
    fire_special(r->s, SPECIAL_RELEASE, PATH_RELEASE);
}

/* The introduced domain a tools-only request (RELEASE, RESUME) names. */
static int tools_domain_arg(struct request *r, struct domain **out)
{
    uint32_t domid;
    int err;

    if (!requester_is_privileged(r))
        return EACCES;
    err = one_domid(r, &domid);
    if (err)
        return err;
    if (domid == 0)
        return EINVAL;      /* dom0's kernel connection is not the tools' to drop */
    *out = store_find_domain(r->s, domid);
    return *out ? 0 : ENOENT;
}

int op_release(struct request *r)
{
    struct domain *d;
    int err = tools_domain_arg(r, &d);

    if (err)
        return err;
    release_domain(r, d);
    reply_ok(r);
    return 0;
}

/* The hypervisor says the domain is dying or gone: as if the tools released it. */
void store_domain_gone(struct store *s, uint32_t domid)
{
    struct request r = { s, NULL, NULL, NULL, { &s->tree, NULL } };
    struct domain *d = store_find_domain(s, domid);

    if (!d)
        return;
    release_domain(&r, d);
    store_fire_pending(s);
}

/* A shut-down domain is announced once on @releaseDomain (xl waits for it). */
void store_domain_shutdown(struct store *s, uint32_t domid)
{
    struct domain *d = store_find_domain(s, domid);

    if (!d || d->shutdown)
        return;
    d->shutdown = true;
    fire_special(s, SPECIAL_RELEASE, PATH_RELEASE);
    store_fire_pending(s);
}

int op_get_domain_path(struct request *r)
{
    char home[64];
    uint32_t domid;
    int err = one_domid(r, &domid);

    if (err)
        return err;
    path_domain_home(domid, home, sizeof(home));
    reply_string(r, home);
    return 0;
}

int op_is_domain_introduced(struct request *r)
{
    uint32_t domid;
    int err = one_domid(r, &domid);

    if (err)
        return err;
    reply_string(r, domid == 0 || store_find_domain(r->s, domid) ? "T" : "F");
    return 0;
}

int op_resume(struct request *r)
{
    struct domain *d;
    int err = tools_domain_arg(r, &d);

    if (err)
        return err;
    d->shutdown = false;    /* a resumed domain may shut down (and be announced) again */
    reply_ok(r);
    return 0;
}

int op_set_target(struct request *r)
{
    const char *argv[2];
    uint32_t domid, target;
    struct domain *d;

    if (!requester_is_privileged(r))
        return EACCES;
    if (split_args(r, argv, 2, 2) != 2 || domid_arg(argv[0], &domid) ||
        domid_arg(argv[1], &target))
        return EINVAL;
    d = store_find_domain(r->s, domid);
    if (!d || !store_find_domain(r->s, target))
        return ENOENT;
    if (d->conn) {
        d->conn->who.has_target = true;
        d->conn->who.target = target;
    }
    r->s->dirty = true;
    reply_ok(r);
    return 0;
}
