/* One store entry: value, permissions and the ordered names of its children. */
#ifndef LINTEL_XS_NODE_H
#define LINTEL_XS_NODE_H

#include <stdbool.h>
#include <stdint.h>
#include "perms.h"

struct node {
    char *path;
    char *value;
    uint32_t vlen;
    struct node_perms perms;
    char *children;          /* "a\0b\0": creation order, as DIRECTORY reports it */
    uint32_t childlen;
    uint64_t gen;            /* changes on every modification: transaction conflicts */
    bool deleted;            /* transaction tombstone: the node is gone in that view */
    struct node *hnext;      /* hash chain, owned by struct nodemap */
};

struct node *node_new(const char *path);
struct node *node_copy(const struct node *n);
void node_free(struct node *n);
int node_set_value(struct node *n, const void *value, uint32_t len);
bool node_has_child(const struct node *n, const char *name);
int node_add_child(struct node *n, const char *name);
void node_remove_child(struct node *n, const char *name);

#endif
