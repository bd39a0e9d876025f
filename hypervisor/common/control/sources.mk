# Toolstack interface (domctl): do_domctl and do_sysctl; the getdomaininfo
# packing and readconsole index arithmetic are pure and host-tested.
PURE_SRCS += common/control/domain_info.c
HV_SRCS   += common/control/domain_info.c common/control/domain_snapshot.c \
	common/control/sysctl.c common/control/domctl.c
