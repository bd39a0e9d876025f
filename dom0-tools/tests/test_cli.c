/* Unit tests for dom0-tools/cli: argument checks, the command table, output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "command.h"
#include "domain_format.h"
#include "public/sched.h"

static void test_parse_number(void **state)
{
    uint64_t v;
    char why[256];

    (void)state;
    assert_int_equal(cli_parse_number("vcpus", "4", 1, 128, &v, why, sizeof(why)), 0);
    assert_int_equal(v, 4);
    assert_int_equal(cli_parse_number("vcpus", "0", 1, 128, &v, why, sizeof(why)), -1);
    assert_string_equal(why, "invalid vcpus \"0\": out of range 1 to 128");
    assert_int_equal(cli_parse_number("vcpus", "4x", 1, 128, &v, why, sizeof(why)), -1);
    assert_string_equal(why,
                        "invalid vcpus \"4x\": expected a whole number from 1 to 128");
}

static void test_parse_memory(void **state)
{
    uint64_t kib;
    char why[256];

    (void)state;
    assert_int_equal(cli_parse_memory_kib("memory size", "512", 0, UINT64_MAX, &kib,
                                          why, sizeof(why)), 0);
    assert_int_equal(kib, 512 * 1024);
    assert_int_equal(cli_parse_memory_kib("memory size", "2G", 0, UINT64_MAX, &kib,
                                          why, sizeof(why)), 0);
    assert_int_equal(kib, 2 * 1024 * 1024);
    assert_int_equal(cli_parse_memory_kib("memory size", "64k", 0, UINT64_MAX, &kib,
                                          why, sizeof(why)), 0);
    assert_int_equal(kib, 64);
    assert_int_equal(cli_parse_memory_kib("memory size", "12q", 0, UINT64_MAX, &kib,
                                          why, sizeof(why)), -1);
    assert_non_null(strstr(why, "invalid memory size \"12q\""));
    assert_int_equal(cli_parse_memory_kib("memory size", "g", 0, UINT64_MAX, &kib,
                                          why, sizeof(why)), -1);
    assert_int_equal(cli_parse_memory_kib("memory size", "99999999999999999999t", 0,
                                          UINT64_MAX, &kib, why, sizeof(why)), -1);
    assert_int_equal(cli_parse_memory_kib("memory size", "8", 16 * 1024, UINT64_MAX,
                                          &kib, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "out of range 16 MiB"));
}

static void test_domain_ref(void **state)
{
    struct domain_ref ref;
    char why[256];

    (void)state;
    assert_int_equal(cli_parse_domain_ref("12", &ref, why, sizeof(why)), 0);
    assert_true(ref.is_id);
    assert_int_equal(ref.domid, 12);
    assert_int_equal(cli_parse_domain_ref("web", &ref, why, sizeof(why)), 0);
    assert_false(ref.is_id);
    assert_string_equal(ref.name, "web");
    assert_int_equal(cli_parse_domain_ref("32752", &ref, why, sizeof(why)), -1);
    assert_int_equal(cli_parse_domain_ref("1x", &ref, why, sizeof(why)), -1);
    assert_int_equal(cli_parse_domain_ref("", &ref, why, sizeof(why)), -1);
}

static void test_command_table_is_consistent(void **state)
{
    size_t n;
    const struct command *table = command_table(&n);

    (void)state;
    assert_true(n >= 20);
    for (size_t i = 0; i < n; i++) {
        assert_non_null(table[i].name);
        assert_non_null(table[i].usage);
        assert_non_null(table[i].summary);
        /* Exactly one of: a handler, or a reason why there is none yet. */
        assert_true((table[i].handler != NULL) != (table[i].unavailable != NULL));
        assert_ptr_equal(command_lookup(table[i].name), &table[i]);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(table[i].name, table[j].name);
    }
    assert_null(command_lookup("no-such-command"));
}

static void test_help_lists_every_command(void **state)
{
    char *text = NULL;
    size_t len = 0, n;
    FILE *out = open_memstream(&text, &len);
    const struct command *table = command_table(&n);

    (void)state;
    command_print_help(out);
    fclose(out);
    for (size_t i = 0; i < n; i++) {
        char line[128];

        snprintf(line, sizeof(line), "\n  %s ", table[i].name);
        assert_non_null(strstr(text, line));
        assert_non_null(strstr(text, table[i].summary));
    }
    free(text);
}

