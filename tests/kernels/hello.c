/*
 * hello: what a PV kernel learns at boot. start_info as the domain
 * builder filled it for dom0, the machine-to-physical table, and the
 * xen_version queries, with their failure cases.
 */
#include "lib/kernel.h"

#include <public/errno.h>
#include <public/version.h>

const char kernel_name[] = "hello";

/* An address in the hypervisor's hole: never a valid guest buffer. */
#define HYPERVISOR_HOLE_ADDR (HYPERVISOR_VIRT_START + 0x100000UL)
/* A user-half address that is not mapped in our address space. */
#define UNMAPPED_ADDR 0x1000UL

TEST(start_info_magic)
{
    EXPECT_TRUE(string_starts_with(start_info->magic, "xen-3.0-x86_64"));
}

TEST(start_info_marks_dom0)
{
    EXPECT_EQ(start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN),
              SIF_PRIVILEGED | SIF_INITDOMAIN);
}

TEST(start_info_memory)
{
    /* The harness boots dom0 with dom0_mem=64M. */
    EXPECT_EQ(start_info->nr_pages, 64UL * 1024 * 1024 / PAGE_SIZE);
    EXPECT_TRUE(start_info->shared_info != 0);
    EXPECT_EQ(start_info->shared_info % PAGE_SIZE, 0);
}

TEST(start_info_layout_follows_kernel)
{
    extern char _end[];
    unsigned long end = (unsigned long)_end;

    /* The builder places the p2m list, start_info and page tables after the image. */
    EXPECT_TRUE(start_info->mfn_list >= end);
    EXPECT_TRUE((unsigned long)start_info >= end);
    EXPECT_TRUE(start_info->pt_base >= end);
    EXPECT_EQ(start_info->pt_base % PAGE_SIZE, 0);
    EXPECT_TRUE(start_info->nr_pt_frames >= 4);  /* at least one table per level */
    EXPECT_EQ(start_info->mod_start, 0);         /* no initrd was given */
    EXPECT_EQ(start_info->mod_len, 0);
}

TEST(p2m_and_m2p_agree)
{
    const unsigned long *p2m = (const unsigned long *)start_info->mfn_list;
    const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

    /* The machine-to-physical table is mapped read-only for every PV guest. */
    EXPECT_EQ(m2p[p2m[0]], 0);
    EXPECT_EQ(m2p[p2m[1]], 1);
    EXPECT_EQ(m2p[p2m[start_info->nr_pages - 1]], start_info->nr_pages - 1);
}

TEST(shared_info_maps_and_vcpu0_is_masked)
{
    shared_info_t *shared = shared_info_map();

    EXPECT_TRUE(shared != 0);
    if (!shared)
        return;
    /* Events stay masked until the guest registers a callback and unmasks. */
    EXPECT_EQ(shared->vcpu_info[0].evtchn_upcall_mask, 1);
    EXPECT_TRUE(shared->vcpu_info[0].time.tsc_to_system_mul != 0);
    EXPECT_EQ(shared->vcpu_info[0].time.version % 2, 0);
}

TEST(version_is_4_17)
{
    long version = HYPERVISOR_xen_version(XENVER_version, 0);

    /* Lintel reports the Xen interface it implements. */
    EXPECT_EQ(version >> 16, 4);
    EXPECT_EQ(version & 0xffff, 17);
}

TEST(extraversion_and_capabilities)
{
    static xen_extraversion_t extra;
    static xen_capabilities_info_t caps;

    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_extraversion, extra), 0);
    EXPECT_TRUE(string_length(extra) < sizeof(extra));
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_capabilities, caps), 0);
    EXPECT_TRUE(string_contains(caps, "xen-3.0-x86_64"));
    testfw_note(testfw_current, "extraversion \"%s\", capabilities \"%s\"", extra, caps);
}

TEST(features_of_a_pv_dom0)
{
    xen_feature_info_t fi = { .submap_idx = 0 };

    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    testfw_note(testfw_current, "feature submap 0 = %#x", fi.submap);
    /* A PV guest manages its own p2m and runs its kernel in ring 3. */
    EXPECT_EQ(fi.submap & (1u << XENFEAT_auto_translated_physmap), 0);
    EXPECT_EQ(fi.submap & (1u << XENFEAT_supervisor_mode_kernel), 0);
    EXPECT_NE(fi.submap & (1u << XENFEAT_dom0), 0);
    /* Page tables and descriptor tables are only changed through hypercalls. */
    EXPECT_EQ(fi.submap & (1u << XENFEAT_writable_page_tables), 0);
    EXPECT_EQ(fi.submap & (1u << XENFEAT_writable_descriptor_tables), 0);
    /* What Linux relies on: preserved A/D bits and free PTE bits in grant maps. */
    EXPECT_NE(fi.submap & (1u << XENFEAT_mmu_pt_update_preserve_ad), 0);
    EXPECT_NE(fi.submap & (1u << XENFEAT_gnttab_map_avail_bits), 0);
}

TEST(features_bad_submap)
{
    xen_feature_info_t fi = { .submap_idx = XENFEAT_NR_SUBMAPS };

    EXPECT_ERRNO(HYPERVISOR_xen_version(XENVER_get_features, &fi), XEN_EINVAL);
}

TEST(pagesize_and_platform_parameters)
{
    xen_platform_parameters_t pp = { 0 };

    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_pagesize, 0), PAGE_SIZE);
    EXPECT_EQ(HYPERVISOR_xen_version(XENVER_platform_parameters, &pp), 0);
    EXPECT_EQ(pp.virt_start, HYPERVISOR_VIRT_START);
}

TEST(version_bad_command)
{
    EXPECT_ERRNO(HYPERVISOR_xen_version(1000, 0), XEN_ENOSYS);
}

TEST(version_bad_buffers)
{
    EXPECT_ERRNO(HYPERVISOR_xen_version(XENVER_extraversion, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_xen_version(XENVER_capabilities, HYPERVISOR_HOLE_ADDR),
                 XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_xen_version(XENVER_get_features, UNMAPPED_ADDR), XEN_EFAULT);
}

TEST(console_io_errors)
{
    EXPECT_ERRNO(HYPERVISOR_console_io(CONSOLEIO_write, 5, UNMAPPED_ADDR), XEN_EFAULT);
    EXPECT_ERRNO(HYPERVISOR_console_io(77, 0, 0), XEN_ENOSYS);
    /* A zero-length write is a successful no-op. */
    EXPECT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0, 0), 0);
}
