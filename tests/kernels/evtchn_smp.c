/*
 * evtchn_smp: events between the vcpus of one domain. IPIs each way, a
 * per-vcpu VIRQ_TIMER on the second vcpu, bind_vcpu moving a channel to
 * it, and delivery into the right vcpu_info (selector and upcall flag of
 * the notified vcpu only). Booted with two vcpus for dom0, as smp is.
 *
 * Both vcpus keep events masked and wait with SCHEDOP_poll, so no upcall
 * handler is involved: what is checked is where the hypervisor put the
 * bits and whom it woke.
 */
#include "lib/kernel.h"
#include "lib/traps.h"
#include "lib/vcpus.h"

#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char kernel_name[] = "evtchn_smp";

#define MS          1000000ULL
#define ROUND_TRIPS 50

static char secondary_stack[4 * PAGE_SIZE] __attribute__((aligned(16)));
static vcpu_guest_context_t context;

/* Set up by vcpu 0 before vcpu 1 starts. */
static evtchn_port_t to_vcpu0, to_vcpu1, timer1, moved;
/* Reported by vcpu 1. */
static volatile unsigned int pings_seen, pings_in_vcpu1_info, vcpu0_disturbed;
static volatile int timer1_fired, moved_seen, moved_in_vcpu1_info, moved_disturbed_vcpu0;
static volatile int64_t timer1_lateness;
static volatile int secondary_done;


static int pending(evtchn_port_t port)
{
    return (shared_info_map()->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&shared_info_map()->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

/* The upcall flag and selector of a vcpu, as a guest's handler would take them. */
static void ack_vcpu(unsigned int vcpu)
{
    vcpu_info_t *v = &shared_info_map()->vcpu_info[vcpu];

    v->evtchn_upcall_pending = 0;
    __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

/*
 * The hypervisor raises an event in three steps: the port's pending bit,
 * then the selector and upcall flag of the vcpu it is bound to. The
 * sender may be another pCPU still between them while we already see the
 * port, so an event counts as arrived once the last step is visible too;
 * acknowledging any earlier would leave a stale upcall flag behind (the
 * "stray upcall on vcpu 0" this kernel used to report on Xen).
 */
static int arrived(evtchn_port_t port, unsigned int vcpu)
{
    return pending(port) && shared_info_map()->vcpu_info[vcpu].evtchn_upcall_pending;
}

/* Waits (blocked) until port's event reached vcpu or timeout_ns passes; 1 if it came. */
static int wait_port(evtchn_port_t port, unsigned int vcpu, uint64_t timeout_ns)
{
    struct sched_poll poll = { .nr_ports = 1 };
    uint64_t end = system_time_ns() + timeout_ns;

    set_xen_guest_handle(poll.ports, &port);
    poll.timeout = end;
    while (!arrived(port, vcpu) && system_time_ns() < end)
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    return arrived(port, vcpu);
}

static void send(evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

static uint64_t vcpu1_time_ns(void)
{
    const volatile vcpu_time_info_t *t = &shared_info_map()->vcpu_info[1].time;
    uint32_t version;
    uint64_t delta, ns;
    uint32_t lo, hi;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
        delta = (((uint64_t)hi << 32) | lo) - t->tsc_timestamp;
        delta = t->tsc_shift >= 0 ? delta << t->tsc_shift : delta >> -t->tsc_shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((version & 1) || version != t->version);
    return ns;
}

static void secondary_pings(void)
{
    vcpu_info_t *v1 = &shared_info_map()->vcpu_info[1];
    vcpu_info_t *v0 = &shared_info_map()->vcpu_info[0];

    for (unsigned int i = 0; i < ROUND_TRIPS; i++) {
        if (!wait_port(to_vcpu1, 1, 2000 * MS))
            return;
        pings_seen++;
        /* Raised in our vcpu_info (masked: no upcall), not in vcpu 0's. */
        if (v1->evtchn_upcall_pending && (v1->evtchn_pending_sel >> (to_vcpu1 / 64)) & 1)
            pings_in_vcpu1_info++;
        if (v0->evtchn_upcall_pending)
            vcpu0_disturbed++;
        clear_pending(to_vcpu1);
        ack_vcpu(1);
        send(to_vcpu0);
    }
}

static void secondary_timer(void)
{
    struct vcpu_set_singleshot_timer t;

    /* The periodic timer of a fresh vcpu would raise the port too. */
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 1, 0);
    clear_pending(timer1);
    t.timeout_abs_ns = vcpu1_time_ns() + 10 * MS;
    t.flags = 0;
    HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 1, &t);
    timer1_fired = wait_port(timer1, 1, 1000 * MS);
    timer1_lateness = (int64_t)(vcpu1_time_ns() - t.timeout_abs_ns);
    clear_pending(timer1);
    ack_vcpu(1);
}

static void __attribute__((noreturn)) secondary_main(void)
{
    secondary_pings();
    secondary_timer();
    send(to_vcpu0);
    moved_seen = wait_port(moved, 1, 2000 * MS);
    moved_in_vcpu1_info = shared_info_map()->vcpu_info[1].evtchn_upcall_pending;
    moved_disturbed_vcpu0 = shared_info_map()->vcpu_info[0].evtchn_upcall_pending;
    ack_vcpu(1);
    secondary_done = 1;
    send(to_vcpu0);
    for (;;)
        HYPERVISOR_vcpu_op(VCPUOP_down, 1, 0);
}

TEST(ports_for_each_vcpu)
{
    struct evtchn_bind_ipi ipi0 = { .vcpu = 0 }, ipi1 = { .vcpu = 1 };
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = 1 };
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bind = { .remote_dom = DOMID_SELF };
    struct evtchn_bind_vcpu to1;
    struct evtchn_status status = { .dom = DOMID_SELF };

    EXPECT_OK(traps_install());
    shared_info_map()->vcpu_info[0].evtchn_upcall_mask = 1;
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi0));
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &ipi1));
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &virq));
    to_vcpu0 = ipi0.port;
    to_vcpu1 = ipi1.port;
    timer1 = virq.port;
    status.port = to_vcpu1;
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_status, &status));
    EXPECT_EQ(status.status, EVTCHNSTAT_ipi);
    EXPECT_EQ(status.vcpu, 1);
    status.port = timer1;
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_status, &status));
    EXPECT_EQ(status.vcpu, 1);

    /* A loopback channel whose receiving end is moved to vcpu 1. */
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc));
    bind.remote_port = alloc.port;
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind));
    moved = alloc.port;
    to1 = (struct evtchn_bind_vcpu){ .port = moved, .vcpu = 1 };
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu, &to1));
    /* Binding raised our end once; start clean. */
    clear_pending(bind.local_port);
    clear_pending(moved);
    ack_vcpu(0);
}

