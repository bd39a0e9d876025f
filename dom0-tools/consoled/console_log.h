/*
 * A guest's console log file, DIR/NAME.log, appended to across the
 * domain's lives (a rebooted guest keeps its name) and rotated to
 * NAME.log.1 when it would grow past its size limit, so a chatty guest
 * costs dom0 at most twice the limit on disk.
 */
#ifndef LINTEL_CONSOLE_LOG_H
#define LINTEL_CONSOLE_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct console_log {
    int fd;                 /* -1 when closed or unwritable */
    char path[512];
    off_t size;
    off_t max_size;
};

/*
 * The file name for a domain's log: its recorded NAME when that is a safe
 * file name (the guest owns its store home and may have written anything
 * there), else "domain-DOMID". OUT holds at least 80 bytes.
 */
void console_log_file_name(const char *name, uint32_t domid, char *out, size_t out_len);

/* Opens DIR/FILE.log for appending (DIR is made if missing); 0 or -errno. */
int console_log_open(struct console_log *log, const char *dir, const char *file,
                     off_t max_size);

/* Appends; rotates first when the file would pass its limit. 0 or -errno. */
int console_log_write(struct console_log *log, const char *p, size_t n);

void console_log_close(struct console_log *log);

#endif