static char *capture(void (*print)(FILE *, const struct domain_row *, size_t),
                     const struct domain_row *rows, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    print(out, rows, n);
    fclose(out);
    return text;
}

static void print_json(FILE *out, const struct domain_row *rows, size_t n)
{
    domain_print_json(out, rows, n);
}

static void print_table(FILE *out, const struct domain_row *rows, size_t n)
{
    domain_print_table(out, rows, n, false);
}

static void test_state_letters(void **state)
{
    struct xen_domctl_getdomaininfo info;
    char letters[7];

    (void)state;
    memset(&info, 0, sizeof(info));
    info.flags = XEN_DOMINF_running;
    domain_state_letters(&info, letters);
    assert_string_equal(letters, "r-----");
    info.flags = XEN_DOMINF_blocked | XEN_DOMINF_paused | XEN_DOMINF_dying;
    domain_state_letters(&info, letters);
    assert_string_equal(letters, "-bp--d");
    info.flags = XEN_DOMINF_shutdown | (SHUTDOWN_crash << XEN_DOMINF_shutdownshift);
    domain_state_letters(&info, letters);
    assert_string_equal(letters, "----c-");
    assert_string_equal(domain_shutdown_reason(&info), "crash");
    info.flags = XEN_DOMINF_shutdown | (SHUTDOWN_reboot << XEN_DOMINF_shutdownshift);
    domain_state_letters(&info, letters);
    assert_string_equal(letters, "---s--");
    assert_string_equal(domain_shutdown_reason(&info), "reboot");
    info.flags = 0;
    assert_null(domain_shutdown_reason(&info));
}

static void test_list_output(void **state)
{
    struct domain_row rows[2];
    char *text;

    (void)state;
    memset(rows, 0, sizeof(rows));
    rows[0].name = "Domain-0";
    rows[0].info.domain = 0;
    rows[0].info.flags = XEN_DOMINF_running;
    rows[0].info.tot_pages = 262144;
    rows[0].info.max_pages = 262144;
    rows[0].info.nr_online_vcpus = 2;
    rows[0].info.max_vcpu_id = 1;
    rows[0].info.cpu_time = 1500000000;
    rows[1].name = NULL;
    rows[1].info.domain = 7;
    rows[1].info.flags = XEN_DOMINF_blocked;
    rows[1].info.tot_pages = 1000;
    rows[1].info.max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    rows[1].info.handle[15] = 0xab;

    text = capture(print_table, rows, 2);
    assert_non_null(strstr(text, "Name "));
    assert_non_null(strstr(text, "\nDomain-0 "));
    assert_non_null(strstr(text, "    1024     2 r-----        1.5\n"));
    assert_non_null(strstr(text, "\n- "));
    free(text);

    text = capture(print_json, rows, 2);
    assert_non_null(strstr(text, "{\"domid\": 0, \"name\": \"Domain-0\", "));
    assert_non_null(strstr(text, "\"memory_kib\": 1048576, \"max_memory_kib\": 1048576, "
                                 "\"vcpus_online\": 2, \"max_vcpus\": 2, "
                                 "\"cpu_time_ns\": 1500000000"));
    assert_non_null(strstr(text, "{\"domid\": 7, \"name\": null, "
                                 "\"uuid\": \"00000000-0000-0000-0000-0000000000ab\""));
    assert_non_null(strstr(text, "\"max_vcpus\": 0"));
    assert_true(text[0] == '[' && text[strlen(text) - 2] == ']');
    free(text);
}

static void test_json_string_escaping(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    (void)state;
    json_print_string(out, "a\"b\\c\nd");
    fclose(out);
    assert_string_equal(text, "\"a\\\"b\\\\c\\u000ad\"");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_number),
        cmocka_unit_test(test_parse_memory),
        cmocka_unit_test(test_domain_ref),
        cmocka_unit_test(test_command_table_is_consistent),
        cmocka_unit_test(test_help_lists_every_command),
        cmocka_unit_test(test_state_letters),
        cmocka_unit_test(test_list_output),
        cmocka_unit_test(test_json_string_escaping),
    };

    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
