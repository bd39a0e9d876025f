#include "domain_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstore.h"

static struct xs_handle *store;
static bool store_tried;

struct xs_handle *store_handle(void)
{
    if (!store_tried) {
        store_tried = true;
        store = xs_open(0);
    }
    return store;
}

void store_close(void)
{
    if (store)
        xs_close(store);
    store = NULL;
    store_tried = false;
}

char *store_domain_name(struct xs_handle *xs, uint32_t domid)
{
    char path[64];
    unsigned int len;
    char *name;

    if (!xs)
        return NULL;
    snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
    name = xs_read(xs, XBT_NULL, path, &len);
    /* An empty name is as good as none. */
    if (name && !*name) {
        free(name);
        name = NULL;
    }
    return name;
}

int store_domain_by_name(struct xs_handle *xs, const char *name, uint32_t *domid)
{
    unsigned int n = 0;
    char **ids;
    int found = 0;

    if (!xs)
        return -ENOENT;
    ids = xs_directory(xs, XBT_NULL, "/local/domain", &n);
    if (!ids)
        return -ENOENT;
    for (unsigned int i = 0; i < n; i++) {
        char *end, *recorded;
        unsigned long id = strtoul(ids[i], &end, 10);

        if (*end || end == ids[i])
            continue;
        recorded = store_domain_name(xs, (uint32_t)id);
        if (recorded && strcmp(recorded, name) == 0) {
            found++;
            *domid = (uint32_t)id;
        }
        free(recorded);
    }
    free(ids);
    if (found > 1)
        return -EEXIST;
    return found ? 0 : -ENOENT;
}

bool store_write_domain_key(struct xs_handle *xs, uint32_t domid, const char *key,
                            const char *value)
{
    char path[256];

    if (!xs) {
        errno = ENOTCONN;
        return false;
    }
    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
    return xs_write(xs, XBT_NULL, path, value, (unsigned int)strlen(value));
}

char *store_read_domain_key(struct xs_handle *xs, uint32_t domid, const char *key)
{
    char path[256];
    unsigned int len;

    if (!xs)
        return NULL;
    snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
    return xs_read(xs, XBT_NULL, path, &len);
}

void store_forget_domain(struct xs_handle *xs, uint32_t domid)
{
    char path[64];

    if (!xs || domid == 0)
        return;
    xs_release_domain(xs, domid);
    snprintf(path, sizeof(path), "/local/domain/%u", domid);
    xs_rm(xs, XBT_NULL, path);
}
