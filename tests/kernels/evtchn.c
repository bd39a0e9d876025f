/*
 * evtchn: event channels and their delivery to a PV kernel. Loopback
 * interdomain channels (dom0 to itself), IPIs and the timer virq; the
 * pending/selector/upcall bits in shared_info; masking per port and per
 * vcpu; blocking until an event; and the errors of each operation, as
 * Xen 4.17 returns them.
 */
#include "lib/kernel.h"
#include "lib/events.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char kernel_name[] = "evtchn";

#define UNMAPPED_ADDR 0x1000UL
#define BAD_PORT      100000

static evtchn_port_t unbound_port, local_port;

static long evtchn_op(unsigned int cmd, void *arg)
{
    return HYPERVISOR_event_channel_op(cmd, arg);
}

TEST(setup)
{
    EXPECT_OK(traps_install());
    EXPECT_OK(events_init());
}

TEST(loopback_interdomain_channel)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
    struct evtchn_status status = { .dom = DOMID_SELF };

    EXPECT_OK(evtchn_op(EVTCHNOP_alloc_unbound, &alloc));
    unbound_port = alloc.port;
    /* Port 0 is never handed out. */
    EXPECT_TRUE(unbound_port > 0);
    status.port = unbound_port;
    EXPECT_OK(evtchn_op(EVTCHNOP_status, &status));
    EXPECT_EQ(status.status, EVTCHNSTAT_unbound);
    EXPECT_EQ(status.u.unbound.dom, 0);

    bind.remote_port = unbound_port;
    EXPECT_OK(evtchn_op(EVTCHNOP_bind_interdomain, &bind));
    local_port = bind.local_port;
    EXPECT_NE(local_port, unbound_port);
    EXPECT_OK(evtchn_op(EVTCHNOP_status, &status));
    EXPECT_EQ(status.status, EVTCHNSTAT_interdomain);
    EXPECT_EQ(status.u.interdomain.port, local_port);
    EXPECT_EQ(status.vcpu, 0);
    /*
     * Binding raises the new local port once, in case the peer signalled
     * the unbound port before anyone listened.
     */
    EXPECT_EQ(event_port_pending(local_port), 1);
    EXPECT_EQ(event_port_pending(unbound_port), 0);
}

TEST(send_while_masked_only_marks_pending)
{
    struct evtchn_send send = { .port = local_port };
    vcpu_info_t *v = &shared_info_map()->vcpu_info[0];
    unsigned int before = event_upcalls;

    events_disable();
    EXPECT_OK(evtchn_op(EVTCHNOP_send, &send));
    /* Sending on one end raises the other end. */
    EXPECT_EQ(event_port_pending(unbound_port), 1);
    EXPECT_NE(v->evtchn_pending_sel & (1UL << (unbound_port / 64)), 0);
    EXPECT_EQ(v->evtchn_upcall_pending, 1);
    EXPECT_EQ(event_upcalls, before);
}

TEST(unmasking_delivers_the_upcall)
{
    unsigned int before = event_upcalls;

    events_enable();
    EXPECT_EQ(event_upcalls, before + 1);
    EXPECT_TRUE(event_seen(unbound_port));
    EXPECT_EQ(event_port_pending(unbound_port), 0);
    EXPECT_EQ(shared_info_map()->vcpu_info[0].evtchn_upcall_pending, 0);
    /* The upcall masked events while it ran; its return unmasked them again. */
    EXPECT_EQ(shared_info_map()->vcpu_info[0].evtchn_upcall_mask, 0);
}

TEST(send_while_enabled_upcalls_at_once)
{
    struct evtchn_send send = { .port = unbound_port };
    unsigned int before = event_upcalls;

    event_forget(local_port);
    EXPECT_OK(evtchn_op(EVTCHNOP_send, &send));
    EXPECT_EQ(event_upcalls, before + 1);
    EXPECT_TRUE(event_seen(local_port));
}

TEST(port_mask_holds_the_event_until_unmask)
{
    struct evtchn_send send = { .port = local_port };
    struct evtchn_unmask unmask = { .port = unbound_port };
    unsigned int before = event_upcalls;

    event_forget(unbound_port);
    event_port_set_mask(unbound_port, 1);
    EXPECT_OK(evtchn_op(EVTCHNOP_send, &send));
    EXPECT_EQ(event_port_pending(unbound_port), 1);
    EXPECT_EQ(event_upcalls, before);
    /* EVTCHNOP_unmask notices the pending event and raises the upcall. */
    EXPECT_OK(evtchn_op(EVTCHNOP_unmask, &unmask));
    EXPECT_EQ(event_upcalls, before + 1);
    EXPECT_TRUE(event_seen(unbound_port));
}

