/*
 * A new domain's devices, from its config: every disk (vbd.h) and network
 * interface (vif), attached before the domain is unpaused so its frontends
 * find them at boot.
 */
#ifndef LINTEL_DEVICES_H
#define LINTEL_DEVICES_H

#include <stddef.h>
#include <stdint.h>

struct xs_handle;
struct domain_config;

/* 0, or -errno with WHY naming the device; the caller destroys the domain. */
int devices_attach_config(struct xs_handle *xs, uint32_t domid,
                          const struct domain_config *cfg, char *why, size_t why_len);

#endif
