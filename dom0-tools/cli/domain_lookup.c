#include "domain_lookup.h"

#include <errno.h>
#include <string.h>

#include "cli_args.h"

#define DOM0_NAME "Domain-0"

const char *domain_name_of(uint32_t domid)
{
    return domid == 0 ? DOM0_NAME : NULL;
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
        if (strcmp(ref.name, DOM0_NAME) != 0)
            return command_fail(cmd, "cannot find domain \"%s\": names other than "
                                DOM0_NAME " need the store client, which is not "
                                "written yet; give the domain id", ref.name);
        ref.domid = 0;
    }
    rc = xenctl_domain_getinfo(ctl, ref.domid, &info);
    if (rc == -ESRCH)
        return command_fail(cmd, "no domain with id %u", ref.domid);
    if (rc < 0)
        return hypervisor_fail(cmd, "XEN_DOMCTL_getdomaininfo", rc);
    *domid = ref.domid;
    return EXIT_OK;
}
