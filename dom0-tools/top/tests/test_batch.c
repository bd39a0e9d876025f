/* lintel-top's batch and JSON output, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "top_batch.h"
#include "top_fixtures.h"

struct output {
    char *text;
    size_t len;
    FILE *file;
};

static struct top_domain_sample doms_before[2], doms_after[2];
static struct top_vcpu_sample vcpus_before[1], vcpus_after[1];
static struct top_sample prev, cur;
static struct top_row rows[2];

static void frame_of(struct top_frame *f, const struct top_view *view)
{
    doms_before[0] = fixture_domain(0, "Domain-0", XEN_DOMINF_running, 10 * NS_PER_S, 65536);
    doms_before[1] = fixture_domain(3, "my \"guest\"", XEN_DOMINF_running, 0, 4096);
    doms_after[0] = doms_before[0];
    doms_after[0].cpu_time_ns += NS_PER_S / 10;
    doms_after[0].max_pages = UINT64_MAX;
    doms_after[1] = doms_before[1];
    doms_after[1].cpu_time_ns += 2 * NS_PER_S;
    doms_after[1].flags = XEN_DOMINF_blocked;
    doms_after[1].io = (struct top_io){ .nets = 1, .net_tx_bytes = 2048, .net_rx_bytes = 10240,
                                        .vbds = 2, .vbd_rd = 5, .vbd_wr = 7, .vbd_rsect = 40,
                                        .vbd_wsect = 56 };
    vcpus_before[0] = (struct top_vcpu_sample){ 3, 0, true, false, true, 1, 0 };
    vcpus_after[0] = (struct top_vcpu_sample){ 3, 0, true, true, false, 1, 2 * NS_PER_S };
    prev = fixture_sample(10 * NS_PER_S, doms_before, 2);
    cur = fixture_sample(12 * NS_PER_S, doms_after, 2);
    prev.vcpus = vcpus_before, prev.n_vcpus = 1;
    cur.vcpus = vcpus_after, cur.n_vcpus = 1;
    memset(f, 0, sizeof(*f));
    f->prev = &prev;
    f->cur = &cur;
    top_host_build(&cur, &f->host);
    f->n_rows = top_view_apply(view, rows, top_rows_build(&prev, &cur, rows, 2));
    f->rows = rows;
}

static char *capture(void (*print)(FILE *, const struct top_frame *, const struct top_view *),
                     const struct top_view *view)
{
    struct top_frame f;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    frame_of(&f, view);
    print(out, &f, view);
    fclose(out);
    return text;
}

static void test_text_refresh(void **state)
{
    struct top_view view;
    char *text;

    (void)state;
    top_view_init(&view);
    text = capture(top_print_text, &view);
    assert_string_equal(text,
        "host hypervisor=Xen version=4.17.0 pcpus=2 total_kib=1048576 free_kib=524288 "
        "domains=2 running=1 blocked=1 paused=0 shutdown=0 crashed=0 dying=0\n"
        "NAME                  ID STATE   CPU(sec)  CPU(%)     MEM(k)  MEM(%)  MAXMEM(k) VCPUS"
        " NETS  NETTX(k)  NETRX(k) VBDS   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT\n"
        "my_\"guest\"             3 -b----         2   100.0      16384     1.6      17408     1"
        "    1         2        10    2        5        7         40         56\n"
        "Domain-0               0 r-----        10     5.0     262144    25.0  unlimited     1"
        "    0         0         0    0        0        0          0          0\n"
        "\n");
    free(text);
}

static void test_text_with_vcpus_and_hidden_columns(void **state)
{
    struct top_view view;
    char *text;

    (void)state;
    top_view_init(&view);
    view.all_vcpus = true;
    for (int c = COL_STATE; c < TOP_NR_COLUMNS; c++)
        view.visible[c] = c == COL_CPU_PCT;
    text = capture(top_print_text, &view);
    assert_non_null(strstr(text,
        "NAME                  ID  CPU(%)\n"
        "my_\"guest\"             3   100.0\n"
        "vcpu domid=3 vcpu=0 state=b pcpu=1 cpu_sec=2 cpu_pct=100.0\n"
        "Domain-0               0     5.0\n"));
    free(text);
}

static void test_json_refresh(void **state)
{
    struct top_view view;
    char *text;

    (void)state;
    top_view_init(&view);
    view.sort = COL_ID;
    view.reverse = false;
    top_view_toggle_vcpus(&view, 3);
    text = capture(top_print_json, &view);
    assert_string_equal(text,
        "{\"host\":{\"hypervisor\":\"Xen\",\"version\":\"4.17.0\",\"pcpus\":2,"
        "\"total_kib\":1048576,\"free_kib\":524288,\"domains\":2,\"running\":1,\"blocked\":1,"
        "\"paused\":0,\"shutdown\":0,\"crashed\":0,\"dying\":0},\"domains\":["
        "{\"name\":\"Domain-0\",\"id\":0,\"state\":\"r-----\",\"cpu_sec\":10.100,"
        "\"cpu_pct\":5.0,\"mem_kib\":262144,\"mem_pct\":25.0,\"maxmem_kib\":null,\"vcpus\":1,"
        "\"nets\":0,\"net_tx_kib\":0,\"net_rx_kib\":0,\"vbds\":0,\"vbd_rd\":0,\"vbd_wr\":0,"
        "\"vbd_rsect\":0,\"vbd_wsect\":0},"
        "{\"name\":\"my \\\"guest\\\"\",\"id\":3,\"state\":\"-b----\",\"cpu_sec\":2.000,"
        "\"cpu_pct\":100.0,\"mem_kib\":16384,\"mem_pct\":1.6,\"maxmem_kib\":17408,\"vcpus\":1,"
        "\"nets\":1,\"net_tx_kib\":2,\"net_rx_kib\":10,\"vbds\":2,\"vbd_rd\":5,\"vbd_wr\":7,"
        "\"vbd_rsect\":40,\"vbd_wsect\":56,"
        "\"vcpu_list\":[{\"vcpu\":0,\"state\":\"b\",\"pcpu\":1,\"cpu_sec\":2.000,"
        "\"cpu_pct\":100.0}]}]}\n");
    free(text);
}

static void test_json_escapes_control_characters(void **state)
{
    struct top_view view;
    struct top_frame f;
    char *text = NULL;
    size_t len = 0;
    FILE *out;

    (void)state;
    top_view_init(&view);
    frame_of(&f, &view);
    strcpy(rows[0].name, "tab\there\\");
    out = open_memstream(&text, &len);
    top_print_json(out, &f, &view);
    fclose(out);
    assert_non_null(strstr(text, "\"name\":\"tab\\u0009here\\\\\""));
    free(text);
}

static void test_filtered_refresh_keeps_host_totals(void **state)
{
    struct top_view view;
    char *text;

    (void)state;
    top_view_init(&view);
    strcpy(view.filter, "domain");
    text = capture(top_print_text, &view);
    assert_non_null(strstr(text, "domains=2 "));
    assert_null(strstr(text, "guest"));
    assert_non_null(strstr(text, "\nDomain-0 "));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_refresh),
        cmocka_unit_test(test_text_with_vcpus_and_hidden_columns),
        cmocka_unit_test(test_json_refresh),
        cmocka_unit_test(test_json_escapes_control_characters),
        cmocka_unit_test(test_filtered_refresh_keeps_host_totals),
    };

    return cmocka_run_group_tests_name("top_batch", tests, NULL, NULL);
}
