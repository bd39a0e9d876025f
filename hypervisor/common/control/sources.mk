# Toolstack interface (domctl): do_domctl and do_sysctl; the getdomaininfo
# packing, readconsole index arithmetic and the domain-building rules
# (createdomain checks, domid choice, CPU maps) are pure and host-tested.
PURE_SRCS += common/control/domain_info.c common/control/domain_create_rules.c \
	common/control/cpu_policy.c
HV_SRCS   += common/control/domain_info.c common/control/domain_create_rules.c \
	common/control/cpu_policy.c common/control/cpu_policy_ops.c \
	common/control/domain_snapshot.c common/control/sysctl.c common/control/domctl.c \
	common/control/domctl_build.c common/control/sysctl_host.c \
	common/control/domctl_platform.c common/control/domctl_vcpucontext.c \
	common/control/acquire_resource.c
