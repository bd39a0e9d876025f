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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buffer_fallback_is_zeroed_whole_pages),
        cmocka_unit_test(test_open_without_xen_names_the_device),
        cmocka_unit_test(test_abi_facts),
    };

    return cmocka_run_group_tests_name("lib", tests, NULL, NULL);
}
