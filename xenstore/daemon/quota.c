#include "quota.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wire.h"

struct quota_field {
    const char *name;
    size_t offset;
};

static const struct quota_field quota_fields[] = {
    { "entries", offsetof(struct quota, entries) },
    { "node-size", offsetof(struct quota, node_size) },
    { "watches", offsetof(struct quota, watches) },
    { "transactions", offsetof(struct quota, transactions) },
    { "outstanding", offsetof(struct quota, outstanding) },
    { "perms", offsetof(struct quota, perms) },
};

#define NFIELDS (sizeof(quota_fields) / sizeof(quota_fields[0]))

void quota_defaults(struct quota *q)
{
    /* Xen 4.17's xenstored defaults. */
    q->entries = 1000;
    q->node_size = 2048;
    q->watches = 128;
    q->transactions = 10;
    q->outstanding = 20;
    q->perms = 5;
}

int quota_set(struct quota *q, const char *name, const char *value)
{
    uint32_t v;

    if (!wire_parse_u32(value, &v) || v == 0)
        return EINVAL;
    for (size_t i = 0; i < NFIELDS; i++)
        if (strcmp(quota_fields[i].name, name) == 0) {
            *(uint32_t *)((char *)q + quota_fields[i].offset) = v;
            return 0;
        }
    return EINVAL;
}

int quota_set_pair(struct quota *q, const char *pair)
{
    char name[32];
    const char *eq = strchr(pair, '=');

    if (!eq || (size_t)(eq - pair) >= sizeof(name))
        return EINVAL;
    memcpy(name, pair, (size_t)(eq - pair));
    name[eq - pair] = '\0';
    return quota_set(q, name, eq + 1);
}

size_t quota_format(const struct quota *q, char *buf, size_t size)
{
    size_t len = 0;

    for (size_t i = 0; i < NFIELDS && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%-13s %u\n", quota_fields[i].name,
                                *(const uint32_t *)((const char *)q + quota_fields[i].offset));
    return len < size ? len : size - 1;
}
