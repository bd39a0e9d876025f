/* The toolstack interface's pure parts: getdomaininfo packing from a
 * domain snapshot and readconsole's 32-bit index arithmetic. */
#include "unit.h"

#include <lintel/control.h>

static struct domain_snapshot running_dom0(void)
{
    return (struct domain_snapshot){
        .id = 0, .tot_pages = 16384, .max_pages = 20000, .shared_info_mfn = 0x1234,
        .nr_vcpus = 2, .max_vcpu_id = 1, .nr_online = 2, .nr_online_blocked = 1,
        .any_running = true, .cpu_time_ns = 5000000000ULL,
    };
}

static void running_domain_packs_counts_and_flags(void **state)
{
    struct domain_snapshot s = running_dom0();
    struct xen_domctl_getdomaininfo info;

    (void)state;
    memset(&info, 0xaa, sizeof(info));
    domain_info_pack(&s, &info);
    assert_int_equal(info.domain, 0);
    assert_int_equal(info.flags, XEN_DOMINF_running);
    assert_int_equal(info.tot_pages, 16384);
    assert_int_equal(info.max_pages, 20000);
    assert_int_equal(info.shared_info_frame, 0x1234);
    assert_int_equal(info.cpu_time, 5000000000ULL);
    assert_int_equal(info.nr_online_vcpus, 2);
    assert_int_equal(info.max_vcpu_id, 1);
    /* Nothing Lintel does not track may leak stale bytes. */
    assert_int_equal(info.outstanding_pages, 0);
    assert_int_equal(info.shr_pages, 0);
    assert_int_equal(info.paged_pages, 0);
    assert_int_equal(info.ssidref, 0);
    assert_int_equal(info.cpupool, 0);
    for (size_t i = 0; i < sizeof(info.handle); i++)
        assert_int_equal(info.handle[i], 0);
}

static void blocked_only_when_every_online_vcpu_waits(void **state)
{
    struct domain_snapshot s = running_dom0();
    struct xen_domctl_getdomaininfo info;

    (void)state;
    s.any_running = false;
    s.nr_online_blocked = 2;
    domain_info_pack(&s, &info);
    assert_int_equal(info.flags, XEN_DOMINF_blocked);
    s.nr_online_blocked = 1;
    domain_info_pack(&s, &info);
    assert_int_equal(info.flags, 0);
    /* No online vCPU: neither blocked nor running, as Xen reports. */
    s.nr_online = 0;
    s.nr_online_blocked = 0;
    domain_info_pack(&s, &info);
    assert_int_equal(info.flags, 0);
}

static void shutdown_code_rides_in_the_high_bits(void **state)
{
    struct domain_snapshot s = running_dom0();
    struct xen_domctl_getdomaininfo info;

    (void)state;
    s.any_running = false;
    s.nr_online_blocked = 0;
    s.shut_down = true;
    s.shutdown_code = 3;  /* SHUTDOWN_crash */
    s.paused = true;
    domain_info_pack(&s, &info);
    assert_int_equal(info.flags & (XEN_DOMINF_shutdown | XEN_DOMINF_paused),
                     XEN_DOMINF_shutdown | XEN_DOMINF_paused);
    assert_int_equal((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask, 3);
    assert_int_equal(info.flags & XEN_DOMINF_dying, 0);
    /* The code means nothing before a shutdown, so it is not reported. */
    s.shut_down = false;
    domain_info_pack(&s, &info);
    assert_int_equal(info.flags >> XEN_DOMINF_shutdownshift, 0);
}

static void dying_and_vcpu_less_domains(void **state)
{
    struct domain_snapshot s = { .id = 7, .dying = true };
    struct xen_domctl_getdomaininfo info;

    (void)state;
    domain_info_pack(&s, &info);
    assert_int_equal(info.domain, 7);
    assert_int_equal(info.flags, XEN_DOMINF_dying);
    assert_int_equal(info.max_vcpu_id, XEN_INVALID_MAX_VCPU_ID);
    assert_int_equal(info.flags & XEN_DOMINF_hvm_guest, 0);
}

static void readconsole_full_read_starts_at_oldest(void **state)
{
    (void)state;
    assert_int_equal(readconsole_start(500, false, 100, 1000), 100);
    assert_int_equal(readconsole_start(0, true, 100, 1000), 100);
}

static void readconsole_incremental_resumes_inside_the_ring(void **state)
{
    (void)state;
    assert_int_equal(readconsole_start(500, true, 100, 1000), 500);
    assert_int_equal(readconsole_start(1000, true, 100, 1000), 1000);
    assert_int_equal(readconsole_start(101, true, 100, 1000), 101);
    /* Overwritten or never written: start over from the oldest byte. */
    assert_int_equal(readconsole_start(99, true, 100, 1000), 100);
    assert_int_equal(readconsole_start(1001, true, 100, 1000), 100);
    /* After a clear nothing is held: the old index reads nothing new. */
    assert_int_equal(readconsole_start(500, true, 1000, 1000), 1000);
}

static void readconsole_index_wraps_at_32_bits(void **state)
{
    uint64_t head = 0x100000010ULL, oldest = head - 0x4000;

    (void)state;
    /* The 32-bit index 0x8 is 8 bytes behind a head that wrapped past 2^32. */
    assert_int_equal(readconsole_start(0x8, true, oldest, head), head - 8);
    assert_int_equal(readconsole_start(0xfffffff0u, true, oldest, head), head - 0x20);
    assert_int_equal(readconsole_start(0x20, true, oldest, head), oldest);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(running_domain_packs_counts_and_flags),
        cmocka_unit_test(blocked_only_when_every_online_vcpu_waits),
        cmocka_unit_test(shutdown_code_rides_in_the_high_bits),
        cmocka_unit_test(dying_and_vcpu_less_domains),
        cmocka_unit_test(readconsole_full_read_starts_at_oldest),
        cmocka_unit_test(readconsole_incremental_resumes_inside_the_ring),
        cmocka_unit_test(readconsole_index_wraps_at_32_bits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
