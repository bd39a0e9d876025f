#include "persist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "path.h"

#define STATE_MAGIC "LINTEL-STORED-STATE 1\n"

enum record { REC_NODE = 'N', REC_SPECIAL = 'S', REC_DOMAIN = 'D', REC_WATCH = 'W', REC_END = 'E' };

static void put_u32(FILE *f, uint32_t v) { fwrite(&v, sizeof(v), 1, f); }
static void put_u64(FILE *f, uint64_t v) { fwrite(&v, sizeof(v), 1, f); }

static void put_bytes(FILE *f, const void *p, uint32_t len)
{
    put_u32(f, len);
    fwrite(p, 1, len, f);
}

static void put_perms(FILE *f, const struct node_perms *p)
{
    put_u32(f, p->n);
    for (uint32_t i = 0; i < p->n; i++) {
        put_u32(f, p->e[i].domid);
        fputc(p->e[i].perm, f);
    }
}

/* Parents first; recursion as deep as paths nest, so buffers live on the heap. */
static bool save_node(FILE *f, const struct tree *t, const char *path)
{
    const struct node *n = tree_get(t, path);
    bool ok = true;
    char *child;

    if (!n)
        return true;
    fputc(REC_NODE, f);
    put_bytes(f, n->path, (uint32_t)strlen(n->path));
    put_bytes(f, n->value, n->vlen);
    put_perms(f, &n->perms);
    child = malloc(PATH_BUF);
    if (!child)
        return false;    /* an incomplete file must not replace the last good one */
    for (uint32_t off = 0; ok && off < n->childlen;
         off += (uint32_t)strlen(n->children + off) + 1) {
        snprintf(child, PATH_BUF, "%s/%s", strcmp(path, "/") ? path : "", n->children + off);
        ok = save_node(f, t, child);
    }
    free(child);
    return ok;
}

static bool is_domain_conn(const struct store *s, const struct xs_conn *c)
{
    for (unsigned i = 0; i < s->ndomains; i++)
        if (s->domains[i].conn == c)
            return true;
    return false;
}

static void save_rest(FILE *f, const struct store *s)
{
    for (int i = 0; i < SPECIAL_COUNT; i++) {
        fputc(REC_SPECIAL, f);
        put_perms(f, &s->special_perms[i]);
    }
    for (unsigned i = 0; i < s->ndomains; i++) {
        const struct domain *d = &s->domains[i];

        fputc(REC_DOMAIN, f);
        put_u32(f, d->domid);
        put_u64(f, d->mfn);
        put_u32(f, d->port);
        put_u32(f, d->conn && d->conn->who.has_target ? d->conn->who.target + 1 : 0);
    }
    for (const struct watch *w = s->watches.head; w; w = w->next) {
        if (!is_domain_conn(s, w->conn))
            continue;
        fputc(REC_WATCH, f);
        put_u32(f, w->conn->who.domid);
        put_bytes(f, w->path, (uint32_t)strlen(w->path));
        put_bytes(f, w->token, (uint32_t)strlen(w->token));
        fputc(w->relative, f);
    }
    fputc(REC_END, f);
}

int persist_save(const struct store *s, const char *file)
{
    char tmp[4096];
    FILE *f;
    int err = 0;

    snprintf(tmp, sizeof(tmp), "%s.tmp", file);
    f = fopen(tmp, "wb");
    if (!f)
        return errno;
    fputs(STATE_MAGIC, f);
    if (!save_node(f, &s->tree, "/"))
        err = ENOMEM;
    save_rest(f, s);
    if (ferror(f) && !err)
        err = EIO;
    /*
     * No fsync: the file only has to outlive the daemon, not the machine (a
     * host crash takes every domain with it), and the page cache does that.
     */
    if (fflush(f))
        err = errno ? errno : EIO;
    if (fclose(f) && !err)
        err = errno;
    if (!err && rename(tmp, file))
        err = errno;
    if (err)
        remove(tmp);
    return err;
}

/* Reading side: every field is bounds-checked so a damaged file cannot hurt us. */
static bool get_u32(FILE *f, uint32_t *v) { return fread(v, sizeof(*v), 1, f) == 1; }
static bool get_u64(FILE *f, uint64_t *v) { return fread(v, sizeof(*v), 1, f) == 1; }

static char *get_bytes(FILE *f, uint32_t *len, uint32_t max)
{
    char *p;

    if (!get_u32(f, len) || *len > max)
        return NULL;
    p = malloc(*len + 1);
    if (!p)
        return NULL;
    if (fread(p, 1, *len, f) != *len) {
        free(p);
        return NULL;
    }
    p[*len] = '\0';
    return p;
}

