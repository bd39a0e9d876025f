/*
 * Commands that work through the store: names (domid, domname, rename) and
 * requests a running guest acts on (mem-set, vcpu-set, shutdown, reboot).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_args.h"
#include "commands.h"
#include "domain_config.h"
#include "domain_lookup.h"
#include "domain_store.h"

#define SHUTDOWN_POLL_US 100000

static int operands(const struct command *cmd, int argc, char **argv, int count)
{
    optind = 0;
    if (command_getopt(cmd, argc, argv, "", NULL) != -1)
        return EXIT_USAGE;
    if (argc - optind != count)
        return command_usage_error(cmd, argc - optind < count ? "missing argument"
                                                              : "too many arguments");
    return EXIT_OK;
}

static struct xs_handle *need_store(const struct command *cmd, int *rc)
{
    struct xs_handle *xs = store_handle();

    *rc = EXIT_OK;
    if (!xs)
        *rc = command_fail(cmd, "cannot connect to the store (is lintel-stored "
                           "running?): %s", strerror(errno));
    return xs;
}

int cmd_domid(const struct command *cmd, int argc, char **argv)
{
    uint32_t domid;
    int rc = operands(cmd, argc, argv, 1), found;
    struct xs_handle *xs;

    if (rc != EXIT_OK)
        return rc;
    xs = store_handle();
    found = store_domain_by_name(xs, argv[optind], &domid);
    if (found == -ENOENT && strcmp(argv[optind], "Domain-0") == 0)
        found = 0, domid = 0;
    if (found == -EEXIST)
        return command_fail(cmd, "more than one domain is named \"%s\"", argv[optind]);
    if (found < 0)
        return xs ? command_fail(cmd, "no domain named \"%s\"", argv[optind])
                  : command_fail(cmd, "cannot connect to the store (is lintel-stored "
                                 "running?)");
    printf("%u\n", domid);
    return EXIT_OK;
}

int cmd_domname(const struct command *cmd, int argc, char **argv)
{
    struct domain_ref ref;
    const char *name;
    char why[256];
    int rc = operands(cmd, argc, argv, 1);

    if (rc != EXIT_OK)
        return rc;
    if (cli_parse_domain_ref(argv[optind], &ref, why, sizeof(why)) < 0)
        return command_usage_error(cmd, "%s", why);
    if (!ref.is_id)
        return command_usage_error(cmd, "invalid DOMID \"%s\": expected a number",
                                   argv[optind]);
    name = domain_name_of(ref.domid);
    if (!name)
        return command_fail(cmd, "no name recorded for domain %u", ref.domid);
    printf("%s\n", name);
    return EXIT_OK;
}

/* Resolves DOMAIN to a live domain other than dom0, with the store open. */
static int open_domu(const struct command *cmd, const char *arg, const char *why_not_dom0,
                     struct xenctl *ctl, struct xs_handle **xs, uint32_t *domid)
{
    int rc = hypervisor_open(cmd, ctl);

    if (rc != EXIT_OK)
        return rc;
    if ((rc = domain_lookup(cmd, ctl, arg, domid)) == EXIT_OK) {
        if (*domid == 0 && why_not_dom0)
            rc = command_fail(cmd, "%s", why_not_dom0);
        else
            *xs = need_store(cmd, &rc);
    }
    if (rc != EXIT_OK)
        xenctl_close(ctl);
    return rc;
}

int cmd_rename(const struct command *cmd, int argc, char **argv)
{
    struct xs_handle *xs = NULL;
    struct xenctl ctl;
    uint32_t domid, other;
    char why[256];
    int rc = operands(cmd, argc, argv, 2);

    if (rc != EXIT_OK)
        return rc;
    if (config_check_name(argv[optind + 1], why, sizeof(why)) < 0)
        return command_usage_error(cmd, "%s", why);
    rc = open_domu(cmd, argv[optind], "dom0's name is fixed (Domain-0)", &ctl, &xs, &domid);
    if (rc != EXIT_OK)
        return rc;
    if (store_domain_by_name(xs, argv[optind + 1], &other) != -ENOENT && other != domid)
        rc = command_fail(cmd, "domain %u is already named \"%s\"", other, argv[optind + 1]);
    else if (!store_write_domain_key(xs, domid, "name", argv[optind + 1]))
        rc = command_fail(cmd, "writing the name to the store failed: %s", strerror(errno));
    xenctl_close(&ctl);
    return rc;
}

