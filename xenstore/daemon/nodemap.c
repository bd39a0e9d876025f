#include "nodemap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t hash_path(const char *s)
{
    uint64_t h = 1469598103934665603ull;   /* FNV-1a: cheap and spreads paths well */

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return (size_t)h;
}

int nodemap_init(struct nodemap *m)
{
    m->nbuckets = 64;
    m->count = 0;
    m->bucket = calloc(m->nbuckets, sizeof(*m->bucket));
    return m->bucket ? 0 : ENOMEM;
}

void nodemap_destroy(struct nodemap *m)
{
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct node *n = m->bucket[i];

        while (n) {
            struct node *next = n->hnext;

            node_free(n);
            n = next;
        }
    }
    free(m->bucket);
    m->bucket = NULL;
    m->nbuckets = m->count = 0;
}

struct node *nodemap_get(const struct nodemap *m, const char *path)
{
    struct node *n = m->bucket[hash_path(path) % m->nbuckets];

    while (n && strcmp(n->path, path) != 0)
        n = n->hnext;
    return n;
}

/* Growth failure is harmless: chains just get longer. */
static void nodemap_grow(struct nodemap *m)
{
    size_t nb = m->nbuckets * 2;
    struct node **b = calloc(nb, sizeof(*b));

    if (!b)
        return;
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct node *n = m->bucket[i];

        while (n) {
            struct node *next = n->hnext;
            size_t h = hash_path(n->path) % nb;

            n->hnext = b[h];
            b[h] = n;
            n = next;
        }
    }
    free(m->bucket);
    m->bucket = b;
    m->nbuckets = nb;
}

struct node *nodemap_put(struct nodemap *m, struct node *n)
{
    struct node *old = nodemap_take(m, n->path);
    size_t h;

    if (m->count >= m->nbuckets)
        nodemap_grow(m);
    h = hash_path(n->path) % m->nbuckets;
    n->hnext = m->bucket[h];
    m->bucket[h] = n;
    m->count++;
    return old;
}

struct node *nodemap_take(struct nodemap *m, const char *path)
{
    struct node **pp = &m->bucket[hash_path(path) % m->nbuckets];

    for (; *pp; pp = &(*pp)->hnext) {
        struct node *n = *pp;

        if (strcmp(n->path, path) == 0) {
            *pp = n->hnext;
            n->hnext = NULL;
            m->count--;
            return n;
        }
    }
    return NULL;
}

void nodemap_each(const struct nodemap *m, void (*fn)(struct node *n, void *arg), void *arg)
{
    for (size_t i = 0; i < m->nbuckets; i++)
        for (struct node *n = m->bucket[i], *next; n; n = next) {
            next = n->hnext;
            fn(n, arg);
        }
}