static bool get_perms(FILE *f, struct node_perms *p)
{
    if (!get_u32(f, &p->n) || p->n == 0 || p->n > 1024)
        return false;
    p->e = calloc(p->n, sizeof(*p->e));
    if (!p->e)
        return false;
    for (uint32_t i = 0; i < p->n; i++) {
        int c;

        if (!get_u32(f, &p->e[i].domid) || (c = fgetc(f)) == EOF) {
            perms_free(p);
            return false;
        }
        p->e[i].perm = (uint8_t)c;
    }
    return true;
}

static bool load_node(FILE *f, struct store *s)
{
    uint32_t plen, vlen;
    char *path = get_bytes(f, &plen, 4096), *value = NULL, parent[4096];
    struct node *n = path ? node_new(path) : NULL;
    bool ok = false;

    if (!n || path[0] != '/')
        goto out;
    value = get_bytes(f, &vlen, 1u << 20);
    if (!value || node_set_value(n, value, vlen) || !get_perms(f, &n->perms))
        goto out;
    if (strcmp(path, "/") != 0) {
        struct node *p;

        path_parent(path, parent);
        p = (struct node *)tree_get(&s->tree, parent);
        if (!p || node_add_child(p, path_base(path)))
            goto out;
    }
    tree_put(&s->tree, n);
    n = NULL;
    ok = true;
out:
    node_free(n);
    free(path);
    free(value);
    return ok;
}

static bool load_domain(FILE *f, struct store *s)
{
    uint32_t domid, port, target;
    uint64_t mfn;

    if (!get_u32(f, &domid) || !get_u64(f, &mfn) || !get_u32(f, &port) || !get_u32(f, &target))
        return false;
    return store_add_domain(s, domid, mfn, port, NULL) == 0;
}

static bool load_watch(FILE *f, void (*cb)(void *, uint32_t, const char *, const char *, bool),
                       void *ctx)
{
    uint32_t domid, plen, tlen;
    char *path = NULL, *token = NULL;
    int rel;
    bool ok = get_u32(f, &domid) && (path = get_bytes(f, &plen, 4096)) &&
              (token = get_bytes(f, &tlen, 4096)) && (rel = fgetc(f)) != EOF;

    if (ok && cb)
        cb(ctx, domid, path, token, rel != 0);
    free(path);
    free(token);
    return ok;
}

static bool load_records(FILE *f, struct store *s,
                         void (*cb)(void *, uint32_t, const char *, const char *, bool), void *ctx)
{
    int special = 0;

    for (;;) {
        int tag = fgetc(f);
        struct node_perms p;

        switch (tag) {
        case REC_NODE:
            if (!load_node(f, s))
                return false;
            break;
        case REC_SPECIAL:
            if (special >= SPECIAL_COUNT || !get_perms(f, &p))
                return false;
            perms_free(&s->special_perms[special]);
            s->special_perms[special++] = p;
            break;
        case REC_DOMAIN:
            if (!load_domain(f, s))
                return false;
            break;
        case REC_WATCH:
            if (!load_watch(f, cb, ctx))
                return false;
            break;
        case REC_END:
            return true;
        default:
            return false;
        }
    }
}

int persist_load(struct store *s, const char *file,
                 void (*restore_watch)(void *ctx, uint32_t domid, const char *path,
                                       const char *token, bool relative),
                 void *ctx)
{
    char magic[sizeof(STATE_MAGIC)];
    FILE *f = fopen(file, "rb");
    bool ok;

    if (!f)
        return errno == ENOENT ? ENOENT : errno;
    /* The fresh tree's own nodes would collide with the saved ones. */
    nodemap_destroy(&s->tree.map);
    owner_counts_free(&s->tree.owners);
    if (nodemap_init(&s->tree.map)) {
        fclose(f);
        return ENOMEM;
    }
    ok = fread(magic, 1, strlen(STATE_MAGIC), f) == strlen(STATE_MAGIC) &&
         memcmp(magic, STATE_MAGIC, strlen(STATE_MAGIC)) == 0 &&
         load_records(f, s, restore_watch, ctx) && tree_get(&s->tree, "/");
    fclose(f);
    if (!ok) {
        tree_destroy(&s->tree);
        s->ndomains = 0;
        return tree_init(&s->tree) ? ENOMEM : EINVAL;
    }
    s->dirty = false;
    return 0;
}
