/*
 * Starting a device's backend daemon (lintel-netback, lintel-blkback) in
 * dom0: detached from the toolstack command that starts it, its stderr in
 * /var/log/lintel/NAME-DOMID.DEVID.log, and waiting until it reports on the
 * store that the device is ready or failed.
 */
#ifndef LINTEL_BACKEND_PROCESS_H
#define LINTEL_BACKEND_PROCESS_H

#include <stddef.h>
#include <stdint.h>

struct xs_handle;

#define BACKEND_LOG_DIR "/var/log/lintel"

/*
 * Runs PROGRAM DOMID DEVID as a daemon (double fork: no zombie for the
 * caller to reap). 0, or -1 with WHY naming the step that failed.
 */
int backend_process_start(const char *program, const char *log_name, uint32_t domid,
                          uint32_t devid, char *why, size_t why_len);

/*
 * Waits up to TIMEOUT_MS for BACKEND_PATH/state to reach InitWait or later
 * (the daemon set itself up). -1 with WHY (its hotplug-error, or a timeout
 * naming the log file) otherwise.
 */
int backend_process_wait_ready(struct xs_handle *xs, const char *backend_path,
                               const char *log_name, uint32_t domid, uint32_t devid,
                               unsigned timeout_ms, char *why, size_t why_len);

/* Waits up to TIMEOUT_MS for PATH to read VALUE or to vanish; 0 if so. */
int backend_process_wait_key(struct xs_handle *xs, const char *path, const char *value,
                             unsigned timeout_ms);

#endif
