# PV-MM (issue 5): page types, domain memory, the M2P, the MMU hypercalls
# and memory_op. The arch files (arch/x86_64/pv/mm/) are listed here too:
# the top Makefile only includes sources.mk files up to three levels deep.
PURE_SRCS += common/memory/page_type.c common/memory/memory_claims.c
HV_SRCS   += common/memory/page_type.c common/memory/memory_claims.c common/memory/memory.c common/memory/memory_map.c \
	arch/x86_64/pv/mm/domain_memory.c arch/x86_64/pv/mm/m2p.c arch/x86_64/pv/mm/mmu_ops.c
