/* The rules behind building a domain through domctl: which createdomain
 * requests are accepted (Xen 4.17's answers on a PV-only host), the grant
 * limits asked for, the choice of domid, CPU maps; and the handle, label
 * and xenstore-domain flag that getdomaininfo reports back. */
#include "unit.h"

#include <lintel/control.h>
#include <lintel/domctl_rules.h>
#include <public/errno.h>

static struct xen_domctl_createdomain pv_request(void)
{
    /* What our toolstack and Debian's libxl send for a PV guest. */
    return (struct xen_domctl_createdomain){
        .max_vcpus = 2,
        .max_evtchn_port = 1023,
        .max_grant_frames = -1,
        .max_maptrack_frames = -1,
        .grant_opts = XEN_DOMCTL_GRANT_version(1),
    };
}

static void a_plain_pv_request_is_accepted(void **state)
{
    struct xen_domctl_createdomain c = pv_request();

    (void)state;
    assert_int_equal(createdomain_check(&c, 128), 0);
    c.flags = XEN_DOMCTL_CDF_xs_domain | XEN_DOMCTL_CDF_oos_off;
    assert_int_equal(createdomain_check(&c, 128), 0);
    c.grant_opts = XEN_DOMCTL_GRANT_version(2);
    assert_int_equal(createdomain_check(&c, 128), 0);
    /* Xen tolerates a PIT request from a PV guest. */
    c.arch.emulation_flags = XEN_X86_EMU_PIT;
    assert_int_equal(createdomain_check(&c, 128), 0);
    c.arch.misc_flags = XEN_X86_MSR_RELAXED;
    assert_int_equal(createdomain_check(&c, 128), 0);
}

static void hvm_and_absent_hardware_features_are_refused(void **state)
{
    static const uint32_t refused_flags[] = {
        XEN_DOMCTL_CDF_hvm, XEN_DOMCTL_CDF_hvm | XEN_DOMCTL_CDF_hap, XEN_DOMCTL_CDF_hap,
        XEN_DOMCTL_CDF_iommu, XEN_DOMCTL_CDF_vpmu, XEN_DOMCTL_CDF_nested_virt,
        XEN_DOMCTL_CDF_s3_integrity, 1u << 8, 1u << 31,
    };
    struct xen_domctl_createdomain c;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(refused_flags); i++) {
        c = pv_request();
        c.flags = refused_flags[i];
        assert_int_equal(createdomain_check(&c, 128), -XEN_EINVAL);
    }
    c = pv_request();
    c.iommu_opts = XEN_DOMCTL_IOMMU_no_sharept;
    assert_int_equal(createdomain_check(&c, 128), -XEN_EINVAL);
    c = pv_request();
    c.vmtrace_size = 4096;
    assert_int_equal(createdomain_check(&c, 128), -XEN_EINVAL);
}

static void vcpu_counts_pools_emulation_and_grant_versions(void **state)
{
    struct xen_domctl_createdomain c = pv_request();

    (void)state;
    c.max_vcpus = 0;
    assert_int_equal(createdomain_check(&c, 128), -XEN_EINVAL);
    c.max_vcpus = 129;
    assert_int_equal(createdomain_check(&c, 128), -XEN_EINVAL);
    c.max_vcpus = 128;
    assert_int_equal(createdomain_check(&c, 128), 0);
    c = pv_request();
    c.cpupool_id = 1;
    assert_int_equal(createdomain_check(&c, 128), -XEN_ESRCH);
    c = pv_request();
    c.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    assert_int_equal(createdomain_check(&c, 128), -XEN_EOPNOTSUPP);
    c.arch.emulation_flags = 1u << 20;
    assert_int_equal(createdomain_check(&c, 128), -XEN_EINVAL);
    c = pv_request();
    c.arch.misc_flags = 2;
    assert_int_equal(createdomain_check(&c, 128), -XEN_EINVAL);
    c = pv_request();
    c.grant_opts = 0;
    assert_int_equal(createdomain_check(&c, 128), -XEN_EINVAL);
    c.grant_opts = XEN_DOMCTL_GRANT_version(3);
    assert_int_equal(createdomain_check(&c, 128), -XEN_EINVAL);
    c.grant_opts = XEN_DOMCTL_GRANT_version(1) | 0x10;
    assert_int_equal(createdomain_check(&c, 128), -XEN_EINVAL);
}

static void grant_limits_default_when_negative_and_need_one_frame(void **state)
{
    struct xen_domctl_createdomain c = pv_request();
    unsigned frames = 0, maptrack = 0;

    (void)state;
    assert_int_equal(createdomain_grant_limits(&c, 64, 1024, &frames, &maptrack), 0);
    assert_int_equal(frames, 64);
    assert_int_equal(maptrack, 1024);
    c.max_grant_frames = 32;
    c.max_maptrack_frames = 0;      /* a domain that maps nothing */
    assert_int_equal(createdomain_grant_limits(&c, 64, 1024, &frames, &maptrack), 0);
    assert_int_equal(frames, 32);
    assert_int_equal(maptrack, 0);
    c.max_grant_frames = 0;
    assert_int_equal(createdomain_grant_limits(&c, 64, 1024, &frames, &maptrack),
                     -XEN_EINVAL);
    c.max_grant_frames = DOMCTL_GRANT_FRAMES_CEILING + 1;
    assert_int_equal(createdomain_grant_limits(&c, 64, 1024, &frames, &maptrack),
                     -XEN_EINVAL);
    c.max_grant_frames = 1;
    c.max_maptrack_frames = DOMCTL_MAPTRACK_FRAMES_CEILING + 1;
    assert_int_equal(createdomain_grant_limits(&c, 64, 1024, &frames, &maptrack),
                     -XEN_EINVAL);
    /* A refusal leaves the outputs alone. */
    assert_int_equal(frames, 32);
}

