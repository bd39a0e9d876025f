/*
 * time: guest time as a PV kernel sees it. The vcpu_time_info record
 * (version protocol, scale), the shared_info wallclock, singleshot and
 * periodic vcpu timers delivered as VIRQ_TIMER (accuracy in guest time),
 * set_timer_op, run-state accounting and the errors, as Xen 4.17 does them.
 */
#include "lib/kernel.h"
#include "lib/events.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char kernel_name[] = "time";

#define MS            1000000ULL
#define UNMAPPED_ADDR 0x1000UL
#define NO_SUCH_VCPU  100
/* 2020-01-01: any RTC QEMU gives is later than this. */
#define EPOCH_2020    1577836800ULL

static evtchn_port_t timer_port;

/* Blocks until the timer port fires or the guard time passes; returns the wake time. */
static uint64_t block_until_timer(uint64_t guard_ns)
{
    uint64_t give_up = system_time_ns() + guard_ns;

    while (!event_seen(timer_port) && system_time_ns() < give_up)
        HYPERVISOR_sched_op(SCHEDOP_block, 0);
    return system_time_ns();
}

static long singleshot(uint64_t deadline, unsigned int flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline, .flags = flags };

    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

TEST(setup)
{
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = 0 };

    EXPECT_OK(traps_install());
    EXPECT_OK(events_init());
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &virq));
    timer_port = virq.port;
    /* PV vcpus start with a 100 Hz periodic timer; the tests want silence. */
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0));
    events_enable();
}

TEST(time_record_is_consistent)
{
    const volatile vcpu_time_info_t *t = &shared_info_map()->vcpu_info[0].time;
    uint64_t prev = system_time_ns(), now;
    int backwards = 0;

    EXPECT_EQ(t->version & 1, 0);
    EXPECT_NE(t->version, 0);
    EXPECT_NE(t->tsc_to_system_mul, 0);
    EXPECT_TRUE(t->tsc_shift >= -31 && t->tsc_shift <= 31);
    for (int i = 0; i < 10000; i++) {
        now = system_time_ns();
        backwards += now < prev;
        prev = now;
    }
    EXPECT_EQ(backwards, 0);
    testfw_note(testfw_current, "system time %llu ns, mul %u shift %d",
                (unsigned long long)prev, t->tsc_to_system_mul, t->tsc_shift);
}

TEST(wallclock_is_published)
{
    const volatile shared_info_t *s = shared_info_map();
    uint64_t sec = ((uint64_t)s->wc_sec_hi << 32) | s->wc_sec;

    EXPECT_EQ(s->wc_version & 1, 0);
    EXPECT_TRUE(s->wc_nsec < 1000000000u);
    EXPECT_TRUE(sec + system_time_ns() / 1000000000ULL > EPOCH_2020);
    testfw_note(testfw_current, "wallclock at boot %llu s", (unsigned long long)sec);
}

TEST(singleshot_10ms_fires_on_time_in_guest_time)
{
    uint64_t start, deadline, woke;

    event_forget(timer_port);
    start = system_time_ns();
    deadline = start + 10 * MS;
    EXPECT_OK(singleshot(deadline, 0));
    woke = block_until_timer(500 * MS);
    EXPECT_TRUE(event_seen(timer_port));
    testfw_note(testfw_current, "woke %lld ns after the deadline", (long long)(woke - deadline));
    EXPECT_TRUE(woke >= deadline);
    EXPECT_TRUE(woke < deadline + 2 * MS);
}

TEST(singleshot_future_flag_refuses_a_past_deadline)
{
    uint64_t now = system_time_ns();

    EXPECT_ERRNO(singleshot(now - MS, VCPU_SSHOTTMR_future), XEN_ETIME);
    /* Without the flag a past deadline fires at once. */
    event_forget(timer_port);
    EXPECT_OK(singleshot(now - MS, 0));
    block_until_timer(100 * MS);
    EXPECT_TRUE(event_seen(timer_port));
    EXPECT_TRUE(system_time_ns() < now + 5 * MS);
}

