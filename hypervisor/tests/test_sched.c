/* Credit policy on a simulated clock, pvclock scaling and the version
 * protocol, run-state accounting. */
#include "unit.h"

#include <lintel/credit.h>
#include <lintel/pvclock.h>
#include <lintel/runstate.h>
#include <public/errno.h>

#define NSEC_PER_SEC_TEST 1000000000ULL

/* ---- credit ---- */

struct sim_dom {
    struct credit_dom d;
    struct credit_vcpu v;
    struct credit_vcpu *vp[1];
    uint64_t ran_ns;
};

static struct credit_sched sched;
/* What simulate() left running (out of the queue): the next pick's prev. */
static struct credit_vcpu *sim_running;

static void sim_dom_add(struct sim_dom *sd, unsigned weight, unsigned cap)
{
    sd->vp[0] = &sd->v;
    credit_dom_init(&sd->d, sd->vp, 1);
    credit_vcpu_init(&sd->v, &sd->d, sd);
    assert_int_equal(credit_set_params(&sched, &sd->d, weight, cap), 0);
    credit_add_dom(&sched, &sd->d);
    sd->ran_ns = 0;
}

/* Runs busy vCPUs on one pCPU for duration; every vCPU uses its whole slice. */
static uint64_t simulate(uint64_t start, uint64_t duration)
{
    struct credit_vcpu *cur = NULL;
    uint64_t now = start, slice;

    while (now < start + duration) {
        cur = credit_pick(&sched, 0, cur, now, &slice);
        if (cur) {
            ((struct sim_dom *)cur->owner)->ran_ns += slice;
            now += slice;
            credit_burn(cur, slice);
        } else {
            now += slice;
        }
    }
    sim_running = cur;
    return now;
}

static void weights_256_and_512_share_one_cpu_1_to_2(void **state)
{
    struct sim_dom a, b;
    double ratio;

    (void)state;
    credit_sched_init(&sched, 1, 0);
    sim_dom_add(&a, 256, 0);
    sim_dom_add(&b, 512, 0);
    credit_wake(&sched, &a.v, NULL);
    credit_wake(&sched, &b.v, NULL);
    simulate(0, 3 * NSEC_PER_SEC_TEST);
    ratio = (double)b.ran_ns / (double)a.ran_ns;
    assert_true(ratio > 2.0 * 0.95 && ratio < 2.0 * 1.05);
}

static void cap_25_holds_a_busy_domain_to_a_quarter_even_when_idle_cpu(void **state)
{
    struct sim_dom a;
    uint64_t end;
    double share;

    (void)state;
    credit_sched_init(&sched, 1, 0);
    sim_dom_add(&a, 256, 25);
    credit_wake(&sched, &a.v, NULL);
    end = simulate(0, 3 * NSEC_PER_SEC_TEST);
    share = (double)a.ran_ns / (double)end;
    assert_true(share > 0.22 && share < 0.28);
}

static void capped_and_uncapped_work_conserving(void **state)
{
    struct sim_dom a, b;
    uint64_t end;

    (void)state;
    credit_sched_init(&sched, 1, 0);
    sim_dom_add(&a, 256, 25);
    sim_dom_add(&b, 256, 0);
    credit_wake(&sched, &a.v, NULL);
    credit_wake(&sched, &b.v, NULL);
    end = simulate(0, 3 * NSEC_PER_SEC_TEST);
    /* The uncapped one takes everything the capped one may not use. */
    assert_true((double)a.ran_ns / (double)end < 0.28);
    assert_true((double)(a.ran_ns + b.ran_ns) / (double)end > 0.99);
}

static void a_lone_over_vcpu_still_runs(void **state)
{
    struct sim_dom a;
    uint64_t end;

    (void)state;
    credit_sched_init(&sched, 1, 0);
    sim_dom_add(&a, 1, 0);
    credit_wake(&sched, &a.v, NULL);
    end = simulate(0, NSEC_PER_SEC_TEST);
    assert_int_equal(a.ran_ns, end);
}

static void woken_vcpu_with_credit_is_boosted_and_preempts(void **state)
{
    struct sim_dom busy, io;
    struct credit_vcpu *cur;
    uint64_t slice, now;

    (void)state;
    credit_sched_init(&sched, 1, 0);
    sim_dom_add(&busy, 256, 0);
    sim_dom_add(&io, 256, 0);
    credit_wake(&sched, &busy.v, NULL);
    credit_wake(&sched, &io.v, NULL);
    now = simulate(0, 95000000ULL);
    /* io blocks; busy runs; io wakes with credit left. */
    credit_sleep(&sched, &io.v);
    cur = credit_pick(&sched, 0, sim_running, now, &slice);
    assert_ptr_equal(cur, &busy.v);
    credit_burn(cur, 1000000);
    io.v.credit = 5000000;
    assert_true(credit_wake(&sched, &io.v, cur));
    assert_int_equal(io.v.prio, CREDIT_BOOST);
    assert_ptr_equal(credit_pick(&sched, 0, cur, now + 1000000, &slice), &io.v);
    /* The boost ends once it has run. */
    credit_burn(&io.v, 100000);
    assert_int_equal(io.v.prio, CREDIT_UNDER);
}