/* ids in use for the domid tests: a small bitmap over the whole space */
static uint8_t used_ids[DOMID_FIRST_RESERVED / 8 + 1];

static void mark_used(uint16_t id, bool used)
{
    if (used)
        used_ids[id / 8] |= (uint8_t)(1u << (id % 8));
    else
        used_ids[id / 8] &= (uint8_t)~(1u << (id % 8));
}

static bool id_free(uint16_t id, void *ctx)
{
    (void)ctx;
    return !(used_ids[id / 8] & (1u << (id % 8)));
}

static void domid_zero_takes_the_next_free_id_after_the_last(void **state)
{
    uint16_t rover = 0, id = 0;

    (void)state;
    memset(used_ids, 0, sizeof(used_ids));
    mark_used(0, true);
    assert_int_equal(domid_choose(0, &rover, id_free, NULL, &id), 0);
    assert_int_equal(id, 1);
    mark_used(1, true);
    assert_int_equal(domid_choose(0, &rover, id_free, NULL, &id), 0);
    assert_int_equal(id, 2);
    /* Destroying 1 does not make it the next id handed out. */
    mark_used(1, false);
    mark_used(2, true);
    assert_int_equal(domid_choose(0, &rover, id_free, NULL, &id), 0);
    assert_int_equal(id, 3);
    /* A reserved id in the request also means "choose". */
    assert_int_equal(domid_choose(DOMID_SELF, &rover, id_free, NULL, &id), 0);
    assert_int_equal(id, 4);
}

static void domid_rover_wraps_to_one_and_a_full_space_is_enomem(void **state)
{
    uint16_t rover = DOMID_FIRST_RESERVED - 1, id = 0;

    (void)state;
    memset(used_ids, 0, sizeof(used_ids));
    mark_used(0, true);
    assert_int_equal(domid_choose(0, &rover, id_free, NULL, &id), 0);
    assert_int_equal(id, 1);
    memset(used_ids, 0xff, sizeof(used_ids));
    mark_used(77, false);
    assert_int_equal(domid_choose(0, &rover, id_free, NULL, &id), 0);
    assert_int_equal(id, 77);
    assert_int_equal(rover, 77);
    mark_used(77, true);
    id = 5;
    assert_int_equal(domid_choose(0, &rover, id_free, NULL, &id), -XEN_ENOMEM);
    assert_int_equal(id, 5);
    assert_int_equal(rover, 77);
}

static void domid_requested_explicitly(void **state)
{
    uint16_t rover = 0, id = 0;

    (void)state;
    memset(used_ids, 0, sizeof(used_ids));
    mark_used(0, true);
    mark_used(7, true);
    assert_int_equal(domid_choose(7, &rover, id_free, NULL, &id), -XEN_EEXIST);
    assert_int_equal(domid_choose(9, &rover, id_free, NULL, &id), 0);
    assert_int_equal(id, 9);
    /* An explicit id does not move the rover. */
    assert_int_equal(rover, 0);
    assert_int_equal(domid_choose(DOMID_FIRST_RESERVED - 1, &rover, id_free, NULL, &id), 0);
    assert_int_equal(id, DOMID_FIRST_RESERVED - 1);
}

static void cpumaps_become_masks_of_the_first_64_cpus(void **state)
{
    uint8_t map[16] = { 0 };

    (void)state;
    assert_int_equal(cpumap_to_mask(map, 128), 0);
    map[0] = 0x05;
    map[1] = 0x80;
    assert_int_equal(cpumap_to_mask(map, 16), 0x8005);
    /* Bits past nr_bits are not the caller's: ignored. */
    assert_int_equal(cpumap_to_mask(map, 3), 0x5);
    assert_int_equal(cpumap_to_mask(map, 2), 0x1);
    map[7] = 0x80;
    map[8] = 0xff;
    assert_int_equal(cpumap_to_mask(map, 128), 0x8000000000008005ULL);
}

static void getdomaininfo_reports_handle_label_and_store_domain(void **state)
{
    struct domain_snapshot s = {
        .id = 3, .nr_vcpus = 1, .nr_online = 1, .ssidref = 42, .xs_domain = true,
    };
    struct xen_domctl_getdomaininfo info;

    (void)state;
    for (unsigned i = 0; i < 16; i++)
        s.handle[i] = (uint8_t)(0xa0 + i);
    domain_info_pack(&s, &info);
    assert_int_equal(info.domain, 3);
    assert_int_equal(info.ssidref, 42);
    assert_memory_equal(info.handle, s.handle, 16);
    assert_true(info.flags & XEN_DOMINF_xs_domain);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_plain_pv_request_is_accepted),
        cmocka_unit_test(hvm_and_absent_hardware_features_are_refused),
        cmocka_unit_test(vcpu_counts_pools_emulation_and_grant_versions),
        cmocka_unit_test(grant_limits_default_when_negative_and_need_one_frame),
        cmocka_unit_test(domid_zero_takes_the_next_free_id_after_the_last),
        cmocka_unit_test(domid_rover_wraps_to_one_and_a_full_space_is_enomem),
        cmocka_unit_test(domid_requested_explicitly),
        cmocka_unit_test(cpumaps_become_masks_of_the_first_64_cpus),
        cmocka_unit_test(getdomaininfo_reports_handle_label_and_store_domain),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
