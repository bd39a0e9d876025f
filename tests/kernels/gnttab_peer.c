/*
 * gnttab_peer: grants between two domains, started as domUs by the
 * toolstack in dom0 with "extra" command lines naming their roles:
 *   role=granter              grants frames to dom0, then, told the mapper's
 *                             domid by dom0, to the mapper; watches the
 *                             in-use bits of every stage through the deaths
 *                             of the mapper and, last, of itself
 *   role=mapper peer=<domid>  maps and copies the granter's grants with every
 *                             refusal Xen gives, runs its maptrack out, then
 *                             holds two mappings until it is destroyed
 * dom0's side is tests/grants/gnt_peer.c; the references, the mailbox and
 * the page contents they share are in gnttab_peer.h. Expected values are
 * what Xen 4.17 does. The table stays at version 1: `lintel create` makes
 * domains whose highest grant version is 1 (set_version 2 gets -ENOSYS, as
 * the granter checks); gnttab_ops covers version 2 with dom0.
 */
#include "lib/kernel.h"
#include "lib/mm.h"
#include "lib/traps.h"

#include <public/errno.h>
#include <public/grant_table.h>
#include <public/sched.h>

#include "gnttab_peer.h"

const char kernel_name[] = "gnttab_peer";

#define MS          1000000ULL
/* Every wait for the other side: dom0's steps run under emulation on a
 * loaded host; pytest's own timeouts end a stuck run first. */
#define PEER_WAIT   (900000 * MS)
#define RW_FLAGS    (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY)
#define RO_FLAGS    (PTE_PRESENT | PTE_ACCESSED)
#define PF_WRITE    0x2
#define IN_USE      (GTF_reading | GTF_writing)
#define NO_DOMAIN   0x7000      /* an id no domain has in these runs */

#define PAGE_ALIGNED __attribute__((aligned(4096)))

static char table_window[PEER_TABLE_FRAMES][4096] PAGE_ALIGNED;
static char mailbox_page[4096] PAGE_ALIGNED;
static char ro_page[4096] PAGE_ALIGNED;
static char last_page[4096] PAGE_ALIGNED;
static char shared_page[4096] PAGE_ALIGNED;
static char shared_ro_page[4096] PAGE_ALIGNED;
static char other_page[4096] PAGE_ALIGNED;
static char bulk_page[4096] PAGE_ALIGNED;
/* The mapper's windows onto the granter's pages, and a page of its own. */
static char window_a[4096] PAGE_ALIGNED;
static char window_b[4096] PAGE_ALIGNED;
static char own_page[4096] PAGE_ALIGNED;

