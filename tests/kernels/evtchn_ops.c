/*
 * evtchn_ops: the event-channel operations evtchn.c does not reach, with
 * the errors Xen 4.17 gives: VIRQ_DEBUG and global VIRQs, bind_vcpu,
 * port 0 and double close, send on ports that cannot send, unmask of a
 * closed port, SCHEDOP_poll on a pending port and its limits, and
 * EVTCHNOP_reset closing everything; the refusals of bind_interdomain
 * (no such domain, a port already bound, a port kept for another domain),
 * of bind_pirq for dom0 (no such pirq, one never mapped), of status and
 * reset naming a missing domain, and the 2-level ABI's port limit.
 */
#include "lib/kernel.h"
#include "lib/events.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/sched.h>

const char kernel_name[] = "evtchn_ops";

#define NO_SUCH_VCPU   5
#define NO_SUCH_DOMAIN 0x7000
#define BEYOND_PIRQS   (1u << 24)
/* dom0 never mapped it (PHYSDEVOP_map_pirq), and it is no legacy ISA line. */
#define UNMAPPED_PIRQ  200
/* The 2-level ABI names ports with 64 words of 64 bits. */
#define TWO_LEVEL_PORTS 4096

static long evtchn_op(unsigned int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

static evtchn_port_t alloc_loopback_unbound(void)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };

    return evtchn_op(EVTCHNOP_alloc_unbound, &alloc) == 0 ? alloc.port : 0;
}

static uint32_t port_status(evtchn_port_t port, uint32_t *vcpu)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = port };

    if (evtchn_op(EVTCHNOP_status, &st) != 0)
        return 0xffffffffu;
    if (vcpu)
        *vcpu = st.vcpu;
    return st.status;
}

TEST(setup)
{
    EXPECT_OK(traps_install());
    EXPECT_OK(events_init());
}

TEST(debug_virq_binds_once_per_vcpu)
{
    struct evtchn_bind_virq virq = { .virq = VIRQ_DEBUG, .vcpu = 0 };
    struct evtchn_close close;
    evtchn_port_t first;

    EXPECT_OK(evtchn_op(EVTCHNOP_bind_virq, &virq));
    first = virq.port;
    EXPECT_EQ(port_status(first, 0), EVTCHNSTAT_virq);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_virq, &virq), XEN_EEXIST);
    close.port = first;
    EXPECT_OK(evtchn_op(EVTCHNOP_close, &close));
    /* Closed, it can be bound again (to the lowest free port). */
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_virq, &virq));
    EXPECT_EQ(virq.port, first);
}

TEST(global_virqs_bind_on_vcpu0_and_move_with_bind_vcpu)
{
    struct evtchn_bind_virq on_vcpu1 = { .virq = VIRQ_DOM_EXC, .vcpu = 1 };
    struct evtchn_bind_virq dom_exc = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    struct evtchn_bind_virq timer = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    struct evtchn_bind_vcpu move;
    uint32_t vcpu = 99;

    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_virq, &on_vcpu1), XEN_EINVAL);
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_virq, &dom_exc));
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_virq, &timer));
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_ipi, &ipi));

    move = (struct evtchn_bind_vcpu){ .port = dom_exc.port, .vcpu = 0 };
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_vcpu, &move));
    EXPECT_EQ(port_status(dom_exc.port, &vcpu), EVTCHNSTAT_virq);
    EXPECT_EQ(vcpu, 0);
    move.vcpu = NO_SUCH_VCPU;
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_vcpu, &move), XEN_ENOENT);
    /* Per-vcpu VIRQs and IPIs belong to their vcpu. */
    move = (struct evtchn_bind_vcpu){ .port = timer.port, .vcpu = 0 };
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_vcpu, &move), XEN_EINVAL);
    move.port = ipi.port;
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_vcpu, &move), XEN_EINVAL);
    /* An unbound port may be moved before anyone connects. */
    move.port = alloc_loopback_unbound();
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_vcpu, &move));
    move.port = 100000;
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_vcpu, &move), XEN_EINVAL);
}

TEST(ipi_to_a_missing_vcpu_is_refused)
{
    struct evtchn_bind_ipi ipi = { .vcpu = NO_SUCH_VCPU };

    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_ipi, &ipi), XEN_ENOENT);
}

TEST(port_zero_and_double_close)
{
    struct evtchn_close close = { .port = 0 };
    evtchn_port_t port = alloc_loopback_unbound();

    EXPECT_EQ(port_status(0, 0), EVTCHNSTAT_closed);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_close, &close), XEN_EINVAL);
    close.port = port;
    EXPECT_OK(evtchn_op(EVTCHNOP_close, &close));
    EXPECT_EQ(port_status(port, 0), EVTCHNSTAT_closed);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_close, &close), XEN_EINVAL);
}

TEST(send_rules)
{
    struct evtchn_bind_virq virq = { .virq = VIRQ_CON_RING, .vcpu = 0 };
    struct evtchn_send send;

    /* Nobody listens on an unbound port yet: the send is dropped, not refused. */
    send.port = alloc_loopback_unbound();
    EXPECT_OK(evtchn_op(EVTCHNOP_send, &send));
    EXPECT_EQ(event_port_pending(send.port), 0);
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_virq, &virq));
    send.port = virq.port;
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_send, &send), XEN_EINVAL);
}

TEST(unmask_of_a_closed_port_is_harmless)
{
    struct evtchn_unmask unmask = { .port = 60 };

    EXPECT_EQ(port_status(60, 0), EVTCHNSTAT_closed);
    EXPECT_OK(evtchn_op(EVTCHNOP_unmask, &unmask));
}

