/*
 * blkfront: a block frontend in a test kernel, run as a domU by `lintel
 * create` with disk=[...] entries served by lintel-blkback in dom0
 * (tests/integration/test_drivers_frontends.py, Xen 4.17 and Lintel).
 *
 * Default role, three disks: xvda (read-write) is used, then abused with
 * every malformed request of issue 12 (bad segment counts, sectors past
 * the end or outside their page, bogus grants, unknown operations) and
 * last a request producer index that overruns the ring, which must
 * disconnect it (backend state Closing with an `error` node); xvdc is
 * read-only and must refuse writes; xvdb is used after all that, so its
 * backend process is shown to keep working. With "hold" on the command
 * line the kernel prints its verdict and waits to be destroyed, so dom0
 * can look at the backends while the domain still exists.
 * role=plain: xvda only, written, read back and flushed (the "other
 * domain" that keeps working beside the abuser).
 *
 * What is written follows disk_pattern(), which the pytest recomputes to
 * check the image files from dom0. Every expected status is what
 * lintel-blkback's README promises; refusals must not disconnect.
 */
#include "lib/front_grants.h"
#include "lib/kernel.h"
#include "lib/port_wait.h"
#include "lib/store.h"
#include "lib/xenbus_front.h"

/* ring.h's SHARED_RING_INIT zeroes padding with memset (lib/kernel.c has one). */
void *memset(void *dst, int value, size_t len);

#include <public/errno.h>
#include <public/io/blkif.h>

const char kernel_name[] = "blkfront";

#define MS            1000000ULL
/* dom0's backends run under emulation on a loaded host. */
#define CONNECT_WAIT  (120000 * MS)
#define ANSWER_WAIT   (60000 * MS)
#define SECTOR        512
#define PAGE_SECTORS  8
#define DATA_PAGES    16
#define NO_ANSWER     1000      /* no status the backend can give */
#define WRONG_ANSWER  1001
#define NO_DOMAIN     0x7000    /* an id no domain has in these runs */
#define TAG_ABUSED    0xa1
#define TAG_SPARE     0xb2
#define TAG_PLAIN     0xc3
#define TAG_READONLY  0xd4

#define PAGE_ALIGNED __attribute__((aligned(4096)))

struct disk {
    const char *name;
    unsigned int devid;
    struct xenbus_front xb;
    blkif_front_ring_t ring;
    evtchn_port_t port;
    unsigned long sectors, info;
    int connected;
};

static char ring_pages[3][4096] PAGE_ALIGNED;
static char data[DATA_PAGES][4096] PAGE_ALIGNED;
static char indirect_page[4096] PAGE_ALIGNED;
static char readonly_page[4096] PAGE_ALIGNED;
static char elsewhere_page[4096] PAGE_ALIGNED;

static struct disk abused = { .name = "xvda", .devid = 51712 };
static struct disk spare = { .name = "xvdb", .devid = 51728 };
static struct disk readonly = { .name = "xvdc", .devid = 51744 };

static grant_ref_t data_ref[DATA_PAGES], indirect_ref, readonly_ref, elsewhere_ref;
static uint64_t next_id = 1;