static void yield_goes_behind_lower_priority(void **state)
{
    struct sim_dom a, b;
    uint64_t slice;

    (void)state;
    credit_sched_init(&sched, 1, 0);
    sim_dom_add(&a, 256, 0);
    sim_dom_add(&b, 256, 0);
    a.v.credit = 1000000;
    b.v.credit = -1000000;
    credit_wake(&sched, &a.v, NULL);
    credit_wake(&sched, &b.v, NULL);
    assert_ptr_equal(credit_pick(&sched, 0, NULL, 0, &slice), &a.v);
    a.v.yielded = true;
    assert_ptr_equal(credit_pick(&sched, 0, &a.v, 1, &slice), &b.v);
}

static void hard_affinity_is_respected(void **state)
{
    struct sim_dom a;
    uint64_t slice;

    (void)state;
    credit_sched_init(&sched, 2, 0);
    sim_dom_add(&a, 256, 0);
    a.v.affinity_cpu = 1;
    credit_wake(&sched, &a.v, NULL);
    assert_null(credit_pick(&sched, 0, NULL, 0, &slice));
    assert_ptr_equal(credit_pick(&sched, 1, NULL, 0, &slice), &a.v);
}

/* A mask of pCPUs (domctl setvcpuaffinity): only those pick it; others idle. */
static void affinity_mask_limits_the_pcpus(void **state)
{
    struct sim_dom a;
    uint64_t slice;

    (void)state;
    credit_sched_init(&sched, 4, 0);
    sim_dom_add(&a, 256, 0);
    a.v.affinity_mask = (1u << 1) | (1u << 3);
    credit_wake(&sched, &a.v, NULL);
    assert_null(credit_pick(&sched, 0, NULL, 0, &slice));
    assert_null(credit_pick(&sched, 2, NULL, 0, &slice));
    assert_ptr_equal(credit_pick(&sched, 3, NULL, 0, &slice), &a.v);
    a.v.runnable = true;
    assert_null(credit_pick(&sched, 0, &a.v, 1, &slice));
    assert_ptr_equal(credit_pick(&sched, 1, NULL, 1, &slice), &a.v);
}

static void params_are_validated(void **state)
{
    struct sim_dom a;

    (void)state;
    credit_sched_init(&sched, 2, 0);
    sim_dom_add(&a, 256, 0);
    assert_int_equal(credit_set_params(&sched, &a.d, 0, 0), -XEN_EINVAL);
    assert_int_equal(credit_set_params(&sched, &a.d, 65536, 0), -XEN_EINVAL);
    /* Xen's credit takes any cap; only the tools refuse caps above 100 per vCPU. */
    assert_int_equal(credit_set_params(&sched, &a.d, 256, 0x10000), -XEN_EINVAL);
    assert_int_equal(credit_set_params(&sched, &a.d, 65535, 201), 0);
    assert_int_equal(a.d.weight, 65535);
    assert_int_equal(a.d.cap, 201);
}

static void tslice_is_bounded_and_used(void **state)
{
    struct sim_dom a, b;
    struct credit_vcpu *cur;
    uint64_t slice;

    (void)state;
    credit_sched_init(&sched, 1, 0);
    assert_int_equal(credit_set_tslice(&sched, 999999), -XEN_EINVAL);
    assert_int_equal(credit_set_tslice(&sched, 1000000001), -XEN_EINVAL);
    assert_int_equal(credit_set_tslice(&sched, 5000000), 0);
    sim_dom_add(&a, 256, 0);
    sim_dom_add(&b, 256, 0);
    credit_wake(&sched, &a.v, NULL);
    credit_wake(&sched, &b.v, NULL);
    /* Past the first refill both have credit beyond the slice: a whole slice. */
    cur = credit_pick(&sched, 0, NULL, CREDIT_PERIOD_NS, &slice);
    assert_non_null(cur);
    assert_int_equal(slice, 5000000);
}

/*
 * A domain that wakes every 10 ms and computes 1 ms (10% of the pCPU, well
 * under its weighted share) beside two burners with weights 256 and 512:
 * the burners still split what it leaves 1:2, and the light one is never
 * kept waiting behind a burner's slice (it is boosted on waking).
 */
