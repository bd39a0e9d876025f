/*
 * Host unit tests of the test kernels' pure library parts: the printf-style
 * formatter and the test bookkeeping that decides the RESULT line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/format.h"
#include "lib/testfw.h"

static void expect_format(const char *want, const char *fmt, ...)
{
    char buf[128];
    va_list ap;

    va_start(ap, fmt);
    size_t len = format_v(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    assert_string_equal(buf, want);
    assert_int_equal(len, strlen(want));
}

static void format_integers(void **state)
{
    (void)state;
    expect_format("0", "%d", 0);
    expect_format("-22", "%d", -22);
    expect_format("4294967295", "%u", 4294967295u);
    expect_format("-9223372036854775808", "%lld", (long long)INT64_MIN);
    expect_format("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    expect_format("ffff800000000000", "%lx", 0xffff800000000000UL);
    expect_format("DEAD", "%X", 0xdead);
    expect_format("0x800", "%#x", 0x800);
    expect_format("42", "%zu", (size_t)42);
}

static void format_width_and_padding(void **state)
{
    (void)state;
    expect_format("   7", "%4d", 7);
    expect_format("0007", "%04d", 7);
    expect_format("-007", "%04d", -7);
    expect_format("7   |", "%-4d|", 7);
    expect_format("0x00ff", "%#06x", 0xff);
    expect_format("  ab", "%4s", "ab");
    expect_format("ab  |", "%-4s|", "ab");
}

static void format_strings_chars_pointers(void **state)
{
    (void)state;
    expect_format("hello world", "%s %s", "hello", "world");
    expect_format("(null)", "%s", (char *)NULL);
    expect_format("x=y", "%c=%c", 'x', 'y');
    expect_format("100%", "%d%%", 100);
    expect_format("0xffffffff80000000", "%p", (void *)0xffffffff80000000UL);
    expect_format("%q", "%q");
    expect_format("end", "end%");
}

static void format_truncates_and_reports_full_length(void **state)
{
    char buf[6];
    (void)state;

    memset(buf, 'Z', sizeof(buf));
    assert_int_equal(format(buf, sizeof(buf), "%s", "truncated"), 9);
    assert_string_equal(buf, "trunc");
    assert_int_equal(format(buf, 1, "abc"), 3);
    assert_string_equal(buf, "");
    /* Size 0 writes nothing at all. */
    buf[0] = 'Q';
    assert_int_equal(format(buf, 0, "abc"), 3);
    assert_int_equal(buf[0], 'Q');
}

/* ---- the test bookkeeping ---- */

static char lines[32][256];
static int line_count;

static void capture(const char *line)
{
    assert_true(line_count < 32);
    snprintf(lines[line_count++], sizeof(lines[0]), "%s", line);
}

static void passing_case(void)
{
    EXPECT_EQ(1 + 1, 2);
    EXPECT_ERRNO(-22, 22);
}

static void failing_case(void)
{
    EXPECT_EQ(3, 4);
    EXPECT_TRUE(0);
    EXPECT_NE(5, 6);
}

static void empty_case(void)
{
}

static void run_cases(struct test_run *run, const struct test_case *cases, int n)
{
    line_count = 0;
    testfw_begin(run, capture);
    for (int i = 0; i < n; i++)
        testfw_run_case(run, &cases[i]);
}

static void all_passing_gives_pass(void **state)
{
    const struct test_case cases[] = { { "passing", passing_case } };
    struct test_run run;
    char verdict[64];
    (void)state;

    run_cases(&run, cases, 1);
    assert_int_equal(testfw_result_line(&run, verdict, sizeof(verdict)), 1);
    assert_string_equal(verdict, "RESULT: PASS");
    assert_string_equal(lines[0], "TEST passing");
    assert_non_null(strstr(lines[1], "ok   test_kernel_lib.c:"));
    assert_non_null(strstr(lines[1], "1 + 1 == 2 (2)"));
    assert_non_null(strstr(lines[2], "-22 -> -22 (-22)"));
    assert_string_equal(lines[3], "END  passing: 2 checks, 0 failed");
}

static void failures_are_counted_and_shown(void **state)
{
    const struct test_case cases[] = {
        { "passing", passing_case }, { "failing", failing_case },
    };
    struct test_run run;
    char verdict[64];
    (void)state;

    run_cases(&run, cases, 2);
    assert_int_equal(testfw_result_line(&run, verdict, sizeof(verdict)), 0);
    assert_string_equal(verdict, "RESULT: FAIL (2 failed)");
    assert_int_equal(run.checks, 5);
    assert_non_null(strstr(lines[5], "FAIL test_kernel_lib.c:"));
    assert_non_null(strstr(lines[5], "3 == 4 (got 3 = 0x3, want 4 = 0x4)"));
    assert_non_null(strstr(lines[6], "FAIL"));
    assert_non_null(strstr(lines[7], "ok  "));
    assert_string_equal(lines[8], "END  failing: 3 checks, 2 failed");
}

static void a_test_without_checks_fails(void **state)
{
    const struct test_case cases[] = { { "empty", empty_case } };
    struct test_run run;
    char verdict[64];
    (void)state;

    run_cases(&run, cases, 1);
    assert_int_equal(testfw_result_line(&run, verdict, sizeof(verdict)), 0);
    assert_string_equal(verdict, "RESULT: FAIL (1 failed)");
    assert_non_null(strstr(lines[1], "test made no checks"));
}

static void no_tests_at_all_fails(void **state)
{
    struct test_run run;
    char verdict[64];
    (void)state;

    run_cases(&run, NULL, 0);
    assert_int_equal(testfw_result_line(&run, verdict, sizeof(verdict)), 0);
    assert_string_equal(verdict, "RESULT: FAIL (1 failed)");
}

static void notes_are_not_checks(void **state)
{
    struct test_run run;
    (void)state;

    run_cases(&run, NULL, 0);
    testfw_note(&run, "value %#x", 0x800);
    assert_string_equal(lines[0], "note value 0x800");
    assert_int_equal(run.checks, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(format_integers),
        cmocka_unit_test(format_width_and_padding),
        cmocka_unit_test(format_strings_chars_pointers),
        cmocka_unit_test(format_truncates_and_reports_full_length),
        cmocka_unit_test(all_passing_gives_pass),
        cmocka_unit_test(failures_are_counted_and_shown),
        cmocka_unit_test(a_test_without_checks_fails),
        cmocka_unit_test(no_tests_at_all_fails),
        cmocka_unit_test(notes_are_not_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