/* cond is evaluated once: some conditions wait for the other side. */
#define REQUIRE(cond)                                                       \
    do {                                                                    \
        int met_ = !!(cond);                                                \
        testfw_check(testfw_current, met_, __FILE__, __LINE__, #cond, "");  \
        if (!met_)                                                          \
            return;                                                         \
    } while (0)

/* ---- both roles ---- */

static unsigned long option(const char *name, unsigned long fallback)
{
    const char *cmd = (const char *)start_info->cmd_line;
    size_t len = string_length(name);

    for (const char *p = cmd; *p; p++) {
        if ((p == cmd || p[-1] == ' ') && string_starts_with(p, name) && p[len] == '=') {
            unsigned long v = 0;

            for (p += len + 1; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (unsigned long)(*p - '0');
            return v;
        }
    }
    return fallback;
}

static int is_granter(void)
{
    return string_contains((const char *)start_info->cmd_line, "role=granter");
}

static int is_mapper(void)
{
    return string_contains((const char *)start_info->cmd_line, "role=mapper");
}

static void sleep_ns(uint64_t ns)
{
    struct sched_poll poll = { .nr_ports = 0, .timeout = system_time_ns() + ns };

    while (system_time_ns() < poll.timeout)
        HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

/* Polls cond every 10 ms; whether it came true within timeout. */
#define WAIT_FOR(cond, timeout)                                              \
    ({                                                                       \
        uint64_t end_ = system_time_ns() + (timeout);                        \
        int met_;                                                            \
        while (!(met_ = !!(cond)) && system_time_ns() < end_)                \
            sleep_ns(10 * MS);                                               \
        met_;                                                                \
    })

static long gnttab(unsigned int cmd, void *args, unsigned int count)
{
    return HYPERVISOR_grant_table_op(cmd, args, count);
}

static void fill_pattern(char *page, uint32_t ref, unsigned from)
{
    for (unsigned i = from; i < PAGE_SIZE; i++)
        page[i] = (char)peer_pattern(ref, i);
}

static unsigned pattern_mismatches(const volatile char *page, uint32_t ref, unsigned from)
{
    unsigned bad = 0;

    for (unsigned i = from; i < PAGE_SIZE; i++)
        bad += (uint8_t)page[i] != peer_pattern(ref, i);
    return bad;
}

/* ---- granter ---- */

static grant_entry_v1_t *v1 = (grant_entry_v1_t *)table_window;
static struct peer_mailbox *mailbox = (struct peer_mailbox *)mailbox_page;
static uint32_t handled_seq;
static int table_ready, phase2_ready;
static domid_t mapper;

static void grant_v1(grant_ref_t ref, const void *page, domid_t domid, uint16_t flags)
{
    v1[ref].domid = domid;
    v1[ref].frame = (uint32_t)virt_to_mfn(page);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    v1[ref].flags = flags;
}

static uint16_t flags_v1(grant_ref_t ref)
{
    return __atomic_load_n(&v1[ref].flags, __ATOMIC_SEQ_CST);
}

/* Ending access the way Linux does for version 1: the entry is cleared
 * only if the hypervisor shows no use, in one compare-exchange. */
static int end_access_v1(grant_ref_t ref)
{
    uint16_t flags = flags_v1(ref);

    do {
        if (flags & IN_USE)
            return 0;
    } while (!__atomic_compare_exchange_n(&v1[ref].flags, &flags, 0, 0, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    return 1;
}

/* The next command dom0 sent, if it is `command`. */
static int wait_command(enum peer_command command)
{
    int arrived = WAIT_FOR(mailbox->seq != handled_seq, PEER_WAIT);

    if (!arrived) {
        testfw_note(testfw_current, "no command from dom0");
        return 0;
    }
    handled_seq = mailbox->seq;
    if (mailbox->command != command) {
        testfw_note(testfw_current, "command %u, expected %u", mailbox->command, command);
        return 0;
    }
    return 1;
}

static void answer(int32_t value)
{
    mailbox->answer = value;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    mailbox->done_seq = handled_seq;
}

static void granter_setup(void)
{
    xen_pfn_t frames[PEER_TABLE_FRAMES];
    struct gnttab_setup_table setup = { .dom = DOMID_SELF, .nr_frames = PEER_TABLE_FRAMES };
    struct gnttab_set_version set = { .version = 2 };

    /* Created with version 1 as the highest (createdomain's grant_opts):
     * version 2 is as if it did not exist. */
    EXPECT_ERRNO(gnttab(GNTTABOP_set_version, &set, 1), XEN_ENOSYS);
    set_xen_guest_handle(setup.frame_list, frames);
    EXPECT_OK(gnttab(GNTTABOP_setup_table, &setup, 1));
    REQUIRE(setup.status == GNTST_okay);
    for (unsigned i = 0; i < PEER_TABLE_FRAMES; i++)
        EXPECT_OK(remap(table_window[i], frames[i], RW_FLAGS));
    fill_pattern(mailbox_page, PEER_REF_MAILBOX, PEER_PATTERN_OFFSET);
    fill_pattern(ro_page, PEER_REF_RO, 0);
    fill_pattern(other_page, PEER_REF_ELSEWHERE, 0);
    grant_v1(PEER_REF_MAILBOX, mailbox_page, 0, GTF_permit_access);
    grant_v1(PEER_REF_RO, ro_page, 0, GTF_permit_access | GTF_readonly);
    /* To a domain that is not dom0 (the mapper's checks use one that exists). */
    grant_v1(PEER_REF_ELSEWHERE, other_page, NO_DOMAIN, GTF_permit_access);
    v1[PEER_REF_NEVER].flags = 0;
    mailbox->magic = PEER_MAGIC;
    table_ready = 1;
    printk("granter: ready\n");
}

TEST(role)
{
    EXPECT_OK(traps_install());
    shared_info_map()->vcpu_info[0].evtchn_upcall_mask = 1;
    if (is_granter())
        granter_setup();
}

/* Each role skips the other's TESTs: the granter's come first, the
 * mapper's last one never returns. */
#define ROLE(granter_role)                                              \
    do {                                                                \
        EXPECT_TRUE(is_granter() || is_mapper());                       \
        if (is_granter() != (granter_role))                             \
            return;                                                     \
    } while (0)

TEST(granter_sees_dom0s_mappings_in_use)
{
    ROLE(1);
    REQUIRE(table_ready);
    REQUIRE(wait_command(PEER_CMD_TRY_END));
    /* dom0 maps the mailbox writable and RO read-only right now. */
    EXPECT_EQ(flags_v1(PEER_REF_MAILBOX), GTF_permit_access | GTF_reading | GTF_writing);
    EXPECT_EQ(flags_v1(PEER_REF_RO), GTF_permit_access | GTF_readonly | GTF_reading);
    EXPECT_EQ(mailbox->dom0_mark, PEER_DOM0_MARK);
    /* A granter that ends access while mapped sees it still in use, and
     * the entry stays as it was. */
    EXPECT_EQ(end_access_v1(PEER_REF_RO), 0);
    EXPECT_EQ(flags_v1(PEER_REF_RO), GTF_permit_access | GTF_readonly | GTF_reading);
    /* dom0's refused mappings left no trace. */
    EXPECT_EQ(flags_v1(PEER_REF_ELSEWHERE), GTF_permit_access);
    EXPECT_EQ(flags_v1(PEER_REF_NEVER), 0);
    answer(1);
}

TEST(granter_reclaims_once_dom0_unmaps)
{
    ROLE(1);
    REQUIRE(table_ready);
    EXPECT_TRUE(WAIT_FOR(!(flags_v1(PEER_REF_RO) & IN_USE), PEER_WAIT));
    EXPECT_EQ(end_access_v1(PEER_REF_RO), 1);
    EXPECT_EQ(flags_v1(PEER_REF_RO), 0);
}

TEST(granter_grants_to_the_mapper)
{
    ROLE(1);
    REQUIRE(table_ready);
    REQUIRE(wait_command(PEER_CMD_GRANT_TO_MAPPER));
    mapper = (domid_t)mailbox->arg;
    EXPECT_NE(mapper, 0);
    fill_pattern(last_page, PEER_REF_LAST, 0);
    fill_pattern(shared_page, PEER_REF_SHARED, 0);
    fill_pattern(shared_ro_page, PEER_REF_SHARED_RO, 0);
    fill_pattern(bulk_page, PEER_BULK_FIRST, 0);
    grant_v1(PEER_REF_LAST, last_page, 0, GTF_permit_access);
    grant_v1(PEER_REF_SHARED, shared_page, mapper, GTF_permit_access);
    grant_v1(PEER_REF_SHARED_RO, shared_ro_page, mapper, GTF_permit_access | GTF_readonly);
    grant_v1(PEER_REF_DOM0_ONLY, other_page, 0, GTF_permit_access);
    for (grant_ref_t ref = PEER_BULK_FIRST; ref < PEER_BULK_FIRST + PEER_BULK_COUNT; ref++)
        grant_v1(ref, bulk_page, mapper, GTF_permit_access);
    phase2_ready = 1;
    answer(0);
    printk("granter: granted to the mapper d%u\n", mapper);
}

TEST(granter_sees_the_mappers_pins)
{
    volatile uint32_t *hold = (volatile uint32_t *)(shared_page + PEER_HOLD_OFFSET);

    ROLE(1);
    REQUIRE(phase2_ready);
    REQUIRE(WAIT_FOR(*hold == PEER_HOLD_MARK, PEER_WAIT));
    EXPECT_EQ(flags_v1(PEER_REF_SHARED), GTF_permit_access | IN_USE);
    EXPECT_EQ(flags_v1(PEER_REF_SHARED_RO), GTF_permit_access | GTF_readonly | GTF_reading);
    /* What the mapper wrote through its mapping and by copy. */
    EXPECT_EQ((uint8_t)shared_page[100], 0xa5);
    EXPECT_EQ((uint8_t)shared_page[200], 0x5a);
    EXPECT_EQ(pattern_mismatches(shared_ro_page, PEER_REF_SHARED_RO, 0), 0);
    EXPECT_EQ(end_access_v1(PEER_REF_SHARED), 0);
    EXPECT_EQ(flags_v1(PEER_REF_SHARED), GTF_permit_access | IN_USE);
    printk("granter: waiting for the mapper to go\n");
}

TEST(granter_reclaims_after_the_mappers_death)
{
    unsigned still = 0;

    ROLE(1);
    REQUIRE(phase2_ready);
    EXPECT_TRUE(WAIT_FOR(!(flags_v1(PEER_REF_SHARED) & IN_USE) &&
                         !(flags_v1(PEER_REF_SHARED_RO) & IN_USE), PEER_WAIT));
    EXPECT_EQ(flags_v1(PEER_REF_SHARED), GTF_permit_access);
    EXPECT_EQ(flags_v1(PEER_REF_SHARED_RO), GTF_permit_access | GTF_readonly);
    EXPECT_EQ(end_access_v1(PEER_REF_SHARED), 1);
    EXPECT_EQ(end_access_v1(PEER_REF_SHARED_RO), 1);
    for (grant_ref_t ref = PEER_BULK_FIRST; ref < PEER_BULK_FIRST + PEER_BULK_COUNT; ref++)
        still += flags_v1(ref) != GTF_permit_access;
    EXPECT_EQ(still, 0);
    /* Reclaimed pages are plain pages of ours again. */
    shared_page[100] = 1;
    EXPECT_EQ(shared_page[100], 1);
    printk("granter: the pins of the mapper are gone\n");
}

TEST(granter_dies_while_dom0_maps_its_frame)
{
    char verdict[80];

    ROLE(1);
    REQUIRE(phase2_ready);
    REQUIRE(wait_command(PEER_CMD_FINISH));
    EXPECT_EQ(flags_v1(PEER_REF_LAST), GTF_permit_access | IN_USE);
    EXPECT_EQ(end_access_v1(PEER_REF_LAST), 0);
    EXPECT_EQ(flags_v1(PEER_REF_LAST), GTF_permit_access | IN_USE);
    answer(1);
    /* The domain is destroyed as soon as it powers off, and the console
     * daemon reads the ring about once a second: the verdict goes out
     * now, with time to be read. */
    testfw_result_line(testfw_current, verdict, sizeof(verdict));
    printk("%s\ngranter: powering off while dom0 maps its frame\n", verdict);
    sleep_ns(3000 * MS);
}

/* ---- mapper ---- */

#define PIN_LIMIT        128
#define MAPTRACK_HANDLES (1024 * 256)
#define BATCH            512

static domid_t granter;
static struct gnttab_map_grant_ref map_ops[BATCH];
static struct gnttab_unmap_grant_ref unmap_ops[BATCH];
static uint32_t handles[MAPTRACK_HANDLES + BATCH];
static uint64_t bulk_bus_addr;

static void flush_address(const void *va)
{
    struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL, .arg1.linear_addr = (unsigned long)va };

    HYPERVISOR_mmuext_op(&op, 1, 0, DOMID_SELF);
}

static void restore(void *va)
{
    EXPECT_OK(remap(va, virt_to_mfn(va), RW_FLAGS));
}

static struct gnttab_map_grant_ref host_map(grant_ref_t ref, void *at, uint32_t flags)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = (uint64_t)(unsigned long)at, .flags = GNTMAP_host_map | flags,
        .ref = ref, .dom = granter,
    };

    HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
    if (op.status == GNTST_okay)
        flush_address(at);
    return op;
}

static int16_t host_unmap(const struct gnttab_map_grant_ref *map)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = map->host_addr, .handle = map->handle };

    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &op, 1));
    return op.status;
}

