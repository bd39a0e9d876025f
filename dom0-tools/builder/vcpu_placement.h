/* The config's cpus, cpu_weight and cap applied to a new, paused domain. */
#ifndef VCPU_PLACEMENT_H
#define VCPU_PLACEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "domain_config.h"
#include "xenctl.h"

/* 0, or -1 with WHY naming the config key and the hypervisor's refusal. */
int vcpu_placement_apply(struct xenctl *ctl, uint32_t domid, const struct domain_config *cfg,
                         char *why, size_t why_len);

#endif
