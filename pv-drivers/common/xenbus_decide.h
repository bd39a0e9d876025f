/*
 * The backend half of the xenbus handshake as a pure decision: given what
 * the store says now, what must the backend do next. Kept free of I/O so the
 * unit tests can walk every state pair.
 *
 *   backend  Initialising -> InitWait (features published)
 *   frontend Initialised or Connected (ring-ref, event-channel published)
 *   backend  -> Connected (ring mapped, serving)
 *   frontend Closing -> backend Closing; frontend Closed -> backend Closed,
 *   and the process ends when the toolstack has set online=0 (detach), or
 *   when the frontend's or the backend's directory is gone.
 */
#ifndef LINTEL_XENBUS_DECIDE_H
#define LINTEL_XENBUS_DECIDE_H

#include <stdbool.h>

#include "public/io/xenbus.h"

struct xenbus_view {
    enum xenbus_state ours;       /* what this process last published */
    enum xenbus_state theirs;     /* the frontend's state node (Unknown if absent) */
    bool frontend_gone;           /* the frontend's directory is gone (domain died) */
    bool backend_gone;            /* the toolstack removed our directory */
    bool online;                  /* backend "online" node: 0 once detach begins */
    bool connect_on_initialised;  /* blk: Initialised is enough; net waits for Connected */
};

enum xenbus_action {
    XENBUS_NOTHING,
    XENBUS_SETUP,       /* (re)publish features, then InitWait */
    XENBUS_CONNECT,     /* map the ring, bind the event channel, then Connected */
    XENBUS_CLOSING,     /* stop serving, then Closing */
    XENBUS_CLOSED,      /* stop serving, then Closed */
    XENBUS_EXIT,        /* stop serving and end the process */
};

enum xenbus_action xenbus_decide(const struct xenbus_view *view);

const char *xenbus_state_name(enum xenbus_state state);
const char *xenbus_action_name(enum xenbus_action action);

#endif