/* cond is evaluated once. */
#define REQUIRE(cond)                                                       \
    do {                                                                    \
        int met_ = !!(cond);                                                \
        testfw_check(testfw_current, met_, __FILE__, __LINE__, #cond, "");  \
        if (!met_)                                                          \
            return;                                                         \
    } while (0)

static int plain_role(void)
{
    return string_contains((const char *)start_info->cmd_line, "role=plain");
}

static int holding(void)
{
    return string_contains((const char *)start_info->cmd_line, "hold");
}

/* The byte at offset `at` of a disk written with tag (tests/integration mirrors it). */
static uint8_t disk_pattern(unsigned int tag, uint64_t at)
{
    return (uint8_t)((at >> 9) * 13 + at * 7 + tag);
}

static void fill_pages(unsigned int tag, uint64_t sector, unsigned int pages)
{
    for (unsigned int p = 0; p < pages; p++)
        for (unsigned int i = 0; i < PAGE_SIZE; i++)
            data[p][i] = (char)disk_pattern(tag, sector * SECTOR + p * PAGE_SIZE + i);
}

static unsigned int pattern_mismatches(unsigned int tag, uint64_t sector, unsigned int pages)
{
    unsigned int bad = 0;

    for (unsigned int p = 0; p < pages; p++)
        for (unsigned int i = 0; i < PAGE_SIZE; i++)
            bad += (uint8_t)data[p][i] != disk_pattern(tag, sector * SECTOR + p * PAGE_SIZE + i);
    return bad;
}

static void clear_pages(unsigned int pages)
{
    memory_set(data, 0, pages * PAGE_SIZE);
}

/* ---- the ring ---- */

static long disk_connect(struct disk *d, char *ring_page)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF };
    blkif_sring_t *sring = (blkif_sring_t *)ring_page;
    grant_ref_t ring_ref;
    long rc;

    if ((rc = xenbus_front_open(&d->xb, "vbd", d->devid)))
        return rc;
    alloc.remote_dom = d->xb.backend_id;
    if ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc)))
        return rc;
    d->port = alloc.port;
    XEN_FRONT_RING_INIT(&d->ring, sring, PAGE_SIZE);
    ring_ref = front_grant(ring_page, d->xb.backend_id, 0);
    if (!ring_ref)
        return -XEN_ENOSPC;
    rc = xenbus_front_connect(&d->xb, ring_ref, d->port, "x86_64-abi", CONNECT_WAIT);
    if (rc)
        return rc;
    if ((rc = xenbus_backend_read_ulong(&d->xb, "sectors", &d->sectors)) ||
        (rc = xenbus_backend_read_ulong(&d->xb, "info", &d->info)))
        return rc;
    d->connected = 1;
    printk("blkfront: %s connected, backend %s, %lu sectors, info %lu, port %u\n", d->name,
           d->xb.backend, d->sectors, d->info, d->port);
    return 0;
}

/*
 * Puts one request (any layout: plain, indirect, discard) on the ring and
 * waits for its answer: the answer's status, or NO_ANSWER / WRONG_ANSWER.
 */
#define submit(d, request) submit_bytes(d, request, sizeof(*(request)))

static int submit_bytes(struct disk *d, const void *request, size_t len)
{
    uint64_t deadline = system_time_ns() + ANSWER_WAIT;
    blkif_request_t *slot = RING_GET_REQUEST(&d->ring, d->ring.req_prod_pvt);
    blkif_response_t answer;
    uint64_t id;
    int notify, more;

    memory_set(slot, 0, sizeof(*slot));
    memcpy(slot, request, len);
    /* The id sits at the same offset in every layout but the indirect one. */
    id = slot->operation == BLKIF_OP_INDIRECT ? ((blkif_request_indirect_t *)slot)->id
                                              : slot->id;
    d->ring.req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&d->ring, notify);
    (void)notify;
    /* Always: the backend may have missed an earlier event while starting. */
    port_notify(d->port);
    for (;;) {
        port_clear(d->port);
        RING_FINAL_CHECK_FOR_RESPONSES(&d->ring, more);
        if (more)
            break;
        if (system_time_ns() > deadline)
            return NO_ANSWER;
        port_wait(d->port, 100 * MS);
    }
    RING_COPY_RESPONSE(&d->ring, d->ring.rsp_cons, &answer);
    d->ring.rsp_cons++;
    if (answer.id != id) {
        testfw_note(testfw_current, "answer id %llu, request id %llu",
                    (unsigned long long)answer.id, (unsigned long long)id);
        return WRONG_ANSWER;
    }
    return answer.status;
}

