/*
 * A xenstore client for the test kernels: requests through the ring page
 * of start_info (store_mfn), answers awaited on the store event channel.
 * Paths without a leading '/' are relative to /local/domain/<our domid>,
 * as the daemon resolves them. One request at a time, no transactions,
 * no watches (callers poll, see xenbus_front.h).
 *
 * Every call returns a negative Xen errno on failure: the daemon's error
 * (e.g. -XEN_ENOENT, -XEN_EACCES), -XEN_ETIMEDOUT when no answer came,
 * -XEN_E2BIG when the answer does not fit the caller's buffer.
 */
#ifndef TESTKERNEL_STORE_H
#define TESTKERNEL_STORE_H

#include <stddef.h>

/* Maps the ring; 0 or -errno. Called by the others when needed. */
long store_init(void);

/* The value at PATH, NUL-terminated in value: its length, or -errno. */
long store_read(const char *path, char *value, size_t size);

/* The value at PATH as an unsigned decimal number; -XEN_EINVAL if it is not one. */
long store_read_ulong(const char *path, unsigned long *value);

/* Writes VALUE (without its NUL) at PATH, creating it; 0 or -errno. */
long store_write(const char *path, const char *value);

/* printf-style store_write. */
long store_printf(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The names under PATH, each NUL-terminated, one after the other in names:
 * their count, or -errno.
 */
long store_directory(const char *path, char *names, size_t size);

/* Removes PATH and everything under it; 0 or -errno. */
long store_remove(const char *path);

#endif /* TESTKERNEL_STORE_H */
