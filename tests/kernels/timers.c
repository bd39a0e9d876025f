/*
 * timers: how precisely and how correctly vcpu timers fire, and what the
 * scheduler accounts while a vcpu sleeps on them. A 10 ms singleshot in
 * guest time, cancelling (stop_singleshot, set_timer_op(0)), run-state
 * times across a blocked spell, the runstate area, and the refusals, as
 * Xen 4.17 does them. (time.c covers the clock records and the wallclock.)
 */
#include "lib/kernel.h"
#include "lib/events.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>

const char kernel_name[] = "timers";

#define MS            1000000ULL
#define UNMAPPED_ADDR 0x1000UL
#define NO_SUCH_VCPU  100
/* Seen: a loaded host stalled the guest 5 ms between arming and cancelling. */
#define CANCEL_MARGIN (50 * MS)

static evtchn_port_t timer_port;

/*
 * Sleeps until the timer port fires or the guard time passes; returns the
 * wake time. Events stay enabled, so the upcall has run (and marked the
 * port seen) by the time poll returns for it.
 */
static uint64_t block_until_timer(uint64_t guard_ns)
{
    uint64_t give_up = system_time_ns() + guard_ns;
    struct sched_poll poll = { .nr_ports = 1, .timeout = give_up };

    set_xen_guest_handle(poll.ports, &timer_port);
    while (!event_seen(timer_port) && system_time_ns() < give_up)
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    return system_time_ns();
}

static void spin_ns(uint64_t ns)
{
    uint64_t end = system_time_ns() + ns;

    while (system_time_ns() < end)
        ;
}

static long singleshot(uint64_t deadline, unsigned int flags)
{
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = deadline, .flags = flags };

    return HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

TEST(setup)
{
    EXPECT_OK(events_setup_quiet_timer(&timer_port));
}

/*
 * Issue 6: a 10 ms singleshot fires after >= 10 ms and within 2 ms of it, in
 * guest time. The host running QEMU is shared and emulation makes the
 * wake-up path slow, so single samples are late by host hiccups that no
 * hypervisor controls (seen on Xen 4.17 at a host load of 7.5 on 2 cores: a
 * worst of 44 ms, one sample in five within 2 ms; once, on a load of 9, a
 * best of 5 ms among thirty). So every sample must be on or after its
 * deadline and the best one within 2 ms of it: a timer rounded up to a
 * coarse tick, or armed late, fails that. Sampling stops at the first
 * sample within the bound once MIN_SAMPLES are in.
 */
#define MIN_SAMPLES 5
#define MAX_SAMPLES 30
#define LATENESS_BOUND (2 * MS)

/*
 * With "exact_time" on the command line the harness runs QEMU with
 * -icount shift=0,sleep=off: guest time is counted in instructions and
 * idle time is skipped, so host stalls cannot make a sample late and EVERY
 * sample must be within the bound (measured: Xen 4.17 4.4 us, Lintel 10 us).
 */
TEST(singleshot_10ms_fires_on_time_in_guest_time)
{
    int exact = string_contains((const char *)start_info->cmd_line, "exact_time");
    int64_t bound = (int64_t)LATENESS_BOUND;
    int64_t best = INT64_MAX, worst = 0;
    int early = 0, missed = 0, within = 0, n;

    for (n = 0; n < MAX_SAMPLES && (n < MIN_SAMPLES || (!exact && best >= bound)); n++) {
        uint64_t deadline;
        int64_t late;

        event_forget(timer_port);
        deadline = system_time_ns() + 10 * MS;
        EXPECT_OK(singleshot(deadline, 0));
        late = (int64_t)(block_until_timer(500 * MS) - deadline);
        missed += !event_seen(timer_port);
        early += late < 0;
        within += late >= 0 && late < bound;
        best = late < best ? late : best;
        worst = late > worst ? late : worst;
    }
    testfw_note(testfw_current, "lateness ns over %d samples: best %lld worst %lld (bound %lld), "
                "%d within the bound", n, (long long)best, (long long)worst, (long long)bound,
                within);
    EXPECT_EQ(missed, 0);
    EXPECT_EQ(early, 0);
    EXPECT_TRUE(best < bound);
    if (exact)
        EXPECT_TRUE(worst < bound);
}

TEST(sshottmr_future_flag_is_ignored)
{
    uint64_t now = system_time_ns();

    /*
     * Xen 4.17 ignores VCPU_SSHOTTMR_future (Linux set it where it did not
     * mean it): a past deadline is accepted and fires at once.
     */
    event_forget(timer_port);
    EXPECT_OK(singleshot(now - MS, VCPU_SSHOTTMR_future));
    block_until_timer(500 * MS);
    EXPECT_TRUE(event_seen(timer_port));
    /* "At once": well before any period a timer could be rounded to, with
     * room for a host stall of QEMU (20 ms was exceeded on Xen 4.17 at a
     * host load of 12). */
    EXPECT_TRUE(system_time_ns() < now + 100 * MS);
}

TEST(stopped_singleshot_never_fires)
{
    event_forget(timer_port);
    /* Far enough out that a host hiccup between the two calls cannot let it fire. */
    EXPECT_OK(singleshot(system_time_ns() + CANCEL_MARGIN, 0));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0));
    spin_ns(CANCEL_MARGIN + 20 * MS);
    EXPECT_TRUE(!event_seen(timer_port));
}

