/*
 * time: what a PV kernel builds its clocks on. The pvclock record of each
 * vcpu (system time), the wall clock in shared_info, the one-shot and
 * periodic timers delivering VIRQ_TIMER, and dom0 setting the wall clock.
 * Expected values are Xen 4.17's; durations are checked loosely because
 * QEMU's TCG runs at no fixed speed.
 */
#include "lib/kernel.h"
#include "lib/events.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/platform.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char kernel_name[] = "time";

#define MS                 1000000ULL
#define JAN_2020           1577836800ULL  /* seconds since the epoch */
#define JAN_2100           4102444800ULL

static evtchn_port_t timer_port;
static volatile unsigned int timer_events;

static void sleep_ns(uint64_t ns)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct sched_poll poll = { .nr_ports = 1 };
    struct evtchn_close close;

    HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc);
    set_xen_guest_handle(poll.ports, &alloc.port);
    poll.timeout = system_time_ns() + ns;
    while (system_time_ns() < poll.timeout)
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    close.port = alloc.port;
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
}

static void read_wallclock(uint32_t *version, uint64_t *sec, uint32_t *nsec)
{
    volatile shared_info_t *s = shared_info_map();
    uint32_t v;

    do {
        v = s->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        *sec = ((uint64_t)s->wc_sec_hi << 32) | s->wc_sec;
        *nsec = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != s->wc_version);
    *version = v;
}

TEST(setup)
{
    EXPECT_OK(events_setup_quiet_timer(&timer_port));
}

TEST(pvclock_parameters)
{
    const vcpu_time_info_t *t = &shared_info_map()->vcpu_info[0].time;

    EXPECT_EQ(t->version % 2, 0);
    EXPECT_NE(t->tsc_to_system_mul, 0);
    EXPECT_TRUE(t->tsc_shift >= -32 && t->tsc_shift <= 32);
    EXPECT_TRUE(t->system_time > 0);
    testfw_note(testfw_current, "mul %u shift %d flags %#x", t->tsc_to_system_mul,
                t->tsc_shift, t->flags);
}

TEST(system_time_is_monotonic_and_advances)
{
    uint64_t previous = system_time_ns(), start = previous, elapsed;
    int backwards = 0;

    for (int i = 0; i < 10000; i++) {
        uint64_t now = system_time_ns();
        if (now < previous)
            backwards++;
        previous = now;
    }
    EXPECT_EQ(backwards, 0);
    start = system_time_ns();
    sleep_ns(20 * MS);
    elapsed = system_time_ns() - start;
    EXPECT_TRUE(elapsed >= 20 * MS);
    EXPECT_TRUE(elapsed < 2000 * MS);
}

TEST(wallclock_is_set)
{
    uint32_t version, nsec;
    uint64_t sec;

    read_wallclock(&version, &sec, &nsec);
    EXPECT_EQ(version % 2, 0);
    /* Boot time in seconds since the epoch: QEMU's RTC follows the host clock. */
    EXPECT_TRUE(sec > JAN_2020 && sec < JAN_2100);
    EXPECT_TRUE(nsec < 1000000000U);
}

TEST(singleshot_timer_fires_once)
{
    unsigned int before;

    event_forget(timer_port);
    EXPECT_OK(HYPERVISOR_set_timer_op(system_time_ns() + 5 * MS));
    while (!event_seen(timer_port))
        HYPERVISOR_sched_op(SCHEDOP_block, 0);
    EXPECT_TRUE(event_seen(timer_port));
    /* Nothing more arrives: the timer is one-shot. */
    event_forget(timer_port);
    before = event_upcalls;
    sleep_ns(30 * MS);
    EXPECT_EQ(event_seen(timer_port), 0);
    EXPECT_EQ(event_upcalls, before);
}

TEST(deadline_in_the_past_fires_at_once)
{
    event_forget(timer_port);
    EXPECT_OK(HYPERVISOR_set_timer_op(system_time_ns() - 1 * MS));
    /* Delivered on the way back from the hypercall, or at the latest on the next. */
    if (!event_seen(timer_port))
        HYPERVISOR_xen_version(0, 0);
    EXPECT_TRUE(event_seen(timer_port));
}

TEST(periodic_timer)
{
    struct vcpu_set_periodic_timer too_fast = { .period_ns = MS / 10 };
    struct vcpu_set_periodic_timer period = { .period_ns = 10 * MS };
    unsigned int ticks = 0;
    uint64_t end;

    /* Periods under a millisecond are refused. */
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &too_fast), XEN_EINVAL);
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &period));
    /*
     * Xen 4.17 does not wake a blocked vcpu with its periodic timer (a
     * SCHEDOP_block loop here never returned); idle vcpus rely on the
     * one-shot timer, as Linux does. So spin and count the upcalls.
     */
    event_forget(timer_port);
    end = system_time_ns() + 100 * MS;
    while (system_time_ns() < end) {
        if (event_seen(timer_port)) {
            event_forget(timer_port);
            ticks++;
        }
        asm volatile("pause");
    }
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0));
    testfw_note(testfw_current, "%u ticks of 10 ms in 100 ms", ticks);
    /* Periodic: several ticks; at 10 ms never more than about ten (TCG may drop some). */
    EXPECT_TRUE(ticks >= 3 && ticks <= 12);
}

TEST(dom0_sets_the_wallclock)
{
    struct xen_platform_op op = {
        .cmd = XENPF_settime64, .interface_version = XENPF_INTERFACE_VERSION,
    };
    uint32_t version_before, version, nsec;
    uint64_t sec;

    read_wallclock(&version_before, &sec, &nsec);
    /* Claim that at system time 0 it was 2030-01-01 00:00:00.5. */
    op.u.settime64.secs = 1893456000ULL;
    op.u.settime64.nsecs = 500000000;
    op.u.settime64.system_time = 0;
    EXPECT_OK(HYPERVISOR_platform_op(&op));
    read_wallclock(&version, &sec, &nsec);
    EXPECT_NE(version, version_before);
    EXPECT_EQ(sec, 1893456000ULL);
    EXPECT_EQ(nsec, 500000000);
    /* mbz must be zero. */
    op.u.settime64.mbz = 1;
    EXPECT_ERRNO(HYPERVISOR_platform_op(&op), XEN_EINVAL);
}