/* A plain request over `pages` whole data pages. */
static blkif_request_t whole_pages(struct disk *d, uint8_t op, uint64_t sector,
                                   unsigned int pages)
{
    blkif_request_t r = {
        .operation = op, .nr_segments = (uint8_t)pages, .handle = (blkif_vdev_t)d->devid,
        .id = next_id++, .sector_number = sector,
    };

    for (unsigned int i = 0; i < pages && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++)
        r.seg[i] = (struct blkif_request_segment){ data_ref[i], 0, PAGE_SECTORS - 1 };
    return r;
}

static int transfer(struct disk *d, uint8_t op, uint64_t sector, unsigned int pages)
{
    blkif_request_t r = whole_pages(d, op, sector, pages);

    return submit(d, &r);
}

/* An indirect request over the first `pages` data pages (segments counted as given). */
static int indirect(struct disk *d, uint8_t op, uint64_t sector, unsigned int segments,
                    grant_ref_t descriptors)
{
    struct blkif_request_segment *segs = (struct blkif_request_segment *)indirect_page;
    blkif_request_indirect_t r = {
        .operation = BLKIF_OP_INDIRECT, .indirect_op = op, .nr_segments = (uint16_t)segments,
        .id = next_id++, .sector_number = sector, .handle = (blkif_vdev_t)d->devid,
        .indirect_grefs = { descriptors },
    };

    for (unsigned int i = 0; i < DATA_PAGES; i++)
        segs[i] = (struct blkif_request_segment){ data_ref[i], 0, PAGE_SECTORS - 1 };
    return submit(d, &r);
}

static int flush(struct disk *d)
{
    blkif_request_t r = {
        .operation = BLKIF_OP_FLUSH_DISKCACHE, .handle = (blkif_vdev_t)d->devid,
        .id = next_id++, .sector_number = 0,
    };

    return submit(d, &r);
}

static int one_segment(struct disk *d, uint8_t op, uint64_t sector,
                       struct blkif_request_segment seg)
{
    blkif_request_t r = whole_pages(d, op, sector, 1);

    r.seg[0] = seg;
    return submit(d, &r);
}

/* ---- both roles ---- */

static long disks_offered(void)
{
    static char names[256];

    return store_directory("device/vbd", names, sizeof(names));
}


TEST(store_client_and_grants)
{
    char value[64];

    EXPECT_TRUE(shared_info_map() != 0);
    /* No event callback is registered: every wait polls. */
    shared_info_map()->vcpu_info[0].evtchn_upcall_mask = 1;
    EXPECT_OK(store_init());
    /* The toolstack named us (relative paths are under /local/domain/<us>). */
    EXPECT_TRUE(store_read("name", value, sizeof(value)) > 0);
    EXPECT_TRUE(string_starts_with(value, plain_role() ? "fe-plain" : "fe-blk"));
    EXPECT_EQ(disks_offered(), plain_role() ? 1 : 3);
    /* The daemon's refusals arrive as errnos. */
    EXPECT_ERRNO(store_read("device/vbd/no-such-disk", value, sizeof(value)), XEN_ENOENT);
    EXPECT_ERRNO(store_write("/local/domain/0/frontends-test", "x"), XEN_EACCES);
    EXPECT_OK(store_write("data/blkfront", "running"));
    EXPECT_EQ(store_read("data/blkfront", value, sizeof(value)), 7);
    EXPECT_TRUE(string_starts_with(value, "running"));
    EXPECT_ERRNO(store_read("data/blkfront", value, 4), XEN_E2BIG);
    REQUIRE(front_grants_init() == 0);
    for (unsigned int i = 0; i < DATA_PAGES; i++)
        data_ref[i] = front_grant(data[i], 0, 0);
    indirect_ref = front_grant(indirect_page, 0, 1);
    readonly_ref = front_grant(readonly_page, 0, 1);
    elsewhere_ref = front_grant(elsewhere_page, NO_DOMAIN, 0);
    EXPECT_NE(elsewhere_ref, 0);
}

