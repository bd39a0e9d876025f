/* Unit tests of lintel-blkback's request checks (what a hostile frontend
 * can put in a ring slot) and of its disk file operations. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "blk_disk.h"
#include "blk_request.h"

static const struct blk_disk_limits disk_rw = { .sectors = 2048, .discard = true };
static const struct blk_disk_limits disk_ro = { .sectors = 2048, .readonly = true };

static struct blkif_request rw(uint8_t op, uint64_t sector, unsigned int nseg)
{
    struct blkif_request r;

    memset(&r, 0, sizeof(r));
    r.operation = op;
    r.id = 0x1234567890abcdefull;
    r.sector_number = sector;
    r.nr_segments = (uint8_t)nseg;
    for (unsigned int i = 0; i < nseg && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
        r.seg[i] = (struct blkif_request_segment){ .gref = 100 + i, .first_sect = 0,
                                                   .last_sect = 7 };
    return r;
}

static int plan(const struct blkif_request *r, const struct blk_disk_limits *d,
                struct blk_plan *p)
{
    char why[160];

    return blk_plan_request(r, d, p, why, sizeof(why));
}

static void test_read_plan_follows_the_segments(void **state)
{
    static struct blk_plan p;
    struct blkif_request r = rw(BLKIF_OP_READ, 8, 3);

    (void)state;
    r.seg[1].first_sect = 2;
    r.seg[1].last_sect = 5;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_OKAY);
    assert_int_equal(p.io, BLK_IO_READ);
    assert_true(p.id == 0x1234567890abcdefull);
    assert_int_equal(p.nr_segments, 3);
    assert_int_equal(p.nr_sectors, 8 + 4 + 8);
    assert_int_equal(p.seg[1].gref, 101);
    assert_int_equal(p.seg[1].offset, 1024);
    assert_int_equal(p.seg[1].len, 2048);
    assert_int_equal(blk_plan_bytes(&p), 20 * 512);
}

static void test_segment_counts(void **state)
{
    static struct blk_plan p;
    struct blkif_request r = rw(BLKIF_OP_WRITE, 0, 11);

    (void)state;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_OKAY);
    r.nr_segments = 12;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r.nr_segments = 255;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r.nr_segments = 0;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    /* The error can still be answered: id and operation are kept. */
    assert_true(p.id == 0x1234567890abcdefull);
    assert_int_equal(p.operation, BLKIF_OP_WRITE);
}

static void test_sector_ranges_within_a_page(void **state)
{
    static struct blk_plan p;
    struct blkif_request r = rw(BLKIF_OP_READ, 0, 1);

    (void)state;
    r.seg[0].first_sect = 5;
    r.seg[0].last_sect = 4;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r.seg[0].first_sect = 0;
    r.seg[0].last_sect = 8;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r.seg[0].first_sect = 7;
    r.seg[0].last_sect = 7;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_OKAY);
    assert_int_equal(p.seg[0].offset, 3584);
}

static void test_disk_end(void **state)
{
    static struct blk_plan p;
    struct blkif_request r = rw(BLKIF_OP_READ, 2048 - 16, 2);

    (void)state;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_OKAY);   /* the last 16 sectors */
    r.sector_number = 2048 - 15;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r.sector_number = UINT64_MAX - 3;                            /* would wrap around */
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r.sector_number = 4096;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
}

static void test_readonly_disk(void **state)
{
    static struct blk_plan p;
    struct blkif_request r = rw(BLKIF_OP_WRITE, 0, 1);

    (void)state;
    assert_int_equal(plan(&r, &disk_ro, &p), BLKIF_RSP_ERROR);
    r.operation = BLKIF_OP_READ;
    assert_int_equal(plan(&r, &disk_ro, &p), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0);                      /* a flush alone is harmless */
    assert_int_equal(plan(&r, &disk_ro, &p), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 1);
    assert_int_equal(plan(&r, &disk_ro, &p), BLKIF_RSP_ERROR);
}

static void test_flush_may_carry_data(void **state)
{
    static struct blk_plan p;
    struct blkif_request r = rw(BLKIF_OP_FLUSH_DISKCACHE, 16, 2);

    (void)state;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_OKAY);
    assert_int_equal(p.io, BLK_IO_FLUSH);
    assert_int_equal(p.nr_sectors, 16);
    /* An empty flush's sector is not looked at (Linux's blkfront sends -1). */
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, UINT64_MAX, 0);
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_OKAY);
    assert_int_equal(p.nr_sectors, 0);
    /* One with data is checked like a write. */
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, UINT64_MAX, 1);
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
}

static struct blkif_request discard(uint64_t sector, uint64_t count, uint8_t flag)
{
    struct blkif_request r;
    struct blkif_request_discard d = { .operation = BLKIF_OP_DISCARD, .flag = flag, .id = 9,
                                       .sector_number = sector, .nr_sectors = count };

    memset(&r, 0, sizeof(r));
    memcpy(&r, &d, sizeof(d));
    return r;
}

static void test_discard(void **state)
{
    static struct blk_plan p;
    struct blkif_request r = discard(100, 1948, 0);
    struct blk_disk_limits no_discard = disk_rw;

    (void)state;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_OKAY);
    assert_int_equal(p.io, BLK_IO_DISCARD);
    assert_int_equal(p.sector, 100);
    assert_int_equal(p.nr_sectors, 1948);
    r = discard(100, 1949, 0);
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r = discard(1, UINT64_MAX, 0);
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r = discard(0, 8, BLKIF_DISCARD_SECURE);
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_EOPNOTSUPP);
    no_discard.discard = false;
    r = discard(0, 8, 0);
    assert_int_equal(plan(&r, &no_discard, &p), BLKIF_RSP_EOPNOTSUPP);
}

