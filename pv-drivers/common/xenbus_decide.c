#include "xenbus_decide.h"

static bool frontend_ready(const struct xenbus_view *v)
{
    return v->theirs == XenbusStateConnected ||
           (v->connect_on_initialised && v->theirs == XenbusStateInitialised);
}

static enum xenbus_action when_frontend_starts(const struct xenbus_view *v)
{
    /* A frontend that (re)starts finds us waiting for it, whatever came before. */
    if (v->ours == XenbusStateInitWait || !v->online)
        return XENBUS_NOTHING;
    return XENBUS_SETUP;
}

enum xenbus_action xenbus_decide(const struct xenbus_view *v)
{
    if (v->backend_gone || v->frontend_gone)
        return XENBUS_EXIT;
    if (v->ours == XenbusStateInitialising)
        return v->online ? XENBUS_SETUP : XENBUS_EXIT;

    switch (v->theirs) {
    case XenbusStateInitialising:
    case XenbusStateInitWait:
        return when_frontend_starts(v);
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (v->ours == XenbusStateInitWait && frontend_ready(v))
            return v->online ? XENBUS_CONNECT : XENBUS_CLOSING;
        return XENBUS_NOTHING;
    case XenbusStateClosing:
        if (v->ours == XenbusStateClosing || v->ours == XenbusStateClosed)
            return XENBUS_NOTHING;
        return XENBUS_CLOSING;
    case XenbusStateClosed:
        if (v->ours != XenbusStateClosed)
            return XENBUS_CLOSED;
        return v->online ? XENBUS_NOTHING : XENBUS_EXIT;
    case XenbusStateUnknown:
    default:
        /* No state node (or garbage): the frontend is not there to talk to. */
        if (v->ours == XenbusStateConnected)
            return XENBUS_CLOSED;
        return v->online || v->ours != XenbusStateClosed ? XENBUS_NOTHING : XENBUS_EXIT;
    }
}

const char *xenbus_state_name(enum xenbus_state state)
{
    static const char *const names[] = {
        "Unknown", "Initialising", "InitWait", "Initialised", "Connected",
        "Closing", "Closed", "Reconfiguring", "Reconfigured",
    };

    if ((unsigned int)state < sizeof(names) / sizeof(names[0]))
        return names[state];
    return "invalid";
}

const char *xenbus_action_name(enum xenbus_action action)
{
    static const char *const names[] = {
        "nothing", "setup", "connect", "closing", "closed", "exit",
    };

    return (unsigned int)action < sizeof(names) / sizeof(names[0]) ? names[action] : "?";
}
