/* The counters file monitors read: contents, rate limit, removal. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "blk_stats_file.h"

static char root[64];

static int make_root(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/blk-stats-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int drop_root(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void read_counters(const char *path, char *buf, size_t len)
{
    FILE *in = fopen(path, "r");
    size_t n;

    assert_non_null(in);
    n = fread(buf, 1, len - 1, in);
    buf[n] = '\0';
    fclose(in);
}

static void test_file_has_linux_blkback_names(void **state)
{
    struct blk_stats_file f;
    struct blk_counters c = { .reads = 3, .writes = 4, .sectors_read = 24, .sectors_written = 40,
                              .flushes = 1, .discards = 2, .inflight_peak = 5,
                              .persistent_grants = 33, .persistent_hits = 900 };
    char path[128], text[256];

    (void)state;
    blk_stats_file_init(&f, root, 7, 51712);
    blk_stats_file_update(&f, &c, false);
    snprintf(path, sizeof(path), "%s/vbd-7-51712/statistics", root);
    read_counters(path, text, sizeof(text));
    assert_string_equal(text, "rd_req 3\nwr_req 4\nrd_sect 24\nwr_sect 40\nf_req 1\nds_req 2\n"
                              "inflight_peak 5\npersistent_grants 33\npersistent_hits 900\n");
    blk_stats_file_remove(&f);
    assert_int_equal(access(path, F_OK), -1);
}

static void test_rewrites_at_most_once_a_second_unless_forced(void **state)
{
    struct blk_stats_file f;
    struct blk_counters c = { .reads = 1 };
    char path[128], text[256];

    (void)state;
    blk_stats_file_init(&f, root, 1, 2);
    blk_stats_file_update(&f, &c, false);
    c.reads = 2;
    blk_stats_file_update(&f, &c, false);
    snprintf(path, sizeof(path), "%s/vbd-1-2/statistics", root);
    read_counters(path, text, sizeof(text));
    assert_non_null(strstr(text, "rd_req 1\n"));
    blk_stats_file_update(&f, &c, true);
    read_counters(path, text, sizeof(text));
    assert_non_null(strstr(text, "rd_req 2\n"));
    blk_stats_file_remove(&f);
}

static void test_unwritable_root_is_given_up_quietly(void **state)
{
    struct blk_stats_file f;
    struct blk_counters c = { .reads = 1 };

    (void)state;
    blk_stats_file_init(&f, "/proc/no-such-dir", 1, 2);
    blk_stats_file_update(&f, &c, true);
    assert_true(f.failed);
    /* Later updates do not retry (nor log again). */
    blk_stats_file_update(&f, &c, true);
    assert_true(f.failed);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_file_has_linux_blkback_names),
        cmocka_unit_test(test_rewrites_at_most_once_a_second_unless_forced),
        cmocka_unit_test(test_unwritable_root_is_given_up_quietly),
    };

    return cmocka_run_group_tests(tests, make_root, drop_root);
}
