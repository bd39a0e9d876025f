/*
 * Writes into a vCPU's guest memory when its address space is not the
 * one loaded (the runstate and time areas of the vCPU being switched to):
 * the address is translated through the vCPU's kernel page tables and the
 * bytes go through the direct map.
 */
#ifndef LINTEL_SCHED_GUEST_WRITE_H
#define LINTEL_SCHED_GUEST_WRITE_H

#include <lintel/domain.h>

/* False (nothing or part written) when va is not mapped writable to a
 * frame the domain owns. */
bool guest_write_through_root(struct vcpu *v, uint64_t va, const void *src, size_t len);

#endif
