/* lintel-top's command line: values accepted, and bad ones named in the error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <string.h>

#include "top_args.h"

static bool parse(struct top_args *args, char *err, const char *a1, const char *a2,
                  const char *a3, const char *a4)
{
    char *argv[] = { "lintel-top", (char *)a1, (char *)a2, (char *)a3, (char *)a4, NULL };
    int argc = 1;

    while (argv[argc])
        argc++;
    return top_args_parse(argc, argv, args, err, 256);
}

static void test_defaults(void **state)
{
    struct top_args args;
    char err[256];

    (void)state;
    assert_true(parse(&args, err, NULL, NULL, NULL, NULL));
    assert_false(args.batch);
    assert_false(args.json);
    assert_int_equal(args.iterations, 0);
    assert_int_equal(args.view.delay_ms, TOP_DEFAULT_DELAY_MS);
    assert_int_equal(args.view.sort, COL_CPU_PCT);
    assert_true(args.view.reverse);
}

static void test_batch_options(void **state)
{
    struct top_args args;
    char err[256];

    (void)state;
    assert_true(parse(&args, err, "-b", "-i", "3", "-d1.5"));
    assert_true(args.batch);
    assert_int_equal(args.iterations, 3);
    assert_int_equal(args.view.delay_ms, 1500);
    assert_true(parse(&args, err, "--json", "--sort=name", "-r", "--vcpus"));
    assert_true(args.json);
    assert_true(args.batch);    /* JSON is for scripts: never the screen */
    assert_int_equal(args.view.sort, COL_NAME);
    assert_true(args.view.reverse);
    assert_true(args.view.all_vcpus);
    assert_true(parse(&args, err, "-s", "mem_kib", NULL, NULL));
    assert_int_equal(args.view.sort, COL_MEM);
    assert_true(args.view.reverse);
}

static void test_bad_values_are_named(void **state)
{
    static const struct {
        const char *a1, *a2, *message;
    } cases[] = {
        { "-d", "0", "invalid delay \"0\": must be between 0.1 and 3600 seconds" },
        { "-d", "4000", "invalid delay \"4000\": must be between 0.1 and 3600 seconds" },
        { "-d", "1s", "invalid delay \"1s\": not a number of seconds" },
        { "-d", "nan", "invalid delay \"nan\": not a number of seconds" },
        { "-i", "0", "invalid iteration count \"0\": must be a whole number >= 1" },
        { "-i", "2x", "invalid iteration count \"2x\": must be a whole number >= 1" },
        { "-s", "cpu", "invalid sort column \"cpu\": one of name id state cpu_sec cpu_pct "
                       "mem_kib mem_pct maxmem_kib vcpus" },
        { "-q", NULL, "unknown option \"-q\"" },
        { "--frobnicate", NULL, "unknown option \"--frobnicate\"" },
        { "-i", NULL, "option \"-i\" needs a value" },
        { "extra", NULL, "unexpected argument \"extra\"" },
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct top_args args;
        char err[256] = "";

        assert_false(parse(&args, err, cases[i].a1, cases[i].a2, NULL, NULL));
        assert_string_equal(err, cases[i].message);
    }
}

static void test_delay_limits(void **state)
{
    unsigned ms = 7;
    char err[128];

    (void)state;
    assert_true(top_parse_delay("0.1", &ms, err, sizeof(err)));
    assert_int_equal(ms, 100);
    assert_true(top_parse_delay("3600", &ms, err, sizeof(err)));
    assert_int_equal(ms, 3600000);
    assert_false(top_parse_delay("", &ms, err, sizeof(err)));
    assert_false(top_parse_delay("-1", &ms, err, sizeof(err)));
    assert_int_equal(ms, 3600000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_batch_options),
        cmocka_unit_test(test_bad_values_are_named),
        cmocka_unit_test(test_delay_limits),
    };

    return cmocka_run_group_tests_name("top_args", tests, NULL, NULL);
}
