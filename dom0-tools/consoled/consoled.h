/*
 * lintel-consoled: drains every guest's PV console ring into a log file
 * and a pty, and forwards what is typed on the pty back into the ring.
 * One process, one poll loop: the store's watch fd, one shared
 * /dev/xen/evtchn fd for every guest's console port, and one pty master
 * per guest.
 */
#ifndef LINTEL_CONSOLED_H
#define LINTEL_CONSOLED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "console_log.h"
#include "out_queue.h"
#include "public/io/console.h"
#include "xenctl.h"

#define CONSOLED_PIDFILE   "/run/lintel-consoled.pid"
#define CONSOLED_LOG_DIR   "/var/log/lintel/console"

struct consoled_options {
    const char *log_dir;
    off_t log_max_bytes;
    size_t pty_buffer_bytes;
    const char *pidfile;
    bool foreground;
};

/* One guest's console as the daemon serves it. */
struct guest_console {
    uint32_t domid;
    bool watching;              /* a store watch on its console/ directory */
    bool connected;
    /* What the store said when we last tried: a failure is retried only
     * once these change, not on every scan. */
    uint64_t ring_ref;
    uint32_t remote_port;
    bool attempted;
    struct xencons_interface *ring;
    bool ring_by_grant;         /* mapped through gntdev (else a foreign mapping) */
    uint64_t grant_index;       /* gntdev's offset for it */
    XENCONS_RING_IDX out_cons;  /* ours: the guest may scribble on the ring's copy */
    uint32_t local_port;
    int master_fd;
    int slave_fd;               /* held open so output queues while nobody reads */
    char tty[64];
    struct console_log log;
    struct out_queue pty_out;
    bool seen;                  /* scratch for the domain scan */
};

struct consoled {
    struct consoled_options opts;
    struct xenctl ctl;
    struct xs_handle *xs;
    int evtchn_fd;
    int gntdev_fd;              /* -1 without /dev/xen/gntdev: foreign mappings only */
    struct guest_console **guests;
    size_t n_guests;
};

void consoled_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* guest_console.c */
/* Reads the store's console keys and connects if they are there and new. */
void guest_console_refresh(struct consoled *d, struct guest_console *g);
void guest_console_disconnect(struct consoled *d, struct guest_console *g);
/* Moves the guest's output to its log and pty; true if any was taken. */
bool guest_console_drain(struct consoled *d, struct guest_console *g);
void guest_console_pty_input(struct consoled *d, struct guest_console *g);
void guest_console_pty_flush(struct consoled *d, struct guest_console *g);
/* How many bytes of input the ring takes now (0 when full or malformed). */
size_t guest_console_input_room(const struct guest_console *g);

/* domain_scan.c */
/* Starts and stops serving guests as the hypervisor's domain list says. */
int consoled_scan_domains(struct consoled *d);
/* A store watch event for PATH with TOKEN. */
void consoled_watch_event(struct consoled *d, const char *path, const char *token);
struct guest_console *consoled_find_port(struct consoled *d, uint32_t local_port);
void consoled_forget_all(struct consoled *d);
/* Sets the store's watches again after (re)connecting to it. */
bool consoled_watch_store(struct consoled *d);

#endif
