/*
 * sched_share: a domU started beside a `spin` domU on the same pCPU, so
 * every check meets a competitor that always wants the CPU:
 *
 * - boost: a vCPU that blocks on a short timer is woken ahead of the
 *   spinner, not after its time slice (10 ms on Lintel, 30 ms in Xen's
 *   credit);
 * - yield: SCHEDOP_yield hands the pCPU to the spinner (the yielder comes
 *   back runnable, not running);
 * - run states: the four run-state times grow by exactly the time that
 *   passed, whatever mix of running, waiting and blocking filled it.
 *
 * The boost is judged by the time the woken vCPU spends runnable before it
 * runs (its run-state record), not by its lateness in guest time: a loaded
 * host makes QEMU's timers late by 10 ms and more with or without a
 * spinner (seen on both hypervisors), but that time is spent blocked. A
 * host stall still lands in whatever sample it hits: the check looks at
 * the median, not the worst sample.
 */
#include "lib/kernel.h"
#include "lib/events.h"

#include <public/sched.h>
#include <public/vcpu.h>

const char kernel_name[] = "sched_share";

#define US 1000ULL
#define MS 1000000ULL

#define WAKE_SAMPLES 15
#define WAKE_SLEEP   (3 * MS)
/*
 * Far under either slice (and over Xen's 1 ms rate limit): a wake-up that
 * waited for the spinner's slice to end misses it.
 */
#define WAKE_WAIT_BOUND (2 * MS)
#define YIELDS 10
/* One tick of a run-state record: it may be read a tick apart from our clock. */
#define RUNSTATE_SLACK MS

static evtchn_port_t timer_port;

static uint64_t block_until_timer(uint64_t guard_ns)
{
    uint64_t give_up = system_time_ns() + guard_ns;
    struct sched_poll poll = { .nr_ports = 1, .timeout = give_up };

    set_xen_guest_handle(poll.ports, &timer_port);
    while (!event_seen(timer_port) && system_time_ns() < give_up)
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
    return system_time_ns();
}

static uint64_t sleep_ns(uint64_t ns)
{
    struct vcpu_set_singleshot_timer t;
    uint64_t deadline = system_time_ns() + ns;

    event_forget(timer_port);
    t.timeout_abs_ns = deadline;
    t.flags = 0;
    if (HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t))
        return ~0ULL;
    return block_until_timer(500 * MS) - deadline;
}

static void spin_ns(uint64_t ns)
{
    uint64_t end = system_time_ns() + ns;

    while (system_time_ns() < end)
        ;
}

static uint64_t runstate_total(const struct vcpu_runstate_info *r)
{
    return r->time[RUNSTATE_running] + r->time[RUNSTATE_runnable] +
           r->time[RUNSTATE_blocked] + r->time[RUNSTATE_offline];
}

/* The record, and guest times just before and just after the call. */
static long runstate_bracketed(struct vcpu_runstate_info *r, uint64_t *before, uint64_t *after)
{
    long rc;

    *before = system_time_ns();
    rc = HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, r);
    *after = system_time_ns();
    return rc;
}

TEST(setup)
{
    EXPECT_OK(events_setup_quiet_timer(&timer_port));
    /* The spinner gets going and both settle into the credit scheme. */
    spin_ns(100 * MS);
}

static void sort(uint64_t *a, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && a[j - 1] > a[j]; j--) {
            uint64_t t = a[j];

            a[j] = a[j - 1];
            a[j - 1] = t;
        }
}

