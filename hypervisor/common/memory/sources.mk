# PV-MM (issue 5): page types, domain memory, memory_op.
PURE_SRCS += common/memory/page_type.c
HV_SRCS   += common/memory/page_type.c
