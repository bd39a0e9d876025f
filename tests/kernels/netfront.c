/*
 * netfront: a network frontend in a test kernel, run as a domU by `lintel
 * create` with one vif served by lintel-netback in dom0
 * (tests/integration/test_drivers_netfront.py, Xen 4.17 and Lintel).
 *
 * It connects (tx and rx rings, one event channel, rx-copy), waits for
 * dom0 to write data/go (dom0's address is on xenbr0 by then), sends one
 * valid UDP datagram to dom0 (10.77.0.1 port 5577), then abuses the tx
 * ring with every malformed packet of issue 12: size 0, more than 65535
 * bytes, a slot crossing its page, bogus grant references, more data
 * slots than the backend takes. Each must be answered NETIF_RSP_ERROR on
 * every slot and leave the vif working: a second valid datagram follows.
 * Last, a tx producer index more than a ring ahead must disconnect the
 * vif (backend state Closing with an `error` node); a second vif, served
 * by its own backend process, then connects and sends. Then it prints its
 * verdict and waits to be destroyed, so dom0 can look at the backend.
 * Every expected status is what lintel-netback's README promises.
 */
#include "lib/front_grants.h"
#include "lib/kernel.h"
#include "lib/port_wait.h"
#include "lib/store.h"
#include "lib/xenbus_front.h"

/* ring.h's SHARED_RING_INIT zeroes padding with memset (lib/kernel.c has one). */
void *memset(void *dst, int value, size_t len);

#include <public/errno.h>
#include <public/io/netif.h>

const char kernel_name[] = "netfront";

#define MS            1000000ULL
/* dom0's backend runs under emulation on a loaded host. */
#define CONNECT_WAIT  (120000 * MS)
#define ANSWER_WAIT   (60000 * MS)
#define NO_ANSWER     1000      /* no status the backend can give */
#define WRONG_ANSWER  1001
#define MIXED_ANSWER  1002
#define NO_DOMAIN     0x7000    /* an id no domain has in these runs */
#define VIF_DEVID     0
#define OTHER_DEVID   1
#define FRAME_LEN     60        /* the shortest Ethernet frame without its FCS */
#define UDP_PORT      5577
#define MAX_SLOTS     24

#define PAGE_ALIGNED __attribute__((aligned(4096)))

/* One pair per vif: the abused vif's stay mapped by its backend until the domain goes. */
static char tx_ring_page[2][4096] PAGE_ALIGNED;
static char rx_ring_page[2][4096] PAGE_ALIGNED;
static char frame_page[4096] PAGE_ALIGNED;
static char elsewhere_page[4096] PAGE_ALIGNED;

/* The vif in use: devid 0 (abused), then devid 1. */
static struct xenbus_front vif;
static unsigned int devid;
static netif_tx_front_ring_t tx;
static netif_rx_front_ring_t rx;
static evtchn_port_t port;
static int connected;
static grant_ref_t frame_ref, elsewhere_ref;
static uint8_t our_mac[6];
static uint16_t next_id;
static unsigned int datagrams_sent;

