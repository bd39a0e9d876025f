/*
 * Unit tests for dom0-tools/lib that run on a host without Xen: hypercall
 * buffers (the locked-memory fallback) and the ABI facts the library
 * relies on, checked against Debian's libxen-dev and linux-libc-dev.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/types.h>
#include <xen/privcmd.h>

#include "console_ring.h"
#include "xenctl.h"

static void test_buffer_fallback_is_zeroed_whole_pages(void **state)
{
    struct xenctl ctl = { .privcmd_fd = -1, .hypercall_fd = -1 };
    struct hcall_buffer buf;

    (void)state;
    assert_int_equal(hcall_buffer_alloc(&ctl, 100, &buf), 0);
    assert_non_null(buf.addr);
    assert_int_equal(buf.size, XENCTL_PAGE_SIZE);
    assert_int_equal((uintptr_t)buf.addr % XENCTL_PAGE_SIZE, 0);
    for (size_t i = 0; i < buf.size; i++)
        assert_int_equal(((unsigned char *)buf.addr)[i], 0);
    memset(buf.addr, 0xff, buf.size);
    hcall_buffer_free(&buf);
    assert_null(buf.addr);
    assert_int_equal(hcall_buffer_alloc(&ctl, 3 * XENCTL_PAGE_SIZE + 1, &buf), 0);
    assert_int_equal(buf.size, 4 * XENCTL_PAGE_SIZE);
    hcall_buffer_free(&buf);
}

static void test_open_without_xen_names_the_device(void **state)
{
    struct xenctl ctl;
    const char *why = NULL;
    int rc;

    (void)state;
    rc = xenctl_open(&ctl, &why);
    if (rc == 0) {
        xenctl_close(&ctl);
        skip();     /* running inside a dom0: nothing to check here */
    }
    assert_true(rc < 0);
    assert_non_null(why);
    if (rc == -ENOENT)
        assert_non_null(strstr(why, "xen-privcmd"));
}

static void test_abi_facts(void **state)
{
    (void)state;
    /* The privcmd ioctl the library issues, as linux-libc-dev defines it. */
    assert_int_equal(sizeof(struct privcmd_hypercall), 48);
    assert_int_equal(IOCTL_PRIVCMD_HYPERCALL, _IOC(_IOC_NONE, 'P', 0, 48));
    /* domctl and sysctl carry a fixed 128-byte argument area after 16 bytes. */
    assert_int_equal(offsetof(struct xen_domctl, u), 16);
    assert_int_equal(sizeof(((struct xen_domctl *)0)->u), 128);
    assert_int_equal(offsetof(struct xen_sysctl, u), 8);
    assert_int_equal(XEN_DOMCTL_INTERFACE_VERSION, 0x15);
    assert_int_equal(XEN_SYSCTL_INTERFACE_VERSION, 0x15);
}

static void test_console_ring_output_wraps(void **state)
{
    static struct xencons_interface ring;
    char buf[4096];
    size_t n;

    (void)state;
    memset(&ring, 0, sizeof(ring));
    /* The guest wrote "hello" across the end of the 2048-byte ring. */
    ring.out_cons = ring.out_prod = 2046;
    memcpy(ring.out + 2046, "he", 2);
    memcpy(ring.out, "llo", 3);
    ring.out_prod += 5;
    n = console_ring_take_output(&ring, buf, sizeof(buf));
    assert_int_equal(n, 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(ring.out_cons, ring.out_prod);
    assert_int_equal(console_ring_take_output(&ring, buf, sizeof(buf)), 0);
    /* A producer claiming more than a ring's worth yields one ring, no more. */
    ring.out_prod = ring.out_cons + 5000;
    assert_int_equal(console_ring_take_output(&ring, buf, sizeof(buf)), 2048);
    /* CAP limits one take; the rest stays for the next. */
    ring.out_prod = ring.out_cons + 10;
    assert_int_equal(console_ring_take_output(&ring, buf, 4), 4);
    assert_int_equal(console_ring_take_output(&ring, buf, sizeof(buf)), 6);
}

static void test_console_ring_input_stops_when_full(void **state)
{
    static struct xencons_interface ring;
    char data[1500];

    (void)state;
    memset(&ring, 0, sizeof(ring));
    memset(data, 'x', sizeof(data));
    ring.in_cons = ring.in_prod = 0xfffffff0u;     /* indices wrap in 32 bits */
    assert_int_equal(console_ring_put_input(&ring, "ab", 2), 2);
    assert_int_equal(ring.in[0x3f0], 'a');
    assert_int_equal(ring.in[0x3f1], 'b');
    assert_int_equal(console_ring_put_input(&ring, data, sizeof(data)), 1022);
    assert_int_equal(ring.in_prod - ring.in_cons, 1024);
    assert_int_equal(console_ring_put_input(&ring, "c", 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffer_fallback_is_zeroed_whole_pages),
        cmocka_unit_test(test_open_without_xen_names_the_device),
        cmocka_unit_test(test_abi_facts),
        cmocka_unit_test(test_console_ring_output_wraps),
        cmocka_unit_test(test_console_ring_input_stops_when_full),
    };

    return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
