/* The parsers behind lintel-top's NET and VBD columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "top_io.h"

static void test_vif_names(void **state)
{
    uint32_t domid = 99, devid = 99;

    (void)state;
    assert_true(top_io_parse_vif_name("vif3.0", &domid, &devid));
    assert_int_equal(domid, 3);
    assert_int_equal(devid, 0);
    assert_true(top_io_parse_vif_name("vif32752.12", &domid, &devid));
    assert_int_equal(domid, 32752);
    assert_int_equal(devid, 12);
    /* QEMU's emulated twin of a vif, the host's own links, half names. */
    assert_false(top_io_parse_vif_name("vif3.0-emu", &domid, &devid));
    assert_false(top_io_parse_vif_name("eth0", &domid, &devid));
    assert_false(top_io_parse_vif_name("vif3", &domid, &devid));
    assert_false(top_io_parse_vif_name("vif.0", &domid, &devid));
    assert_false(top_io_parse_vif_name("vif3.", &domid, &devid));
    assert_false(top_io_parse_vif_name("vif-3.0", &domid, &devid));
    assert_false(top_io_parse_vif_name("vif99999999999.0", &domid, &devid));
}

static void test_vbd_names(void **state)
{
    uint32_t domid, devid;

    (void)state;
    assert_true(top_io_parse_vbd_name("vbd-7-51712", &domid, &devid));
    assert_int_equal(domid, 7);
    assert_int_equal(devid, 51712);
    assert_false(top_io_parse_vbd_name("vif-7-0", &domid, &devid));
    assert_false(top_io_parse_vbd_name("vbd-7", &domid, &devid));
    assert_false(top_io_parse_vbd_name("vbd-7-51712x", &domid, &devid));
}

static void test_net_dev_lines(void **state)
{
    char name[32];
    uint64_t rx = 0, tx = 0;

    (void)state;
    assert_false(top_io_parse_net_dev_line(
        "Inter-|   Receive                                                |  Transmit\n",
        name, sizeof(name), &rx, &tx));
    assert_false(top_io_parse_net_dev_line(
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets\n",
        name, sizeof(name), &rx, &tx));
    assert_true(top_io_parse_net_dev_line(
        "vif3.0: 104857600   70000    0    0    0     0          0         0  2048000   30000    0"
        "    0    0     0       0          0\n", name, sizeof(name), &rx, &tx));
    assert_string_equal(name, "vif3.0");
    assert_int_equal(rx, 104857600);
    assert_int_equal(tx, 2048000);
    assert_true(top_io_parse_net_dev_line(
        "    lo:     120       2    0    0    0     0          0         0      120       2    0"
        "    0    0     0       0          0\n", name, sizeof(name), &rx, &tx));
    assert_string_equal(name, "lo");
    assert_false(top_io_parse_net_dev_line("vif3.0: 1 2 3\n", name, sizeof(name), &rx, &tx));
    assert_false(top_io_parse_net_dev_line("averyveryverylongname: 1 2 3 4 5 6 7 8 9\n", name, 8,
                                           &rx, &tx));
}

static void test_vif_counters_are_the_domains_view(void **state)
{
    struct top_io io = { 0 };

    (void)state;
    /* dom0's vif received 3000 bytes: the domain sent them. */
    top_io_add_vif(&io, 3000, 500);
    top_io_add_vif(&io, 1000, 0);
    assert_int_equal(io.nets, 2);
    assert_int_equal(io.net_tx_bytes, 4000);
    assert_int_equal(io.net_rx_bytes, 500);
}

static void test_vbd_counters(void **state)
{
    struct top_io io = { 0 };

    (void)state;
    top_io_add_vbd_text(&io, "rd_req 3\nwr_req 4\nrd_sect 24\nwr_sect 40\nf_req 1\nds_req 2\n");
    top_io_add_vbd_text(&io, "rd_req 1\nbogus\nwr_sect 8");
    top_io_add_vbd_counter(&io, "oo_req", 5);
    assert_int_equal(io.vbd_rd, 4);
    assert_int_equal(io.vbd_wr, 4);
    assert_int_equal(io.vbd_rsect, 24);
    assert_int_equal(io.vbd_wsect, 48);
    /* Counting devices is the reader's job: one file may be missing. */
    assert_int_equal(io.vbds, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vif_names),
        cmocka_unit_test(test_vbd_names),
        cmocka_unit_test(test_net_dev_lines),
        cmocka_unit_test(test_vif_counters_are_the_domains_view),
        cmocka_unit_test(test_vbd_counters),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