TEST(connect_first_disk)
{
    REQUIRE(disk_connect(&abused, ring_pages[0]) == 0);
    EXPECT_EQ(abused.info, 0);
    EXPECT_TRUE(abused.sectors >= 64);
    EXPECT_EQ(RING_SIZE(&abused.ring), 32);
    EXPECT_EQ(xenbus_backend_state(&abused.xb), XenbusStateConnected);
}

TEST(write_read_back_and_flush)
{
    unsigned int tag = plain_role() ? TAG_PLAIN : TAG_ABUSED;
    uint64_t sector = plain_role() ? 8 : 0;

    REQUIRE(abused.connected);
    fill_pages(tag, sector, 2);
    EXPECT_EQ(transfer(&abused, BLKIF_OP_WRITE, sector, 2), BLKIF_RSP_OKAY);
    EXPECT_EQ(flush(&abused), BLKIF_RSP_OKAY);
    clear_pages(2);
    EXPECT_EQ(transfer(&abused, BLKIF_OP_READ, sector, 2), BLKIF_RSP_OKAY);
    EXPECT_EQ(pattern_mismatches(tag, sector, 2), 0);
    /* The last sector of the disk is still inside it. */
    EXPECT_EQ(one_segment(&abused, BLKIF_OP_READ, abused.sectors - 1,
                          (struct blkif_request_segment){ data_ref[2], 7, 7 }),
              BLKIF_RSP_OKAY);
}

/* ---- the abuser ---- */

/* The plain domain skips the abuser's tests: it has its one disk only. */
#define ABUSER_ONLY()                              \
    do {                                           \
        if (plain_role()) {                        \
            EXPECT_EQ(disks_offered(), 1);         \
            return;                                \
        }                                          \
    } while (0)

#define ABUSER()                                   \
    do {                                           \
        ABUSER_ONLY();                             \
        REQUIRE(abused.connected);                 \
    } while (0)

TEST(bad_segment_counts)
{
    blkif_request_t r;

    ABUSER();
    r = whole_pages(&abused, BLKIF_OP_READ, 0, 1);
    r.nr_segments = 0;
    EXPECT_EQ(submit(&abused, &r), BLKIF_RSP_ERROR);
    r = whole_pages(&abused, BLKIF_OP_WRITE, 0, 1);
    r.nr_segments = 0;
    EXPECT_EQ(submit(&abused, &r), BLKIF_RSP_ERROR);
    r = whole_pages(&abused, BLKIF_OP_READ, 0, 11);
    r.nr_segments = 12;
    EXPECT_EQ(submit(&abused, &r), BLKIF_RSP_ERROR);
    r.nr_segments = 255;
    r.id = next_id++;
    EXPECT_EQ(submit(&abused, &r), BLKIF_RSP_ERROR);
    EXPECT_EQ(indirect(&abused, BLKIF_OP_READ, 0, 257, indirect_ref), BLKIF_RSP_ERROR);
    EXPECT_EQ(indirect(&abused, BLKIF_OP_READ, 0, 0, indirect_ref), BLKIF_RSP_ERROR);
    EXPECT_EQ(indirect(&abused, BLKIF_OP_READ, 0, 65535, indirect_ref), BLKIF_RSP_ERROR);
    /* An indirect request carries only a read or a write. */
    EXPECT_EQ(indirect(&abused, BLKIF_OP_FLUSH_DISKCACHE, 0, 1, indirect_ref), BLKIF_RSP_ERROR);
}

TEST(sectors_past_the_end)
{
    ABUSER();
    EXPECT_EQ(transfer(&abused, BLKIF_OP_READ, abused.sectors, 1), BLKIF_RSP_ERROR);
    EXPECT_EQ(transfer(&abused, BLKIF_OP_WRITE, abused.sectors - 4, 1), BLKIF_RSP_ERROR);
    /* A start so large that start + length wraps around to a small number. */
    EXPECT_EQ(transfer(&abused, BLKIF_OP_WRITE, ~0ULL - 3, 1), BLKIF_RSP_ERROR);
    EXPECT_EQ(indirect(&abused, BLKIF_OP_READ, abused.sectors - 8, 2, indirect_ref),
              BLKIF_RSP_ERROR);
}

