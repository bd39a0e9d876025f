/*
 * Where a new domain's vCPUs may run and their share, from the config's
 * cpus, cpu_weight and cap, set while it is still paused (libxl does it at
 * the same point): hard affinity of every vCPU, then the credit
 * scheduler's weight and cap when they differ from its defaults.
 */
#include "vcpu_placement.h"

#include <stdio.h>
#include <string.h>

#define MAP_BYTES (CPU_SET_MAX / 8)

static int pin_vcpus(struct xenctl *ctl, uint32_t domid, const struct domain_config *cfg,
                     char *why, size_t why_len)
{
    uint8_t map[MAP_BYTES];
    char cpus[128];

    if (cpu_set_is_empty(&cfg->cpus))
        return 0;
    for (unsigned v = 0; v < cfg->maxvcpus; v++) {
        int rc;

        /* The hypercall writes back what it applied: a fresh map each time. */
        memset(map, 0, sizeof(map));
        for (unsigned cpu = 0; cpu < CPU_SET_MAX; cpu++)
            if (cpu_set_has(&cfg->cpus, cpu))
                map[cpu / 8] |= (uint8_t)(1u << (cpu % 8));
        rc = xenctl_vcpu_set_affinity(ctl, domid, v, map, CPU_SET_MAX);
        if (rc < 0) {
            cpu_set_format(&cfg->cpus, cpus, sizeof(cpus));
            snprintf(why, why_len, "cpus: vCPU %u cannot be pinned to \"%s\": "
                     "XEN_DOMCTL_setvcpuaffinity failed: %s", v, cpus, strerror(-rc));
            return -1;
        }
    }
    return 0;
}

static int set_credit(struct xenctl *ctl, uint32_t domid, const struct domain_config *cfg,
                      char *why, size_t why_len)
{
    struct xen_domctl_sched_credit params;
    int rc;

    if (cfg->cpu_weight == DOMAIN_WEIGHT_DEFAULT && cfg->cap == 0)
        return 0;
    rc = xenctl_sched_credit_get(ctl, domid, &params);
    if (rc == 0) {
        params.weight = (uint16_t)cfg->cpu_weight;
        params.cap = (uint16_t)cfg->cap;
        rc = xenctl_sched_credit_set(ctl, domid, &params);
    }
    if (rc < 0) {
        snprintf(why, why_len, "cpu_weight/cap: the credit scheduler's parameters cannot be "
                 "set (is the hypervisor running sched=credit?): %s", strerror(-rc));
        return -1;
    }
    return 0;
}

int vcpu_placement_apply(struct xenctl *ctl, uint32_t domid, const struct domain_config *cfg,
                         char *why, size_t why_len)
{
    if (pin_vcpus(ctl, domid, cfg, why, why_len) < 0)
        return -1;
    return set_credit(ctl, domid, cfg, why, why_len);
}