static void a_light_third_domain_leaves_the_burners_1_to_2(void **state)
{
    struct sim_dom a, b, io;
    struct credit_vcpu *cur = NULL;
    uint64_t now = 0, next_wake = 0, slice, worst_wait = 0, woke_at = 0;
    const uint64_t end = 6 * NSEC_PER_SEC_TEST, burst = 1000000, gap = 9000000;
    double ratio;

    (void)state;
    credit_sched_init(&sched, 1, 0);
    sim_dom_add(&a, 256, 0);
    sim_dom_add(&b, 512, 0);
    sim_dom_add(&io, 256, 0);
    credit_wake(&sched, &a.v, NULL);
    credit_wake(&sched, &b.v, NULL);
    while (now < end) {
        if (!io.v.runnable && now >= next_wake) {
            credit_wake(&sched, &io.v, cur);
            woke_at = now;
        }
        cur = credit_pick(&sched, 0, cur, now, &slice);
        assert_non_null(cur);
        if (cur == &io.v) {
            /* From the first refill on, once it has credit. */
            if (now > CREDIT_PERIOD_NS)
                worst_wait = MAX(worst_wait, now - woke_at);
            now += burst;
            io.ran_ns += burst;
            credit_burn(cur, burst);
            credit_sleep(&sched, cur);
            next_wake = now + gap;
            continue;
        }
        if (!io.v.runnable && now + slice > next_wake)
            slice = next_wake > now ? next_wake - now : 0;
        now += slice;
        ((struct sim_dom *)cur->owner)->ran_ns += slice;
        credit_burn(cur, slice);
    }
    ratio = (double)b.ran_ns / (double)a.ran_ns;
    assert_true(ratio > 2.0 * 0.97 && ratio < 2.0 * 1.03);
    assert_true((double)io.ran_ns / (double)end > 0.095);
    assert_true(worst_wait == 0);
}

/*
 * As above, but the host stalls now and then while a burner runs (QEMU
 * descheduled on a loaded host): the stall is charged to whoever was on
 * the CPU and spans several accounting periods. The refill must pay for
 * all of them and the debts must be paid back by weight, or the burners
 * end up sharing the stalls evenly (1.5-1.8 instead of 2 before).
 */
static void host_stalls_do_not_bend_the_1_to_2_split(void **state)
{
    struct sim_dom a, b, io;
    struct credit_vcpu *cur = NULL;
    uint64_t now = 0, next_wake = 0, slice, a0 = 0, b0 = 0;
    const uint64_t warmup = 2 * NSEC_PER_SEC_TEST, end = 7 * NSEC_PER_SEC_TEST;
    const uint64_t burst = 1000000, gap = 4000000;
    unsigned picks = 0;
    double ratio;

    (void)state;
    credit_sched_init(&sched, 1, 0);
    sim_dom_add(&a, 256, 0);
    sim_dom_add(&b, 512, 0);
    sim_dom_add(&io, 256, 0);
    credit_wake(&sched, &a.v, NULL);
    credit_wake(&sched, &b.v, NULL);
    while (now < end) {
        uint64_t run;

        if (!a0 && now >= warmup) {
            a0 = a.ran_ns;
            b0 = b.ran_ns;
        }
        if (!io.v.runnable && now >= next_wake)
            credit_wake(&sched, &io.v, cur);
        cur = credit_pick(&sched, 0, cur, now, &slice);
        assert_non_null(cur);
        if (cur == &io.v) {
            now += burst;
            credit_burn(cur, burst);
            credit_sleep(&sched, cur);
            next_wake = now + gap;
            continue;
        }
        /* Every 13th burner slice a 20-110 ms stall nobody can preempt. */
        if (++picks % 13 == 0)
            run = slice + 20000000ULL + (picks * 7919ULL % 90) * 1000000ULL;
        else if (!io.v.runnable && now + slice > next_wake)
            run = next_wake > now ? next_wake - now : 0;
        else
            run = slice;
        now += run;
        ((struct sim_dom *)cur->owner)->ran_ns += run;
        credit_burn(cur, run);
    }
    ratio = (double)(b.ran_ns - b0) / (double)(a.ran_ns - a0);
    assert_true(ratio > 2.0 * 0.95 && ratio < 2.0 * 1.05);
}

static void sleeping_vcpu_is_never_picked(void **state)
{
    struct sim_dom a;
    uint64_t slice;

    (void)state;
    credit_sched_init(&sched, 1, 0);
    sim_dom_add(&a, 256, 0);
    credit_wake(&sched, &a.v, NULL);
    credit_sleep(&sched, &a.v);
    assert_null(credit_pick(&sched, 0, NULL, 0, &slice));
    assert_true(slice > 0 && slice <= CREDIT_PERIOD_NS);
}

/* ---- pvclock ---- */

