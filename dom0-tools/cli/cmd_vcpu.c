/* vCPU commands: vcpu-list and vcpu-pin. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "commands.h"
#include "cpu_set.h"
#include "domain_lookup.h"

#define MAP_BYTES (CPU_SET_MAX / 8)

/* Number of physical CPU ids the host can have: affinity bitmaps span them. */
static int host_cpu_count(const struct command *cmd, struct xenctl *ctl,
                          uint32_t *nr_cpus)
{
    struct xen_sysctl_physinfo info;
    int rc = xenctl_physinfo(ctl, &info);

    if (rc < 0)
        return hypervisor_fail(cmd, "XEN_SYSCTL_physinfo", rc);
    *nr_cpus = info.max_cpu_id + 1;
    if (*nr_cpus > CPU_SET_MAX)
        *nr_cpus = CPU_SET_MAX;
    return EXIT_OK;
}

static void map_to_set(const uint8_t *map, uint32_t nr_cpus, struct cpu_set *set,
                       bool *all)
{
    *all = true;
    cpu_set_clear(set);
    for (uint32_t cpu = 0; cpu < nr_cpus; cpu++) {
        if (map[cpu / 8] >> (cpu % 8) & 1)
            cpu_set_add(set, cpu);
        else
            *all = false;
    }
}

static int list_domain_vcpus(const struct command *cmd, struct xenctl *ctl,
                             const struct xen_domctl_getdomaininfo *dom, uint32_t nr_cpus)
{
    const char *name = domain_name_of(dom->domain);

    if (dom->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID)
        return EXIT_OK;
    for (uint32_t v = 0; v <= dom->max_vcpu_id; v++) {
        struct xen_domctl_getvcpuinfo info;
        uint8_t map[MAP_BYTES] = { 0 };
        struct cpu_set set;
        char cpus[256], where[16] = "-";
        bool all;
        int rc = xenctl_vcpu_getinfo(ctl, dom->domain, v, &info);

        /* A vCPU the builder never initialised does not exist yet. */
        if (rc == -ESRCH)
            continue;
        if (rc < 0)
            return hypervisor_fail(cmd, "XEN_DOMCTL_getvcpuinfo", rc);
        rc = xenctl_vcpu_get_affinity(ctl, dom->domain, v, map, nr_cpus);
        if (rc < 0)
            return hypervisor_fail(cmd, "XEN_DOMCTL_getvcpuaffinity", rc);
        map_to_set(map, nr_cpus, &set, &all);
        if (all)
            snprintf(cpus, sizeof(cpus), "all");
        else if (cpu_set_is_empty(&set))
            snprintf(cpus, sizeof(cpus), "none");
        else
            cpu_set_format(&set, cpus, sizeof(cpus));
        if (info.online)
            snprintf(where, sizeof(where), "%u", info.cpu);
        printf("%-32s %5u %5u %5s  %c%c%c %10.1f  %s\n", name ? name : "-", dom->domain,
               v, where, info.running ? 'r' : '-', info.blocked ? 'b' : '-',
               dom->flags & XEN_DOMINF_paused ? 'p' : '-',
               (double)info.cpu_time / 1e9, cpus);
    }
    return EXIT_OK;
}

int cmd_vcpu_list(const struct command *cmd, int argc, char **argv)
{
    struct xen_domctl_getdomaininfo doms[64];
    struct xenctl ctl;
    uint32_t nr_cpus = 0;
    int n, rc, opt;

    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, "", NULL)) != -1)
        return EXIT_USAGE;
    if ((rc = hypervisor_open(cmd, &ctl)) != EXIT_OK)
        return rc;
    if ((rc = host_cpu_count(cmd, &ctl, &nr_cpus)) != EXIT_OK)
        goto out;
    n = 0;
    if (argc > optind) {
        for (int a = optind; a < argc && n < 64; a++) {
            uint32_t domid;

            if ((rc = domain_lookup(cmd, &ctl, argv[a], &domid)) != EXIT_OK)
                goto out;
            if ((rc = xenctl_domain_getinfo(&ctl, domid, &doms[n++])) < 0) {
                rc = hypervisor_fail(cmd, "XEN_DOMCTL_getdomaininfo", rc);
                goto out;
            }
        }
    } else if ((n = xenctl_domain_list(&ctl, 0, doms, 64)) < 0) {
        rc = hypervisor_fail(cmd, "XEN_SYSCTL_getdomaininfolist", n);
        goto out;
    }
    printf("%-32s %5s %5s %5s  %-3s %10s  %s\n", "Name", "ID", "VCPU", "CPU", "St",
           "Time(s)", "Affinity");
    rc = EXIT_OK;
    for (int i = 0; i < n && rc == EXIT_OK; i++)
        rc = list_domain_vcpus(cmd, &ctl, &doms[i], nr_cpus);
