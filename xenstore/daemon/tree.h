/* The committed store: every node by path, generations, and entries per owner. */
#ifndef LINTEL_XS_TREE_H
#define LINTEL_XS_TREE_H

#include <stdint.h>
#include "nodemap.h"

/* Entries owned per domain, for the entries-per-domain quota. */
struct owner_counts {
    struct { uint32_t domid; int32_t n; } *v;
    unsigned len, cap;
};

int32_t owner_count(const struct owner_counts *c, uint32_t domid);
void owner_count_add(struct owner_counts *c, uint32_t domid, int32_t delta);
void owner_counts_free(struct owner_counts *c);

struct tree {
    struct nodemap map;
    uint64_t gen;
    struct owner_counts owners;
};

/* An empty store: "/" plus Xen's /tool/xenstored, owned by dom0, "n0". */
int tree_init(struct tree *t);
void tree_destroy(struct tree *t);
const struct node *tree_get(const struct tree *t, const char *path);
/* Takes ownership of n and stamps it with a fresh generation. */
void tree_put(struct tree *t, struct node *n);
void tree_remove(struct tree *t, const char *path);

#endif
