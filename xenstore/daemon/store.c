#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ops.h"

static const op_handler handlers[XS_TYPE_COUNT] = {
    [XS_CONTROL] = op_control,
    [XS_DIRECTORY] = op_directory,
    [XS_READ] = op_read,
    [XS_GET_PERMS] = op_get_perms,
    [XS_WATCH] = op_watch,
    [XS_UNWATCH] = op_unwatch,
    [XS_TRANSACTION_START] = op_transaction_start,
    [XS_TRANSACTION_END] = op_transaction_end,
    [XS_INTRODUCE] = op_introduce,
    [XS_RELEASE] = op_release,
    [XS_GET_DOMAIN_PATH] = op_get_domain_path,
    [XS_WRITE] = op_write,
    [XS_MKDIR] = op_mkdir,
    [XS_RM] = op_rm,
    [XS_SET_PERMS] = op_set_perms,
    [XS_IS_DOMAIN_INTRODUCED] = op_is_domain_introduced,
    [XS_RESUME] = op_resume,
    [XS_SET_TARGET] = op_set_target,
    [XS_RESET_WATCHES] = op_reset_watches,
    [XS_DIRECTORY_PART] = op_directory_part,
};

static int special_dom0_only(struct node_perms *p)
{
    p->e = calloc(1, sizeof(*p->e));
    if (!p->e)
        return ENOMEM;
    p->n = 1;
    return 0;
}

int store_init(struct store *s)
{
    memset(s, 0, sizeof(*s));
    quota_defaults(&s->quota);
    for (int i = 0; i < SPECIAL_COUNT; i++)
        if (special_dom0_only(&s->special_perms[i]))
            return ENOMEM;
    return tree_init(&s->tree);
}

void store_destroy(struct store *s)
{
    change_log_free(&s->pending);
    watch_list_free(&s->watches);
    tree_destroy(&s->tree);
    for (int i = 0; i < SPECIAL_COUNT; i++)
        perms_free(&s->special_perms[i]);
    free(s->domains);
}

static void reply_error(struct store *s, struct xs_conn *c, const struct xsd_sockmsg *hdr, int err);

void reply(struct request *r, const void *data, uint32_t len)
{
    /* Peers reject longer messages outright; Xen answers E2BIG instead. */
    if (len > XENSTORE_PAYLOAD_MAX) {
        reply_error(r->s, r->c, r->hdr, E2BIG);
        return;
    }
    conn_send(r->c, r->hdr->type, r->hdr->req_id, r->hdr->tx_id, data, len);
}

void reply_string(struct request *r, const char *s)
{
    reply(r, s, (uint32_t)strlen(s) + 1);
}

void reply_ok(struct request *r)
{
    reply_string(r, "OK");
}

static void reply_error(struct store *s, struct xs_conn *c, const struct xsd_sockmsg *hdr, int err)
{
    const char *name = wire_errname(err);

    (void)s;
    conn_send(c, XS_ERROR, hdr->req_id, hdr->tx_id, name, (uint32_t)strlen(name) + 1);
}

int split_args(const struct request *r, const char **argv, int min, int max)
{
    int n = wire_split(r->body, r->hdr->len, argv, max);

    return n < min ? -1 : n;
}

bool requester_is_privileged(const struct request *r)
{
    return r->c->who.privileged;
}

void note_change(struct request *r, enum change_kind kind, const char *path,
                 const struct node_perms *perms)
{
    if (r->view.tx) {
        change_log_add(&r->view.tx->log, kind, path, perms);
        return;
    }
    change_log_add(&r->s->pending, kind, path, perms);
    r->s->dirty = true;
}

/* Requesters see their reply before the events their own request caused. */
void store_fire_pending(struct store *s)
{
    for (const struct change *ch = s->pending.head; ch; ch = ch->next)
        watch_fire(&s->watches, ch->kind, ch->path, &ch->perms);
    change_log_free(&s->pending);
}

void store_request(struct store *s, struct xs_conn *c, const struct xsd_sockmsg *hdr,
                   const char *body)
{
    struct request r = { s, c, hdr, body, { &s->tree, NULL } };
    op_handler fn = hdr->type < XS_TYPE_COUNT ? handlers[hdr->type] : NULL;
    int err;

    if (!fn) {
        reply_error(s, c, hdr, EINVAL);
        return;
    }
    if (hdr->tx_id != 0) {
        r.view.tx = conn_find_txn(c, hdr->tx_id);
        if (!r.view.tx) {
            reply_error(s, c, hdr, ENOENT);
            return;
        }
    }
    err = fn(&r);
    if (err)
        reply_error(s, c, hdr, err);
    store_fire_pending(s);
}

void store_conn_closed(struct store *s, struct xs_conn *c)
{
    watch_remove_conn(&s->watches, c);
    conn_drop_txns(c);
}

struct domain *store_find_domain(struct store *s, uint32_t domid)
{
    for (unsigned i = 0; i < s->ndomains; i++)
        if (s->domains[i].domid == domid)
            return &s->domains[i];
    return NULL;
}

int store_add_domain(struct store *s, uint32_t domid, uint64_t mfn, uint32_t port,
                     struct xs_conn *c)
{
    if (s->ndomains == s->capdomains) {
        unsigned cap = s->capdomains ? s->capdomains * 2 : 8;
        struct domain *d = realloc(s->domains, cap * sizeof(*d));

        if (!d)
            return ENOMEM;
        s->domains = d;
        s->capdomains = cap;
    }
    s->domains[s->ndomains++] = (struct domain){ domid, mfn, port, c, false };
    s->dirty = true;
    return 0;
}
