#include "perms.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

static int perm_from_letter(char c)
{
    switch (c) {
    case 'n': return PERM_NONE;
    case 'r': return PERM_READ;
    case 'w': return PERM_WRITE;
    case 'b': return PERM_READ | PERM_WRITE;
    default: return -1;
    }
}

static char perm_letter(uint8_t perm)
{
    static const char letters[] = "nrwb";

    return letters[perm & (PERM_READ | PERM_WRITE)];
}

int perms_parse(const char *const *strs, int count, struct node_perms *out)
{
    struct perm_entry *e;

    if (count < 1)
        return EINVAL;
    e = calloc((size_t)count, sizeof(*e));
    if (!e)
        return ENOMEM;
    for (int i = 0; i < count; i++) {
        int perm = perm_from_letter(strs[i][0]);

        if (perm < 0 || !wire_parse_u32(strs[i] + 1, &e[i].domid) ||
            e[i].domid > 0xffff) {
            free(e);
            return EINVAL;
        }
        e[i].perm = (uint8_t)perm;
    }
    out->n = (uint32_t)count;
    out->e = e;
    return 0;
}

size_t perms_wire_size(const struct node_perms *p)
{
    /* letter + up to 10 digits + NUL per entry */
    return p->n * 12 + 1;
}

size_t perms_format(const struct node_perms *p, char *buf)
{
    size_t len = 0;

    for (uint32_t i = 0; i < p->n; i++)
        len += (size_t)sprintf(buf + len, "%c%u", perm_letter(p->e[i].perm),
                               p->e[i].domid) + 1;
    return len;
}

int perms_copy(struct node_perms *dst, const struct node_perms *src)
{
    dst->e = malloc(src->n * sizeof(*src->e));
    if (!dst->e)
        return ENOMEM;
    memcpy(dst->e, src->e, src->n * sizeof(*src->e));
    dst->n = src->n;
    return 0;
}

void perms_free(struct node_perms *p)
{
    free(p->e);
    p->e = NULL;
    p->n = 0;
}

bool perms_equal(const struct node_perms *a, const struct node_perms *b)
{
    return a->n == b->n && memcmp(a->e, b->e, a->n * sizeof(*a->e)) == 0;
}

static bool names_requester(uint32_t domid, const struct requester *who)
{
    return domid == who->domid || (who->has_target && domid == who->target);
}

unsigned perms_for(const struct node_perms *p, const struct requester *who)
{
    const unsigned all = PERM_READ | PERM_WRITE | PERM_OWNER;

    /* A domain with a target (a device model) acts with the target's rights. */
    if (who->privileged || p->n == 0 || names_requester(p->e[0].domid, who))
        return all;
    for (uint32_t i = 1; i < p->n; i++)
        if (names_requester(p->e[i].domid, who))
            return p->e[i].perm;
    return p->e[0].perm;
}