static int probe_write(volatile char *va)
{
    trap_reset();
    FAULT_PROBE("movb $1, (%0)", : : "r"(va) : "memory");
    return last_trap.count ? (int)last_trap.vector : -1;
}

static int16_t map_status(grant_ref_t ref, domid_t dom, uint32_t flags)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = (uint64_t)(unsigned long)window_b, .flags = flags, .ref = ref, .dom = dom,
    };

    EXPECT_OK(gnttab(GNTTABOP_map_grant_ref, &op, 1));
    return op.status;
}

TEST(mapper_waits_for_the_grant)
{
    struct gnttab_map_grant_ref map = { .status = GNTST_general_error };
    uint64_t start = system_time_ns(), end = start + PEER_WAIT;

    ROLE(0);
    granter = (domid_t)option("peer", 0);
    REQUIRE(granter != 0);
    printk("mapper: waiting for d%u's grant\n", granter);
    /* Refused until dom0 told the granter who we are. */
    while (system_time_ns() < end &&
           (map = host_map(PEER_REF_SHARED, window_a, 0)).status != GNTST_okay)
        sleep_ns(10 * MS);
    testfw_note(testfw_current, "granted after %u ms",
                (unsigned)((system_time_ns() - start) / MS));
    REQUIRE(map.status == GNTST_okay);
    EXPECT_EQ(host_unmap(&map), GNTST_okay);
    restore(window_a);
}

