/* Unit tests of the backend library's pure parts: ring index checks, store
 * value parsing and the xenbus handshake decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <unistd.h>
#include <cmocka.h>

#include "ring_index.h"
#include "work_pool.h"
#include "xenbus_decide.h"

static void test_pending_counts_across_wraparound(void **state)
{
    uint32_t n;

    (void)state;
    assert_true(ring_requests_pending(5, 5, 32, &n));
    assert_int_equal(n, 0);
    assert_true(ring_requests_pending(37, 5, 32, &n));
    assert_int_equal(n, 32);
    assert_true(ring_requests_pending(3, UINT32_MAX - 2, 32, &n));
    assert_int_equal(n, 6);
}

static void test_pending_refuses_overrun_and_rewind(void **state)
{
    uint32_t n = 77;

    (void)state;
    assert_false(ring_requests_pending(38, 5, 32, &n));
    assert_false(ring_requests_pending(4, 5, 32, &n));          /* behind us */
    assert_false(ring_requests_pending(UINT32_MAX, 0, 32, &n));
    assert_int_equal(n, 77);                                    /* untouched */
}

static void test_store_values(void **state)
{
    unsigned long v;

    (void)state;
    assert_true(store_value_to_uint("0", 10, &v));
    assert_int_equal(v, 0);
    assert_true(store_value_to_uint("4294967295", UINT32_MAX, &v));
    assert_int_equal(v, UINT32_MAX);
    assert_false(store_value_to_uint("4294967296", UINT32_MAX, &v));
    assert_false(store_value_to_uint("5", 4, &v));
    assert_false(store_value_to_uint("", 4, &v));
    assert_false(store_value_to_uint(NULL, 4, &v));
    assert_false(store_value_to_uint("-1", 4, &v));
    assert_false(store_value_to_uint(" 1", 4, &v));
    assert_false(store_value_to_uint("1 ", 4, &v));
    assert_false(store_value_to_uint("0x10", 100, &v));
    assert_false(store_value_to_uint("99999999999999999999999", ULONG_MAX, &v));
}

static struct xenbus_view view(enum xenbus_state ours, enum xenbus_state theirs)
{
    return (struct xenbus_view){ .ours = ours, .theirs = theirs, .online = true,
                                 .connect_on_initialised = true };
}

static void test_handshake_to_connected(void **state)
{
    struct xenbus_view v = view(XenbusStateInitialising, XenbusStateInitialising);

    (void)state;
    assert_int_equal(xenbus_decide(&v), XENBUS_SETUP);
    v.ours = XenbusStateInitWait;
    assert_int_equal(xenbus_decide(&v), XENBUS_NOTHING);
    v.theirs = XenbusStateInitialised;
    assert_int_equal(xenbus_decide(&v), XENBUS_CONNECT);
    v.ours = XenbusStateConnected;
    assert_int_equal(xenbus_decide(&v), XENBUS_NOTHING);
    v.theirs = XenbusStateConnected;
    assert_int_equal(xenbus_decide(&v), XENBUS_NOTHING);
}

static void test_net_waits_for_connected(void **state)
{
    struct xenbus_view v = view(XenbusStateInitWait, XenbusStateInitialised);

    (void)state;
    v.connect_on_initialised = false;
    assert_int_equal(xenbus_decide(&v), XENBUS_NOTHING);
    v.theirs = XenbusStateConnected;
    assert_int_equal(xenbus_decide(&v), XENBUS_CONNECT);
}

static void test_frontend_closes_then_reconnects(void **state)
{
    struct xenbus_view v = view(XenbusStateConnected, XenbusStateClosing);

    (void)state;
    assert_int_equal(xenbus_decide(&v), XENBUS_CLOSING);
    v.ours = XenbusStateClosing;
    assert_int_equal(xenbus_decide(&v), XENBUS_NOTHING);
    v.theirs = XenbusStateClosed;
    assert_int_equal(xenbus_decide(&v), XENBUS_CLOSED);
    v.ours = XenbusStateClosed;
    assert_int_equal(xenbus_decide(&v), XENBUS_NOTHING);   /* still online: wait */
    v.theirs = XenbusStateInitialising;
    assert_int_equal(xenbus_decide(&v), XENBUS_SETUP);
}

static void test_detach_ends_after_closed(void **state)
{
    struct xenbus_view v = view(XenbusStateConnected, XenbusStateClosing);

    (void)state;
    v.online = false;
    assert_int_equal(xenbus_decide(&v), XENBUS_CLOSING);
    v.ours = XenbusStateClosing;
    v.theirs = XenbusStateClosed;
    assert_int_equal(xenbus_decide(&v), XENBUS_CLOSED);
    v.ours = XenbusStateClosed;
    assert_int_equal(xenbus_decide(&v), XENBUS_EXIT);
    /* Offline before the frontend ever connected: never connect it. */
    v = view(XenbusStateInitWait, XenbusStateInitialised);
    v.online = false;
    assert_int_equal(xenbus_decide(&v), XENBUS_CLOSING);
}

static void test_gone_directories_end_the_process(void **state)
{
    struct xenbus_view v = view(XenbusStateConnected, XenbusStateConnected);

    (void)state;
    v.frontend_gone = true;
    assert_int_equal(xenbus_decide(&v), XENBUS_EXIT);
    v = view(XenbusStateInitWait, XenbusStateInitialising);
    v.backend_gone = true;
    assert_int_equal(xenbus_decide(&v), XENBUS_EXIT);
}

