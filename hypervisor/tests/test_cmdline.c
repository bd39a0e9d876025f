/* The hypervisor command line: each option, bad values, unknown options. */
#include "unit.h"

#include <stdio.h>

#include <lintel/cmdline.h>

static char reports[16][300];
static unsigned report_count;

static void collect(void *ctx, const char *message)
{
    (void)ctx;
    if (report_count < 16)
        snprintf(reports[report_count], sizeof(reports[0]), "%s", message);
    report_count++;
}

static struct lintel_options opts;

static int setup(void **state)
{
    (void)state;
    report_count = 0;
    cmdline_defaults(&opts);
    return 0;
}

static unsigned parse(const char *line)
{
    return cmdline_parse(line, &opts, collect, NULL);
}

static void defaults(void **state)
{
    (void)state;
    assert_int_equal(parse(""), 0);
    assert_true(opts.console_serial);
    assert_int_equal(opts.loglvl, 2);
    assert_false(opts.noreboot);
    assert_false(opts.hypercall_trace);
    assert_int_equal(opts.dom0_mem, 0);
}

static void all_options_parse(void **state)
{
    (void)state;
    assert_int_equal(parse("  console=none loglvl=debug/warning dom0_mem=512M "
                           "dom0_max_vcpus=2-4 noreboot hypercall_trace  "), 0);
    assert_false(opts.console_serial);
    assert_int_equal(opts.loglvl, 3);
    assert_int_equal(opts.guest_loglvl, 1);
    assert_int_equal(opts.dom0_mem, 512ULL << 20);
    assert_int_equal(opts.dom0_max_vcpus_min, 2);
    assert_int_equal(opts.dom0_max_vcpus_max, 4);
    assert_true(opts.noreboot);
    assert_true(opts.hypercall_trace);
    assert_int_equal(report_count, 0);
}

static void xen_console_options(void **state)
{
    (void)state;
    assert_int_equal(opts.com1_baud, 115200);
    assert_int_equal(parse("com1=115200,8n1 guest_loglvl=all"), 0);
    assert_int_equal(opts.com1_baud, 115200);
    assert_int_equal(opts.guest_loglvl, 3);
    assert_int_equal(parse("com1=9600"), 0);
    assert_int_equal(opts.com1_baud, 9600);
    assert_int_equal(parse("com1=7000 com1=115200,7e1 com1=0 guest_loglvl=chatty"), 4);
    assert_string_equal(reports[1], "invalid value \"115200,7e1\" for com1: "
                                    "only the 8n1 format is supported");
    assert_int_equal(opts.com1_baud, 9600);
    assert_int_equal(opts.guest_loglvl, 3);
}

static void dom0_mem_forms(void **state)
{
    (void)state;
    assert_int_equal(parse("dom0_mem=min:128M,max:1G,768M"), 0);
    assert_int_equal(opts.dom0_mem_min, 128ULL << 20);
    assert_int_equal(opts.dom0_mem_max, 1ULL << 30);
    assert_int_equal(opts.dom0_mem, 768ULL << 20);
    /* No unit means kilobytes, as on Xen. */
    assert_int_equal(parse("dom0_mem=1024"), 0);
    assert_int_equal(opts.dom0_mem, 1024ULL << 10);
    assert_int_equal(parse("dom0_mem=1048576B"), 0);
    assert_int_equal(opts.dom0_mem, 1048576);
}

static void bad_values_are_reported_and_change_nothing(void **state)
{
    (void)state;
    assert_int_equal(parse("dom0_mem=12q"), 1);
    assert_string_equal(reports[0], "invalid value \"12q\" for dom0_mem: "
                                    "expected a size such as 512M or max:1G");
    assert_int_equal(opts.dom0_mem, 0);
    assert_int_equal(parse("dom0_mem=512M,max:zz"), 1);
    assert_int_equal(opts.dom0_mem, 0);     /* the whole list was rejected */
    assert_int_equal(parse("dom0_mem=min:2G,max:1G"), 1);
    assert_int_equal(parse("dom0_mem=99999999999999999999G"), 1);
    assert_int_equal(parse("dom0_mem=-512M"), 1);
    assert_int_equal(parse("loglvl=loud"), 1);
    assert_int_equal(opts.loglvl, 2);
    assert_int_equal(parse("console=vga"), 1);
    assert_true(opts.console_serial);
    assert_int_equal(parse("dom0_max_vcpus=0 dom0_max_vcpus=4-2 dom0_max_vcpus=3x"), 3);
    assert_int_equal(opts.dom0_max_vcpus_max, 0);
    assert_int_equal(parse("noreboot=maybe"), 1);
    assert_false(opts.noreboot);
    assert_int_equal(parse("loglvl="), 1);
    assert_string_equal(reports[report_count - 1], "option loglvl needs a value");
}