TEST(mapper_maps_a_writable_grant)
{
    struct gnttab_map_grant_ref map;

    ROLE(0);
    map = host_map(PEER_REF_SHARED, window_a, 0);

    REQUIRE(map.status == GNTST_okay);
    EXPECT_EQ(pattern_mismatches(window_a, PEER_REF_SHARED, 0), 0);
    EXPECT_EQ(probe_write(window_a + 100), -1);
    EXPECT_EQ(window_a[100], 1);
    window_a[100] = (char)0xa5;
    EXPECT_EQ(host_unmap(&map), GNTST_okay);
    restore(window_a);
    /* Our own page is back under the window, the grant's byte is not. */
    EXPECT_NE((uint8_t)window_a[100], 0xa5);
}

TEST(mapper_read_only_is_enforced)
{
    struct gnttab_map_grant_ref map;

    ROLE(0);
    map = host_map(PEER_REF_SHARED_RO, window_a, GNTMAP_readonly);

    REQUIRE(map.status == GNTST_okay);
    EXPECT_EQ(pattern_mismatches(window_a, PEER_REF_SHARED_RO, 0), 0);
    EXPECT_EQ(probe_write(window_a + 7), 14);
    EXPECT_TRUE(last_trap.error_code & PF_WRITE);
    EXPECT_EQ((uint8_t)window_a[7], peer_pattern(PEER_REF_SHARED_RO, 7));
    EXPECT_EQ(host_unmap(&map), GNTST_okay);
    restore(window_a);
    /* A read-only grant refuses a writable mapping. */
    EXPECT_EQ(map_status(PEER_REF_SHARED_RO, granter, GNTMAP_host_map), GNTST_general_error);
}

