# PV execution (pv-exec): domains, hypercall dispatch, the dom0 builder,
# xen_version, console_io.
PURE_SRCS += common/pv-exec/dom0_layout.c common/pv-exec/pv_kernel_notes.c
HV_SRCS += common/pv-exec/dom0_layout.c common/pv-exec/pv_kernel_notes.c \
	common/pv-exec/domain.c common/pv-exec/hypercall.c common/pv-exec/hypercall_table.c \
	common/pv-exec/hypercall_defaults.c common/pv-exec/version.c \
	common/pv-exec/console_io.c common/pv-exec/dom0_build.c \
	common/pv-exec/multicall.c common/pv-exec/vcpu_op.c common/pv-exec/platform_op.c
