#include "node.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct node *node_new(const char *path)
{
    struct node *n = calloc(1, sizeof(*n));

    if (!n)
        return NULL;
    n->path = strdup(path);
    n->value = malloc(1);
    if (!n->path || !n->value) {
        node_free(n);
        return NULL;
    }
    n->value[0] = '\0';
    return n;
}

static void *dup_bytes(const void *src, uint32_t len)
{
    char *p = malloc(len + 1);

    if (p) {
        if (len)
            memcpy(p, src, len);
        p[len] = '\0';
    }
    return p;
}

struct node *node_copy(const struct node *src)
{
    struct node *n = calloc(1, sizeof(*n));

    if (!n)
        return NULL;
    n->path = strdup(src->path);
    n->value = dup_bytes(src->value, src->vlen);
    n->vlen = src->vlen;
    n->children = src->childlen ? dup_bytes(src->children, src->childlen) : NULL;
    n->childlen = src->childlen;
    n->gen = src->gen;
    n->deleted = src->deleted;
    if (!n->path || !n->value || (src->childlen && !n->children) ||
        perms_copy(&n->perms, &src->perms)) {
        node_free(n);
        return NULL;
    }
    return n;
}

void node_free(struct node *n)
{
    if (!n)
        return;
    free(n->path);
    free(n->value);
    free(n->children);
    perms_free(&n->perms);
    free(n);
}

int node_set_value(struct node *n, const void *value, uint32_t len)
{
    char *v = dup_bytes(value, len);

    if (!v)
        return ENOMEM;
    free(n->value);
    n->value = v;
    n->vlen = len;
    return 0;
}

static const char *find_child(const struct node *n, const char *name)
{
    for (uint32_t off = 0; off < n->childlen;) {
        const char *c = n->children + off;

        if (strcmp(c, name) == 0)
            return c;
        off += (uint32_t)strlen(c) + 1;
    }
    return NULL;
}

bool node_has_child(const struct node *n, const char *name)
{
    return find_child(n, name) != NULL;
}

int node_add_child(struct node *n, const char *name)
{
    uint32_t add = (uint32_t)strlen(name) + 1;
    char *c;

    if (node_has_child(n, name))
        return 0;
    c = realloc(n->children, n->childlen + add);
    if (!c)
        return ENOMEM;
    memcpy(c + n->childlen, name, add);
    n->children = c;
    n->childlen += add;
    return 0;
}

void node_remove_child(struct node *n, const char *name)
{
    const char *c = find_child(n, name);
    uint32_t off, len;

    if (!c)
        return;
    off = (uint32_t)(c - n->children);
    len = (uint32_t)strlen(c) + 1;
    memmove(n->children + off, n->children + off + len, n->childlen - off - len);
    n->childlen -= len;
}