TEST(mapper_cannot_map_what_is_not_its_own)
{
    ROLE(0);
    /* Granted to dom0, never granted, beyond the table, no such domain. */
    EXPECT_EQ(map_status(PEER_REF_DOM0_ONLY, granter, GNTMAP_host_map), GNTST_general_error);
    EXPECT_EQ(map_status(PEER_REF_NEVER, granter, GNTMAP_host_map), GNTST_general_error);
    EXPECT_EQ(map_status(100000, granter, GNTMAP_host_map), GNTST_bad_gntref);
    EXPECT_EQ(map_status(PEER_REF_SHARED, NO_DOMAIN, GNTMAP_host_map), GNTST_bad_domain);
    EXPECT_EQ(map_status(PEER_REF_DOM0_ONLY, granter, GNTMAP_device_map), GNTST_general_error);
}

TEST(mapper_unmaps_with_wrong_handle_or_address)
{
    struct gnttab_map_grant_ref map;
    struct gnttab_unmap_grant_ref unmap;

    ROLE(0);
    map = host_map(PEER_REF_SHARED, window_a, 0);
    unmap = (struct gnttab_unmap_grant_ref){ .host_addr = map.host_addr };
    REQUIRE(map.status == GNTST_okay);
    unmap.handle = map.handle + 1;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_bad_handle);
    unmap.handle = 0xffffffffu;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_bad_handle);
    unmap.handle = map.handle;
    unmap.host_addr = (uint64_t)(unsigned long)window_b;
    EXPECT_OK(gnttab(GNTTABOP_unmap_grant_ref, &unmap, 1));
    EXPECT_EQ(unmap.status, GNTST_general_error);
    /* Still mapped, still the granter's page. */
    EXPECT_EQ((uint8_t)window_a[300], peer_pattern(PEER_REF_SHARED, 300));
    EXPECT_EQ(host_unmap(&map), GNTST_okay);
    restore(window_a);
    EXPECT_EQ(host_unmap(&map), GNTST_bad_handle);
}