static void unknown_options_are_reported_not_fatal(void **state)
{
    (void)state;
    assert_int_equal(parse("frobnicate=3 noreboot wibble"), 2);
    assert_string_equal(reports[0], "unknown option \"frobnicate\" ignored");
    assert_string_equal(reports[1], "unknown option \"wibble\" ignored");
    assert_true(opts.noreboot);
}

static void booleans_take_values_and_no_prefix(void **state)
{
    (void)state;
    assert_int_equal(parse("hypercall_trace=yes noreboot=on nodom0"), 0);
    assert_true(opts.hypercall_trace);
    assert_true(opts.noreboot);
    assert_true(opts.nodom0);
    assert_int_equal(parse("no-hypercall_trace noreboot=0"), 0);
    assert_false(opts.hypercall_trace);
    assert_false(opts.noreboot);
    /* "no-" only applies to booleans. */
    assert_int_equal(parse("no-loglvl"), 1);
}

static void overlong_token_is_reported(void **state)
{
    char line[600];

    (void)state;
    memset(line, 'a', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    assert_int_equal(parse(line), 1);
}

static void image_name_is_skipped(void **state)
{
    (void)state;
    assert_string_equal(cmdline_skip_image_name("build/lintel.elf loglvl=all"),
                        "loglvl=all");
    assert_string_equal(cmdline_skip_image_name("/boot/lintel.elf"), "");
    assert_string_equal(cmdline_skip_image_name("noreboot loglvl=all"),
                        "noreboot loglvl=all");
    assert_string_equal(cmdline_skip_image_name("loglvl=all"), "loglvl=all");
    assert_string_equal(cmdline_skip_image_name(""), "");
}

static void help_table_names_every_option(void **state)
{
    const char *want[] = { "console", "loglvl", "guest_loglvl", "com1", "dom0_mem",
                           "dom0_max_vcpus", "noreboot", "hypercall_trace", "nodom0",
                           "nosmp", "maxcpus" };

    (void)state;
    assert_int_equal(cmdline_option_count(), 11);
    for (size_t i = 0; i < 11; i++) {
        assert_string_equal(cmdline_option_name(i), want[i]);
        assert_non_null(cmdline_option_help(i));
    }
    assert_null(cmdline_option_name(11));
}

static void cpu_count_options(void **state)
{
    (void)state;
    assert_int_equal(parse("nosmp maxcpus=2"), 0);
    assert_true(opts.nosmp);
    assert_int_equal(opts.maxcpus, 2);
    assert_int_equal(parse("no-nosmp"), 0);
    assert_false(opts.nosmp);
    assert_int_equal(parse("maxcpus=0 maxcpus=two maxcpus=3x maxcpus="), 4);
    assert_int_equal(opts.maxcpus, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(defaults, setup),
        cmocka_unit_test_setup(all_options_parse, setup),
        cmocka_unit_test_setup(xen_console_options, setup),
        cmocka_unit_test_setup(dom0_mem_forms, setup),
        cmocka_unit_test_setup(bad_values_are_reported_and_change_nothing, setup),
        cmocka_unit_test_setup(unknown_options_are_reported_not_fatal, setup),
        cmocka_unit_test_setup(booleans_take_values_and_no_prefix, setup),
        cmocka_unit_test_setup(overlong_token_is_reported, setup),
        cmocka_unit_test_setup(image_name_is_skipped, setup),
        cmocka_unit_test_setup(help_table_names_every_option, setup),
        cmocka_unit_test_setup(cpu_count_options, setup),
    };
    return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