TEST(poll_returns_at_once_for_a_pending_port)
{
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    struct evtchn_send send;
    struct sched_poll poll = { .nr_ports = 1 };
    evtchn_port_t many[129];
    uint64_t start;

    EXPECT_OK(evtchn_op(EVTCHNOP_bind_ipi, &ipi));
    event_port_set_mask(ipi.port, 1);
    send.port = ipi.port;
    EXPECT_OK(evtchn_op(EVTCHNOP_send, &send));
    EXPECT_EQ(event_port_pending(ipi.port), 1);
    set_xen_guest_handle(poll.ports, &ipi.port);
    start = system_time_ns();
    poll.timeout = start + 2000ULL * 1000 * 1000;
    EXPECT_OK(HYPERVISOR_sched_op(SCHEDOP_poll, &poll));
    EXPECT_TRUE(system_time_ns() < poll.timeout);

    for (unsigned int i = 0; i < 129; i++)
        many[i] = ipi.port;
    set_xen_guest_handle(poll.ports, many);
    poll.nr_ports = 129;
    EXPECT_ERRNO(HYPERVISOR_sched_op(SCHEDOP_poll, &poll), XEN_EINVAL);
    /* A port number beyond what the ABI can name. */
    many[0] = 5000;
    poll.nr_ports = 1;
    EXPECT_ERRNO(HYPERVISOR_sched_op(SCHEDOP_poll, &poll), XEN_EINVAL);
    event_port_set_mask(ipi.port, 0);
}

TEST(bind_interdomain_refusals)
{
    struct evtchn_bind_interdomain bind = { .remote_dom = NO_SUCH_DOMAIN, .remote_port = 1 };
    struct evtchn_alloc_unbound for_other = { .dom = DOMID_SELF, .remote_dom = NO_SUCH_DOMAIN };
    evtchn_port_t unbound = alloc_loopback_unbound();

    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_interdomain, &bind), XEN_ESRCH);
    bind = (struct evtchn_bind_interdomain){ .remote_dom = DOMID_SELF, .remote_port = unbound };
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_interdomain, &bind));
    /* The unbound end is taken now: a second binder finds it interdomain. */
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_interdomain, &bind), XEN_EINVAL);
    EXPECT_EQ(port_status(unbound, 0), EVTCHNSTAT_interdomain);
    /* A port kept for another domain is not ours to bind. */
    EXPECT_OK(evtchn_op(EVTCHNOP_alloc_unbound, &for_other));
    bind.remote_port = for_other.port;
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_interdomain, &bind), XEN_EINVAL);
    EXPECT_EQ(port_status(for_other.port, 0), EVTCHNSTAT_unbound);
    bind.remote_port = 100000;
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_interdomain, &bind), XEN_EINVAL);
}

TEST(bind_pirq_refusals_leave_no_port_behind)
{
    struct evtchn_bind_pirq beyond = { .pirq = BEYOND_PIRQS };
    struct evtchn_bind_pirq unmapped = { .pirq = UNMAPPED_PIRQ };
    evtchn_port_t before = alloc_loopback_unbound();
    struct evtchn_close close = { .port = before };

    EXPECT_OK(evtchn_op(EVTCHNOP_close, &close));
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_pirq, &beyond), XEN_EINVAL);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_pirq, &unmapped), XEN_EPERM);
    /* Neither refusal kept the port it would have used. */
    EXPECT_EQ(alloc_loopback_unbound(), before);
}

TEST(status_and_reset_of_a_missing_domain)
{
    struct evtchn_status st = { .dom = NO_SUCH_DOMAIN, .port = 1 };
    struct evtchn_reset reset = { .dom = NO_SUCH_DOMAIN };

    EXPECT_ERRNO(evtchn_op(EVTCHNOP_status, &st), XEN_ESRCH);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_reset, &reset), XEN_ESRCH);
}

TEST(reset_closes_every_port)
{
    struct evtchn_reset reset = { .dom = DOMID_SELF };
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    evtchn_port_t unbound = alloc_loopback_unbound();

    EXPECT_OK(evtchn_op(EVTCHNOP_bind_ipi, &ipi));
    EXPECT_OK(evtchn_op(EVTCHNOP_reset, &reset));
    EXPECT_EQ(port_status(unbound, 0), EVTCHNSTAT_closed);
    EXPECT_EQ(port_status(ipi.port, 0), EVTCHNSTAT_closed);
    /* Ports are handed out from the bottom again. */
    EXPECT_EQ(alloc_loopback_unbound(), 1);
}

TEST(ports_run_out_at_the_two_level_limit)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_reset reset = { .dom = DOMID_SELF };
    struct evtchn_close close = { .port = 77 };
    evtchn_port_t last = 0;
    long rc;

    while ((rc = evtchn_op(EVTCHNOP_alloc_unbound, &alloc)) == 0 && alloc.port < 2 * TWO_LEVEL_PORTS)
        last = alloc.port;
    EXPECT_EQ(rc, -XEN_ENOSPC);
    EXPECT_EQ(last, TWO_LEVEL_PORTS - 1);
    EXPECT_EQ(port_status(TWO_LEVEL_PORTS - 1, 0), EVTCHNSTAT_unbound);
    /* Freeing one makes room for exactly one. */
    EXPECT_OK(evtchn_op(EVTCHNOP_close, &close));
    EXPECT_OK(evtchn_op(EVTCHNOP_alloc_unbound, &alloc));
    EXPECT_EQ(alloc.port, 77);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_alloc_unbound, &alloc), XEN_ENOSPC);
    EXPECT_OK(evtchn_op(EVTCHNOP_reset, &reset));
    EXPECT_EQ(alloc_loopback_unbound(), 1);
}
