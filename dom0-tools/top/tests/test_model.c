/* lintel-top's model: CPU% from deltas, states, memory, host totals, filter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "top_fixtures.h"

static void test_cpu_percent_from_deltas(void **state)
{
    (void)state;
    /* one second of CPU in one second of wall time: one whole pCPU */
    assert_float_equal(top_cpu_percent(NS_PER_S, 2 * NS_PER_S, NS_PER_S), 100.0, 1e-9);
    assert_float_equal(top_cpu_percent(0, NS_PER_S / 4, NS_PER_S), 25.0, 1e-9);
    /* two busy vCPUs: 200, as xentop shows */
    assert_float_equal(top_cpu_percent(0, 4 * NS_PER_S, 2 * NS_PER_S), 200.0, 1e-9);
}

static void test_cpu_percent_without_a_usable_delta_is_zero(void **state)
{
    (void)state;
    assert_float_equal(top_cpu_percent(5, 10, 0), 0.0, 0);
    /* a reused domain id starts its counter again */
    assert_float_equal(top_cpu_percent(10 * NS_PER_S, NS_PER_S, NS_PER_S), 0.0, 0);
}

static void test_rows_use_the_previous_sample(void **state)
{
    struct top_domain_sample before[] = {
        fixture_domain(0, "Domain-0", XEN_DOMINF_running, 10 * NS_PER_S, 65536),
        fixture_domain(1, "spin", XEN_DOMINF_running, 3 * NS_PER_S, 8192),
    };
    struct top_domain_sample after[] = {
        fixture_domain(0, "Domain-0", XEN_DOMINF_blocked, 10 * NS_PER_S + NS_PER_S / 10,
                       65536),
        fixture_domain(1, "spin", XEN_DOMINF_running, 5 * NS_PER_S, 8192),
        fixture_domain(2, "new", XEN_DOMINF_paused, NS_PER_S, 4096),
    };
    struct top_sample prev = fixture_sample(100 * NS_PER_S, before, 2);
    struct top_sample cur = fixture_sample(102 * NS_PER_S, after, 3);
    struct top_row rows[4];

    (void)state;
    assert_int_equal(top_rows_build(&prev, &cur, rows, 4), 3);
    assert_float_equal(rows[0].cpu_pct, 5.0, 1e-9);
    assert_float_equal(rows[1].cpu_pct, 100.0, 1e-9);
    /* not in the previous sample: no interval to speak of */
    assert_float_equal(rows[2].cpu_pct, 0.0, 0);
    assert_float_equal(rows[1].cpu_sec, 5.0, 1e-9);
    assert_string_equal(rows[2].name, "new");
    assert_string_equal(rows[2].state, "--p---");
    assert_int_equal(rows[2].main_state, TOP_PAUSED);
}

static void test_first_sample_shows_zero_cpu(void **state)
{
    struct top_domain_sample doms[] = {
        fixture_domain(0, "Domain-0", XEN_DOMINF_running, 10 * NS_PER_S, 65536),
    };
    struct top_sample cur = fixture_sample(NS_PER_S, doms, 1);
    struct top_row row;

    (void)state;
    assert_int_equal(top_rows_build(NULL, &cur, &row, 1), 1);
    assert_float_equal(row.cpu_pct, 0.0, 0);
    assert_float_equal(row.cpu_sec, 10.0, 1e-9);
}

static void test_memory_and_its_share(void **state)
{
    struct top_domain_sample doms[] = {
        fixture_domain(3, "half", XEN_DOMINF_blocked, 0, 131072),
        fixture_domain(4, "unbounded", XEN_DOMINF_blocked, 0, 1024),
    };
    struct top_sample cur = fixture_sample(NS_PER_S, doms, 2);
    struct top_row rows[2];

    (void)state;
    doms[1].max_pages = UINT64_MAX;
    top_rows_build(NULL, &cur, rows, 2);
    assert_int_equal(rows[0].mem_kib, 131072 * 4);
    assert_float_equal(rows[0].mem_pct, 50.0, 1e-9);
    assert_int_equal(rows[0].maxmem_kib, (131072 + 256) * 4);
    assert_true(rows[1].maxmem_kib == TOP_NO_LIMIT);
}

static void test_unnamed_domain_gets_a_placeholder(void **state)
{
    struct top_domain_sample doms[] = { fixture_domain(7, "", 0, 0, 1) };
    struct top_sample cur = fixture_sample(NS_PER_S, doms, 1);
    struct top_row row;

    (void)state;
    top_rows_build(NULL, &cur, &row, 1);
    assert_string_equal(row.name, "(domain 7)");
}

static void test_state_letters_like_xl(void **state)
{
    char s[TOP_NR_STATES + 1];
    uint32_t crash = XEN_DOMINF_shutdown | (SHUTDOWN_crash << XEN_DOMINF_shutdownshift);
    uint32_t poweroff = XEN_DOMINF_shutdown | (SHUTDOWN_poweroff << XEN_DOMINF_shutdownshift);

    (void)state;
    top_state_letters(XEN_DOMINF_running, s);
    assert_string_equal(s, "r-----");
    top_state_letters(XEN_DOMINF_blocked | XEN_DOMINF_paused, s);
    assert_string_equal(s, "-bp---");
    top_state_letters(poweroff, s);
    assert_string_equal(s, "---s--");
    top_state_letters(crash, s);
    assert_string_equal(s, "----c-");
    top_state_letters(poweroff | XEN_DOMINF_dying, s);
    assert_string_equal(s, "---s-d");
    assert_int_equal(top_main_state(crash), TOP_CRASHED);
    assert_int_equal(top_main_state(poweroff | XEN_DOMINF_dying), TOP_DYING);
    assert_int_equal(top_main_state(XEN_DOMINF_running | XEN_DOMINF_paused), TOP_PAUSED);
    assert_int_equal(top_main_state(0), TOP_BLOCKED);
}

