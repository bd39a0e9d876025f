#include "tree.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int32_t owner_count(const struct owner_counts *c, uint32_t domid)
{
    for (unsigned i = 0; i < c->len; i++)
        if (c->v[i].domid == domid)
            return c->v[i].n;
    return 0;
}

void owner_count_add(struct owner_counts *c, uint32_t domid, int32_t delta)
{
    for (unsigned i = 0; i < c->len; i++)
        if (c->v[i].domid == domid) {
            c->v[i].n += delta;
            return;
        }
    if (c->len == c->cap) {
        unsigned cap = c->cap ? c->cap * 2 : 8;
        void *v = realloc(c->v, cap * sizeof(*c->v));

        if (!v)
            return;   /* counts are advisory (quota); losing one is not fatal */
        c->v = v;
        c->cap = cap;
    }
    c->v[c->len].domid = domid;
    c->v[c->len].n = delta;
    c->len++;
}

void owner_counts_free(struct owner_counts *c)
{
    free(c->v);
    memset(c, 0, sizeof(*c));
}

static struct node *dom0_node(const char *path)
{
    struct node *n = node_new(path);

    if (!n)
        return NULL;
    n->perms.e = calloc(1, sizeof(*n->perms.e));
    if (!n->perms.e) {
        node_free(n);
        return NULL;
    }
    n->perms.n = 1;
    return n;
}

int tree_init(struct tree *t)
{
    static const char *const initial[] = { "/", "/tool", "/tool/xenstored" };

    memset(t, 0, sizeof(*t));
    if (nodemap_init(&t->map))
        return ENOMEM;
    for (size_t i = 0; i < sizeof(initial) / sizeof(initial[0]); i++) {
        struct node *n = dom0_node(initial[i]);

        if (!n)
            return ENOMEM;
        if (i + 1 < sizeof(initial) / sizeof(initial[0]) &&
            node_add_child(n, initial[i + 1] + strlen(initial[i]) + (i > 0)))
            return ENOMEM;
        tree_put(t, n);
    }
    return 0;
}

void tree_destroy(struct tree *t)
{
    nodemap_destroy(&t->map);
    owner_counts_free(&t->owners);
}

const struct node *tree_get(const struct tree *t, const char *path)
{
    return nodemap_get(&t->map, path);
}

void tree_put(struct tree *t, struct node *n)
{
    struct node *old;

    n->gen = ++t->gen;
    n->deleted = false;
    old = nodemap_put(&t->map, n);
    if (old) {
        owner_count_add(&t->owners, old->perms.e[0].domid, -1);
        node_free(old);
    }
    owner_count_add(&t->owners, n->perms.e[0].domid, 1);
}

void tree_remove(struct tree *t, const char *path)
{
    struct node *old = nodemap_take(&t->map, path);

    if (old) {
        owner_count_add(&t->owners, old->perms.e[0].domid, -1);
        node_free(old);
    }
}
