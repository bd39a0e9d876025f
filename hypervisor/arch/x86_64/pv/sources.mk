# PV execution (pv-exec): guest entry/exit, trap bounces, emulation,
# guest memory access, the hypercall page.
HV_SRCS += arch/x86_64/pv/entry.S arch/x86_64/pv/context.c arch/x86_64/pv/bounce.c \
	arch/x86_64/pv/guest_access.c arch/x86_64/pv/hypercall_page.c \
	arch/x86_64/pv/emulate.c arch/x86_64/pv/descriptors.c arch/x86_64/pv/pv_hypercalls.c \
	arch/x86_64/pv/vcpu_context.c arch/x86_64/pv/ptwr.c arch/x86_64/pv/ldt.c \
	arch/x86_64/pv/debugreg.c arch/x86_64/pv/xstate.c
PURE_SRCS += arch/x86_64/pv/cpuid_policy.c arch/x86_64/pv/pte_store.c
HV_SRCS += arch/x86_64/pv/cpuid_policy.c arch/x86_64/pv/pte_store.c
