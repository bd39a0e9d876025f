/* Message assembly from byte streams and argument splitting. */
#include "harness.h"
#include "wire.h"

static void test_header_and_body_in_pieces(void **state)
{
    struct msg_in m;
    struct xsd_sockmsg h = { XS_READ, 1, 0, 3 };
    char bytes[sizeof(h) + 3];
    bool complete;

    (void)state;
    memcpy(bytes, &h, sizeof(h));
    memcpy(bytes + sizeof(h), "/a", 3);
    msgin_reset(&m);
    for (size_t i = 0; i < sizeof(bytes); i++) {
        assert_int_equal(msgin_feed(&m, bytes + i, 1, &complete), 1);
        assert_int_equal(complete, i == sizeof(bytes) - 1);
    }
    assert_string_equal(m.body, "/a");
    assert_int_equal(m.hdr.type, XS_READ);
}

static void test_feed_stops_at_message_end(void **state)
{
    struct msg_in m;
    struct xsd_sockmsg h = { XS_READ, 1, 0, 0 };
    char bytes[2 * sizeof(h)];
    bool complete;

    (void)state;
    memcpy(bytes, &h, sizeof(h));
    memcpy(bytes + sizeof(h), &h, sizeof(h));
    msgin_reset(&m);
    assert_int_equal(msgin_feed(&m, bytes, sizeof(bytes), &complete), sizeof(h));
    assert_true(complete);
}

static void test_oversized_payload_rejected(void **state)
{
    struct msg_in m;
    struct xsd_sockmsg h = { XS_WRITE, 1, 0, XENSTORE_PAYLOAD_MAX + 1 };
    bool complete;

    (void)state;
    msgin_reset(&m);
    assert_int_equal(msgin_feed(&m, &h, sizeof(h), &complete), -1);
    h.len = XENSTORE_PAYLOAD_MAX;
    msgin_reset(&m);
    assert_int_equal(msgin_feed(&m, &h, sizeof(h), &complete), sizeof(h));
    assert_false(complete);
}

static void test_split(void **state)
{
    const char *argv[3];

    (void)state;
    assert_int_equal(wire_split("a\0bc\0", 5, argv, 3), 2);
    assert_string_equal(argv[1], "bc");
    assert_int_equal(wire_split("a\0bc", 4, argv, 3), -1);      /* unterminated */
    assert_int_equal(wire_split("a\0b\0c\0d\0", 8, argv, 3), -1); /* too many */
    assert_int_equal(wire_split("", 0, argv, 3), 0);
}

static void test_errnames_and_numbers(void **state)
{
    uint32_t v;

    (void)state;
    assert_string_equal(wire_errname(EAGAIN), "EAGAIN");
    assert_string_equal(wire_errname(EDOM), "EINVAL");
    assert_true(wire_parse_u32("4294967295", &v));
    assert_false(wire_parse_u32("4294967296", &v));
    assert_false(wire_parse_u32("-1", &v));
    assert_false(wire_parse_u32("12x", &v));
    assert_false(wire_parse_u32("", &v));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_body_in_pieces),
        cmocka_unit_test(test_feed_stops_at_message_end),
        cmocka_unit_test(test_oversized_payload_rejected),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_errnames_and_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
