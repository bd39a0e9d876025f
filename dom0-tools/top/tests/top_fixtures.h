/* Synthetic samples for lintel-top's host tests: a host and its domains. */
#ifndef LINTEL_TOP_FIXTURES_H
#define LINTEL_TOP_FIXTURES_H

#include <string.h>

#include "public/domctl.h"
#include "public/sched.h"
#include "top_model.h"

#define NS_PER_S 1000000000ull

static inline struct top_domain_sample fixture_domain(uint32_t domid, const char *name,
                                                      uint32_t flags, uint64_t cpu_ns,
                                                      uint64_t pages)
{
    struct top_domain_sample d = {
        .domid = domid, .flags = flags, .cpu_time_ns = cpu_ns, .tot_pages = pages,
        .max_pages = pages + 256, .online_vcpus = 1, .max_vcpu_id = 0,
    };

    strncpy(d.name, name, sizeof(d.name) - 1);
    return d;
}

static inline struct top_sample fixture_sample(uint64_t wall_ns, struct top_domain_sample *doms,
                                               size_t n)
{
    struct top_sample s = {
        .wall_ns = wall_ns, .nr_cpus = 2, .total_pages = 262144, .free_pages = 131072,
        .doms = doms, .n_doms = n,
    };

    strcpy(s.hv_name, "Xen");
    strcpy(s.hv_version, "4.17.0");
    return s;
}

#endif
