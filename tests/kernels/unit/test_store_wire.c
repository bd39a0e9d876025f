/*
 * Host unit tests of the test kernels' store client wire protocol
 * (lib/store_wire.c): the byte rings with wrap-around and corrupt indexes,
 * request framing and its limits, error names, directory answers, numbers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <public/errno.h>

#include "lib/store_wire.h"

static char ring[XENSTORE_RING_SIZE];

static void ring_put_and_get_across_the_wrap(void **state)
{
    XENSTORE_RING_IDX prod = XENSTORE_RING_SIZE - 3, cons = prod;
    char out[8] = { 0 };

    (void)state;
    assert_int_equal(store_ring_put(ring, &prod, cons, "abcdef", 6), 6);
    assert_int_equal(prod, XENSTORE_RING_SIZE + 3);
    assert_memory_equal(ring + XENSTORE_RING_SIZE - 3, "abc", 3);
    assert_memory_equal(ring, "def", 3);
    assert_int_equal(store_ring_get(ring, prod, &cons, out, sizeof(out)), 6);
    assert_string_equal(out, "abcdef");
    assert_int_equal(cons, prod);
}

static void ring_put_stops_when_full(void **state)
{
    static char big[XENSTORE_RING_SIZE + 10];
    XENSTORE_RING_IDX prod = 0xfffffff0u, cons = 0xfffffff0u - 10;

    (void)state;
    /* Indexes wrap at 2^32; 10 bytes are already in the ring. */
    assert_int_equal(store_ring_put(ring, &prod, cons, big, sizeof(big)),
                     XENSTORE_RING_SIZE - 10);
    assert_int_equal(store_ring_put(ring, &prod, cons, big, 1), 0);
}

static void ring_refuses_corrupt_indexes(void **state)
{
    XENSTORE_RING_IDX prod = 5000, cons = 100;
    char out[4];

    (void)state;
    /* More than a ring apart: the other side wrote nonsense. */
    assert_int_equal(store_ring_put(ring, &prod, cons, "x", 1), 0);
    assert_int_equal(prod, 5000);
    assert_int_equal(store_ring_get(ring, prod, &cons, out, sizeof(out)), 0);
    assert_int_equal(cons, 100);
    /* A consumer ahead of the producer is corrupt too. */
    prod = 10;
    cons = 20;
    assert_int_equal(store_ring_get(ring, prod, &cons, out, sizeof(out)), 0);
}

static void frame_a_write(void **state)
{
    char buf[64];
    const char *path = "device/vbd/51712/state";
    struct xsd_sockmsg header;
    size_t len = store_frame(buf, sizeof(buf), XS_WRITE, 7, &path, 1, "3", 1);

    (void)state;
    assert_int_equal(len, sizeof(header) + strlen(path) + 1 + 1);
    memcpy(&header, buf, sizeof(header));
    assert_int_equal(header.type, XS_WRITE);
    assert_int_equal(header.req_id, 7);
    assert_int_equal(header.tx_id, 0);
    assert_int_equal(header.len, strlen(path) + 2);
    assert_string_equal(buf + sizeof(header), path);
    /* The value goes without a NUL. */
    assert_int_equal(buf[len - 1], '3');
}

static void frame_refuses_what_does_not_fit(void **state)
{
    static char buf[STORE_MSG_MAX + 64];
    static char long_path[XENSTORE_PAYLOAD_MAX + 10];
    const char *path = "name";
    const char *too_long = long_path;

    (void)state;
    memset(long_path, 'a', sizeof(long_path) - 1);
    assert_int_equal(store_frame(buf, 10, XS_READ, 1, &path, 1, NULL, 0), 0);
    assert_int_equal(store_frame(buf, sizeof(struct xsd_sockmsg) + 4, XS_READ, 1, &path, 1,
                                 NULL, 0), 0);
    assert_int_equal(store_frame(buf, sizeof(struct xsd_sockmsg) + 5, XS_READ, 1, &path, 1,
                                 NULL, 0), sizeof(struct xsd_sockmsg) + 5);
    /* Over the daemon's payload limit even though the buffer is large. */
    assert_int_equal(store_frame(buf, sizeof(buf), XS_READ, 1, &too_long, 1, NULL, 0), 0);
}

static void error_names(void **state)
{
    (void)state;
    assert_int_equal(store_error_errno("ENOENT", 7), XEN_ENOENT);
    assert_int_equal(store_error_errno("EACCES", 7), XEN_EACCES);
    assert_int_equal(store_error_errno("E2BIG", 5), XEN_E2BIG);
    /* Without its NUL too, but not a prefix or a longer name. */
    assert_int_equal(store_error_errno("EPERM", 5), XEN_EPERM);
    assert_int_equal(store_error_errno("ENOEN", 6), XEN_EIO);
    assert_int_equal(store_error_errno("ENOENTX", 8), XEN_EIO);
    assert_int_equal(store_error_errno("", 0), XEN_EIO);
}

static void directory_answers(void **state)
{
    (void)state;
    assert_int_equal(store_count_names("51712\0" "51728\0", 12), 2);
    assert_int_equal(store_count_names("", 0), 0);
    assert_int_equal(store_count_names("517", 3), -1);
}

static void numbers(void **state)
{
    unsigned long v = 99;

    (void)state;
    assert_int_equal(store_parse_ulong("4", &v), 0);
    assert_int_equal(v, 4);
    assert_int_equal(store_parse_ulong("18446744073709551615", &v), 0);
    assert_true(v == ~0UL);
    assert_int_equal(store_parse_ulong("18446744073709551616", &v), -1);
    assert_int_equal(store_parse_ulong("", &v), -1);
    assert_int_equal(store_parse_ulong("-1", &v), -1);
    assert_int_equal(store_parse_ulong("12 ", &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ring_put_and_get_across_the_wrap),
        cmocka_unit_test(ring_put_stops_when_full),
        cmocka_unit_test(ring_refuses_corrupt_indexes),
        cmocka_unit_test(frame_a_write),
        cmocka_unit_test(frame_refuses_what_does_not_fit),
        cmocka_unit_test(error_names),
        cmocka_unit_test(directory_answers),
        cmocka_unit_test(numbers),
    };

    return cmocka_run_group_tests_name("store_wire", tests, NULL, NULL);
}
