/*
 * From what the operator typed (a domain id or a name) to a live domain.
 * Names live in the store (/local/domain/N/name); dom0 is "Domain-0" even
 * when the store has no record of it.
 */
#ifndef LINTEL_DOMAIN_LOOKUP_H
#define LINTEL_DOMAIN_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "command.h"
#include "xenctl.h"

/* The name of DOMID, or NULL when it is not known. */
const char *domain_name_of(uint32_t domid);

/*
 * Resolves ARG to an existing domain's id; on failure prints why (naming
 * ARG) and returns EXIT_FAILED or EXIT_USAGE.
 */
int domain_lookup(const struct command *cmd, struct xenctl *ctl, const char *arg,
                  uint32_t *domid);

/* Opens the hypervisor interface; on failure prints why, returns EXIT_FAILED. */
int hypervisor_open(const struct command *cmd, struct xenctl *ctl);

/* "XEN_DOMCTL_x for domain N failed: strerror" with a hint for EACCES/EPERM. */
int hypervisor_fail(const struct command *cmd, const char *what, int rc);

#endif
