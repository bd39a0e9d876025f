#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"

static void watch_free(struct watch *w)
{
    free(w->path);
    free(w->token);
    free(w);
}

static bool watch_is(const struct watch *w, const struct xs_conn *c, const char *path,
                     const char *token)
{
    return w->conn == c && strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0;
}

bool watch_exists(const struct watch_list *l, const struct xs_conn *c, const char *path,
                  const char *token)
{
    for (const struct watch *w = l->head; w; w = w->next)
        if (watch_is(w, c, path, token))
            return true;
    return false;
}

int watch_add(struct watch_list *l, struct xs_conn *c, const char *path,
              const char *token, bool relative)
{
    struct watch *w;

    if (watch_exists(l, c, path, token))
        return EEXIST;
    w = calloc(1, sizeof(*w));
    if (!w)
        return ENOMEM;
    w->conn = c;
    w->path = strdup(path);
    w->token = strdup(token);
    w->relative = relative;
    if (!w->path || !w->token) {
        watch_free(w);
        return ENOMEM;
    }
    if (l->tail)
        l->tail->next = w;
    else
        l->head = w;
    l->tail = w;
    c->nwatches++;
    return 0;
}

/* Unlinks every watch matching pred; keeps tail valid. */
static void watch_unlink_if(struct watch_list *l, bool (*pred)(const struct watch *, const void *),
                            const void *arg)
{
    struct watch **pp = &l->head;

    l->tail = NULL;
    while (*pp) {
        struct watch *w = *pp;

        if (pred(w, arg)) {
            *pp = w->next;
            w->conn->nwatches--;
            watch_free(w);
        } else {
            l->tail = w;
            pp = &w->next;
        }
    }
}

struct watch_key {
    const struct xs_conn *conn;
    const char *path, *token;
};

static bool matches_key(const struct watch *w, const void *arg)
{
    const struct watch_key *k = arg;

    return watch_is(w, k->conn, k->path, k->token);
}

static bool owned_by(const struct watch *w, const void *arg)
{
    return w->conn == arg;
}

int watch_remove(struct watch_list *l, struct xs_conn *c, const char *path, const char *token)
{
    struct watch_key k = { c, path, token };
    unsigned before = c->nwatches;

    watch_unlink_if(l, matches_key, &k);
    return c->nwatches < before ? 0 : ENOENT;
}

void watch_remove_conn(struct watch_list *l, struct xs_conn *c)
{
    watch_unlink_if(l, owned_by, c);
}

void watch_list_free(struct watch_list *l)
{
    struct watch *w = l->head;

    while (w) {
        struct watch *next = w->next;

        watch_free(w);
        w = next;
    }
    l->head = l->tail = NULL;
}

void watch_send_event(struct xs_conn *c, const char *path, const char *token)
{
    size_t pl = strlen(path) + 1, tl = strlen(token) + 1;
    char *body = malloc(pl + tl);

    if (!body) {
        c->broken = true;
        return;
    }
    memcpy(body, path, pl);
    memcpy(body + pl, token, tl);
    conn_send(c, XS_WATCH_EVENT, 0, 0, body, (uint32_t)(pl + tl));
    free(body);
}

static bool change_concerns(const struct watch *w, enum change_kind kind, const char *path)
{
    if (kind == CHANGE_RM_CHILD)
        return strcmp(w->path, path) == 0;
    return path_within(path, w->path);
}

static const char *path_for_watcher(const struct watch *w, const char *path)
{
    char home[64];
    size_t n;

    if (!w->relative)
        return path;
    path_domain_home(w->conn->who.domid, home, sizeof(home));
    n = strlen(home);
    /* A relative watch only ever matches paths strictly below its home. */
    return strncmp(path, home, n) == 0 && path[n] == '/' ? path + n + 1 : path;
}

void watch_fire(const struct watch_list *l, enum change_kind kind, const char *path,
                const struct node_perms *perms)
{
    for (const struct watch *w = l->head; w; w = w->next) {
        if (!change_concerns(w, kind, path))
            continue;
        if (!(perms_for(perms, &w->conn->who) & PERM_READ))
            continue;
        watch_send_event(w->conn, path_for_watcher(w, path), w->token);
    }
}