static void test_unknown_operations(void **state)
{
    static struct blk_plan p;
    struct blkif_request r = rw(BLKIF_OP_WRITE_BARRIER, 0, 1);

    (void)state;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_EOPNOTSUPP);
    r.operation = BLKIF_OP_RESERVED_1;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_EOPNOTSUPP);
    r.operation = 200;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_EOPNOTSUPP);
    assert_int_equal(p.operation, 200);
}

static struct blkif_request indirect(uint8_t op, uint16_t nseg, uint64_t sector)
{
    struct blkif_request r;
    struct blkif_request_indirect ind = { .operation = BLKIF_OP_INDIRECT, .indirect_op = op,
                                          .nr_segments = nseg, .id = 77,
                                          .sector_number = sector,
                                          .indirect_grefs = { 500, 501 } };

    memset(&r, 0, sizeof(r));
    memcpy(&r, &ind, sizeof(ind));
    return r;
}

static void test_indirect(void **state)
{
    static struct blk_plan p;
    static struct blkif_request_segment descs[BLK_MAX_INDIRECT_SEGMENTS];
    struct blkif_request r = indirect(BLKIF_OP_WRITE, 256, 0);
    char why[160];

    (void)state;
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_OKAY);
    assert_int_equal(p.io, BLK_IO_WRITE);
    assert_int_equal(p.operation, BLKIF_OP_WRITE);
    assert_int_equal(p.nr_indirect_pages, 1);
    assert_int_equal(p.indirect_grefs[0], 500);
    for (unsigned int i = 0; i < 256; i++)
        descs[i] = (struct blkif_request_segment){ .gref = i, .first_sect = 0, .last_sect = 7 };
    /* 256 pages = 2048 sectors: the whole disk from sector 0 fits exactly. */
    assert_int_equal(blk_plan_indirect(&p, descs, &disk_rw, why, sizeof(why)), BLKIF_RSP_OKAY);
    assert_int_equal(p.nr_sectors, 2048);
    p.sector = 1;
    assert_int_equal(blk_plan_indirect(&p, descs, &disk_rw, why, sizeof(why)), BLKIF_RSP_ERROR);
    p.sector = 0;
    descs[200].last_sect = 9;
    assert_int_equal(blk_plan_indirect(&p, descs, &disk_rw, why, sizeof(why)), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_READ, 257, 0);
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_READ, 0, 0);
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_DISCARD, 8, 0);
    assert_int_equal(plan(&r, &disk_rw, &p), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_WRITE, 8, 0);
    assert_int_equal(plan(&r, &disk_ro, &p), BLKIF_RSP_ERROR);
}

static char *temp_image(size_t bytes)
{
    static char path[] = "/tmp/test_blkback.XXXXXX";
    int fd;

    strcpy(path, "/tmp/test_blkback.XXXXXX");
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)bytes), 0);
    close(fd);
    return path;
}

static void test_disk_file_io(void **state)
{
    struct blk_disk d;
    char *path = temp_image(1 << 20);
    char why[256], buf[4096], back[4096];
    struct stat st;

    (void)state;
    assert_int_equal(blk_disk_open(&d, path, false, why, sizeof(why)), 0);
    assert_int_equal(d.sectors, 2048);
    assert_false(d.is_block_device);
    memset(buf, 0x5a, sizeof(buf));
    assert_int_equal(blk_disk_write(&d, buf, sizeof(buf), 8192), 0);
    assert_int_equal(blk_disk_flush(&d), 0);
    assert_int_equal(blk_disk_read(&d, back, sizeof(back), 8192), 0);
    assert_memory_equal(buf, back, sizeof(buf));
    /* Reading past the end is a short read: an error, not stale data. */
    assert_int_equal(blk_disk_read(&d, back, sizeof(back), (1 << 20) - 512), -EIO);
    if (d.can_discard) {
        assert_int_equal(blk_disk_discard(&d, 8192, 4096), 0);
        assert_int_equal(blk_disk_read(&d, back, sizeof(back), 8192), 0);
        memset(buf, 0, sizeof(buf));
        assert_memory_equal(buf, back, sizeof(buf));
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_size, 1 << 20);    /* the size is kept */
    }
    blk_disk_close(&d);
    assert_int_equal(blk_disk_open(&d, path, true, why, sizeof(why)), 0);
    assert_true(d.readonly);
    assert_false(d.can_discard);
    assert_true(blk_disk_write(&d, buf, 512, 0) < 0);
    blk_disk_close(&d);
    unlink(path);
}

static void test_disk_open_errors_name_the_path(void **state)
{
    struct blk_disk d;
    char why[256];

    (void)state;
    assert_int_equal(blk_disk_open(&d, "/nonexistent/disk.img", false, why, sizeof(why)),
                     -ENOENT);
    assert_non_null(strstr(why, "/nonexistent/disk.img"));
    assert_int_equal(blk_disk_open(&d, "/tmp", false, why, sizeof(why)), -EISDIR);
    assert_int_equal(blk_disk_open(&d, "/dev/null", true, why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "neither a regular file nor a block device"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_plan_follows_the_segments),
        cmocka_unit_test(test_segment_counts),
        cmocka_unit_test(test_sector_ranges_within_a_page),
        cmocka_unit_test(test_disk_end),
        cmocka_unit_test(test_readonly_disk),
        cmocka_unit_test(test_flush_may_carry_data),
        cmocka_unit_test(test_discard),
        cmocka_unit_test(test_unknown_operations),
        cmocka_unit_test(test_indirect),
        cmocka_unit_test(test_disk_file_io),
        cmocka_unit_test(test_disk_open_errors_name_the_path),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
