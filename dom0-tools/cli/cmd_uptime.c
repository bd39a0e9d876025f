/* lintel uptime: how long domains have existed, from create's start_time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "commands.h"
#include "domain_lookup.h"
#include "domain_store.h"

/* dom0 was not created by us: it has run as long as this kernel has. */
static long long dom0_seconds(void)
{
    FILE *f = fopen("/proc/uptime", "r");
    double up = -1;

    if (f) {
        if (fscanf(f, "%lf", &up) != 1)
            up = -1;
        fclose(f);
    }
    return (long long)up;
}

static long long domain_seconds(uint32_t domid)
{
    char *start;
    long long seconds = -1;

    if (domid == 0)
        return dom0_seconds();
    start = store_read_domain_key(store_handle(), domid, "start_time");
    if (start)
        seconds = (long long)time(NULL) - strtoll(start, NULL, 10);
    free(start);
    return seconds;
}

static void print_row(uint32_t domid)
{
    const char *name = domain_name_of(domid);
    long long s = domain_seconds(domid);

    if (s < 0)
        printf("%-32s %5u %s\n", name ? name : "-", domid, "-");
    else if (s >= 86400)
        printf("%-32s %5u %lld days, %2lld:%02lld:%02lld\n", name ? name : "-", domid,
               s / 86400, s % 86400 / 3600, s % 3600 / 60, s % 60);
    else
        printf("%-32s %5u %2lld:%02lld:%02lld\n", name ? name : "-", domid, s / 3600,
               s % 3600 / 60, s % 60);
}

int cmd_uptime(const struct command *cmd, int argc, char **argv)
{
    struct xen_domctl_getdomaininfo doms[64];
    struct xenctl ctl;
    int rc, n = 0;

    optind = 0;
    if (command_getopt(cmd, argc, argv, "", NULL) != -1)
        return EXIT_USAGE;
    if ((rc = hypervisor_open(cmd, &ctl)) != EXIT_OK)
        return rc;
    printf("%-32s %5s %s\n", "Name", "ID", "Uptime");
    if (argc > optind) {
        for (int a = optind; a < argc && rc == EXIT_OK; a++) {
            uint32_t domid;

            if ((rc = domain_lookup(cmd, &ctl, argv[a], &domid)) == EXIT_OK)
                print_row(domid);
        }
    } else if ((n = xenctl_domain_list(&ctl, 0, doms, 64)) < 0) {
        rc = hypervisor_fail(cmd, "XEN_SYSCTL_getdomaininfolist", n);
    } else {
        for (int i = 0; i < n; i++)
            print_row(doms[i].domain);
    }
    xenctl_close(&ctl);
    return rc;
}
