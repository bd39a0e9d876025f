/*
 * evtchn_peer: an event channel between two guests, started by the
 * toolstack with "extra" command lines naming their roles and each other:
 *   role=listener peer=<domid>   allocates one unbound port for the peer,
 *                                answers its ping, then waits for the
 *                                peer's death to leave the port unbound
 *   role=caller peer=<domid>     finds that port by trying to bind to each
 *                                of the listener's ports, pings, waits for
 *                                the answer, acknowledges it, powers off
 * The listener prints the checks of the whole exchange. Both keep events
 * masked and wait with SCHEDOP_poll, so they read the bits directly.
 */
#include "lib/kernel.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/sched.h>

const char kernel_name[] = "evtchn_peer";

#define MS            1000000ULL
#define SCAN_PORTS    64
#define PEER_WAIT_NS  (60000 * MS)

static unsigned long option(const char *name, unsigned long fallback)
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

static int is_listener(void)
{
    return string_contains((const char *)start_info->cmd_line, "role=listener");
}

static int pending(evtchn_port_t port)
{
    return (shared_info_map()->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&shared_info_map()->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static int wait_port(evtchn_port_t port, uint64_t timeout_ns)
{
    struct sched_poll poll = { .nr_ports = 1 };
    uint64_t end = system_time_ns() + timeout_ns;

    set_xen_guest_handle(poll.ports, &port);
    poll.timeout = end;
    while (!pending(port) && system_time_ns() < end)
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    return pending(port);
}

static void sleep_ns(uint64_t ns)
{
    struct sched_poll poll = { .nr_ports = 0, .timeout = system_time_ns() + ns };

    while (system_time_ns() < poll.timeout)
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

static struct evtchn_status status_of(evtchn_port_t port)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

    HYPERVISOR_event_channel_op(EVTCHNOP_status, &st);
    return st;
}

/* ---- caller ---- */

static evtchn_port_t bind_to_listener(domid_t listener)
{
    uint64_t end = system_time_ns() + PEER_WAIT_NS;

    while (system_time_ns() < end) {
        for (evtchn_port_t p = 1; p < SCAN_PORTS; p++) {
            struct evtchn_bind_interdomain bind = { .remote_dom = listener, .remote_port = p };

            if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind) == 0)
                return bind.local_port;
        }
        sleep_ns(20 * MS);
    }
    return 0;
}

static void caller(domid_t listener)
{
    evtchn_port_t port = bind_to_listener(listener);

    printk("caller: bound local port %u to d%u\n", port, listener);
    if (!port)
        return;
    /* Binding raised our end once; the ping's answer must be a new event. */
    clear_pending(port);
    send(port);
    if (!wait_port(port, 10000 * MS)) {
        printk("caller: no answer\n");
        return;
    }
    /* Tell the listener its answer arrived. */
    clear_pending(port);
    send(port);
}

/* ---- listener ---- */

static evtchn_port_t listen_port;
static domid_t peer;

/* Runs first: the caller does its part and powers off; the listener goes on. */
TEST(role)
{
    if (!is_listener()) {
        caller((domid_t)option("peer", 0));
        shutdown(SHUTDOWN_poweroff);
    }
    EXPECT_NE(option("peer", 0), 0);
}

TEST(listener_waits_for_the_caller)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF };
    struct evtchn_status st;

    EXPECT_OK(traps_install());
    shared_info_map()->vcpu_info[0].evtchn_upcall_mask = 1;
    peer = (domid_t)option("peer", 0);
    EXPECT_NE(peer, 0);
    alloc.remote_dom = peer;
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc));
    listen_port = alloc.port;
    st = status_of(listen_port);
    EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
    EXPECT_EQ(st.u.unbound.dom, peer);
    /* Nobody is connected yet: a send is dropped, not an error. */
    EXPECT_OK(send(listen_port));
    EXPECT_EQ(pending(listen_port), 0);
}

TEST(caller_connects_and_pings)
{
    struct evtchn_status st;

    EXPECT_TRUE(wait_port(listen_port, PEER_WAIT_NS));
    st = status_of(listen_port);
    EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
    EXPECT_EQ(st.u.interdomain.dom, peer);
    testfw_note(testfw_current, "peer d%u bound its port %u to our port %u", peer,
                st.u.interdomain.port, listen_port);
    clear_pending(listen_port);
    EXPECT_OK(send(listen_port));
    /* The caller acknowledges our answer with a second notification. */
    EXPECT_TRUE(wait_port(listen_port, 10000 * MS));
    clear_pending(listen_port);
}

TEST(peer_death_leaves_our_port_unbound)
{
    uint64_t end = system_time_ns() + PEER_WAIT_NS;
    struct evtchn_status st = status_of(listen_port);

    while (st.status == EVTCHNSTAT_interdomain && system_time_ns() < end) {
        sleep_ns(50 * MS);
        st = status_of(listen_port);
    }
    EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
    EXPECT_EQ(st.u.unbound.dom, peer);
    /* Our end may be bound again by a new peer: it still belongs to us. */
    EXPECT_OK(send(listen_port));
}