static void test_frontend_state_vanishing_or_garbage(void **state)
{
    struct xenbus_view v = view(XenbusStateConnected, XenbusStateUnknown);

    (void)state;
    assert_int_equal(xenbus_decide(&v), XENBUS_CLOSED);
    v.ours = XenbusStateInitWait;
    assert_int_equal(xenbus_decide(&v), XENBUS_NOTHING);
    v.theirs = (enum xenbus_state)42;
    assert_int_equal(xenbus_decide(&v), XENBUS_NOTHING);
    /* A frontend restarting behind a connected backend gets a fresh start. */
    v = view(XenbusStateConnected, XenbusStateInitialising);
    assert_int_equal(xenbus_decide(&v), XENBUS_SETUP);
}

static void test_every_state_pair_settles(void **state)
{
    (void)state;
    /* Applying the decision must never ask for the same action twice in a
     * row: that would spin the store loop. */
    for (int ours = 1; ours <= 6; ours++)
        for (int theirs = 0; theirs <= 8; theirs++)
            for (int online = 0; online <= 1; online++) {
                struct xenbus_view v = view((enum xenbus_state)ours, (enum xenbus_state)theirs);
                enum xenbus_action a, b;

                v.online = online;
                a = xenbus_decide(&v);
                switch (a) {
                case XENBUS_SETUP:   v.ours = XenbusStateInitWait; break;
                case XENBUS_CONNECT: v.ours = XenbusStateConnected; break;
                case XENBUS_CLOSING: v.ours = XenbusStateClosing; break;
                case XENBUS_CLOSED:  v.ours = XenbusStateClosed; break;
                default: continue;
                }
                b = xenbus_decide(&v);
                assert_true(b != a);
            }
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(xenbus_state_name(XenbusStateInitWait), "InitWait");
    assert_string_equal(xenbus_state_name((enum xenbus_state)99), "invalid");
    assert_string_equal(xenbus_action_name(XENBUS_CONNECT), "connect");
}

/* ---- the worker pool ---- */

struct pool_record {
    unsigned int runs[WORK_POOL_MAX_JOBS];
    pthread_t thread[WORK_POOL_MAX_JOBS];
};

static void record_run(void *ctx, unsigned int job)
{
    struct pool_record *r = ctx;

    /* Long enough that the other threads pick up jobs meanwhile. */
    usleep(2000);
    r->runs[job]++;
    r->thread[job] = pthread_self();
}

static void test_pool_runs_every_job_once_and_hands_it_back(void **state)
{
    static struct work_pool pool;
    static struct pool_record rec;
    unsigned int seen[WORK_POOL_MAX_JOBS] = { 0 }, jobs[WORK_POOL_MAX_JOBS], got = 0;
    bool several_threads = false;

    (void)state;
    assert_int_equal(work_pool_start(&pool, 4, record_run, &rec), 0);
    for (unsigned int round = 0; round < 3; round++) {
        for (unsigned int j = 0; j < 16; j++)
            work_pool_submit(&pool, j);
        for (unsigned int taken = 0; taken < 16;) {
            struct pollfd p = { .fd = work_pool_fd(&pool), .events = POLLIN };

            /* The fd is how a poll loop learns of completions. */
            assert_int_equal(poll(&p, 1, 5000), 1);
            unsigned int n = work_pool_take_done(&pool, jobs, WORK_POOL_MAX_JOBS, false);

            for (unsigned int i = 0; i < n; i++)
                seen[jobs[i]]++;
            taken += n;
            got += n;
        }
    }
    assert_int_equal(got, 48);
    for (unsigned int j = 0; j < 16; j++) {
        assert_int_equal(seen[j], 3);
        assert_int_equal(rec.runs[j], 3);
        if (!pthread_equal(rec.thread[j], rec.thread[0]))
            several_threads = true;
    }
    assert_true(several_threads);
    /* Nothing left: the fd no longer polls readable. */
    struct pollfd p = { .fd = work_pool_fd(&pool), .events = POLLIN };
    assert_int_equal(poll(&p, 1, 0), 0);
    assert_int_equal(work_pool_take_done(&pool, jobs, WORK_POOL_MAX_JOBS, false), 0);
    work_pool_stop(&pool);
}

static void test_pool_take_done_can_wait(void **state)
{
    static struct work_pool pool;
    static struct pool_record rec;
    unsigned int jobs[4];

    (void)state;
    assert_int_equal(work_pool_start(&pool, 2, record_run, &rec), 0);
    work_pool_submit(&pool, 9);
    assert_int_equal(work_pool_take_done(&pool, jobs, 4, true), 1);
    assert_int_equal(jobs[0], 9);
    work_pool_stop(&pool);
    assert_int_equal(work_pool_start(&pool, 0, record_run, &rec), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_runs_every_job_once_and_hands_it_back),
        cmocka_unit_test(test_pool_take_done_can_wait),
        cmocka_unit_test(test_pending_counts_across_wraparound),
        cmocka_unit_test(test_pending_refuses_overrun_and_rewind),
        cmocka_unit_test(test_store_values),
        cmocka_unit_test(test_handshake_to_connected),
        cmocka_unit_test(test_net_waits_for_connected),
        cmocka_unit_test(test_frontend_closes_then_reconnects),
        cmocka_unit_test(test_detach_ends_after_closed),
        cmocka_unit_test(test_gone_directories_end_the_process),
        cmocka_unit_test(test_frontend_state_vanishing_or_garbage),
        cmocka_unit_test(test_every_state_pair_settles),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
