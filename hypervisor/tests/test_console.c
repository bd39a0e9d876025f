/* The console's pure parts: the log ring (readconsole semantics), the
 * Ctrl-A input switch, and the ring-0 printf. */
#include "unit.h"

#include <lintel/console_input.h>
#include <lintel/console_ring.h>
#include <lintel/lib.h>

static void ring_reads_back_in_order(void **state)
{
    char buf[16], out[32];
    struct console_ring r;
    uint64_t pos = 0;

    (void)state;
    console_ring_init(&r, buf, sizeof(buf));
    console_ring_write(&r, "hello ", 6);
    console_ring_write(&r, "world", 5);
    assert_int_equal(console_ring_read(&r, &pos, out, sizeof(out)), 11);
    assert_memory_equal(out, "hello world", 11);
    assert_int_equal(pos, 11);
    /* Nothing new: nothing read. */
    assert_int_equal(console_ring_read(&r, &pos, out, sizeof(out)), 0);
    console_ring_write(&r, "!", 1);
    assert_int_equal(console_ring_read(&r, &pos, out, sizeof(out)), 1);
    assert_int_equal(out[0], '!');
}

static void ring_overwrite_moves_stale_readers_up(void **state)
{
    char buf[8], out[32];
    struct console_ring r;
    uint64_t pos = 0;

    (void)state;
    console_ring_init(&r, buf, sizeof(buf));
    console_ring_write(&r, "0123456789abc", 13);
    assert_int_equal(console_ring_oldest(&r), 5);
    assert_int_equal(console_ring_read(&r, &pos, out, sizeof(out)), 8);
    assert_memory_equal(out, "56789abc", 8);
    assert_int_equal(pos, 13);
}

static void ring_partial_reads(void **state)
{
    char buf[16], out[4];
    struct console_ring r;
    uint64_t pos = 0;

    (void)state;
    console_ring_init(&r, buf, sizeof(buf));
    console_ring_write(&r, "abcdefgh", 8);
    assert_int_equal(console_ring_read(&r, &pos, out, 3), 3);
    assert_memory_equal(out, "abc", 3);
    assert_int_equal(console_ring_read(&r, &pos, out, 3), 3);
    assert_memory_equal(out, "def", 3);
    /* A position from the future is clamped, not trusted. */
    pos = 1000;
    assert_int_equal(console_ring_read(&r, &pos, out, 3), 0);
    assert_int_equal(pos, 8);
}

static void ring_clear_hides_old_text(void **state)
{
    char buf[16], out[32];
    struct console_ring r;
    uint64_t pos = 0;

    (void)state;
    console_ring_init(&r, buf, sizeof(buf));
    console_ring_write(&r, "old", 3);
    console_ring_clear(&r);
    assert_int_equal(console_ring_oldest(&r), 3);
    assert_int_equal(console_ring_read(&r, &pos, out, sizeof(out)), 0);
    console_ring_write(&r, "new", 3);
    pos = 0;
    assert_int_equal(console_ring_read(&r, &pos, out, sizeof(out)), 3);
    assert_memory_equal(out, "new", 3);
    /* Once the ring wraps, the wrap decides what is oldest again. */
    console_ring_write(&r, "0123456789abcdef", 16);
    assert_int_equal(console_ring_oldest(&r), 6);
}

static void ctrl_a_three_times_switches(void **state)
{
    struct console_input ci;

    (void)state;
    console_input_init(&ci, CONSOLE_TO_HYPERVISOR);
    assert_int_equal(console_input_feed(&ci, 'h'), CONSOLE_DELIVER);
    assert_int_equal(console_input_feed(&ci, 1), CONSOLE_SWALLOW);
    assert_int_equal(console_input_feed(&ci, 1), CONSOLE_SWALLOW);
    assert_int_equal(console_input_feed(&ci, 1), CONSOLE_SWITCHED);
    assert_int_equal(ci.target, CONSOLE_TO_DOM0);
    assert_int_equal(console_input_feed(&ci, 'x'), CONSOLE_DELIVER);
    for (int i = 0; i < 3; i++)
        console_input_feed(&ci, 1);
    assert_int_equal(ci.target, CONSOLE_TO_HYPERVISOR);
}

static void interrupted_sequence_does_not_switch(void **state)
{
    struct console_input ci;

    (void)state;
    console_input_init(&ci, CONSOLE_TO_HYPERVISOR);
    console_input_feed(&ci, 1);
    console_input_feed(&ci, 1);
    assert_int_equal(console_input_feed(&ci, 'q'), CONSOLE_DELIVER);
    assert_int_equal(console_input_feed(&ci, 1), CONSOLE_SWALLOW);
    assert_int_equal(ci.target, CONSOLE_TO_HYPERVISOR);
}

static const char *volatile null_string;

static void printf_formats(void **state)
{
    char b[64];

    (void)state;
    lintel_snprintf(b, sizeof(b), "%d %i %u %x %X %c %s %%", -42, 7, 3000000000u,
                    0xbeefu, 0xbeefu, 'z', "str");
    assert_string_equal(b, "-42 7 3000000000 beef BEEF z str %");
    lintel_snprintf(b, sizeof(b), "[%5d|%-5d|%05d|%#x|%#lx]", 42, 42, 42, 255u,
                    (unsigned long)0xffff82d040000000);
    assert_string_equal(b, "[   42|42   |00042|0xff|0xffff82d040000000]");
    lintel_snprintf(b, sizeof(b), "%016lx %lu %ld %zu", 0x1234UL, UINT64_MAX,
                    (long)INT64_MIN, (size_t)77);
    assert_string_equal(b, "0000000000001234 18446744073709551615 "
                           "-9223372036854775808 77");
    lintel_snprintf(b, sizeof(b), "%.3s|%-6s|%6s|%s|%p", "abcdef", "ab", "ab",
                    null_string, (void *)0x10);
    assert_string_equal(b, "abc|ab    |    ab|(null)|0x10");
    lintel_snprintf(b, sizeof(b), "%*d|%.*s", 4, 7, 2, "xyz");
    assert_string_equal(b, "   7|xy");
}

static void printf_truncates_and_reports_full_length(void **state)
{
    char b[8];

    (void)state;
    assert_int_equal(lintel_snprintf(b, sizeof(b), "%s", "0123456789"), 10);
    assert_string_equal(b, "0123456");
    assert_int_equal(lintel_snprintf(b, 0, "abc"), 3);
    assert_int_equal(lintel_snprintf(b, 1, "abc"), 3);
    assert_string_equal(b, "");
}

static void parse_u64_limits(void **state)
{
    const char *end;
    uint64_t v;

    (void)state;
    assert_true(parse_u64("18446744073709551615x", &end, &v));
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(*end, 'x');
    assert_false(parse_u64("18446744073709551616", &end, &v));
    assert_true(parse_u64("0x1F", &end, &v));
    assert_int_equal(v, 31);
    assert_false(parse_u64("abc", &end, &v));
    assert_true(parse_u64("0x", &end, &v));     /* "0", then "x" is unparsed */
    assert_int_equal(v, 0);
    assert_int_equal(*end, 'x');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ring_reads_back_in_order),
        cmocka_unit_test(ring_overwrite_moves_stale_readers_up),
        cmocka_unit_test(ring_partial_reads),
        cmocka_unit_test(ring_clear_hides_old_text),
        cmocka_unit_test(ctrl_a_three_times_switches),
        cmocka_unit_test(interrupted_sequence_does_not_switch),
        cmocka_unit_test(printf_formats),
        cmocka_unit_test(printf_truncates_and_reports_full_length),
        cmocka_unit_test(parse_u64_limits),
    };
    return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