TEST(ipi_to_self)
{
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    struct evtchn_status status = { .dom = DOMID_SELF };
    struct evtchn_send send;
    struct evtchn_close close;

    EXPECT_OK(evtchn_op(EVTCHNOP_bind_ipi, &ipi));
    status.port = ipi.port;
    EXPECT_OK(evtchn_op(EVTCHNOP_status, &status));
    EXPECT_EQ(status.status, EVTCHNSTAT_ipi);
    send.port = ipi.port;
    EXPECT_OK(evtchn_op(EVTCHNOP_send, &send));
    EXPECT_TRUE(event_seen(ipi.port));
    close.port = ipi.port;
    EXPECT_OK(evtchn_op(EVTCHNOP_close, &close));
    EXPECT_OK(evtchn_op(EVTCHNOP_status, &status));
    EXPECT_EQ(status.status, EVTCHNSTAT_closed);
}

TEST(timer_virq_wakes_a_blocked_vcpu)
{
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_status status = { .dom = DOMID_SELF };
    uint64_t start, deadline;

    EXPECT_OK(evtchn_op(EVTCHNOP_bind_virq, &virq));
    status.port = virq.port;
    EXPECT_OK(evtchn_op(EVTCHNOP_status, &status));
    EXPECT_EQ(status.status, EVTCHNSTAT_virq);
    EXPECT_EQ(status.u.virq, VIRQ_TIMER);

    /* Xen gives every PV vcpu a 100 Hz periodic timer until it is stopped. */
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0));
    event_forget(virq.port);
    start = system_time_ns();
    deadline = start + 20 * 1000 * 1000;  /* 20 ms */
    EXPECT_OK(HYPERVISOR_set_timer_op(deadline));
    /* Block until an event: sched_op(block) re-enables delivery and sleeps. */
    while (!event_seen(virq.port))
        HYPERVISOR_sched_op(SCHEDOP_block, 0);
    EXPECT_TRUE(event_seen(virq.port));
    testfw_note(testfw_current, "woke %lld ns after the deadline",
                (long long)(system_time_ns() - deadline));
    EXPECT_TRUE(system_time_ns() >= deadline);
    /* A second binding of the same virq on the same vcpu is refused. */
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_virq, &virq), XEN_EEXIST);
}

TEST(poll_times_out_without_an_event)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    evtchn_port_t port;
    struct sched_poll poll = { .nr_ports = 1 };
    uint64_t start;

    EXPECT_OK(evtchn_op(EVTCHNOP_alloc_unbound, &alloc));
    port = alloc.port;
    set_xen_guest_handle(poll.ports, &port);
    start = system_time_ns();
    poll.timeout = start + 10 * 1000 * 1000;
    EXPECT_OK(HYPERVISOR_sched_op(SCHEDOP_poll, &poll));
    EXPECT_TRUE(system_time_ns() >= poll.timeout);
    EXPECT_ERRNO(HYPERVISOR_sched_op(SCHEDOP_poll, UNMAPPED_ADDR), XEN_EFAULT);
}

TEST(closing_one_end_unbinds_the_other)
{
    struct evtchn_close close = { .port = local_port };
    struct evtchn_status status = { .dom = DOMID_SELF, .port = unbound_port };

    EXPECT_OK(evtchn_op(EVTCHNOP_close, &close));
    EXPECT_OK(evtchn_op(EVTCHNOP_status, &status));
    EXPECT_EQ(status.status, EVTCHNSTAT_unbound);
    close.port = unbound_port;
    EXPECT_OK(evtchn_op(EVTCHNOP_close, &close));
    EXPECT_OK(evtchn_op(EVTCHNOP_status, &status));
    EXPECT_EQ(status.status, EVTCHNSTAT_closed);
}

TEST(refusals)
{
    struct evtchn_bind_virq bad_virq = { .virq = NR_VIRQS, .vcpu = 0 };
    struct evtchn_bind_virq bad_vcpu = { .virq = VIRQ_DEBUG, .vcpu = 5 };
    struct evtchn_send send = { .port = BAD_PORT };
    struct evtchn_close close = { .port = BAD_PORT };
    struct evtchn_unmask unmask = { .port = BAD_PORT };
    struct evtchn_status status = { .dom = DOMID_SELF, .port = BAD_PORT };
    struct evtchn_bind_interdomain not_unbound = { .remote_dom = DOMID_SELF, .remote_port = 0 };
    struct evtchn_alloc_unbound no_domain = { .dom = 0x7000, .remote_dom = DOMID_SELF };
    /* The peer need not exist yet: it is only named, not looked up. */
    struct evtchn_alloc_unbound future_peer = { .dom = DOMID_SELF, .remote_dom = 0x7000 };

    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_virq, &bad_virq), XEN_EINVAL);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_virq, &bad_vcpu), XEN_ENOENT);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_send, &send), XEN_EINVAL);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_close, &close), XEN_EINVAL);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_unmask, &unmask), XEN_EINVAL);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_status, &status), XEN_EINVAL);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_bind_interdomain, &not_unbound), XEN_EINVAL);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_alloc_unbound, &no_domain), XEN_ESRCH);
    EXPECT_OK(evtchn_op(EVTCHNOP_alloc_unbound, &future_peer));
    EXPECT_ERRNO(evtchn_op(99, &status), XEN_ENOSYS);
    EXPECT_ERRNO(evtchn_op(EVTCHNOP_send, (void *)UNMAPPED_ADDR), XEN_EFAULT);
}
