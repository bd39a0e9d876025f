/* network-attach, network-detach, network-list: vifs of a running domain. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "commands.h"
#include "device_spec.h"
#include "domain_config.h"
#include "domain_lookup.h"
#include "domain_store.h"
#include "../devices/vif_device.h"
#include "xenstore.h"

/* Options-free command with at least MIN operands; then the hypervisor and store. */
static int open_domain(const struct command *cmd, int argc, char **argv, int min,
                       struct xs_handle **xs, uint32_t *domid)
{
    struct xenctl ctl;
    int rc;

    optind = 0;
    if (command_getopt(cmd, argc, argv, "", NULL) != -1)
        return EXIT_USAGE;
    if (argc - optind < min)
        return command_usage_error(cmd, "missing %s", argc - optind ? "argument" : "DOMAIN");
    if ((rc = hypervisor_open(cmd, &ctl)) != EXIT_OK)
        return rc;
    rc = domain_lookup(cmd, &ctl, argv[optind], domid);
    xenctl_close(&ctl);
    if (rc != EXIT_OK)
        return rc;
    if (!(*xs = store_handle()))
        return command_fail(cmd, "cannot connect to the store (is lintel-stored running?)");
    return EXIT_OK;
}

/* xl's form: each operand a KEY=VALUE of the vif spec (bridge=, mac=). */
static int join_spec(const struct command *cmd, int argc, char **argv, char *spec, size_t len)
{
    spec[0] = '\0';
    for (int i = optind + 1; i < argc; i++) {
        if (strlen(spec) + strlen(argv[i]) + 2 > len)
            return command_usage_error(cmd, "vif specification too long");
        if (spec[0])
            strcat(spec, ",");
        strcat(spec, argv[i]);
    }
    return EXIT_OK;
}

int cmd_network_attach(const struct command *cmd, int argc, char **argv)
{
    struct vif_config vif;
    struct xs_handle *xs;
    char spec[512], why[512];
    uint32_t domid;
    int rc = open_domain(cmd, argc, argv, 1, &xs, &domid), devid;

    if (rc != EXIT_OK || (rc = join_spec(cmd, argc, argv, spec, sizeof(spec))) != EXIT_OK)
        return rc;
    memset(&vif, 0, sizeof(vif));
    if (spec[0] && vif_spec_parse(spec, &vif, why, sizeof(why)) < 0) {
        free(vif.bridge);
        return command_fail(cmd, "%s", why);
    }
    devid = vif_next_devid(xs, domid);
    if (devid < 0)
        rc = command_fail(cmd, "reading domain %u's vifs: %s", domid, strerror(errno));
    else if (vif_attach(xs, domid, (uint32_t)devid, &vif, why, sizeof(why)) < 0)
        rc = command_fail(cmd, "%s", why);
    else
        printf("attached vif %d to domain %u\n", devid, domid);
    free(vif.bridge);
    return rc;
}

int cmd_network_detach(const struct command *cmd, int argc, char **argv)
{
    struct xs_handle *xs;
    char why[512];
    uint32_t domid;
    uint64_t devid;
    int rc = open_domain(cmd, argc, argv, 2, &xs, &domid);

    if (rc != EXIT_OK)
        return rc;
    if (argc - optind > 2)
        return command_usage_error(cmd, "too many arguments");
    if (strchr(argv[optind + 1], ':')) {
        int found = vif_devid_by_mac(xs, domid, argv[optind + 1]);

        if (found < 0)
            return command_fail(cmd, "domain %u has no vif with MAC %s", domid, argv[optind + 1]);
        devid = (uint64_t)found;
    } else if (cli_parse_number("DEVID", argv[optind + 1], 0, 0xffff, &devid, why,
                                sizeof(why)) < 0) {
        return command_usage_error(cmd, "%s", why);
    }
    if (vif_detach(xs, domid, (uint32_t)devid, why, sizeof(why)) < 0)
        return command_fail(cmd, "%s", why);
    return EXIT_OK;
}

int cmd_network_list(const struct command *cmd, int argc, char **argv)
{
    struct xenctl ctl;
    struct xs_handle *xs;
    int rc;

    optind = 0;
    if (command_getopt(cmd, argc, argv, "", NULL) != -1)
        return EXIT_USAGE;
    if (argc - optind < 1)
        return command_usage_error(cmd, "missing DOMAIN");
    if ((rc = hypervisor_open(cmd, &ctl)) != EXIT_OK)
        return rc;
    if (!(xs = store_handle())) {
        xenctl_close(&ctl);
        return command_fail(cmd, "cannot connect to the store (is lintel-stored running?)");
    }
    for (int i = optind; i < argc && rc == EXIT_OK; i++) {
        uint32_t domid;

        rc = domain_lookup(cmd, &ctl, argv[i], &domid);
        if (rc == EXIT_OK && vif_list(stdout, xs, domid, i == optind) < 0)
            rc = command_fail(cmd, "reading domain %u's vifs: %s", domid, strerror(errno));
    }
    xenctl_close(&ctl);
    return rc;
}