TEST(woken_vcpu_runs_before_the_spinners_slice_ends)
{
    uint64_t late[WAKE_SAMPLES], waited[WAKE_SAMPLES];
    int missed = 0;

    for (int i = 0; i < WAKE_SAMPLES; i++) {
        struct vcpu_runstate_info before, after;

        /* Running a while first lets the spinner in, so the wake-up finds
         * it on the pCPU. */
        spin_ns(2 * MS);
        EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &before));
        late[i] = sleep_ns(WAKE_SLEEP);
        EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &after));
        missed += !event_seen(timer_port);
        waited[i] = after.time[RUNSTATE_runnable] - before.time[RUNSTATE_runnable];
    }
    sort(late, WAKE_SAMPLES);
    sort(waited, WAKE_SAMPLES);
    testfw_note(testfw_current, "wake-up lateness us: best %llu median %llu worst %llu",
                (unsigned long long)(late[0] / US),
                (unsigned long long)(late[WAKE_SAMPLES / 2] / US),
                (unsigned long long)(late[WAKE_SAMPLES - 1] / US));
    testfw_note(testfw_current, "runnable after waking us: best %llu median %llu worst %llu",
                (unsigned long long)(waited[0] / US),
                (unsigned long long)(waited[WAKE_SAMPLES / 2] / US),
                (unsigned long long)(waited[WAKE_SAMPLES - 1] / US));
    EXPECT_EQ(missed, 0);
    EXPECT_TRUE(waited[WAKE_SAMPLES / 2] < WAKE_WAIT_BOUND);
}

TEST(yield_hands_the_pcpu_to_the_spinner)
{
    int handed = 0;

    for (int i = 0; i < YIELDS; i++) {
        struct vcpu_runstate_info before, after;

        EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &before));
        EXPECT_OK(HYPERVISOR_sched_op(SCHEDOP_yield, 0));
        EXPECT_OK(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &after));
        /* Runnable while the spinner had the pCPU, never blocked. */
        handed += after.time[RUNSTATE_runnable] > before.time[RUNSTATE_runnable];
        EXPECT_EQ(after.time[RUNSTATE_blocked], before.time[RUNSTATE_blocked]);
    }
    testfw_note(testfw_current, "%d of %d yields let the spinner run", handed, YIELDS);
    EXPECT_EQ(handed, YIELDS);
}

TEST(runstate_times_add_up_to_the_time_that_passed)
{
    struct vcpu_runstate_info first, last;
    uint64_t first_lo, first_hi, last_lo, last_hi, grown;

    EXPECT_OK(runstate_bracketed(&first, &first_lo, &first_hi));
    for (int i = 0; i < 5; i++) {
        spin_ns(15 * MS);       /* running, and runnable when the spinner's turn comes */
        sleep_ns(5 * MS);       /* blocked */
        HYPERVISOR_sched_op(SCHEDOP_yield, 0);
    }
    EXPECT_OK(runstate_bracketed(&last, &last_lo, &last_hi));
    grown = runstate_total(&last) - runstate_total(&first);
    testfw_note(testfw_current, "run states grew %llu us (running %llu, runnable %llu, "
                "blocked %llu) in %llu..%llu us",
                (unsigned long long)(grown / US),
                (unsigned long long)((last.time[RUNSTATE_running] -
                                      first.time[RUNSTATE_running]) / US),
                (unsigned long long)((last.time[RUNSTATE_runnable] -
                                      first.time[RUNSTATE_runnable]) / US),
                (unsigned long long)((last.time[RUNSTATE_blocked] -
                                      first.time[RUNSTATE_blocked]) / US),
                (unsigned long long)((last_lo - first_hi) / US),
                (unsigned long long)((last_hi - first_lo) / US));
    EXPECT_EQ(first.state, RUNSTATE_running);
    EXPECT_EQ(last.state, RUNSTATE_running);
    EXPECT_TRUE(grown + RUNSTATE_SLACK >= last_lo - first_hi);
    EXPECT_TRUE(grown <= last_hi - first_lo + RUNSTATE_SLACK);
    EXPECT_TRUE(last.time[RUNSTATE_runnable] > first.time[RUNSTATE_runnable]);
    EXPECT_TRUE(last.time[RUNSTATE_blocked] > first.time[RUNSTATE_blocked]);
    EXPECT_EQ(last.time[RUNSTATE_offline], first.time[RUNSTATE_offline]);
}
