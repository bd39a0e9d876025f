/*
 * What `lintel console` shares between its two ways to a guest's console:
 * through lintel-consoled's pty (the normal way) or, when that daemon is
 * not running, straight on the ring.
 */
#ifndef LINTEL_CONSOLE_SESSION_H
#define LINTEL_CONSOLE_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <termios.h>

#include "command.h"
#include "xenctl.h"

#define CONSOLE_DETACH_KEY 0x1d     /* Ctrl-] */

struct console_term {
    bool raw;
    struct termios saved;
};

/* Raw mode on stdin when it is a terminal; restore undoes it. */
void console_term_raw(struct console_term *t);
void console_term_restore(struct console_term *t);

/* Our hold on its console would keep a dying domain from going away. */
bool console_domain_going(struct xenctl *ctl, uint32_t domid);

/* Whether lintel-consoled runs (its pidfile names a live lintel-consoled). */
bool consoled_is_running(void);

/* Relays the terminal to DOMID's pty from lintel-consoled until Ctrl-],
 * the end of the domain, or the daemon letting go of it. */
int console_attach_pty(const struct command *cmd, struct xenctl *ctl, uint32_t domid);

#endif
