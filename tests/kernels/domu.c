/*
 * domu: what an unprivileged PV guest sees when a toolstack builds it
 * (xl create on Xen, lintel create on Lintel) with memory = 32 MiB and one
 * vcpu. Its start_info, its console ring and store, and the privileged
 * operations it is refused. Output goes to its console ring.
 */
#include "lib/kernel.h"
#include "lib/traps.h"

#include <public/domctl.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sysctl.h>
#include <public/version.h>

const char kernel_name[] = "domu";

#define GUEST_PAGES (32UL * 1024 * 1024 / PAGE_SIZE)

TEST(start_info_of_a_domu)
{
    EXPECT_TRUE(string_starts_with(start_info->magic, "xen-3.0-x86_64"));
    EXPECT_EQ(start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN), 0);
    EXPECT_EQ(start_info->nr_pages, GUEST_PAGES);
    /* The toolstack connected a console ring and the store. */
    EXPECT_NE(start_info->console.domU.mfn, 0);
    EXPECT_NE(start_info->console.domU.evtchn, 0);
    EXPECT_NE(start_info->store_mfn, 0);
    EXPECT_NE(start_info->store_evtchn, 0);
    EXPECT_NE(start_info->store_evtchn, start_info->console.domU.evtchn);
}

TEST(no_dom0_feature)
{
    xen_feature_info_t fi = { .submap_idx = 0 };

    EXPECT_OK(HYPERVISOR_xen_version(XENVER_get_features, &fi));
    EXPECT_EQ(fi.submap & (1u << XENFEAT_dom0), 0);
    EXPECT_EQ(fi.submap & (1u << XENFEAT_auto_translated_physmap), 0);
}

TEST(memory_of_a_domu)
{
    domid_t self = DOMID_SELF;
    static uint8_t entries[8][20];
    struct xen_memory_map map = { .nr_entries = 8 };

    EXPECT_EQ(HYPERVISOR_memory_op(XENMEM_current_reservation, &self), GUEST_PAGES);
    /* A domU has the pseudo-physical map its toolstack set... */
    set_xen_guest_handle(map.buffer, entries);
    EXPECT_OK(HYPERVISOR_memory_op(XENMEM_memory_map, &map));
    EXPECT_TRUE(map.nr_entries >= 1);
    /* ...and may not read the host's. */
    map.nr_entries = 8;
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_machine_memory_map, &map), XEN_EPERM);
}

TEST(privileged_operations_are_refused)
{
    static struct xen_domctl domctl;
    static struct xen_sysctl sysctl;
    domid_t dom0 = 0;

    domctl.cmd = XEN_DOMCTL_getdomaininfo;
    domctl.interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    domctl.domain = 0;
    EXPECT_ERRNO(hypercall1(__HYPERVISOR_domctl, &domctl), XEN_EPERM);
    sysctl.cmd = XEN_SYSCTL_physinfo;
    sysctl.interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    EXPECT_ERRNO(hypercall1(__HYPERVISOR_sysctl, &sysctl), XEN_EPERM);
    /* The hypervisor console is dom0's; a domU writes to its ring. */
    EXPECT_ERRNO(HYPERVISOR_console_io(CONSOLEIO_write, 2, "x\n"), XEN_EPERM);
    /* Another domain's memory is not ours to query. */
    EXPECT_ERRNO(HYPERVISOR_memory_op(XENMEM_current_reservation, &dom0), XEN_EPERM);
}

TEST(grant_table_and_events_work)
{
    struct gnttab_query_size query = { .dom = DOMID_SELF };
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF, .remote_dom = 0 };

    EXPECT_OK(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &query, 1));
    EXPECT_EQ(query.status, GNTST_okay);
    /* A channel dom0 may connect to, as a frontend offers its backend. */
    EXPECT_OK(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc));
    EXPECT_NE(alloc.port, 0);
}
