/*
 * Logging for the backend daemons. Each process serves one device, so every
 * line names it once, at the front: "lintel-blkback 3/51712: ...". Lines go
 * to stderr, which the toolstack points at /var/log/lintel/.
 */
#ifndef LINTEL_BACKEND_LOG_H
#define LINTEL_BACKEND_LOG_H

#include <stdint.h>

void backend_log_init(const char *program, uint32_t domid, uint32_t devid);

void backend_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Only printed when the environment has LINTEL_BACKEND_DEBUG set. */
void backend_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
