/* Configurable limits; a breach returns the error Xen 4.17 returns. */
#ifndef LINTEL_XS_QUOTA_H
#define LINTEL_XS_QUOTA_H

#include <stddef.h>
#include <stdint.h>

struct quota {
    uint32_t entries;       /* nodes owned per domain             -> ENOSPC */
    uint32_t node_size;     /* value bytes per node               -> ENOSPC */
    uint32_t watches;       /* watches per connection             -> E2BIG  */
    uint32_t transactions;  /* open transactions per connection   -> ENOSPC */
    uint32_t outstanding;   /* queued replies before we stop reading a connection */
    uint32_t perms;         /* permission entries per node        -> ENOSPC */
};

void quota_defaults(struct quota *q);
/* "entries=1000" and the like. Returns 0, or EINVAL naming nothing it did not know. */
int quota_set(struct quota *q, const char *name, const char *value);
int quota_set_pair(struct quota *q, const char *name_eq_value);
/* "entries 1000\n..." for the CONTROL quota command. */
size_t quota_format(const struct quota *q, char *buf, size_t size);

#endif
