/*
 * The only way ring 0 touches guest memory. A PV guest's address space is
 * live while the hypervisor runs on its behalf, so these copy through guest
 * virtual addresses; a fault during the copy is caught (exception fixup
 * table in arch/x86_64/pv/guest_access.c + the #PF handler) and reported as
 * a short copy, never a hypervisor crash. Addresses inside the hypervisor's
 * reserved range are refused before any access.
 *
 * All return the number of bytes NOT copied (0 on success), like Linux's;
 * callers turn non-zero into -EFAULT.
 */
#ifndef LINTEL_GUEST_ACCESS_H
#define LINTEL_GUEST_ACCESS_H

#include <lintel/types.h>

size_t copy_from_guest(void *dst, uint64_t guest_va, size_t len);
size_t copy_to_guest(uint64_t guest_va, const void *src, size_t len);
size_t clear_guest(uint64_t guest_va, size_t len);
/* True when [va, va+len) is entirely outside the hypervisor's range. */
bool guest_range_ok(uint64_t va, size_t len);

#endif