TEST(set_timer_op_arms_and_cancels)
{
    uint64_t deadline, woke;

    event_forget(timer_port);
    deadline = system_time_ns() + 10 * MS;
    EXPECT_OK(HYPERVISOR_set_timer_op(deadline));
    woke = block_until_timer(500 * MS);
    EXPECT_TRUE(event_seen(timer_port));
    EXPECT_TRUE(woke >= deadline);

    event_forget(timer_port);
    EXPECT_OK(HYPERVISOR_set_timer_op(system_time_ns() + CANCEL_MARGIN));
    EXPECT_OK(HYPERVISOR_set_timer_op(0));
    spin_ns(CANCEL_MARGIN + 20 * MS);
    EXPECT_TRUE(!event_seen(timer_port));
}

TEST(periodic_timer_does_not_wake_a_blocked_vcpu)
{
    struct vcpu_set_periodic_timer period = { .period_ns = 10 * MS };
    unsigned int ticks = 0;
    uint64_t end;

    /* It ticks while the vcpu runs ... */
    event_forget(timer_port);
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &period));
    end = system_time_ns() + 100 * MS;
    while (system_time_ns() < end)
        if (event_seen(timer_port)) {
            ticks++;
            event_forget(timer_port);
        }
    testfw_note(testfw_current, "%u ticks in 100 ms at 10 ms while running", ticks);
    /* QEMU descheduled on a loaded host makes guest time jump, and a tick is
     * re-armed from when it was delivered, as on Xen: seen as few as 3 ticks
     * on both hypervisors then. Never more than 11. */
    EXPECT_TRUE(ticks >= 2 && ticks <= 11);
    /* ... but Xen stops it while the vcpu blocks (a poll with a timeout
     * returns at the timeout, not at the next period). */
    event_forget(timer_port);
    block_until_timer(30 * MS);
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0));
    event_forget(timer_port);
}

TEST(runstate_info_accounts_running_and_blocked_time)
{
    struct vcpu_runstate_info before, after;
    uint64_t blocked = 0, needed = 0;

    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &before));
    EXPECT_EQ(before.state, RUNSTATE_running);
    EXPECT_TRUE(before.time[RUNSTATE_running] > 0);
    EXPECT_TRUE(before.state_entry_time <= system_time_ns());

    /* Most of the wait is spent blocked. A host stall of QEMU between
     * arming and blocking counts as running (seen on Xen 4.17 at a host
     * load of 12 with a 20 ms wait): try longer waits then. */
    for (uint64_t wait = 20 * MS; wait <= 320 * MS; wait *= 4) {
        /* Each try counts from where the one before it ended. */
        struct vcpu_runstate_info start = wait == 20 * MS ? before : after;

        event_forget(timer_port);
        EXPECT_OK(singleshot(system_time_ns() + wait, 0));
        block_until_timer(wait + 500 * MS);
        EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &after));
        blocked = after.time[RUNSTATE_blocked] - start.time[RUNSTATE_blocked];
        needed = wait * 3 / 4;
        if (blocked >= needed)
            break;
    }
    EXPECT_EQ(after.state, RUNSTATE_running);
    EXPECT_TRUE(blocked >= needed);
    /* None of it offline. */
    EXPECT_EQ(after.time[RUNSTATE_offline], before.time[RUNSTATE_offline]);
    EXPECT_TRUE(after.time[RUNSTATE_running] >= before.time[RUNSTATE_running]);
}

TEST(runstate_area_is_kept_current)
{
    static struct vcpu_runstate_info area;
    struct vcpu_register_runstate_memory_area reg = { .addr.v = &area };
    uint64_t blocked_before;

    area.state = -1;
    /* Linux asks for the update flag so other vcpus can read the area safely. */
    EXPECT_OK(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag));
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg));
    /* Registering fills it in at once for the running vcpu. */
    EXPECT_EQ(area.state, RUNSTATE_running);
    blocked_before = area.time[RUNSTATE_blocked];
    /* On a loaded host a short timer may fire before the vcpu gets to block,
     * and then nothing is blocked: wait longer each time. */
    for (uint64_t wait = 10 * MS; wait <= 640 * MS && area.time[RUNSTATE_blocked] == blocked_before;
         wait *= 4) {
        event_forget(timer_port);
        EXPECT_OK(singleshot(system_time_ns() + wait, 0));
        block_until_timer(wait + 500 * MS);
    }
    EXPECT_EQ(area.state, RUNSTATE_running);
    EXPECT_TRUE(area.time[RUNSTATE_blocked] > blocked_before);
    /* The flag brackets each rewrite and is never left set. */
    EXPECT_EQ(area.state_entry_time & XEN_RUNSTATE_UPDATE, 0);
    EXPECT_TRUE(area.state_entry_time <= system_time_ns());
    reg.addr.v = 0;
    EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &reg));
}

TEST(refusals)
{
    struct vcpu_runstate_info info;
    struct vcpu_set_singleshot_timer t = { .timeout_abs_ns = 1 };
    struct vcpu_set_periodic_timer too_fast = { .period_ns = 999999 };

    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &too_fast), XEN_EINVAL);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, NO_SUCH_VCPU, &info), XEN_ENOENT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, NO_SUCH_VCPU, &t), XEN_ENOENT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, UNMAPPED_ADDR), XEN_EFAULT);
}
