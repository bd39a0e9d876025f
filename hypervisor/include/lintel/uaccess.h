/*
 * Copies that may touch unmapped or non-canonical memory and must fail
 * cleanly instead of crashing the hypervisor: the base of
 * copy_from_guest/copy_to_guest, and of reading memory in crash reports.
 * A fault inside them is caught through the exception fixup table.
 */
#ifndef LINTEL_UACCESS_H
#define LINTEL_UACCESS_H

#include <lintel/types.h>

/* Both return the number of bytes NOT copied: 0 means success. */
size_t copy_from_unsafe(void *dst, const void *src, size_t n);
size_t copy_to_unsafe(void *dst, const void *src, size_t n);

/*
 * Exception fixups: if a ring-0 fault hits an instruction listed in the
 * table, execution resumes at its fixup address instead of crashing.
 * Returns the fixup address, or 0 if the instruction has none.
 */
uint64_t exception_fixup_lookup(uint64_t rip);
/* Proves at boot that faults in the copy helpers are caught. */
void exception_fixup_selftest(void);

#endif
