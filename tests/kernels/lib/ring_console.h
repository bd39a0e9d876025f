/* A domU's console ring; see ring_console.c. */
#ifndef TESTKERNEL_RING_CONSOLE_H
#define TESTKERNEL_RING_CONSOLE_H

#include <stddef.h>

void ring_console_write(const char *text, size_t len);

#endif /* TESTKERNEL_RING_CONSOLE_H */
