#include "domain_lookup.h"

#include <errno.h>
#include <string.h>

#include "cli_args.h"
#include "domain_store.h"

#define DOM0_NAME "Domain-0"
#define NAME_CACHE 256

/* Names looked up during this command, so a listing reads each once. */
static struct {
    uint32_t domid;
    char *name;
} name_cache[NAME_CACHE];
static size_t names_cached;

const char *domain_name_of(uint32_t domid)
{
    char *name;

    for (size_t i = 0; i < names_cached; i++)
        if (name_cache[i].domid == domid)
            return name_cache[i].name;
    name = store_domain_name(store_handle(), domid);
    /* dom0's name is fixed even where nothing recorded it in the store. */
    if (!name && domid == 0)
        name = strdup(DOM0_NAME);
    if (names_cached < NAME_CACHE) {
        name_cache[names_cached].domid = domid;
        name_cache[names_cached++].name = name;
    }
    return name;
}

static int lookup_by_name(const struct command *cmd, const char *name, uint32_t *domid)
{
    int rc = store_domain_by_name(store_handle(), name, domid);

    if (rc == 0)
        return EXIT_OK;
    if (strcmp(name, DOM0_NAME) == 0) {
        *domid = 0;
        return EXIT_OK;
    }
    if (rc == -EEXIST)
        return command_fail(cmd, "more than one domain is named \"%s\"; give the "
                            "domain id", name);
    if (!store_handle())
        return command_fail(cmd, "cannot find domain \"%s\": the store is not "
                            "running, so names are unknown; give the domain id", name);
    return command_fail(cmd, "no domain named \"%s\"", name);
}

int hypervisor_open(const struct command *cmd, struct xenctl *ctl)
{
    const char *why = "";
    int rc = xenctl_open(ctl, &why);

    if (rc < 0)
        return command_fail(cmd, "cannot open " XENCTL_PRIVCMD_PATH ": %s%s",
                            strerror(-rc), why);
    return EXIT_OK;
}

int hypervisor_fail(const struct command *cmd, const char *what, int rc)
{
    const char *hint = "";

    if (rc == -EACCES)
        hint = " (interface version mismatch, or not permitted)";
    else if (rc == -EPERM)
        hint = " (only dom0 may do this)";
    else if (rc == -ENOSYS)
        hint = " (the hypervisor does not offer this operation)";
    return command_fail(cmd, "%s failed: %s%s", what, strerror(-rc), hint);
}

int domain_lookup(const struct command *cmd, struct xenctl *ctl, const char *arg,
                  uint32_t *domid)
{
    struct xen_domctl_getdomaininfo info;
    struct domain_ref ref;
    char why[256];
    int rc;

    if (cli_parse_domain_ref(arg, &ref, why, sizeof(why)) < 0)
        return command_usage_error(cmd, "%s", why);
    if (!ref.is_id) {
        int found = lookup_by_name(cmd, ref.name, &ref.domid);

        if (found != EXIT_OK)
            return found;
    }
    rc = xenctl_domain_getinfo(ctl, ref.domid, &info);
    if (rc == -ESRCH)
        return command_fail(cmd, "no domain with id %u", ref.domid);
    if (rc < 0)
        return hypervisor_fail(cmd, "XEN_DOMCTL_getdomaininfo", rc);
    *domid = ref.domid;
    return EXIT_OK;
}