/* cond is evaluated once. */
#define REQUIRE(cond)                                                       \
    do {                                                                    \
        int met_ = !!(cond);                                                \
        testfw_check(testfw_current, met_, __FILE__, __LINE__, #cond, "");  \
        if (!met_)                                                          \
            return;                                                         \
    } while (0)

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "aa:bb:cc:dd:ee:ff" into mac; 0, or -1 if it is not one. */
static int parse_mac(const char *text, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        int hi = hex_digit(text[3 * i]), lo = hex_digit(text[3 * i + 1]);
        char sep = text[3 * i + 2];

        if (hi < 0 || lo < 0 || sep != (i == 5 ? '\0' : ':'))
            return -1;
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

/* The Internet checksum of an IPv4 header (RFC 1071). */
static uint16_t ip_checksum(const uint8_t *header, unsigned int len)
{
    uint32_t sum = 0;

    for (unsigned int i = 0; i < len; i += 2)
        sum += (uint32_t)header[i] << 8 | header[i + 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/*
 * A broadcast Ethernet frame carrying a UDP datagram 10.77.0.2 -> 10.77.0.1
 * (dom0 on xenbr0): broadcast so we need not learn the bridge's MAC; Linux
 * takes a unicast IP packet in an L2 broadcast by default.
 */
static void build_datagram(uint8_t *f, unsigned int number)
{
    static const char payload[] = "lintel-netfront #";
    unsigned int ip_len = FRAME_LEN - 14;

    memory_set(f, 0, FRAME_LEN);
    memory_set(f, 0xff, 6);
    memcpy(f + 6, our_mac, 6);
    f[12] = 0x08, f[13] = 0x00;
    f[14] = 0x45;
    f[16] = (uint8_t)(ip_len >> 8), f[17] = (uint8_t)ip_len;
    f[22] = 64, f[23] = 17;                 /* TTL, UDP */
    f[26] = 10, f[27] = 77, f[28] = 0, f[29] = 2;
    f[30] = 10, f[31] = 77, f[32] = 0, f[33] = 1;
    uint16_t sum = ip_checksum(f + 14, 20);
    f[24] = (uint8_t)(sum >> 8), f[25] = (uint8_t)sum;
    f[34] = UDP_PORT >> 8, f[35] = UDP_PORT & 0xff;
    f[36] = UDP_PORT >> 8, f[37] = UDP_PORT & 0xff;
    f[38] = (uint8_t)((ip_len - 20) >> 8), f[39] = (uint8_t)(ip_len - 20);
    /* A UDP checksum of 0 means none (IPv4). */
    memcpy(f + 42, payload, sizeof(payload) - 1);
    f[42 + sizeof(payload) - 1] = (uint8_t)('0' + number % 10);
}

/* ---- the rings ---- */

static long write_front(const char *node, const char *fmt, unsigned long value)
{
    char path[96];
    long rc = xenbus_path(path, sizeof(path), vif.dir, node);

    return rc ? rc : store_printf(path, fmt, value);
}

/*
 * The netif handshake: two rings, where xenbus_front_connect() publishes
 * one. As Linux's netfront does, we go Connected straight after writing
 * our keys: lintel-netback (like xen-netback) connects on that, not on
 * Initialised. Returns 0, the backend's state when it never connected,
 * or -errno.
 */
static long vif_connect(unsigned int which)
{
    struct evtchn_alloc_unbound alloc = { .dom = DOMID_SELF };
    grant_ref_t tx_ref, rx_ref;
    char mac[32], path[96];
    long rc, state;

    devid = which;
    if ((rc = xenbus_front_open(&vif, "vif", devid)))
        return rc;
    if ((rc = xenbus_path(path, sizeof(path), vif.dir, "mac")) ||
        (rc = store_read(path, mac, sizeof(mac))) < 0)
        return rc;
    if (parse_mac(mac, our_mac))
        return -XEN_EINVAL;
    alloc.remote_dom = vif.backend_id;
    if ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &alloc)))
        return rc;
    port = alloc.port;
    XEN_FRONT_RING_INIT(&tx, (netif_tx_sring_t *)tx_ring_page[which], PAGE_SIZE);
    XEN_FRONT_RING_INIT(&rx, (netif_rx_sring_t *)rx_ring_page[which], PAGE_SIZE);
    tx_ref = front_grant(tx_ring_page[which], vif.backend_id, 0);
    rx_ref = front_grant(rx_ring_page[which], vif.backend_id, 0);
    frame_ref = front_grant(frame_page, vif.backend_id, 1);
    elsewhere_ref = front_grant(elsewhere_page, NO_DOMAIN, 1);
    if (!tx_ref || !rx_ref || !frame_ref || !elsewhere_ref)
        return -XEN_ENOSPC;
    state = xenbus_wait_backend(&vif, 1u << XenbusStateInitWait, CONNECT_WAIT);
    if (state != XenbusStateInitWait)
        return state < 0 ? state : (state ? state : -XEN_ETIMEDOUT);
    if ((rc = write_front("tx-ring-ref", "%lu", tx_ref)) ||
        (rc = write_front("rx-ring-ref", "%lu", rx_ref)) ||
        (rc = write_front("event-channel", "%lu", port)) ||
        (rc = write_front("request-rx-copy", "%lu", 1)) ||
        (rc = write_front("feature-rx-notify", "%lu", 1)) ||
        (rc = xenbus_front_switch(&vif, XenbusStateConnected)))
        return rc;
    state = xenbus_wait_backend(&vif, (1u << XenbusStateConnected) |
                                          (1u << XenbusStateClosing) | (1u << XenbusStateClosed),
                                CONNECT_WAIT);
    if (state != XenbusStateConnected)
        return state;
    connected = 1;
    printk("netfront: vif %u connected, backend %s, mac %s, port %u\n", devid, vif.backend,
           mac, port);
    return 0;
}

/*
 * Puts one packet (its N slots) on the tx ring and waits for all N
 * responses: their common status, or NO_ANSWER / WRONG_ANSWER (an id not
 * ours) / MIXED_ANSWER (slots answered differently).
 */
static int send_packet(netif_tx_request_t *slots, unsigned int n)
{
    uint64_t deadline = system_time_ns() + ANSWER_WAIT;
    RING_IDX first = tx.req_prod_pvt;
    int status = NO_ANSWER, notify;

    for (unsigned int i = 0; i < n; i++) {
        slots[i].id = next_id++ % RING_SIZE(&tx);
        *RING_GET_REQUEST(&tx, tx.req_prod_pvt) = slots[i];
        tx.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&tx, notify);
    (void)notify;
    /* Always: the backend may have missed an earlier event while starting. */
    port_notify(port);
    for (unsigned int i = 0; i < n; i++) {
        netif_tx_response_t answer;
        int more;

        for (;;) {
            port_clear(port);
            RING_FINAL_CHECK_FOR_RESPONSES(&tx, more);
            if (more)
                break;
            if (system_time_ns() > deadline)
                return NO_ANSWER;
            port_wait(port, 100 * MS);
        }
        RING_COPY_RESPONSE(&tx, tx.rsp_cons, &answer);
        tx.rsp_cons++;
        if (answer.id != slots[tx.rsp_cons - 1 - first].id) {
            testfw_note(testfw_current, "answer id %u, request id %u", answer.id,
                        slots[tx.rsp_cons - 1 - first].id);
            return WRONG_ANSWER;
        }
        if (i == 0)
            status = answer.status;
        else if (answer.status != status) {
            testfw_note(testfw_current, "slot %u answered %d, the first %d", i, answer.status,
                        status);
            return MIXED_ANSWER;
        }
    }
    return status;
}

/* One slot holding a whole frame. */
static int send_one(grant_ref_t gref, uint16_t offset, uint16_t size)
{
    netif_tx_request_t slot = { .gref = gref, .offset = offset, .size = size };

    return send_packet(&slot, 1);
}

static int send_datagram(void)
{
    build_datagram((uint8_t *)frame_page, ++datagrams_sent);
    return send_one(frame_ref, 0, FRAME_LEN);
}

/* A packet of n slots, each FRAME_LEN bytes of our frame page. */
static int send_chained(unsigned int n, uint16_t first_size, uint16_t rest_size)
{
    netif_tx_request_t slots[MAX_SLOTS];

    for (unsigned int i = 0; i < n && i < MAX_SLOTS; i++)
        slots[i] = (netif_tx_request_t){
            .gref = frame_ref, .offset = 0, .size = i ? rest_size : first_size,
            .flags = i + 1 < n ? NETTXF_more_data : 0,
        };
    return send_packet(slots, n < MAX_SLOTS ? n : MAX_SLOTS);
}

/* ---- the tests ---- */

TEST(store_client_and_grants)
{
    char value[64];

    EXPECT_TRUE(shared_info_map() != 0);
    /* No event callback is registered: every wait polls. */
    shared_info_map()->vcpu_info[0].evtchn_upcall_mask = 1;
    EXPECT_OK(store_init());
    EXPECT_TRUE(store_read("name", value, sizeof(value)) > 0);
    EXPECT_TRUE(string_starts_with(value, "fe-net"));
    EXPECT_EQ(store_directory("device/vif", value, sizeof(value)), 2);
    EXPECT_OK(store_write("data/netfront", "running"));
    EXPECT_OK(front_grants_init());
}

TEST(connect_the_vif)
{
    long rc = vif_connect(VIF_DEVID);

    if (rc)
        testfw_note(testfw_current, "vif_connect: %ld", rc);
    REQUIRE(rc == 0);
    EXPECT_EQ(RING_SIZE(&tx), 256);
    EXPECT_EQ(RING_SIZE(&rx), 256);
    EXPECT_EQ(xenbus_backend_state(&vif), XenbusStateConnected);
}

TEST(a_datagram_reaches_dom0)
{
    char go[16];
    uint64_t deadline = system_time_ns() + CONNECT_WAIT;

    REQUIRE(connected);
    /* dom0 puts its address on the bridge once the vif is Connected. */
    EXPECT_OK(store_write("data/netfront", "connected"));
    while (store_read("data/go", go, sizeof(go)) < 0 && system_time_ns() < deadline)
        port_sleep_ns(100 * MS);
    EXPECT_TRUE(store_read("data/go", go, sizeof(go)) > 0);
    EXPECT_EQ(send_datagram(), NETIF_RSP_OKAY);
    /* The same frame over two slots. */
    build_datagram((uint8_t *)frame_page, ++datagrams_sent);
    netif_tx_request_t two[2] = {
        { .gref = frame_ref, .offset = 0, .size = FRAME_LEN, .flags = NETTXF_more_data },
        { .gref = frame_ref, .offset = 30, .size = FRAME_LEN - 30 },
    };
    EXPECT_EQ(send_packet(two, 2), NETIF_RSP_OKAY);
}

TEST(bad_sizes_are_refused)
{
    REQUIRE(connected);
    EXPECT_EQ(send_one(frame_ref, 0, 0), NETIF_RSP_ERROR);
    /* Shorter than an Ethernet header. */
    EXPECT_EQ(send_one(frame_ref, 0, 13), NETIF_RSP_ERROR);
    /* A frame of 65535 bytes whose 16 continuation slots alone hold 65536. */
    EXPECT_EQ(send_chained(17, 0xffff, 4096), NETIF_RSP_ERROR);
    /* A one-slot frame of 65535 bytes cannot fit its page. */
    EXPECT_EQ(send_one(frame_ref, 0, 0xffff), NETIF_RSP_ERROR);
}

TEST(slots_crossing_their_page_are_refused)
{
    netif_tx_request_t two[2] = {
        { .gref = frame_ref, .offset = 0, .size = 2 * FRAME_LEN, .flags = NETTXF_more_data },
        { .gref = frame_ref, .offset = 4090, .size = FRAME_LEN },
    };

    REQUIRE(connected);
    EXPECT_EQ(send_one(frame_ref, 4000, 200), NETIF_RSP_ERROR);
    EXPECT_EQ(send_one(frame_ref, 4095, FRAME_LEN), NETIF_RSP_ERROR);
    EXPECT_EQ(send_packet(two, 2), NETIF_RSP_ERROR);
}

TEST(too_many_slots_are_refused)
{
    REQUIRE(connected);
    /* 18 data slots are the most the backend takes (XEN_NETIF_NR_SLOTS_MIN). */
    EXPECT_EQ(send_chained(XEN_NETIF_NR_SLOTS_MIN + 1, (XEN_NETIF_NR_SLOTS_MIN + 1) * 20, 20),
              NETIF_RSP_ERROR);
    EXPECT_EQ(send_chained(MAX_SLOTS, MAX_SLOTS * 20, 20), NETIF_RSP_ERROR);
    /* 18 are still fine. */
    build_datagram((uint8_t *)frame_page, ++datagrams_sent);
    netif_tx_request_t slots[XEN_NETIF_NR_SLOTS_MIN];
    for (unsigned int i = 0; i < XEN_NETIF_NR_SLOTS_MIN; i++)
        slots[i] = (netif_tx_request_t){
            .gref = frame_ref, .offset = (uint16_t)(i ? 24 + 2 * i : 0),
            .size = (uint16_t)(i ? 2 : FRAME_LEN),
            .flags = i + 1 < XEN_NETIF_NR_SLOTS_MIN ? NETTXF_more_data : 0,
        };
    EXPECT_EQ(send_packet(slots, XEN_NETIF_NR_SLOTS_MIN), NETIF_RSP_OKAY);
}

/* Last of the refusals: lintel-netback logs only its first ten faults. */
TEST(bogus_grant_references_are_refused)
{
    REQUIRE(connected);
    /* Past our table, never granted, granted to someone else. */
    EXPECT_EQ(send_one(0xfffff, 0, FRAME_LEN), NETIF_RSP_ERROR);
    EXPECT_EQ(send_one(front_grants_limit(), 0, FRAME_LEN), NETIF_RSP_ERROR);
    EXPECT_EQ(send_one(elsewhere_ref, 0, FRAME_LEN), NETIF_RSP_ERROR);
}

TEST(refusals_left_the_vif_working)
{
    REQUIRE(connected);
    EXPECT_EQ(xenbus_backend_state(&vif), XenbusStateConnected);
    EXPECT_EQ(send_datagram(), NETIF_RSP_OKAY);
    printk("netfront: %u datagrams sent\n", datagrams_sent);
}

TEST(producer_index_overrun_disconnects)
{
    char why[160];
    RING_IDX answered;

    REQUIRE(connected);
    answered = tx.sring->rsp_prod;
    /* One more request than the ring holds, none of them written. */
    tx.sring->req_prod = tx.req_prod_pvt + RING_SIZE(&tx) + 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    port_notify(port);
    EXPECT_EQ(xenbus_wait_backend(&vif, 1u << XenbusStateClosing, CONNECT_WAIT),
              XenbusStateClosing);
    EXPECT_TRUE(xenbus_backend_read(&vif, "error", why, sizeof(why)) > 0);
    EXPECT_TRUE(string_contains(why, "req_prod"));
    printk("netfront: vif %u disconnected: %s\n", VIF_DEVID, why);
    EXPECT_EQ(tx.sring->rsp_prod, answered);
    connected = 0;
}

/* Its own backend process serves the second vif: the abuse cost it nothing. */
TEST(the_other_vif_keeps_working)
{
    long rc = vif_connect(OTHER_DEVID);

    if (rc)
        testfw_note(testfw_current, "vif_connect: %ld", rc);
    REQUIRE(rc == 0);
    EXPECT_EQ(send_datagram(), NETIF_RSP_OKAY);
    EXPECT_EQ(xenbus_backend_state(&vif), XenbusStateConnected);
    printk("netfront: vif %u sent datagram %u\n", devid, datagrams_sent);
}

TEST(hold_until_destroyed)
{
    char verdict[80];

    EXPECT_OK(store_write("data/netfront", "done"));
    /* The verdict now: dom0 looks at the backend, then destroys us. */
    testfw_result_line(testfw_current, verdict, sizeof(verdict));
    printk("%s\nnetfront: holding\n", verdict);
    for (;;)
        port_sleep_ns(1000 * MS);
}
