/*
 * String and formatting helpers. Ring-0 gets its own implementations
 * (lib/string.c, lib/vsnprintf.c); the host tests link the C library's
 * versions of the standard ones, so the prototypes must match libc's.
 */
#ifndef LINTEL_LIB_H
#define LINTEL_LIB_H

#include <lintel/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t lintel_strlcpy(char *dst, const char *src, size_t size);

int lintel_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int lintel_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Parses an unsigned number (decimal, or hex with 0x); *end is set to the
 * first unparsed character. Returns false on no digits or overflow.
 */
bool parse_u64(const char *s, const char **end, uint64_t *out);

#endif
