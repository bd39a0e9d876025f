/*
 * printf-style formatting for the test kernels, with no C library.
 *
 * Pure logic: also compiled on the host and unit-tested there (unit/).
 * Supported: %d %i %u %x %X %p %s %c %%, the flags '-', '0' and '#', a field
 * width, and the length modifiers l, ll and z.
 */
#ifndef TESTKERNEL_FORMAT_H
#define TESTKERNEL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Writes at most size bytes including the terminating NUL (nothing when
 * size is 0) and returns the length the complete output would have, so a
 * caller can detect truncation exactly as with vsnprintf.
 */
size_t format_v(char *buf, size_t size, const char *fmt, va_list ap);
size_t format(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* TESTKERNEL_FORMAT_H */
