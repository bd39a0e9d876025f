/* CPUID policies as the toolstack exchanges them (Xen 4.17's layout):
 * collection from a CPU, the serialised order libxc's deserialiser needs,
 * the toolstack's leaves merged back with Xen's errors, the audit against
 * the most a guest may have, and what a guest is then shown. */
#include "unit.h"

#include <lintel/cpu_policy.h>
#include <public/errno.h>

/* A made-up CPU: max basic leaf 0xd, three cache levels, XSAVE with x87,
 * SSE and AVX, extended leaves to 0x80000008. Every other leaf answers
 * with its own number so misplaced leaves show. */
static void fake_cpu(uint32_t leaf, uint32_t subleaf, uint32_t out[4], void *ctx)
{
    (void)ctx;
    out[0] = leaf;
    out[1] = subleaf;
    out[2] = 0x100 + leaf;
    out[3] = 0x200 + leaf;
    switch (leaf) {
    case 0:
        out[0] = 0xd;
        break;
    case 1:
        out[2] = (1u << 26) | (1u << 27) | (1u << 28) | 1;   /* XSAVE OSXSAVE AVX SSE3 */
        out[3] = (1u << 25) | (1u << 26);                      /* SSE SSE2 */
        break;
    case 4:
        out[0] = subleaf < 3 ? 1 + subleaf : 0;                /* type 0 after three */
        break;
    case 7:
        out[0] = 0;                                            /* max subleaf */
        out[1] = subleaf == 0 ? 0x28 : 0;
        break;
    case 0xb:
        out[2] = subleaf == 0 ? 0x100 : 0;                     /* one level, then none */
        break;
    case 0xd:
        if (subleaf == 0) {
            out[0] = 0x7;
            out[3] = 0;
        } else if (subleaf == 1) {
            out[0] = 1;
            out[2] = 0;
            out[3] = 0;
        }
        break;
    case 0x80000000:
        out[0] = 0x80000008;
        break;
    }
}

static struct cpu_policy collected(void)
{
    struct cpu_policy p;

    cpu_policy_collect(&p, fake_cpu, NULL);
    return p;
}

static uint32_t serialise(const struct cpu_policy *p, xen_cpuid_leaf_t *out)
{
    uint32_t n = 0;

    assert_int_equal(cpu_policy_to_leaves(p, out, CPU_POLICY_MAX_LEAVES, &n), 0);
    return n;
}

static void the_maximum_count_is_xens(void **state)
{
    (void)state;
    /* Xen 4.17's CPUID_MAX_SERIALISED_LEAVES and MSR_MAX_SERIALISED_ENTRIES. */
    assert_int_equal(CPU_POLICY_MAX_LEAVES, 120);
    assert_int_equal(CPU_POLICY_MAX_MSRS, 2);
}

static void leaves_come_in_xens_order_with_subleaves(void **state)
{
    struct cpu_policy p = collected();
    xen_cpuid_leaf_t l[CPU_POLICY_MAX_LEAVES];
    uint32_t n = serialise(&p, l), i = 0;

    (void)state;
    /* 0..3, leaf 4 with its three levels and the type-0 end, 5, 6, 7/0, 8..0xa,
     * 0xb/0 and its end, 0xc, 0xd/0..2, two hypervisor limits, 9 extended. */
    assert_int_equal(n, 4 + 4 + 2 + 1 + 3 + 2 + 1 + 3 + 2 + 9);
    for (uint32_t leaf = 0; leaf < 4; leaf++, i++) {
        assert_int_equal(l[i].leaf, leaf);
        assert_int_equal(l[i].subleaf, XEN_CPUID_NO_SUBLEAF);
    }
    for (uint32_t s = 0; s < 4; s++, i++) {
        assert_int_equal(l[i].leaf, 4);
        assert_int_equal(l[i].subleaf, s);
    }
    assert_int_equal(l[i - 1].a, 0);
    assert_int_equal(l[i + 2].leaf, 7);
    assert_int_equal(l[i + 2].subleaf, 0);
    assert_int_equal(l[i + 2].b, 0x28);
    i = 4 + 4 + 2 + 1 + 3 + 2 + 1;
    assert_int_equal(l[i].leaf, 0xd);
    assert_int_equal(l[i + 2].subleaf, 2);
    assert_int_equal(l[i + 3].leaf, 0x40000000);
    assert_int_equal(l[i + 4].leaf, 0x40000100);
    assert_int_equal(l[i + 5].leaf, 0x80000000);
    assert_int_equal(l[i + 5].a, 0x80000008);
    assert_int_equal(l[n - 1].leaf, 0x80000008);
    assert_int_equal(l[n - 1].c, 0x100 + 0x80000008);
}