TEST(sectors_outside_their_page)
{
    ABUSER();
    EXPECT_EQ(one_segment(&abused, BLKIF_OP_READ, 0,
                          (struct blkif_request_segment){ data_ref[0], 4, 3 }),
              BLKIF_RSP_ERROR);
    EXPECT_EQ(one_segment(&abused, BLKIF_OP_READ, 0,
                          (struct blkif_request_segment){ data_ref[0], 0, 8 }),
              BLKIF_RSP_ERROR);
    EXPECT_EQ(one_segment(&abused, BLKIF_OP_WRITE, 0,
                          (struct blkif_request_segment){ data_ref[0], 8, 8 }),
              BLKIF_RSP_ERROR);
    EXPECT_EQ(one_segment(&abused, BLKIF_OP_WRITE, 0,
                          (struct blkif_request_segment){ data_ref[0], 255, 255 }),
              BLKIF_RSP_ERROR);
}

TEST(bogus_grant_references)
{
    ABUSER();
    /* Past our table, never granted, granted to someone else. */
    EXPECT_EQ(one_segment(&abused, BLKIF_OP_READ, 0,
                          (struct blkif_request_segment){ 0xfffff, 0, 7 }),
              BLKIF_RSP_ERROR);
    EXPECT_EQ(one_segment(&abused, BLKIF_OP_WRITE, 0,
                          (struct blkif_request_segment){ front_grants_limit(), 0, 7 }),
              BLKIF_RSP_ERROR);
    EXPECT_EQ(one_segment(&abused, BLKIF_OP_WRITE, 0,
                          (struct blkif_request_segment){ elsewhere_ref, 0, 7 }),
              BLKIF_RSP_ERROR);
    /* A read must write our page: not through a read-only grant. */
    EXPECT_EQ(one_segment(&abused, BLKIF_OP_READ, 0,
                          (struct blkif_request_segment){ readonly_ref, 0, 7 }),
              BLKIF_RSP_ERROR);
    /* The descriptors of an indirect request behind a bogus reference. */
    EXPECT_EQ(indirect(&abused, BLKIF_OP_READ, 0, 2, 0xfffff), BLKIF_RSP_ERROR);
    /* None of it reached the page or the disk. */
    EXPECT_EQ(readonly_page[0], 0);
}

TEST(unknown_operations)
{
    blkif_request_t r;
    blkif_request_discard_t discard = {
        .operation = BLKIF_OP_DISCARD, .flag = BLKIF_DISCARD_SECURE,
        .handle = (blkif_vdev_t)abused.devid, .sector_number = 0, .nr_sectors = 8,
    };

    ABUSER();
    r = whole_pages(&abused, 99, 0, 1);
    EXPECT_EQ(submit(&abused, &r), BLKIF_RSP_EOPNOTSUPP);
    r = whole_pages(&abused, BLKIF_OP_RESERVED_1, 0, 1);
    EXPECT_EQ(submit(&abused, &r), BLKIF_RSP_EOPNOTSUPP);
    /* feature-barrier is 0. */
    r = whole_pages(&abused, BLKIF_OP_WRITE_BARRIER, 0, 1);
    EXPECT_EQ(submit(&abused, &r), BLKIF_RSP_EOPNOTSUPP);
    /* discard-secure is 0. */
    discard.id = next_id++;
    EXPECT_EQ(submit(&abused, &discard), BLKIF_RSP_EOPNOTSUPP);
}

