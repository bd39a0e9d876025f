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
#include "lib/peer_domain.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/sched.h>

const char kernel_name[] = "evtchn_peer";

#define MS            PEER_MS
#define PEER_WAIT_NS  (60000 * MS)
#define NOBODY        0x7000

/* ---- caller ---- */

static void caller(domid_t listener)
{
    evtchn_port_t port = peer_connect(listener, PEER_WAIT_NS);

    printk("caller: bound local port %u to d%u\n", port, listener);
    if (!port)
        return;
    peer_port_send(port);
    if (!peer_port_wait(port, 10000 * MS)) {
        printk("caller: no answer\n");
        return;
    }
    /* Tell the listener its answer arrived. */
    peer_port_clear(port);
    peer_port_send(port);
}

/* ---- listener ---- */

static evtchn_port_t listen_port;
static domid_t peer;

/* Runs first: the caller does its part and powers off; the listener goes on. */
TEST(role)
{
    if (!peer_role_is("listener")) {
        caller((domid_t)peer_option("peer", 0));
        shutdown(SHUTDOWN_poweroff);
    }
    EXPECT_NE(peer_option("peer", 0), 0);
}

TEST(listener_waits_for_the_caller)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF };
    struct evtchn_status st;

    EXPECT_OK(traps_install());
    shared_info_map()->vcpu_info[0].evtchn_upcall_mask = 1;
    peer = (domid_t)peer_option("peer", 0);
    EXPECT_NE(peer, 0);
    alloc.remote_dom = peer;
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc));
    listen_port = alloc.port;
    st = peer_port_status(listen_port);
    /* The caller, created first, may bind the port before we look (seen on
     * Xen 4.17): then it is already connected to the peer. */
    if (st.status == EVTCHNSTAT_interdomain) {
        EXPECT_EQ(st.u.interdomain.dom, peer);
    } else {
        EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
        EXPECT_EQ(st.u.unbound.dom, peer);
    }
}

TEST(send_on_a_port_nobody_bound_is_dropped)
{
    /* Kept for a domain that never comes: the caller cannot take it (on two
     * pCPUs it may already have bound listen_port by now). */
    evtchn_port_t lonely = peer_listen(NOBODY);

    EXPECT_NE(lonely, 0);
    EXPECT_OK(peer_port_send(lonely));
    EXPECT_EQ(peer_port_pending(lonely), 0);
    EXPECT_EQ(peer_port_status(lonely).status, EVTCHNSTAT_unbound);
}

TEST(caller_connects_and_pings)
{
    struct evtchn_status st;

    EXPECT_TRUE(peer_port_wait(listen_port, PEER_WAIT_NS));
    st = peer_port_status(listen_port);
    EXPECT_EQ(st.status, EVTCHNSTAT_interdomain);
    EXPECT_EQ(st.u.interdomain.dom, peer);
    testfw_note(testfw_current, "peer d%u bound its port %u to our port %u", peer,
                st.u.interdomain.port, listen_port);
    peer_port_clear(listen_port);
    EXPECT_OK(peer_port_send(listen_port));
    /* The caller acknowledges our answer with a second notification. */
    EXPECT_TRUE(peer_port_wait(listen_port, 10000 * MS));
    peer_port_clear(listen_port);
}

TEST(peer_death_leaves_our_port_unbound)
{
    uint64_t end = system_time_ns() + PEER_WAIT_NS;
    struct evtchn_status st = peer_port_status(listen_port);

    while (st.status == EVTCHNSTAT_interdomain && system_time_ns() < end) {
        peer_sleep_ns(50 * MS);
        st = peer_port_status(listen_port);
    }
    EXPECT_EQ(st.status, EVTCHNSTAT_unbound);
    EXPECT_EQ(st.u.unbound.dom, peer);
    /* Whether the hypervisor also raised our end when the peer died. */
    testfw_note(testfw_current, "our port pending after the peer's death: %d",
                peer_port_pending(listen_port));
    /* Our end may be bound again by a new peer: it still belongs to us. */
    EXPECT_OK(peer_port_send(listen_port));
}