static void a_short_array_gets_what_fits_and_enobufs(void **state)
{
    struct cpu_policy p = collected();
    xen_cpuid_leaf_t l[CPU_POLICY_MAX_LEAVES];
    xen_msr_entry_t m[2];
    uint32_t n = 99;

    (void)state;
    assert_int_equal(cpu_policy_to_leaves(&p, l, 5, &n), -XEN_ENOBUFS);
    assert_int_equal(n, 5);
    assert_int_equal(l[4].leaf, 4);
    assert_int_equal(cpu_policy_to_msrs(&p, m, 1, &n), -XEN_ENOBUFS);
    assert_int_equal(cpu_policy_to_msrs(&p, m, 2, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(m[0].idx, CPU_POLICY_MSR_PLATFORM_INFO);
    assert_int_equal(m[1].idx, CPU_POLICY_MSR_ARCH_CAPS);
}

static void a_round_trip_gives_the_same_policy(void **state)
{
    struct cpu_policy p = collected(), q;
    xen_cpuid_leaf_t l[CPU_POLICY_MAX_LEAVES];
    struct cpu_policy_error err = { CPU_POLICY_NONE, CPU_POLICY_NONE, CPU_POLICY_NONE };
    uint32_t n = serialise(&p, l);

    (void)state;
    memset(&q, 0, sizeof(q));
    assert_int_equal(cpu_policy_from_leaves(&q, l, n, &err), 0);
    assert_memory_equal(&p, &q, sizeof(p));
}

static void leaves_no_policy_holds_are_erange_and_named(void **state)
{
    struct cpu_policy p = collected();
    struct cpu_policy_error err = { CPU_POLICY_NONE, CPU_POLICY_NONE, CPU_POLICY_NONE };
    xen_cpuid_leaf_t bad[] = {
        { 1, XEN_CPUID_NO_SUBLEAF, 0, 0, 0, 0 },
        { 0x14, XEN_CPUID_NO_SUBLEAF, 0, 0, 0, 0 },
    };
    xen_cpuid_leaf_t subleaf_on_plain = { 2, 0, 0, 0, 0, 0 };
    xen_cpuid_leaf_t feat_too_deep = { 7, 3, 0, 0, 0, 0 };
    xen_cpuid_leaf_t extd_too_far = { 0x80000022, XEN_CPUID_NO_SUBLEAF, 0, 0, 0, 0 };

    (void)state;
    assert_int_equal(cpu_policy_from_leaves(&p, bad, 2, &err), -XEN_ERANGE);
    assert_int_equal(err.leaf, 0x14);
    assert_int_equal(err.subleaf, XEN_CPUID_NO_SUBLEAF);
    assert_int_equal(cpu_policy_from_leaves(&p, &subleaf_on_plain, 1, &err), -XEN_ERANGE);
    assert_int_equal(err.subleaf, 0);
    assert_int_equal(cpu_policy_from_leaves(&p, &feat_too_deep, 1, &err), -XEN_ERANGE);
    assert_int_equal(err.leaf, 7);
    assert_int_equal(cpu_policy_from_leaves(&p, &extd_too_far, 1, &err), -XEN_ERANGE);
}

static void msrs_need_zero_flags_a_known_index_and_a_fitting_value(void **state)
{
    struct cpu_policy p = collected();
    struct cpu_policy_error err = { CPU_POLICY_NONE, CPU_POLICY_NONE, CPU_POLICY_NONE };
    xen_msr_entry_t flags = { CPU_POLICY_MSR_ARCH_CAPS, 1, 0 };
    xen_msr_entry_t unknown = { 0x10, 0, 0 };
    xen_msr_entry_t wide = { CPU_POLICY_MSR_PLATFORM_INFO, 0, 1ULL << 32 };
    xen_msr_entry_t caps = { CPU_POLICY_MSR_ARCH_CAPS, 0, 0x123456789ULL };

    (void)state;
    assert_int_equal(cpu_policy_from_msrs(&p, &flags, 1, &err), -XEN_EINVAL);
    assert_int_equal(err.msr, CPU_POLICY_MSR_ARCH_CAPS);
    assert_int_equal(cpu_policy_from_msrs(&p, &unknown, 1, &err), -XEN_ERANGE);
    assert_int_equal(err.msr, 0x10);
    assert_int_equal(cpu_policy_from_msrs(&p, &wide, 1, &err), -XEN_EOVERFLOW);
    assert_int_equal(cpu_policy_from_msrs(&p, &caps, 1, &err), 0);
    assert_int_equal(p.arch_caps, 0x123456789ULL);
}

static void the_audit_refuses_more_leaves_than_the_maximum(void **state)
{
    struct cpu_policy max = collected(), p = max;
    struct cpu_policy_error err = { CPU_POLICY_NONE, CPU_POLICY_NONE, CPU_POLICY_NONE };

    (void)state;
    assert_int_equal(cpu_policy_check_compatible(&max, &p, &err), 0);
    p.basic[0].a = 0xe;
    assert_int_equal(cpu_policy_check_compatible(&max, &p, &err), -XEN_EINVAL);
    assert_int_equal(err.leaf, 0);
    p = max;
    p.feat[0].a = 1;
    assert_int_equal(cpu_policy_check_compatible(&max, &p, &err), -XEN_EINVAL);
    assert_int_equal(err.leaf, 7);
    assert_int_equal(err.subleaf, 0);
    p = max;
    p.extd[0].a = 0x80000009;
    assert_int_equal(cpu_policy_check_compatible(&max, &p, &err), -XEN_EINVAL);
    assert_int_equal(err.leaf, 0x80000000);
    p = max;
    p.platform_info = 1u << 31;
    assert_int_equal(cpu_policy_check_compatible(&max, &p, &err), -XEN_EINVAL);
    assert_int_equal(err.msr, CPU_POLICY_MSR_PLATFORM_INFO);
    /* Fewer leaves than the maximum is fine. */
    p = max;
    p.basic[0].a = 7;
    assert_int_equal(cpu_policy_check_compatible(&max, &p, &err), 0);
}

static void features_the_maximum_lacks_are_dropped_and_words_map_to_leaves(void **state)
{
    struct cpu_policy max = collected(), p = max;
    uint32_t fs[CPU_FEATURESET_WORDS];

    (void)state;
    p.basic[1].d |= 1u << 0;        /* FPU: the fake CPU lacks it */
    p.feat[0].b |= 1u << 5;         /* AVX2 */
    cpu_policy_clamp_features(&p, &max);
    assert_int_equal(p.basic[1].d, max.basic[1].d);
    assert_int_equal(p.feat[0].b, 0x28);
    cpu_policy_featureset(&p, fs);
    assert_int_equal(fs[0], max.basic[1].d);           /* FEATURESET_1d */
    assert_int_equal(fs[1], max.basic[1].c);           /* FEATURESET_1c */
    assert_int_equal(fs[2], max.extd[1].d);            /* FEATURESET_e1d */
    assert_int_equal(fs[4], max.xstate[1].a);          /* FEATURESET_Da1 */
    assert_int_equal(fs[5], 0x28);                     /* FEATURESET_7b0 */
    assert_int_equal(fs[8], max.extd[8].b);            /* FEATURESET_e8b */
}

static void out_of_range_leaves_are_cleared(void **state)
{
    struct cpu_policy p = collected();

    (void)state;
    p.basic[0].a = 5;
    p.extd[0].a = 0x80000004;
    cpu_policy_clear_out_of_range(&p);
    assert_int_equal(p.basic[6].c, 0);
    assert_int_equal(p.topo[0].c, 0);
    assert_int_equal(p.xstate[0].a, 0);
    assert_int_equal(p.feat[0].b, 0);
    assert_int_not_equal(p.cache[1].a, 0);
    assert_int_not_equal(p.extd[4].c, 0);
    assert_int_equal(p.extd[5].c, 0);
}

static void a_guest_sees_its_policy_with_its_own_apic_id_and_xsave_state(void **state)
{
    struct cpu_policy p = collected();
    uint32_t live[4] = { 0xaa, 0x05000800, (1u << 26) | (1u << 27) | 1, 0xdd }, out[4];

    (void)state;
    p.basic[1].c &= ~1u;            /* the toolstack hid SSE3 */
    cpu_policy_guest_view(&p, 1, 0, live, out);
    assert_int_equal(out[1], 0x05000800);
    assert_int_equal(out[2] & 1, 0);
    assert_true(out[2] & (1u << 27));           /* OSXSAVE follows the vCPU */
    /* Past the maximum leaves: nothing. */
    cpu_policy_guest_view(&p, 0x14, 0, live, out);
    assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
    cpu_policy_guest_view(&p, 0x8000000a, 0, live, out);
    assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
    cpu_policy_guest_view(&p, 0x80000004, 0, live, out);
    assert_int_equal(out[2], 0x100 + 0x80000004);
    /* The hypervisor leaves stay the hypervisor's. */
    cpu_policy_guest_view(&p, 0x40000000, 0, live, out);
    assert_int_equal(out[0], 0xaa);
    /* Without XSAVE in the policy, leaf 0xd and OSXSAVE are gone. */
    p.basic[1].c &= ~(1u << 26);
    cpu_policy_guest_view(&p, 1, 0, live, out);
    assert_false(out[2] & (1u << 27));
    cpu_policy_guest_view(&p, 0xd, 0, live, out);
    assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_maximum_count_is_xens),
        cmocka_unit_test(leaves_come_in_xens_order_with_subleaves),
        cmocka_unit_test(a_short_array_gets_what_fits_and_enobufs),
        cmocka_unit_test(a_round_trip_gives_the_same_policy),
        cmocka_unit_test(leaves_no_policy_holds_are_erange_and_named),
        cmocka_unit_test(msrs_need_zero_flags_a_known_index_and_a_fitting_value),
        cmocka_unit_test(the_audit_refuses_more_leaves_than_the_maximum),
        cmocka_unit_test(features_the_maximum_lacks_are_dropped_and_words_map_to_leaves),
        cmocka_unit_test(out_of_range_leaves_are_cleared),
        cmocka_unit_test(a_guest_sees_its_policy_with_its_own_apic_id_and_xsave_state),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