out:
    xenctl_close(&ctl);
    return rc;
}

/* CPUS as a bitmap over the host's CPUs, refusing CPUs it does not have. */
static int parse_cpus(const struct command *cmd, const char *text, uint32_t nr_cpus,
                      uint8_t *map)
{
    struct cpu_set set;
    char why[256];

    cpu_set_clear(&set);
    if (strcmp(text, "all") == 0) {
        for (uint32_t cpu = 0; cpu < nr_cpus; cpu++)
            cpu_set_add(&set, cpu);
    } else if (cpu_set_parse(text, &set, why, sizeof(why)) < 0) {
        return command_usage_error(cmd, "invalid CPUS \"%s\": %s", text, why);
    }
    if (cpu_set_last(&set) >= (int)nr_cpus)
        return command_usage_error(cmd, "invalid CPUS \"%s\": CPU %d does not exist "
                                   "(the host has CPUs 0-%u)", text, cpu_set_last(&set),
                                   nr_cpus - 1);
    memset(map, 0, MAP_BYTES);
    for (uint32_t cpu = 0; cpu < nr_cpus; cpu++)
        if (cpu_set_has(&set, cpu))
            map[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
    return EXIT_OK;
}

static int pin_vcpus(const struct command *cmd, struct xenctl *ctl, uint32_t domid,
                     const char *vcpu_arg, const uint8_t *map, uint32_t nr_cpus)
{
    struct xen_domctl_getdomaininfo dom;
    uint64_t first = 0, last;
    char why[256];
    int rc = xenctl_domain_getinfo(ctl, domid, &dom);

    if (rc < 0)
        return hypervisor_fail(cmd, "XEN_DOMCTL_getdomaininfo", rc);
    if (dom.max_vcpu_id == XEN_INVALID_MAX_VCPU_ID)
        return command_fail(cmd, "domain %u has no vCPUs", domid);
    last = dom.max_vcpu_id;
    if (strcmp(vcpu_arg, "all") != 0) {
        if (cli_parse_number("VCPU", vcpu_arg, 0, dom.max_vcpu_id, &first, why,
                             sizeof(why)) < 0)
            return command_usage_error(cmd, "%s", why);
        last = first;
    }
    for (uint64_t v = first; v <= last; v++) {
        uint8_t applied[MAP_BYTES];

        memcpy(applied, map, MAP_BYTES);
        rc = xenctl_vcpu_set_affinity(ctl, domid, (uint32_t)v, applied, nr_cpus);
        if (rc < 0)
            return hypervisor_fail(cmd, "XEN_DOMCTL_setvcpuaffinity", rc);
    }
    return EXIT_OK;
}

int cmd_vcpu_pin(const struct command *cmd, int argc, char **argv)
{
    uint8_t map[MAP_BYTES];
    struct xenctl ctl;
    uint32_t nr_cpus = 0, domid = 0;
    int rc, opt;

    optind = 0;
    while ((opt = command_getopt(cmd, argc, argv, "", NULL)) != -1)
        return EXIT_USAGE;
    if (argc - optind != 3)
        return command_usage_error(cmd, argc - optind < 3 ? "missing argument"
                                                          : "too many arguments");
    if ((rc = hypervisor_open(cmd, &ctl)) != EXIT_OK)
        return rc;
    if ((rc = host_cpu_count(cmd, &ctl, &nr_cpus)) == EXIT_OK &&
        (rc = parse_cpus(cmd, argv[optind + 2], nr_cpus, map)) == EXIT_OK &&
        (rc = domain_lookup(cmd, &ctl, argv[optind], &domid)) == EXIT_OK)
        rc = pin_vcpus(cmd, &ctl, domid, argv[optind + 1], map, nr_cpus);
    xenctl_close(&ctl);
    return rc;
}
