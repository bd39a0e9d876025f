/* Two domUs over one interdomain event channel: see peer_domain.h. */
#include "peer_domain.h"

#include "kernel.h"

#include <public/sched.h>

/* The listener's port is one of its first few: it allocates it early. */
#define SCAN_PORTS 64

unsigned long peer_option(const char *name, unsigned long fallback)
{
    const char *cmd = (const char *)start_info->cmd_line;
    size_t len = string_length(name);

    for (const char *p = cmd; *p; p++) {
        if ((p == cmd || p[-1] == ' ') && string_starts_with(p, name) && p[len] == '=') {
            unsigned long v = 0;

            for (p += len + 1; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (unsigned long)(*p - '0');
            return v;
        }
    }
    return fallback;
}

int peer_role_is(const char *role)
{
    const char *cmd = (const char *)start_info->cmd_line;
    size_t len = string_length(role);

    for (const char *p = cmd; *p; p++)
        if (string_starts_with(p, "role=") && string_starts_with(p + 5, role) &&
            (p[5 + len] == ' ' || p[5 + len] == 0))
            return 1;
    return 0;
}

int peer_port_pending(evtchn_port_t port)
{
    return (shared_info_map()->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

void peer_port_clear(evtchn_port_t port)
{
    __atomic_fetch_and(&shared_info_map()->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

long peer_port_send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

int peer_port_wait(evtchn_port_t port, uint64_t timeout_ns)
{
    struct sched_poll poll = { .nr_ports = 1 };
    uint64_t end = system_time_ns() + timeout_ns;

    set_xen_guest_handle(poll.ports, &port);
    poll.timeout = end;
    while (!peer_port_pending(port) && system_time_ns() < end)
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    return peer_port_pending(port);
}

void peer_sleep_ns(uint64_t ns)
{
    struct sched_poll poll = { .nr_ports = 0, .timeout = system_time_ns() + ns };

    while (system_time_ns() < poll.timeout)
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

struct evtchn_status peer_port_status(evtchn_port_t port)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

    HYPERVISOR_event_channel_op(EVTCHNOP_status, &st);
    return st;
}

evtchn_port_t peer_listen(domid_t peer)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = peer };

    return HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc) == 0 ? alloc.port : 0;
}

evtchn_port_t peer_connect(domid_t listener, uint64_t timeout_ns)
{
    uint64_t end = system_time_ns() + timeout_ns;

    while (system_time_ns() < end) {
        for (evtchn_port_t p = 1; p < SCAN_PORTS; p++) {
            struct evtchn_bind_interdomain bind = { .remote_dom = listener, .remote_port = p };

            if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind) == 0) {
                peer_port_clear(bind.local_port);
                return bind.local_port;
            }
        }
        /* The listener may not have booted yet. */
        peer_sleep_ns(20 * PEER_MS);
    }
    return 0;
}
