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

/* Building a domain (domctl_build.c). */
long domctl_createdomain(struct xen_domctl *op);
long domctl_max_vcpus(struct domain *d, const struct xen_domctl_max_vcpus *mv);
long domctl_setvcpucontext(struct domain *d, const struct xen_domctl_vcpucontext *vc);
long domctl_getvcpucontext(struct domain *d, const struct xen_domctl_vcpucontext *vc);
long domctl_hypercall_init(struct domain *d, const struct xen_domctl_hypercall_init *hi);
long domctl_settimeoffset(struct domain *d, const struct xen_domctl_settimeoffset *to);
long domctl_setdomainhandle(struct domain *d, const struct xen_domctl_setdomainhandle *h);
long domctl_setvcpuaffinity(struct domain *d, struct xen_domctl_vcpuaffinity *va,
                            unsigned nr_cpus);

/* Platform settings (domctl_platform.c). */
long domctl_setnodeaffinity(struct domain *d, const struct xen_domctl_nodeaffinity *na);
long domctl_getnodeaffinity(struct domain *d, const struct xen_domctl_nodeaffinity *na);
long domctl_settscinfo(struct domain *d, const struct xen_domctl_tsc_info *ti);
long domctl_gettscinfo(struct domain *d, struct xen_domctl_tsc_info *ti);

/* Host topology (sysctl_host.c). */
#include <public/sysctl.h>

/* CPUID policies (cpu_policy_ops.c); *partial / *copy_back: the structure
 * goes back to the caller although the answer is an error, as on Xen. */
long sysctl_get_cpu_policy(struct xen_sysctl_cpu_policy *cp, bool *partial);
long sysctl_get_cpu_featureset(struct xen_sysctl_cpu_featureset *fs, bool *partial);
long domctl_get_cpu_policy(struct domain *d, struct xen_domctl_cpu_policy *cp);
long domctl_set_cpu_policy(struct domain *d, struct xen_domctl_cpu_policy *cp, bool *copy_back);
long sysctl_cpupool_op(struct xen_sysctl_cpupool_op *op, unsigned nr_cpus);
long sysctl_getcpuinfo(struct xen_sysctl_getcpuinfo *op, unsigned nr_cpus);
long sysctl_cputopoinfo(struct xen_sysctl_cputopoinfo *op, unsigned nr_cpus);
long sysctl_numainfo(struct xen_sysctl_numainfo *op);

#endif