static void test_host_counts_domains_by_state(void **state)
{
    struct top_domain_sample doms[] = {
        fixture_domain(0, "Domain-0", XEN_DOMINF_running, 0, 1),
        fixture_domain(1, "a", XEN_DOMINF_blocked, 0, 1),
        fixture_domain(2, "b", XEN_DOMINF_paused | XEN_DOMINF_blocked, 0, 1),
        fixture_domain(3, "c", XEN_DOMINF_paused, 0, 1),
    };
    struct top_sample cur = fixture_sample(NS_PER_S, doms, 4);
    struct top_host host;

    (void)state;
    top_host_build(&cur, &host);
    assert_int_equal(host.domains, 4);
    assert_int_equal(host.by_state[TOP_RUNNING], 1);
    assert_int_equal(host.by_state[TOP_BLOCKED], 1);
    assert_int_equal(host.by_state[TOP_PAUSED], 2);
    assert_int_equal(host.total_kib, 262144 * 4);
    assert_int_equal(host.free_kib, 131072 * 4);
    assert_int_equal(host.nr_cpus, 2);
    assert_string_equal(host.hv_name, "Xen");
}

static void test_hypervisor_name_from_extraversion(void **state)
{
    (void)state;
    assert_string_equal(top_hypervisor_name(".0-lintel"), "Lintel");
    assert_string_equal(top_hypervisor_name(".0"), "Xen");
    assert_string_equal(top_hypervisor_name(""), "Xen");
}

static void test_vcpu_rows_of_one_domain(void **state)
{
    struct top_domain_sample doms[] = { fixture_domain(5, "two", XEN_DOMINF_running, 0, 1) };
    struct top_vcpu_sample before[] = {
        { 5, 0, true, false, true, 1, NS_PER_S },
        { 5, 1, true, true, false, 0, NS_PER_S },
    };
    struct top_vcpu_sample after[] = {
        { 5, 0, true, false, true, 1, 2 * NS_PER_S },
        { 5, 1, true, true, false, 0, NS_PER_S },
        { 6, 0, true, false, true, 0, 9 * NS_PER_S },
        { 5, 2, false, false, false, 0, 0 },
    };
    struct top_sample prev = fixture_sample(10 * NS_PER_S, doms, 1);
    struct top_sample cur = fixture_sample(11 * NS_PER_S, doms, 1);
    struct top_vcpu_row rows[8];

    (void)state;
    prev.vcpus = before, prev.n_vcpus = 2;
    cur.vcpus = after, cur.n_vcpus = 4;
    assert_int_equal(top_vcpu_rows_build(&prev, &cur, 5, rows, 8), 3);
    assert_float_equal(rows[0].cpu_pct, 100.0, 1e-9);
    assert_int_equal(rows[0].state, 'r');
    assert_int_equal(rows[0].pcpu, 1);
    assert_float_equal(rows[1].cpu_pct, 0.0, 0);
    assert_int_equal(rows[1].state, 'b');
    assert_int_equal(rows[2].state, '-');
}

static void test_filter_by_name_ignores_case(void **state)
{
    struct top_domain_sample doms[] = {
        fixture_domain(0, "Domain-0", 0, 0, 1),
        fixture_domain(1, "web-1", 0, 0, 1),
        fixture_domain(2, "db", 0, 0, 1),
        fixture_domain(3, "WEB-2", 0, 0, 1),
    };
    struct top_sample cur = fixture_sample(NS_PER_S, doms, 4);
    struct top_row rows[4];
    size_t n = top_rows_build(NULL, &cur, rows, 4);

    (void)state;
    assert_int_equal(top_rows_filter(rows, n, ""), 4);
    assert_int_equal(top_rows_filter(rows, n, "Web"), 2);
    assert_string_equal(rows[0].name, "web-1");
    assert_string_equal(rows[1].name, "WEB-2");
    assert_int_equal(top_rows_filter(rows, 2, "nothing"), 0);
}

static void test_rows_stop_at_the_buffer(void **state)
{
    struct top_domain_sample doms[] = {
        fixture_domain(0, "a", 0, 0, 1), fixture_domain(1, "b", 0, 0, 1),
    };
    struct top_sample cur = fixture_sample(NS_PER_S, doms, 2);
    struct top_row rows[1];

    (void)state;
    assert_int_equal(top_rows_build(NULL, &cur, rows, 1), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpu_percent_from_deltas),
        cmocka_unit_test(test_cpu_percent_without_a_usable_delta_is_zero),
        cmocka_unit_test(test_rows_use_the_previous_sample),
        cmocka_unit_test(test_first_sample_shows_zero_cpu),
        cmocka_unit_test(test_memory_and_its_share),
        cmocka_unit_test(test_unnamed_domain_gets_a_placeholder),
        cmocka_unit_test(test_state_letters_like_xl),
        cmocka_unit_test(test_host_counts_domains_by_state),
        cmocka_unit_test(test_hypervisor_name_from_extraversion),
        cmocka_unit_test(test_vcpu_rows_of_one_domain),
        cmocka_unit_test(test_filter_by_name_ignores_case),
        cmocka_unit_test(test_rows_stop_at_the_buffer),
    };

    return cmocka_run_group_tests_name("top_model", tests, NULL, NULL);
}
