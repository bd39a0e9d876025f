/* Node permissions: the wire form ("b0", "r5", ...) and access decisions. */
#ifndef LINTEL_XS_PERMS_H
#define LINTEL_XS_PERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PERM_NONE  0x0
#define PERM_READ  0x1
#define PERM_WRITE 0x2
#define PERM_OWNER 0x8   /* may change permissions; never stored, only granted */

struct perm_entry {
    uint32_t domid;
    uint8_t perm;
};

/* Entry 0 names the owner and the access everyone not listed gets. */
struct node_perms {
    uint32_t n;
    struct perm_entry *e;
};

/* Who is asking: the identity the access rules need from a connection. */
struct requester {
    uint32_t domid;
    bool privileged;
    bool has_target;
    uint32_t target;
};

int perms_parse(const char *const *strs, int count, struct node_perms *out);
/* Writes "b0\0r1\0..." and returns its length; buf must hold perms_wire_size(). */
size_t perms_format(const struct node_perms *p, char *buf);
size_t perms_wire_size(const struct node_perms *p);
int perms_copy(struct node_perms *dst, const struct node_perms *src);
void perms_free(struct node_perms *p);
bool perms_equal(const struct node_perms *a, const struct node_perms *b);

/* The PERM_* bits the requester holds on a node with these permissions. */
unsigned perms_for(const struct node_perms *p, const struct requester *who);

#endif
