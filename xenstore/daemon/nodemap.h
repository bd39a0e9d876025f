/* Path -> node hash map; the base tree and each transaction's overlay use it. */
#ifndef LINTEL_XS_NODEMAP_H
#define LINTEL_XS_NODEMAP_H

#include <stddef.h>
#include "node.h"

struct nodemap {
    struct node **bucket;
    size_t nbuckets;
    size_t count;
};

int nodemap_init(struct nodemap *m);
void nodemap_destroy(struct nodemap *m);     /* frees the nodes too */
struct node *nodemap_get(const struct nodemap *m, const char *path);
/* Inserts n (the map owns it) and returns the node it replaced, if any. */
struct node *nodemap_put(struct nodemap *m, struct node *n);
/* Unlinks and returns the node (caller frees), or NULL. */
struct node *nodemap_take(struct nodemap *m, const char *path);
void nodemap_each(const struct nodemap *m, void (*fn)(struct node *n, void *arg), void *arg);

#endif
