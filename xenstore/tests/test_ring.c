/* The shared ring: wrap-around, full rings and impossible indexes. */
#include "harness.h"
#include "ring.h"

static void test_requests_wrap_around(void **state)
{
    static struct xenstore_domain_interface intf;
    char out[16];

    (void)state;
    intf.req_cons = intf.req_prod = XENSTORE_RING_SIZE - 3;
    memcpy(intf.req + XENSTORE_RING_SIZE - 3, "abc", 3);
    memcpy(intf.req, "de", 2);
    intf.req_prod += 5;
    assert_int_equal(ring_take_requests(&intf, out, sizeof(out)), 5);
    assert_memory_equal(out, "abcde", 5);
    assert_int_equal(intf.req_cons, intf.req_prod);
    assert_int_equal(ring_take_requests(&intf, out, sizeof(out)), 0);
}

static void test_partial_take_leaves_rest(void **state)
{
    static struct xenstore_domain_interface intf;
    char out[4];

    (void)state;
    memcpy(intf.req, "0123456789", 10);
    intf.req_prod = 10;
    assert_int_equal(ring_take_requests(&intf, out, 4), 4);
    assert_int_equal(intf.req_cons, 4);
}

static void test_responses_stop_when_full(void **state)
{
    static struct xenstore_domain_interface intf;
    static char big[XENSTORE_RING_SIZE + 100];

    (void)state;
    intf.rsp_cons = intf.rsp_prod = 0xfffffff0u;    /* indexes wrap at 2^32 */
    assert_int_equal(ring_put_responses(&intf, big, sizeof(big)), XENSTORE_RING_SIZE);
    assert_int_equal(ring_put_responses(&intf, big, 10), 0);
    intf.rsp_cons += 10;
    assert_int_equal(ring_put_responses(&intf, big, 100), 10);
}

static void test_bogus_indexes(void **state)
{
    static struct xenstore_domain_interface intf;
    char out[8];

    (void)state;
    intf.req_cons = 0;
    intf.req_prod = XENSTORE_RING_SIZE + 1;
    assert_int_equal(ring_take_requests(&intf, out, sizeof(out)), -1);
    intf.rsp_cons = 5000;
    intf.rsp_prod = 3000;
    assert_int_equal(ring_put_responses(&intf, out, sizeof(out)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_requests_wrap_around),
        cmocka_unit_test(test_partial_take_leaves_rest),
        cmocka_unit_test(test_responses_stop_when_full),
        cmocka_unit_test(test_bogus_indexes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
