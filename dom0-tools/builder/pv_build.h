/*
 * The PV domain builder: from a validated domain_config to a paused domain
 * whose vCPU 0 will enter the kernel with start_info in rsi, as a PV
 * kernel expects. On any failure the half-built domain is destroyed.
 */
#ifndef LINTEL_PV_BUILD_H
#define LINTEL_PV_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "domain_config.h"
#include "xenctl.h"

struct pv_built_domain {
    uint32_t domid;
    uint64_t store_mfn;
    uint32_t store_evtchn;
    uint64_t console_mfn;
    uint32_t console_evtchn;
    uint64_t nr_pages;
};

int pv_build_domain(struct xenctl *ctl, const struct domain_config *cfg,
                    struct pv_built_domain *out, char *why, size_t why_len);

#endif