static struct gnttab_copy copy_from_shared(unsigned offset, unsigned len)
{
    return (struct gnttab_copy){
        .source = { .u.ref = PEER_REF_SHARED, .domid = granter, .offset = (uint16_t)offset },
        .dest = { .u.gmfn = virt_to_mfn(own_page), .domid = DOMID_SELF,
                  .offset = (uint16_t)offset },
        .len = (uint16_t)len, .flags = GNTCOPY_source_gref,
    };
}

static int16_t copy_status(struct gnttab_copy op)
{
    EXPECT_OK(gnttab(GNTTABOP_copy, &op, 1));
    return op.status;
}

TEST(mapper_copies_within_bounds_and_rights)
{
    struct gnttab_copy op;
    unsigned bad = 0;

    ROLE(0);
    op = copy_from_shared(0, PAGE_SIZE);

    EXPECT_EQ(copy_status(op), GNTST_okay);
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        bad += (uint8_t)own_page[i] != peer_pattern(PEER_REF_SHARED, i) && i != 100;
    EXPECT_EQ(bad, 0);
    /* Crossing the end of the page, on either side. */
    EXPECT_EQ(copy_status(copy_from_shared(4000, 200)), GNTST_bad_copy_arg);
    op = copy_from_shared(0, 200);
    op.dest.offset = 3999;
    EXPECT_EQ(copy_status(op), GNTST_bad_copy_arg);
    /* Not ours to read, never granted, out of the table. */
    op = copy_from_shared(0, 16);
    op.source.u.ref = PEER_REF_DOM0_ONLY;
    EXPECT_EQ(copy_status(op), GNTST_general_error);
    op.source.u.ref = PEER_REF_NEVER;
    EXPECT_EQ(copy_status(op), GNTST_general_error);
    op.source.u.ref = 100000;
    EXPECT_EQ(copy_status(op), GNTST_bad_gntref);
    op.source.u.ref = PEER_REF_SHARED;
    op.source.domid = NO_DOMAIN;
    EXPECT_EQ(copy_status(op), GNTST_bad_domain);
    /* Another domain's frame by number, without a grant. */
    op = copy_from_shared(0, 16);
    op.flags = 0;
    op.source.u.gmfn = virt_to_mfn(own_page);
    op.source.domid = granter;
    EXPECT_EQ(copy_status(op), GNTST_permission_denied);
    /* Into a read-only grant: refused; into a writable one: it lands. */
    own_page[200] = 0x5a;
    op = (struct gnttab_copy){
        .source = { .u.gmfn = virt_to_mfn(own_page), .domid = DOMID_SELF, .offset = 200 },
        .dest = { .u.ref = PEER_REF_SHARED_RO, .domid = granter, .offset = 200 },
        .len = 1, .flags = GNTCOPY_dest_gref,
    };
    EXPECT_EQ(copy_status(op), GNTST_general_error);
    op.dest.u.ref = PEER_REF_SHARED;
    EXPECT_EQ(copy_status(op), GNTST_okay);
}

static void fill_bulk_map(unsigned i, unsigned n)
{
    map_ops[i] = (struct gnttab_map_grant_ref){
        .flags = GNTMAP_device_map | ((n / PIN_LIMIT) % 2 ? GNTMAP_readonly : 0),
        .ref = PEER_BULK_FIRST + n / (2 * PIN_LIMIT), .dom = granter,
    };
}

