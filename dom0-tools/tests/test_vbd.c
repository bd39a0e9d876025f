/*
 * Unit tests for dom0-tools/devices/vbd.c that need no store: guest disk
 * names to Xen's device numbers, as libxl numbers them (the frontend and the
 * backend directory are named by that number).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>

#include "../devices/vbd.h"

static uint32_t devid_of(const char *name)
{
    uint32_t devid = 0;

    assert_true(vbd_devid(name, &devid));
    return devid;
}

static void test_xvd_names(void **state)
{
    (void)state;
    assert_int_equal(devid_of("xvda"), 51712);          /* 202 << 8 */
    assert_int_equal(devid_of("xvdb"), 51728);
    assert_int_equal(devid_of("xvdp"), 51952);          /* the 16th: last in 202's range */
    assert_int_equal(devid_of("xvdq"), 268439552);      /* 1 << 28 | 16 << 8 */
    assert_int_equal(devid_of("xvdaa"), (1u << 28) | (26u << 8));
}

static void test_sd_and_hd_names(void **state)
{
    (void)state;
    assert_int_equal(devid_of("sda"), 2048);            /* 8 << 8 */
    assert_int_equal(devid_of("sdb"), 2064);
    assert_int_equal(devid_of("hda"), 768);             /* 3 << 8 */
    assert_int_equal(devid_of("hdb"), 832);
    assert_int_equal(devid_of("hdc"), 5632);            /* 22 << 8 */
    assert_int_equal(devid_of("hdd"), 5696);
}

static void test_not_disk_names(void **state)
{
    const char *bad[] = { "xvd", "xvdA", "xvd1", "vda", "hde", "sd", "xvdaaaa", "" };
    uint32_t devid;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(vbd_devid(bad[i], &devid));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xvd_names),
        cmocka_unit_test(test_sd_and_hd_names),
        cmocka_unit_test(test_not_disk_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
