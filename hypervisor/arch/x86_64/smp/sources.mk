# SMP: per-CPU stack blocks, AP bring-up, IPIs (the "smp" area).
HV_SRCS += arch/x86_64/smp/percpu.c arch/x86_64/smp/cpus.c arch/x86_64/smp/ipi.c \
	arch/x86_64/smp/boot.c arch/x86_64/smp/trampoline.S
