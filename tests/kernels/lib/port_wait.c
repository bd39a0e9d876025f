/* Waiting for event channels without upcalls; see port_wait.h. */
#include "port_wait.h"

#include <public/sched.h>

#include "kernel.h"

#define BITS_PER_WORD 64

void port_clear(evtchn_port_t port)
{
    shared_info_t *shared = shared_info_map();

    __atomic_fetch_and(&shared->evtchn_pending[port / BITS_PER_WORD],
                       ~(1UL << (port % BITS_PER_WORD)), __ATOMIC_SEQ_CST);
}

void port_wait(evtchn_port_t port, uint64_t timeout_ns)
{
    struct sched_poll poll = { .nr_ports = 1, .timeout = system_time_ns() + timeout_ns };

    set_xen_guest_handle(poll.ports, &port);
    HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

void port_notify(evtchn_port_t port)
{
    struct evtchn_send send = { .port = port };

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

void port_sleep_ns(uint64_t ns)
{
    struct sched_poll poll = { .nr_ports = 0, .timeout = system_time_ns() + ns };

    while (system_time_ns() < poll.timeout)
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}
