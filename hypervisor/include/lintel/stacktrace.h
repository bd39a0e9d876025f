/* Frame-pointer stack traces with symbol names from the built-in table. */
#ifndef LINTEL_STACKTRACE_H
#define LINTEL_STACKTRACE_H

#include <lintel/types.h>

void stacktrace_print(uint64_t rip, uint64_t rbp);
void stacktrace_print_here(void);
/* Name of the function containing addr, and addr's offset in it; NULL if none. */
const char *symbol_lookup(uint64_t addr, uint64_t *offset, uint64_t *size);

#endif