TEST(ipis_go_both_ways)
{
    unsigned int answered = 0;

    vcpu_context_prepare(&context, secondary_main, secondary_stack, sizeof(secondary_stack));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &context));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_up, 1, 0));
    for (unsigned int i = 0; i < ROUND_TRIPS; i++) {
        send(to_vcpu1);
        if (!wait_port(to_vcpu0, 0, 2000 * MS))
            break;
        clear_pending(to_vcpu0);
        ack_vcpu(0);
        answered++;
    }
    EXPECT_EQ(answered, ROUND_TRIPS);
    EXPECT_EQ(pings_seen, ROUND_TRIPS);
    EXPECT_EQ(pings_in_vcpu1_info, ROUND_TRIPS);
    /* Nothing for vcpu 0 while vcpu 1 handles a ping (see arrived()). */
    EXPECT_EQ(vcpu0_disturbed, 0);
}

TEST(second_vcpu_has_its_own_timer)
{
    EXPECT_TRUE(wait_port(to_vcpu0, 0, 3000 * MS));
    clear_pending(to_vcpu0);
    ack_vcpu(0);
    EXPECT_EQ(timer1_fired, 1);
    testfw_note(testfw_current, "vcpu 1 timer lateness %lld ns", (long long)timer1_lateness);
    EXPECT_TRUE(timer1_lateness >= 0);
}

TEST(bind_vcpu_moves_delivery)
{
    evtchn_port_t sender = 0;
    struct evtchn_status status = { .dom = DOMID_SELF, .port = moved };

    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_status, &status));
    sender = status.u.interdomain.port;
    send(sender);
    EXPECT_TRUE(wait_port(to_vcpu0, 0, 3000 * MS));
    EXPECT_EQ(moved_seen, 1);
    EXPECT_EQ(secondary_done, 1);
    /* The event went to vcpu 1's vcpu_info, and vcpu 0 was left alone. */
    EXPECT_EQ(moved_in_vcpu1_info, 1);
    EXPECT_EQ(moved_disturbed_vcpu0, 0);
}
