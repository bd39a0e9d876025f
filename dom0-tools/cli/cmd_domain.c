/* Commands acting on one domain through domctl: pause, unpause, destroy, mem-max. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_args.h"
#include "commands.h"
#include "domain_lookup.h"
#include "domain_store.h"

/* Checks there are no options and exactly 1 + EXTRA operands. */
static int operands(const struct command *cmd, int argc, char **argv, int extra)
{
    optind = 0;
    if (command_getopt(cmd, argc, argv, "", NULL) != -1)
        return EXIT_USAGE;
    if (argc - optind < 1)
        return command_usage_error(cmd, "missing DOMAIN");
    if (argc - optind > 1 + extra)
        return command_usage_error(cmd, "too many arguments");
    if (argc - optind < 1 + extra)
        return command_usage_error(cmd, "missing argument");
    return EXIT_OK;
}

static int open_domain(const struct command *cmd, const char *arg,
                       struct xenctl *ctl, uint32_t *domid)
{
    int rc = hypervisor_open(cmd, ctl);

    if (rc != EXIT_OK)
        return rc;
    rc = domain_lookup(cmd, ctl, arg, domid);
    if (rc != EXIT_OK)
        xenctl_close(ctl);
    return rc;
}

/* Parses "DOMAIN" (and no options) and opens the hypervisor. */
static int one_domain(const struct command *cmd, int argc, char **argv,
                      struct xenctl *ctl, uint32_t *domid)
{
    int rc = operands(cmd, argc, argv, 0);

    return rc != EXIT_OK ? rc : open_domain(cmd, argv[optind], ctl, domid);
}

static int finish(const struct command *cmd, struct xenctl *ctl, const char *what,
                  int rc)
{
    xenctl_close(ctl);
    return rc < 0 ? hypervisor_fail(cmd, what, rc) : EXIT_OK;
}

int cmd_pause(const struct command *cmd, int argc, char **argv)
{
    struct xenctl ctl;
    uint32_t domid;
    int rc = one_domain(cmd, argc, argv, &ctl, &domid);

    if (rc != EXIT_OK)
        return rc;
    return finish(cmd, &ctl, "XEN_DOMCTL_pausedomain", xenctl_domain_pause(&ctl, domid));
}

int cmd_unpause(const struct command *cmd, int argc, char **argv)
{
    struct xenctl ctl;
    uint32_t domid;
    int rc = one_domain(cmd, argc, argv, &ctl, &domid);

    if (rc != EXIT_OK)
        return rc;
    return finish(cmd, &ctl, "XEN_DOMCTL_unpausedomain",
                  xenctl_domain_unpause(&ctl, domid));
}

int cmd_destroy(const struct command *cmd, int argc, char **argv)
{
    struct xenctl ctl;
    uint32_t domid;
    int rc = one_domain(cmd, argc, argv, &ctl, &domid);

    if (rc != EXIT_OK)
        return rc;
    /* dom0 going away takes the whole host with it: never by accident. */
    if (domid == 0) {
        xenctl_close(&ctl);
        return command_fail(cmd, "refusing to destroy dom0 (Domain-0)");
    }
    rc = finish(cmd, &ctl, "XEN_DOMCTL_destroydomain", xenctl_domain_destroy(&ctl, domid));
    /* The store keeps nothing of a domain that no longer exists. */
    if (rc == EXIT_OK)
        store_forget_domain(store_handle(), domid);
    return rc;
}

int cmd_mem_max(const struct command *cmd, int argc, char **argv)
{
    struct xenctl ctl;
    uint32_t domid;
    uint64_t kib;
    char why[256];
    int rc;

    rc = operands(cmd, argc, argv, 1);
    if (rc != EXIT_OK)
        return rc;
    /* Checked before touching the hypervisor, so a typo costs nothing. */
    if (cli_parse_memory_kib("memory size", argv[optind + 1], 16 * 1024,
                             (uint64_t)1 << 40, &kib, why, sizeof(why)) < 0)
        return command_usage_error(cmd, "%s", why);
    rc = open_domain(cmd, argv[optind], &ctl, &domid);
    if (rc != EXIT_OK)
        return rc;
    return finish(cmd, &ctl, "XEN_DOMCTL_max_mem",
                  xenctl_domain_max_mem(&ctl, domid, kib));
}