int cmd_mem_set(const struct command *cmd, int argc, char **argv)
{
    struct xen_domctl_getdomaininfo info;
    struct xs_handle *xs = NULL;
    struct xenctl ctl;
    uint64_t kib, max_kib;
    uint32_t domid;
    char why[256], value[32];
    int rc = operands(cmd, argc, argv, 2);

    if (rc != EXIT_OK)
        return rc;
    if (cli_parse_memory_kib("memory size", argv[optind + 1], 16 << 10, (uint64_t)1 << 40,
                             &kib, why, sizeof(why)) < 0)
        return command_usage_error(cmd, "%s", why);
    rc = open_domu(cmd, argv[optind], NULL, &ctl, &xs, &domid);
    if (rc != EXIT_OK)
        return rc;
    if ((rc = xenctl_domain_getinfo(&ctl, domid, &info)) < 0) {
        rc = hypervisor_fail(cmd, "XEN_DOMCTL_getdomaininfo", rc);
        goto out;
    }
    /* The guest can never reach a target above its limit: say so now. */
    max_kib = info.max_pages * 4;
    if (kib > max_kib) {
        rc = command_fail(cmd, "%" PRIu64 " MiB is above domain %u's maximum of %" PRIu64
                          " MiB (raise it with mem-max)", kib >> 10, domid, max_kib >> 10);
        goto out;
    }
    snprintf(value, sizeof(value), "%" PRIu64, kib);
    rc = EXIT_OK;
    if (!store_write_domain_key(xs, domid, "memory/target", value))
        rc = command_fail(cmd, "writing memory/target failed: %s", strerror(errno));
out:
    xenctl_close(&ctl);
    return rc;
}

int cmd_vcpu_set(const struct command *cmd, int argc, char **argv)
{
    struct xen_domctl_getdomaininfo info;
    struct xs_handle *xs = NULL;
    struct xenctl ctl;
    uint64_t count;
    uint32_t domid;
    char why[256];
    int rc = operands(cmd, argc, argv, 2);

    if (rc != EXIT_OK)
        return rc;
    rc = open_domu(cmd, argv[optind], NULL, &ctl, &xs, &domid);
    if (rc != EXIT_OK)
        return rc;
    if ((rc = xenctl_domain_getinfo(&ctl, domid, &info)) < 0) {
        rc = hypervisor_fail(cmd, "XEN_DOMCTL_getdomaininfo", rc);
        goto out;
    }
    if (cli_parse_number("vCPU count", argv[optind + 1], 1, info.max_vcpu_id + 1ULL,
                         &count, why, sizeof(why)) < 0) {
        rc = command_usage_error(cmd, "%s", why);
        goto out;
    }
    rc = EXIT_OK;
    for (uint32_t v = 0; v <= info.max_vcpu_id && rc == EXIT_OK; v++) {
        char key[32];

        snprintf(key, sizeof(key), "cpu/%u/availability", v);
        if (!store_write_domain_key(xs, domid, key, v < count ? "online" : "offline"))
            rc = command_fail(cmd, "writing %s failed: %s", key, strerror(errno));
    }
out:
    xenctl_close(&ctl);
    return rc;
}

/* Polls until the domain has shut down or is gone. */
static int wait_for_shutdown(const struct command *cmd, struct xenctl *ctl, uint32_t domid)
{
    for (;;) {
        struct xen_domctl_getdomaininfo info;
        int rc = xenctl_domain_getinfo(ctl, domid, &info);

        if (rc == -ESRCH || (rc == 0 && (info.flags & (XEN_DOMINF_shutdown |
                                                       XEN_DOMINF_dying))))
            return EXIT_OK;
        if (rc < 0)
            return hypervisor_fail(cmd, "XEN_DOMCTL_getdomaininfo", rc);
        usleep(SHUTDOWN_POLL_US);
    }
}

static int request_shutdown(const struct command *cmd, int argc, char **argv,
                            const char *reason, bool allow_wait)
{
    struct xs_handle *xs = NULL;
    struct xenctl ctl;
    bool wait = false;
    uint32_t domid;
    int rc, opt;

    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, allow_wait ? "w" : "", NULL)) != -1) {
        if (opt != 'w')
            return EXIT_USAGE;
        wait = true;
    }
    if (argc - optind != 1)
        return command_usage_error(cmd, argc - optind ? "too many arguments"
                                                      : "missing DOMAIN");
    rc = open_domu(cmd, argv[optind], "refusing to shut down dom0 from the toolstack",
                   &ctl, &xs, &domid);
    if (rc != EXIT_OK)
        return rc;
    /* The guest's xenbus watches control/shutdown and acts on the word. */
    if (!store_write_domain_key(xs, domid, "control/shutdown", reason))
        rc = command_fail(cmd, "writing control/shutdown failed: %s", strerror(errno));
    else if (wait)
        rc = wait_for_shutdown(cmd, &ctl, domid);
    xenctl_close(&ctl);
    return rc;
}

int cmd_shutdown(const struct command *cmd, int argc, char **argv)
{
    return request_shutdown(cmd, argc, argv, "poweroff", true);
}

int cmd_reboot(const struct command *cmd, int argc, char **argv)
{
    return request_shutdown(cmd, argc, argv, "reboot", false);
}
