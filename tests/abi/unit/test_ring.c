/*
 * Behaviour of include/public/io/ring.h: a frontend and a backend in one
 * process exchange requests and responses over a shared page, through
 * index wrap-around, and the notification decisions are checked against
 * the protocol's rule (notify iff the peer's event index was crossed).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* Built twice: against our ring.h, and against Xen's to show both behave alike. */
#ifdef AGAINST_XEN_HEADERS
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/io/ring.h>
#else
#include "public/io/ring.h"
#endif

struct test_req { uint64_t id; uint32_t payload; };
struct test_rsp { uint64_t id; int32_t status; };

DEFINE_RING_TYPES(test, struct test_req, struct test_rsp);

#define PAGE 4096

static union { test_sring_t s; unsigned char bytes[PAGE]; } page;
static test_front_ring_t front;
static test_back_ring_t back;

static int setup(void **state)
{
    (void)state;
    memset(&page, 0xa5, sizeof(page));
    XEN_FRONT_RING_INIT(&front, &page.s, PAGE);
    BACK_RING_INIT(&back, &page.s, PAGE);
    return 0;
}

static void layout_and_size(void **state)
{
    (void)state;
    /* 64-byte header, 16-byte slots: (4096 - 64) / 16 = 252, rounded down to 128. */
    assert_int_equal(offsetof(test_sring_t, ring), 64);
    assert_int_equal(__CONST_RING_SIZE(test, PAGE), 128);
    assert_int_equal(RING_SIZE(&front), 128);
    assert_int_equal(RING_SIZE(&back), 128);
    assert_int_equal(page.s.req_event, 1);
    assert_int_equal(page.s.rsp_event, 1);
    assert_int_equal(page.s.__pad[0], 0);
    assert_int_equal(RING_FREE_REQUESTS(&front), 128);
    /* Non-power-of-two room still yields a power of two. */
    assert_int_equal(__CONST_RING_SIZE(test, 64 + 16 * 100), 64);
    assert_int_equal(__CONST_RING_SIZE(test, 64 + 16), 1);
}

static int push_request(uint64_t id)
{
    int notify;
    RING_GET_REQUEST(&front, front.req_prod_pvt)->id = id;
    front.req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
    return notify;
}

static void first_request_notifies_then_suppressed(void **state)
{
    (void)state;
    assert_true(push_request(1));
    /* The backend has not asked for more events (req_event still 1). */
    assert_false(push_request(2));
    assert_int_equal(RING_HAS_UNCONSUMED_REQUESTS(&back), 2);
}

static void final_check_rearms_events(void **state)
{
    int more;
    struct test_req req;
    (void)state;

    push_request(7);
    RING_COPY_REQUEST(&back, back.req_cons, &req);
    back.req_cons++;
    assert_int_equal(req.id, 7);
    RING_FINAL_CHECK_FOR_REQUESTS(&back, more);
    assert_false(more);
    assert_int_equal(page.s.req_event, back.req_cons + 1);
    /* Now the next request crosses req_event and must notify. */
    assert_true(push_request(8));
}

static void wraparound_keeps_order(void **state)
{
    (void)state;
    for (uint64_t i = 0; i < 1000; i++) {
        int notify, more;
        struct test_req req;

        /* The first push meets req_event 1; later ones the backend's re-arm. */
        assert_true(push_request(i));
        assert_int_equal(RING_HAS_UNCONSUMED_REQUESTS(&back), 1);
        RING_COPY_REQUEST(&back, back.req_cons, &req);
        back.req_cons++;
        assert_int_equal(req.id, i);
        RING_GET_RESPONSE(&back, back.rsp_prod_pvt)->id = i;
        back.rsp_prod_pvt++;
        RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
        /* The frontend re-armed rsp_event after each response it took. */
        assert_true(notify);
        assert_int_equal(RING_HAS_UNCONSUMED_RESPONSES(&front), 1);
        assert_int_equal(RING_GET_RESPONSE(&front, front.rsp_cons)->id, i);
        front.rsp_cons++;
        RING_FINAL_CHECK_FOR_RESPONSES(&front, more);
        assert_false(more);
        RING_FINAL_CHECK_FOR_REQUESTS(&back, more);
        assert_false(more);
    }
    /* 1000 > 128: the indices wrapped, the ring is empty again. */
    assert_int_equal(RING_FREE_REQUESTS(&front), 128);
}

static void full_ring_and_bogus_producer(void **state)
{
    (void)state;
    for (int i = 0; i < 128; i++)
        push_request((uint64_t)i);
    assert_true(RING_FULL(&front));
    assert_int_equal(RING_FREE_REQUESTS(&front), 0);
    /* A frontend claiming more requests than slots is capped by the backend. */
    page.s.req_prod += 1000;
    assert_int_equal(RING_HAS_UNCONSUMED_REQUESTS(&back), 128);
    assert_true(RING_REQUEST_PROD_OVERFLOW(&back, page.s.req_prod));
    assert_false(RING_REQUEST_PROD_OVERFLOW(&back, back.req_cons + 128));
    assert_true(RING_REQUEST_CONS_OVERFLOW(&back, back.req_cons + 128));
    assert_true(RING_RESPONSE_PROD_OVERFLOW(&front, 129));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(layout_and_size, setup),
        cmocka_unit_test_setup(first_request_notifies_then_suppressed, setup),
        cmocka_unit_test_setup(final_check_rearms_events, setup),
        cmocka_unit_test_setup(wraparound_keeps_order, setup),
        cmocka_unit_test_setup(full_ring_and_bogus_producer, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