TEST(stopped_singleshot_never_fires)
{
    uint64_t end;

    event_forget(timer_port);
    EXPECT_OK(singleshot(system_time_ns() + 5 * MS, 0));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0));
    end = system_time_ns() + 20 * MS;
    while (system_time_ns() < end)
        ;
    EXPECT_TRUE(!event_seen(timer_port));
}

TEST(set_timer_op_arms_and_cancels)
{
    uint64_t deadline, woke, end;

    event_forget(timer_port);
    deadline = system_time_ns() + 10 * MS;
    EXPECT_OK(HYPERVISOR_set_timer_op(deadline));
    woke = block_until_timer(500 * MS);
    EXPECT_TRUE(event_seen(timer_port));
    EXPECT_TRUE(woke >= deadline);

    event_forget(timer_port);
    EXPECT_OK(HYPERVISOR_set_timer_op(system_time_ns() + 5 * MS));
    EXPECT_OK(HYPERVISOR_set_timer_op(0));
    end = system_time_ns() + 20 * MS;
    while (system_time_ns() < end)
        ;
    EXPECT_TRUE(!event_seen(timer_port));
}

TEST(periodic_timer_ticks_at_its_period)
{
    struct vcpu_set_periodic_timer too_fast = { .period_ns = 999999 };
    struct vcpu_set_periodic_timer period = { .period_ns = 10 * MS };
    uint64_t end;
    unsigned int ticks = 0;

    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &too_fast), XEN_EINVAL);
    event_forget(timer_port);
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &period));
    end = system_time_ns() + 200 * MS;
    while (system_time_ns() < end) {
        block_until_timer(end - system_time_ns());
        if (event_seen(timer_port)) {
            ticks++;
            event_forget(timer_port);
        }
    }
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0));
    testfw_note(testfw_current, "%u ticks in 200 ms at 10 ms", ticks);
    EXPECT_TRUE(ticks >= 18 && ticks <= 21);
}

TEST(runstate_info_accounts_running_and_blocked_time)
{
    struct vcpu_runstate_info before, after;
    uint64_t deadline;

    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &before));
    EXPECT_EQ(before.state, RUNSTATE_running);
    EXPECT_TRUE(before.time[RUNSTATE_running] > 0);
    EXPECT_TRUE(before.state_entry_time <= system_time_ns());

    event_forget(timer_port);
    deadline = system_time_ns() + 20 * MS;
    EXPECT_OK(singleshot(deadline, 0));
    block_until_timer(500 * MS);
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &after));
    EXPECT_EQ(after.state, RUNSTATE_running);
    /* Most of the 20 ms were spent blocked, none of them offline. */
    EXPECT_TRUE(after.time[RUNSTATE_blocked] - before.time[RUNSTATE_blocked] >= 15 * MS);
    EXPECT_EQ(after.time[RUNSTATE_offline], before.time[RUNSTATE_offline]);
    EXPECT_TRUE(after.time[RUNSTATE_running] >= before.time[RUNSTATE_running]);
}

TEST(runstate_area_is_kept_current)
{
    static struct vcpu_runstate_info area;
    struct vcpu_register_runstate_memory_area reg = { .addr.v = &area };
    uint64_t blocked_before;

    area.state = -1;
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg));
    /* Registering fills it in at once for the running vcpu. */
    EXPECT_EQ(area.state, RUNSTATE_running);
    blocked_before = area.time[RUNSTATE_blocked];
    event_forget(timer_port);
    EXPECT_OK(singleshot(system_time_ns() + 10 * MS, 0));
    block_until_timer(500 * MS);
    EXPECT_EQ(area.state, RUNSTATE_running);
    EXPECT_TRUE(area.time[RUNSTATE_blocked] > blocked_before);
    reg.addr.v = 0;
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg));
}

TEST(refusals)
{
    struct vcpu_runstate_info info;
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = 1 };

    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, NO_SUCH_VCPU, &info), XEN_ENOENT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, NO_SUCH_VCPU, &t), XEN_ENOENT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, UNMAPPED_ADDR), XEN_EFAULT);
}
