/*
 * lintel block-attach / block-detach / block-list: virtual disks of a
 * running domain, served by lintel-blkback (dom0-tools/devices/vbd.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../devices/vbd.h"
#include "commands.h"
#include "device_spec.h"
#include "domain_config.h"
#include "domain_lookup.h"
#include "domain_store.h"

#define DETACH_TIMEOUT_MS 10000

/* Looks DOMAIN up and opens the store; EXIT_OK or the failure already reported. */
static int target_domain(const struct command *cmd, const char *arg, uint32_t *domid,
                         struct xs_handle **xs)
{
    struct xenctl ctl;
    int rc = hypervisor_open(cmd, &ctl);

    if (rc != EXIT_OK)
        return rc;
    rc = domain_lookup(cmd, &ctl, arg, domid);
    xenctl_close(&ctl);
    if (rc != EXIT_OK)
        return rc;
    *xs = store_handle();
    if (!*xs)
        return command_fail(cmd, "cannot connect to the store (is lintel-stored running?)");
    return EXIT_OK;
}

/* Like every command, an unknown option is a usage error, not an operand. */
static int no_options(const struct command *cmd, int argc, char **argv)
{
    optind = 0;
    return command_getopt(cmd, argc, argv, "", NULL) == -1 ? EXIT_OK : EXIT_USAGE;
}

int cmd_block_attach(const struct command *cmd, int argc, char **argv)
{
    struct disk_config disk;
    struct xs_handle *xs;
    char why[512];
    uint32_t domid;
    int rc;

    if (no_options(cmd, argc, argv) != EXIT_OK)
        return EXIT_USAGE;
    if (argc - optind != 2)
        return command_usage_error(cmd, argc - optind < 2 ? "missing DOMAIN or DISK-SPEC"
                                                          : "too many arguments");
    memset(&disk, 0, sizeof(disk));
    if (disk_spec_parse(argv[optind + 1], &disk, why, sizeof(why)) < 0)
        return command_usage_error(cmd, "%s", why);
    rc = target_domain(cmd, argv[optind], &domid, &xs);
    if (rc == EXIT_OK && vbd_attach(xs, domid, &disk, why, sizeof(why)) < 0)
        rc = command_fail(cmd, "%s", why);
    free(disk.target);
    return rc;
}

static int parse_device(const char *arg, uint32_t *devid)
{
    char *end;
    unsigned long v;

    if (vbd_devid(arg, devid))
        return 0;
    v = strtoul(arg, &end, 10);
    if (!*arg || *end || v > UINT32_MAX)
        return -1;
    *devid = (uint32_t)v;
    return 0;
}

int cmd_block_detach(const struct command *cmd, int argc, char **argv)
{
    struct xs_handle *xs;
    bool force = false;
    char why[512];
    uint32_t domid, devid;
    int opt, rc;

    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, "f", NULL)) != -1) {
        if (opt != 'f')
            return EXIT_USAGE;
        force = true;
    }
    if (argc - optind != 2)
        return command_usage_error(cmd, argc - optind < 2 ? "missing DOMAIN or DEVICE"
                                                          : "too many arguments");
    if (parse_device(argv[optind + 1], &devid) < 0)
        return command_usage_error(cmd, "invalid device \"%s\": expected a name like xvdb "
                                   "or a device number", argv[optind + 1]);
    if ((rc = target_domain(cmd, argv[optind], &domid, &xs)) != EXIT_OK)
        return rc;
    rc = vbd_detach(xs, domid, devid, force, DETACH_TIMEOUT_MS, why, sizeof(why));
    return rc < 0 ? command_fail(cmd, "%s", why) : EXIT_OK;
}

int cmd_block_list(const struct command *cmd, int argc, char **argv)
{
    struct xs_handle *xs;
    uint32_t domid;
    int rc;

    if (no_options(cmd, argc, argv) != EXIT_OK)
        return EXIT_USAGE;
    if (argc - optind != 1)
        return command_usage_error(cmd, argc - optind < 1 ? "missing DOMAIN"
                                                          : "too many arguments");
    if ((rc = target_domain(cmd, argv[optind], &domid, &xs)) != EXIT_OK)
        return rc;
    if ((rc = vbd_list(xs, domid, stdout)) < 0)
        return command_fail(cmd, "reading domain %u's disks: %s", domid, strerror(-rc));
    return EXIT_OK;
}