static int unmap_handles(unsigned first, unsigned count)
{
    for (unsigned done = 0; done < count;) {
        unsigned n = count - done < BATCH ? count - done : BATCH;

        for (unsigned i = 0; i < n; i++)
            unmap_ops[i] = (struct gnttab_unmap_grant_ref){
                .dev_bus_addr = bulk_bus_addr, .handle = handles[first + done + i],
            };
        if (gnttab(GNTTABOP_unmap_grant_ref, unmap_ops, n))
            return 0;
        for (unsigned i = 0; i < n; i++)
            if (unmap_ops[i].status != GNTST_okay)
                return 0;
        done += n;
    }
    return 1;
}

/* Another domain's grants run the maptrack out like one's own do: 128
 * read-only and 128 writable device mappings per bulk grant. */
TEST(mapper_runs_its_maptrack_out)
{
    unsigned nr = 0, refused = 0, other = 0;
    uint64_t start = system_time_ns();

    ROLE(0);

    for (unsigned next = 0; !refused && next < PEER_BULK_COUNT * 2 * PIN_LIMIT; next += BATCH) {
        for (unsigned i = 0; i < BATCH; i++)
            fill_bulk_map(i, next + i);
        if (gnttab(GNTTABOP_map_grant_ref, map_ops, BATCH))
            break;
        for (unsigned i = 0; i < BATCH; i++) {
            if (map_ops[i].status == GNTST_okay) {
                handles[nr++] = map_ops[i].handle;
                bulk_bus_addr = map_ops[i].dev_bus_addr;
            } else if (map_ops[i].status == GNTST_no_space) {
                refused++;
            } else if (other++ == 0) {
                testfw_note(testfw_current, "op %u (ref %u) failed with %d", next + i,
                            map_ops[i].ref, map_ops[i].status);
            }
        }
    }
    testfw_note(testfw_current, "%u handles before the maptrack ran out (%u ms)", nr,
                (unsigned)((system_time_ns() - start) / MS));
    /* Xen keeps one handle per vCPU back (one vCPU here); Lintel does not. */
    EXPECT_TRUE(nr == MAPTRACK_HANDLES || nr == MAPTRACK_HANDLES - 1);
    EXPECT_TRUE(refused > 0);
    EXPECT_EQ(other, 0);
    /* A host mapping is refused the same way while the maptrack is full. */
    EXPECT_EQ(map_status(PEER_REF_SHARED, granter, GNTMAP_host_map), GNTST_no_space);
    EXPECT_TRUE(unmap_handles(0, nr));
    /* Room again. */
    {
        struct gnttab_map_grant_ref map = host_map(PEER_REF_SHARED, window_a, 0);

        EXPECT_EQ(map.status, GNTST_okay);
        if (map.status == GNTST_okay) {
            EXPECT_EQ(host_unmap(&map), GNTST_okay);
            restore(window_a);
        }
    }
}

/* Holds SHARED writable and SHARED_RO read-only until destroyed; prints
 * its verdict first, since it never returns to kernel_main. */
TEST(mapper_holds_until_destroyed)
{
    struct gnttab_map_grant_ref rw, ro;
    char verdict[80];

    ROLE(0);
    rw = host_map(PEER_REF_SHARED, window_a, 0);
    ro = host_map(PEER_REF_SHARED_RO, window_b, GNTMAP_readonly);

    EXPECT_EQ(rw.status, GNTST_okay);
    EXPECT_EQ(ro.status, GNTST_okay);
    if (rw.status == GNTST_okay) {
        EXPECT_EQ((uint8_t)window_a[200], 0x5a);
        __atomic_store_n((uint32_t *)(window_a + PEER_HOLD_OFFSET), PEER_HOLD_MARK,
                         __ATOMIC_SEQ_CST);
    }
    testfw_result_line(testfw_current, verdict, sizeof(verdict));
    printk("%s\nmapper: holding its mappings\n", verdict);
    for (;;)
        sleep_ns(1000 * MS);
}