static void scale_converts_ticks_to_ns_for_common_frequencies(void **state)
{
    static const uint64_t hz[] = { 1000000ULL, 1000000000ULL, 2400000000ULL,
                                   3579545ULL, 4999999999ULL, 25000000ULL };
    struct pvclock_scale sc;

    (void)state;
    assert_false(pvclock_scale_for_hz(0, &sc));
    for (size_t i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
        uint64_t ticks = hz[i] * 3;      /* three seconds */
        uint64_t ns;

        assert_true(pvclock_scale_for_hz(hz[i], &sc));
        assert_true(sc.mul >= 0x80000000u);
        ns = pvclock_scale_delta(ticks, sc);
        /* Within 1 ppm of three seconds. */
        assert_true(ns <= 3000000000ULL && ns > 3000000000ULL - 3000ULL);
    }
}

static void published_record_reads_back_with_even_version(void **state)
{
    vcpu_time_info_t t;
    struct pvclock_scale sc;

    (void)state;
    memset(&t, 0, sizeof(t));
    assert_true(pvclock_scale_for_hz(2000000000ULL, &sc));
    pvclock_publish(&t, 1000, 5000, sc, XEN_PVCLOCK_TSC_STABLE_BIT);
    assert_int_equal(t.version, 2);
    assert_int_equal(t.tsc_timestamp, 1000);
    assert_int_equal(t.system_time, 5000);
    assert_int_equal(t.flags, XEN_PVCLOCK_TSC_STABLE_BIT);
    /* 2 GHz: 2000 ticks are 1000 ns. */
    assert_int_equal(pvclock_read(&t, 3000), 6000);
    pvclock_publish(&t, 3000, 6000, sc, 0);
    assert_int_equal(t.version, 4);
}

static void wallclock_carries_high_seconds_and_version(void **state)
{
    static shared_info_t s;

    (void)state;
    pvclock_publish_wallclock(&s, 0x1234567890ULL, 999);
    assert_int_equal(s.wc_version, 2);
    assert_int_equal(s.wc_sec, 0x34567890u);
    assert_int_equal(s.wc_sec_hi, 0x12);
    assert_int_equal(s.wc_nsec, 999);
}

/* ---- run states ---- */

static void runstate_sums_time_per_state(void **state)
{
    struct vcpu_runstate_info r, snap;

    (void)state;
    runstate_init(&r, RUNSTATE_offline, 100);
    runstate_change(&r, RUNSTATE_runnable, 150);
    runstate_change(&r, RUNSTATE_running, 170);
    runstate_change(&r, RUNSTATE_blocked, 270);
    assert_int_equal(r.time[RUNSTATE_offline], 50);
    assert_int_equal(r.time[RUNSTATE_runnable], 20);
    assert_int_equal(r.time[RUNSTATE_running], 100);
    assert_int_equal(r.state, RUNSTATE_blocked);
    assert_int_equal(r.state_entry_time, 270);
    runstate_snapshot(&r, 300, &snap);
    assert_int_equal(snap.time[RUNSTATE_blocked], 30);
    assert_int_equal(r.time[RUNSTATE_blocked], 0);
    /* A clock read that went backwards adds nothing and moves nothing back. */
    runstate_change(&r, RUNSTATE_runnable, 260);
    assert_int_equal(r.time[RUNSTATE_blocked], 0);
    assert_int_equal(r.state_entry_time, 270);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(weights_256_and_512_share_one_cpu_1_to_2),
        cmocka_unit_test(cap_25_holds_a_busy_domain_to_a_quarter_even_when_idle_cpu),
        cmocka_unit_test(capped_and_uncapped_work_conserving),
        cmocka_unit_test(a_lone_over_vcpu_still_runs),
        cmocka_unit_test(woken_vcpu_with_credit_is_boosted_and_preempts),
        cmocka_unit_test(yield_goes_behind_lower_priority),
        cmocka_unit_test(hard_affinity_is_respected),
        cmocka_unit_test(affinity_mask_limits_the_pcpus),
        cmocka_unit_test(params_are_validated),
        cmocka_unit_test(tslice_is_bounded_and_used),
        cmocka_unit_test(a_light_third_domain_leaves_the_burners_1_to_2),
        cmocka_unit_test(host_stalls_do_not_bend_the_1_to_2_split),
        cmocka_unit_test(sleeping_vcpu_is_never_picked),
        cmocka_unit_test(scale_converts_ticks_to_ns_for_common_frequencies),
        cmocka_unit_test(published_record_reads_back_with_even_version),
        cmocka_unit_test(wallclock_carries_high_seconds_and_version),
        cmocka_unit_test(runstate_sums_time_per_state),
    };

    return cmocka_run_group_tests_name("sched", tests, NULL, NULL);
}
