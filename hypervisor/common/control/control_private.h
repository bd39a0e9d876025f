/* Shared between do_domctl and do_sysctl (common/control/ only). */
#ifndef LINTEL_CONTROL_PRIVATE_H
#define LINTEL_CONTROL_PRIVATE_H

#include <lintel/control.h>
#include <lintel/domain.h>

/* Only the control domain may drive domctl and sysctl (no XSM in Lintel). */
bool control_caller_privileged(void);
/* The existing domain with the lowest id >= id, or NULL past the last. */
struct domain *control_domain_from(domid_t id);
void control_domain_info(struct domain *d, struct xen_domctl_getdomaininfo *out);

#endif
