/* lintel-top's column table: sorting, lookups, aligned lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>

#include "top_columns.h"
#include "top_fixtures.h"

static size_t three_rows(struct top_row rows[3])
{
    static struct top_domain_sample doms[3];
    struct top_domain_sample before[3];
    struct top_sample prev, cur;

    doms[0] = fixture_domain(0, "Domain-0", XEN_DOMINF_running, 50 * NS_PER_S, 65536);
    doms[1] = fixture_domain(4, "beta", XEN_DOMINF_paused, 10 * NS_PER_S, 4096);
    doms[2] = fixture_domain(9, "Alpha", XEN_DOMINF_running, 30 * NS_PER_S, 8192);
    for (int i = 0; i < 3; i++)
        before[i] = doms[i];
    before[0].cpu_time_ns -= NS_PER_S / 2;  /* 50% */
    before[2].cpu_time_ns -= NS_PER_S;      /* 100% */
    prev = fixture_sample(NS_PER_S, before, 3);
    cur = fixture_sample(2 * NS_PER_S, doms, 3);
    return top_rows_build(&prev, &cur, rows, 3);
}

static void assert_order(const struct top_row *rows, uint32_t a, uint32_t b, uint32_t c)
{
    assert_int_equal(rows[0].domid, a);
    assert_int_equal(rows[1].domid, b);
    assert_int_equal(rows[2].domid, c);
}

static void test_sort_by_each_kind_of_column(void **state)
{
    struct top_row rows[3];

    (void)state;
    three_rows(rows);
    top_rows_sort(rows, 3, COL_NAME, false);    /* names compare without case */
    assert_order(rows, 9, 4, 0);
    top_rows_sort(rows, 3, COL_CPU_PCT, true);
    assert_order(rows, 9, 0, 4);
    top_rows_sort(rows, 3, COL_MEM, false);
    assert_order(rows, 4, 9, 0);
    top_rows_sort(rows, 3, COL_ID, true);
    assert_order(rows, 9, 4, 0);
    top_rows_sort(rows, 3, COL_STATE, false);   /* running before paused */
    assert_order(rows, 0, 9, 4);
}

static void test_ties_keep_domain_id_order(void **state)
{
    struct top_row rows[3];

    (void)state;
    three_rows(rows);
    /* every domain has one vCPU: the id decides, in either direction */
    top_rows_sort(rows, 3, COL_VCPUS, true);
    assert_order(rows, 0, 4, 9);
    top_rows_sort(rows, 3, COL_VCPUS, false);
    assert_order(rows, 0, 4, 9);
}

static void test_lookups(void **state)
{
    (void)state;
    assert_int_equal(top_column_by_key("cpu_pct"), COL_CPU_PCT);
    assert_int_equal(top_column_by_key("CPU(%)"), -1);
    assert_int_equal(top_column_by_sort_key('C'), COL_CPU_PCT);
    assert_int_equal(top_column_by_sort_key('c'), COL_CPU_PCT);
    assert_int_equal(top_column_by_sort_key('Z'), -1);
    /* every column has its own key, sort letter, header */
    for (int a = 0; a < TOP_NR_COLUMNS; a++)
        for (int b = a + 1; b < TOP_NR_COLUMNS; b++) {
            assert_true(top_columns[a].sort_key != top_columns[b].sort_key);
            assert_string_not_equal(top_columns[a].key, top_columns[b].key);
        }
}

static void test_lines_align_under_the_header(void **state)
{
    bool visible[TOP_NR_COLUMNS];
    struct top_row rows[3];
    char header[256], line[256];

    (void)state;
    for (int c = 0; c < TOP_NR_COLUMNS; c++)
        visible[c] = true;
    three_rows(rows);
    top_format_line(NULL, visible, header, sizeof(header));
    top_format_line(&rows[2], visible, line, sizeof(line));
    assert_string_equal(header, "NAME                  ID STATE   CPU(sec)  CPU(%)     MEM(k)"
                        "  MEM(%)  MAXMEM(k) VCPUS NETS  NETTX(k)  NETRX(k) VBDS   VBD_RD"
                        "   VBD_WR  VBD_RSECT  VBD_WSECT");
    assert_string_equal(line, "Alpha                  9 r-----        30   100.0      32768"
                        "     3.1      33792     1    0         0         0    0        0"
                        "        0          0          0");
    assert_int_equal(strlen(header), strlen(line));
}

static void test_hidden_columns_leave_no_gap(void **state)
{
    bool visible[TOP_NR_COLUMNS] = { [COL_NAME] = true, [COL_CPU_PCT] = true };
    struct top_row rows[3];
    char line[256];

    (void)state;
    three_rows(rows);
    top_format_line(&rows[0], visible, line, sizeof(line));
    assert_string_equal(line, "Domain-0              50.0");
    top_format_line(NULL, visible, line, sizeof(line));
    assert_string_equal(line, "NAME                CPU(%)");
}

static void test_unlimited_memory_is_one_word(void **state)
{
    bool visible[TOP_NR_COLUMNS] = { [COL_MAXMEM] = true };
    struct top_row row = { .maxmem_kib = TOP_NO_LIMIT };
    char line[64];

    (void)state;
    top_format_line(&row, visible, line, sizeof(line));
    assert_string_equal(line, " unlimited");
}

static void test_a_short_buffer_is_cut_not_overrun(void **state)
{
    bool visible[TOP_NR_COLUMNS];
    struct top_row rows[3];
    char line[16 + 1] = { 0 };

    (void)state;
    for (int c = 0; c < TOP_NR_COLUMNS; c++)
        visible[c] = true;
    three_rows(rows);
    line[16] = 'X';
    top_format_line(&rows[0], visible, line, 16);
    assert_int_equal(line[16], 'X');
    assert_int_equal(strlen(line), 15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_by_each_kind_of_column),
        cmocka_unit_test(test_ties_keep_domain_id_order),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_lines_align_under_the_header),
        cmocka_unit_test(test_hidden_columns_leave_no_gap),
        cmocka_unit_test(test_unlimited_memory_is_one_word),
        cmocka_unit_test(test_a_short_buffer_is_cut_not_overrun),
    };

    return cmocka_run_group_tests_name("top_columns", tests, NULL, NULL);
}