TEST(refusals_left_the_device_working)
{
    ABUSER();
    EXPECT_EQ(xenbus_backend_state(&abused.xb), XenbusStateConnected);
    clear_pages(2);
    EXPECT_EQ(transfer(&abused, BLKIF_OP_READ, 0, 2), BLKIF_RSP_OKAY);
    EXPECT_EQ(pattern_mismatches(TAG_ABUSED, 0, 2), 0);
}

TEST(read_only_disk_refuses_writes)
{
    ABUSER();
    REQUIRE(disk_connect(&readonly, ring_pages[2]) == 0);
    EXPECT_EQ(readonly.info & VDISK_READONLY, VDISK_READONLY);
    fill_pages(TAG_ABUSED, 0, 2);
    EXPECT_EQ(transfer(&readonly, BLKIF_OP_WRITE, 0, 1), BLKIF_RSP_ERROR);
    EXPECT_EQ(indirect(&readonly, BLKIF_OP_WRITE, 0, 2, indirect_ref), BLKIF_RSP_ERROR);
    /* What dom0 put there is still there. */
    clear_pages(2);
    EXPECT_EQ(transfer(&readonly, BLKIF_OP_READ, 0, 2), BLKIF_RSP_OKAY);
    EXPECT_EQ(pattern_mismatches(TAG_READONLY, 0, 2), 0);
}

TEST(producer_index_overrun_disconnects)
{
    char why[160];
    RING_IDX answered;

    ABUSER();
    answered = abused.ring.sring->rsp_prod;
    /* One more request than the ring holds, none of them written. */
    abused.ring.sring->req_prod = abused.ring.req_prod_pvt + RING_SIZE(&abused.ring) + 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    port_notify(abused.port);
    EXPECT_EQ(xenbus_wait_backend(&abused.xb, 1u << XenbusStateClosing, CONNECT_WAIT),
              XenbusStateClosing);
    EXPECT_TRUE(xenbus_backend_read(&abused.xb, "error", why, sizeof(why)) > 0);
    EXPECT_TRUE(string_contains(why, "producer"));
    printk("blkfront: %s disconnected: %s\n", abused.name, why);
    /* Nothing was answered. */
    EXPECT_EQ(abused.ring.sring->rsp_prod, answered);
    abused.connected = 0;
}

TEST(the_other_disk_keeps_working)
{
    ABUSER_ONLY();
    REQUIRE(disk_connect(&spare, ring_pages[1]) == 0);
    fill_pages(TAG_SPARE, 64, 11);
    EXPECT_EQ(transfer(&spare, BLKIF_OP_WRITE, 64, 11), BLKIF_RSP_OKAY);
    fill_pages(TAG_SPARE, 256, DATA_PAGES);
    EXPECT_EQ(indirect(&spare, BLKIF_OP_WRITE, 256, DATA_PAGES, indirect_ref), BLKIF_RSP_OKAY);
    EXPECT_EQ(flush(&spare), BLKIF_RSP_OKAY);
    clear_pages(DATA_PAGES);
    EXPECT_EQ(transfer(&spare, BLKIF_OP_READ, 64, 11), BLKIF_RSP_OKAY);
    EXPECT_EQ(pattern_mismatches(TAG_SPARE, 64, 11), 0);
    clear_pages(DATA_PAGES);
    EXPECT_EQ(indirect(&spare, BLKIF_OP_READ, 256, DATA_PAGES, indirect_ref), BLKIF_RSP_OKAY);
    EXPECT_EQ(pattern_mismatches(TAG_SPARE, 256, DATA_PAGES), 0);
    EXPECT_EQ(xenbus_backend_state(&spare.xb), XenbusStateConnected);
}

TEST(hold_until_destroyed)
{
    char verdict[80];

    EXPECT_OK(store_write("data/blkfront", "done"));
    if (!holding())
        return;
    /* The verdict now: dom0 looks at the backends, then destroys us. */
    testfw_result_line(testfw_current, verdict, sizeof(verdict));
    printk("%s\nblkfront: holding\n", verdict);
    for (;;)
        port_sleep_ns(1000 * MS);
}
