/*
 * Unit tests of lintel-netback's protocol core: a real shared ring in
 * memory, filled the way a frontend fills it, parsed and answered by the
 * backend code; checksums against reference values computed independently
 * (Python's struct arithmetic) when the vectors were written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "frame_csum.h"
#include "grant_copy_plan.h"
#include "rx_slots.h"
#include "tx_packet.h"
#include "vnet_hdr.h"

/* ---- a tx ring with a frontend's view of it ---- */

struct tx_fixture {
    netif_tx_sring_t *sring;
    netif_tx_front_ring_t front;
    netif_tx_back_ring_t back;
    struct tx_packet pkt;
};

static int tx_setup(void **state)
{
    struct tx_fixture *f = calloc(1, sizeof(*f));

    f->sring = aligned_alloc(4096, 4096);
    SHARED_RING_INIT(f->sring);
    FRONT_RING_INIT(&f->front, f->sring, 4096);
    BACK_RING_INIT(&f->back, f->sring, 4096);
    *state = f;
    return 0;
}

static int tx_teardown(void **state)
{
    struct tx_fixture *f = *state;

    free(f->sring);
    free(f);
    return 0;
}

static void put_tx(struct tx_fixture *f, grant_ref_t gref, uint16_t offset, uint16_t flags,
                   uint16_t id, uint16_t size)
{
    netif_tx_request_t *req = RING_GET_REQUEST(&f->front, f->front.req_prod_pvt);

    req->gref = gref;
    req->offset = offset;
    req->flags = flags;
    req->id = id;
    req->size = size;
    f->front.req_prod_pvt++;
}

static void put_extra(struct tx_fixture *f, uint8_t type, uint8_t flags, uint8_t gso_type)
{
    struct netif_extra_info extra;

    memset(&extra, 0, sizeof(extra));
    extra.type = type;
    extra.flags = flags;
    extra.u.gso.type = gso_type;
    extra.u.gso.size = 1448;
    memcpy(RING_GET_REQUEST(&f->front, f->front.req_prod_pvt), &extra, sizeof(extra));
    f->front.req_prod_pvt++;
}

static RING_IDX publish(struct tx_fixture *f)
{
    RING_IDX prod;

    RING_PUSH_REQUESTS(&f->front);
    assert_true(tx_ring_published(&f->back, &prod));
    return prod;
}

static void test_tx_single_slot(void **state)
{
    struct tx_fixture *f = *state;
    RING_IDX prod;

    put_tx(f, 7, 100, 0, 3, 60);
    prod = publish(f);
    tx_packet_parse(&f->back, prod, 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_OK);
    assert_int_equal(f->pkt.n_requests, 1);
    assert_int_equal(f->pkt.n_data, 1);
    assert_int_equal(f->pkt.size, 60);
    assert_int_equal(f->pkt.data[0].gref, 7);
    assert_int_equal(f->pkt.data[0].offset, 100);
    assert_int_equal(f->pkt.data[0].size, 60);

    tx_packet_consume(&f->back, &f->pkt);
    tx_packet_respond(&f->back, &f->pkt, NETIF_RSP_OKAY);
    RING_PUSH_RESPONSES(&f->back);
    assert_int_equal(f->sring->rsp_prod, 1);
    assert_int_equal(RING_GET_RESPONSE(&f->front, 0)->id, 3);
    assert_int_equal(RING_GET_RESPONSE(&f->front, 0)->status, NETIF_RSP_OKAY);
}

static void test_tx_multi_slot_sizes(void **state)
{
    struct tx_fixture *f = *state;
    struct gntdev_grant_copy_segment segs[NETBACK_TX_MAX_DATA_SLOTS];
    uint8_t buf[6000];
    RING_IDX prod;

    /* 5000 bytes: 1000 in the first slot's page tail, then 4000 in the next. */
    put_tx(f, 10, 3096, NETTXF_more_data | NETTXF_csum_blank, 1, 5000);
    put_tx(f, 11, 0, 0, 2, 4000);
    prod = publish(f);
    tx_packet_parse(&f->back, prod, 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_OK);
    assert_int_equal(f->pkt.n_requests, 2);
    assert_int_equal(f->pkt.data[0].size, 1000);
    assert_int_equal(f->pkt.data[1].size, 4000);
    assert_true(f->pkt.flags & NETTXF_csum_blank);

    assert_int_equal(grant_copy_plan_tx(&f->pkt, 5, buf, segs), 2);
    assert_int_equal(segs[0].flags, GNTCOPY_source_gref);
    assert_int_equal(segs[0].source.foreign.ref, 10);
    assert_int_equal(segs[0].source.foreign.offset, 3096);
    assert_int_equal(segs[0].source.foreign.domid, 5);
    assert_ptr_equal(segs[0].dest.virt, buf);
    assert_int_equal(segs[0].len, 1000);
    assert_ptr_equal(segs[1].dest.virt, buf + 1000);
    assert_int_equal(segs[1].len, 4000);
}

static void test_tx_empty_slot_not_copied(void **state)
{
    struct tx_fixture *f = *state;
    struct gntdev_grant_copy_segment segs[NETBACK_TX_MAX_DATA_SLOTS];
    uint8_t buf[200];

    put_tx(f, 1, 0, NETTXF_more_data, 1, 100);
    put_tx(f, 2, 0, NETTXF_more_data, 2, 0);
    put_tx(f, 3, 0, 0, 3, 40);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_OK);
    assert_int_equal(grant_copy_plan_tx(&f->pkt, 1, buf, segs), 2);
    assert_int_equal(segs[1].source.foreign.ref, 3);
    assert_ptr_equal(segs[1].dest.virt, buf + 60);
}

static void test_tx_incomplete_then_complete(void **state)
{
    struct tx_fixture *f = *state;

    put_tx(f, 1, 0, NETTXF_more_data, 1, 3000);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_INCOMPLETE);
    put_tx(f, 2, 0, 0, 2, 1000);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_OK);
    assert_int_equal(f->pkt.data[0].size, 2000);
}

static void test_tx_extra_gso_refused(void **state)
{
    struct tx_fixture *f = *state;

    put_tx(f, 1, 0, NETTXF_extra_info | NETTXF_more_data, 9, 3000);
    put_extra(f, XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV4);
    put_tx(f, 2, 0, 0, 10, 1000);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_non_null(strstr(f->pkt.why, "GSO"));
    assert_int_equal(f->pkt.n_requests, 3);

    tx_packet_consume(&f->back, &f->pkt);
    tx_packet_respond(&f->back, &f->pkt, NETIF_RSP_ERROR);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 0)->id, 9);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 0)->status, NETIF_RSP_ERROR);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 1)->status, NETIF_RSP_NULL);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 2)->id, 10);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 2)->status, NETIF_RSP_ERROR);
    assert_int_equal(f->back.req_cons, 3);
    assert_int_equal(f->back.rsp_prod_pvt, 3);
}

static void test_tx_gso_when_offered(void **state)
{
    struct tx_fixture *f = *state;
    unsigned v4 = TX_GSO_TYPE(XEN_NETIF_GSO_TYPE_TCPV4);

    put_tx(f, 1, 0, NETTXF_extra_info | NETTXF_more_data | NETTXF_csum_blank, 9, 6000);
    put_extra(f, XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV4);
    put_tx(f, 2, 0, 0, 10, 2000);
    tx_packet_parse(&f->back, publish(f), v4, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_OK);
    assert_true(f->pkt.has_gso);
    assert_int_equal(f->pkt.gso.u.gso.size, 1448);
    tx_packet_consume(&f->back, &f->pkt);

    /* IPv6 GSO was not offered; GSO without csum_blank is refused. */
    put_tx(f, 1, 0, NETTXF_extra_info | NETTXF_csum_blank, 11, 2000);
    put_extra(f, XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV6);
    tx_packet_parse(&f->back, publish(f), v4, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    tx_packet_consume(&f->back, &f->pkt);
    put_tx(f, 1, 0, NETTXF_extra_info, 12, 2000);
    put_extra(f, XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV4);
    tx_packet_parse(&f->back, publish(f), v4, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_non_null(strstr(f->pkt.why, "csum_blank"));
}

static void test_tx_extra_chain(void **state)
{
    struct tx_fixture *f = *state;

    /* A multicast hint then a hash hint: both ignorable, the packet is fine. */
    put_tx(f, 1, 0, NETTXF_extra_info, 4, 64);
    put_extra(f, XEN_NETIF_EXTRA_TYPE_MCAST_ADD, XEN_NETIF_EXTRA_FLAG_MORE, 0);
    put_extra(f, XEN_NETIF_EXTRA_TYPE_HASH, 0, 0);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_OK);
    assert_int_equal(f->pkt.n_requests, 3);
    assert_int_equal(f->pkt.n_data, 1);
    assert_false(f->pkt.has_gso);
}

static void test_tx_extra_bad_types(void **state)
{
    struct tx_fixture *f = *state;

    put_tx(f, 1, 0, NETTXF_extra_info, 1, 64);
    put_extra(f, XEN_NETIF_EXTRA_TYPE_MAX, 0, 0);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_int_equal(f->pkt.n_requests, 2);
    tx_packet_consume(&f->back, &f->pkt);

    put_tx(f, 1, 0, NETTXF_extra_info, 2, 64);
    put_extra(f, XEN_NETIF_EXTRA_TYPE_HASH, XEN_NETIF_EXTRA_FLAG_MORE, 0);
    put_extra(f, XEN_NETIF_EXTRA_TYPE_HASH, 0, 0);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_non_null(strstr(f->pkt.why, "twice"));
    assert_int_equal(f->pkt.n_requests, 3);
}

static void test_tx_extra_missing_is_incomplete(void **state)
{
    struct tx_fixture *f = *state;

    put_tx(f, 1, 0, NETTXF_extra_info, 1, 64);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_INCOMPLETE);
}

static void test_tx_malformed_sizes(void **state)
{
    struct tx_fixture *f = *state;

    put_tx(f, 1, 0, 0, 1, 13);                       /* shorter than Ethernet */
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    tx_packet_consume(&f->back, &f->pkt);

    put_tx(f, 1, 4000, 0, 2, 200);                   /* crosses the page */
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_non_null(strstr(f->pkt.why, "page boundary"));
    tx_packet_consume(&f->back, &f->pkt);

    put_tx(f, 1, 0, NETTXF_more_data, 3, 100);       /* continuation larger than the frame */
    put_tx(f, 2, 0, 0, 4, 101);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_int_equal(f->pkt.n_requests, 2);
    tx_packet_consume(&f->back, &f->pkt);

    put_tx(f, 1, 0, NETTXF_more_data, 5, 5000);      /* continuation crosses its page */
    put_tx(f, 2, 100, 0, 6, 4000);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_int_equal(f->pkt.n_requests, 2);
}

/* The sizes a frame can claim at the edges: nothing, and the field's 64 KiB limit. */
static void test_tx_size_edges(void **state)
{
    struct tx_fixture *f = *state;

    put_tx(f, 1, 0, 0, 1, 0);                        /* an empty frame */
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_non_null(strstr(f->pkt.why, "Ethernet header"));
    tx_packet_consume(&f->back, &f->pkt);

    put_tx(f, 1, 0, 0, 2, 65535);                    /* 64 KiB claimed in one page */
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_non_null(strstr(f->pkt.why, "page boundary"));
    tx_packet_consume(&f->back, &f->pkt);

    /* 65535 bytes over 16 pages: the largest frame the protocol can say. */
    put_tx(f, 1, 1, NETTXF_more_data, 3, 65535);
    for (uint16_t i = 0; i < 15; i++)
        put_tx(f, 10 + i, 0, i < 14 ? NETTXF_more_data : 0, (uint16_t)(4 + i), 4096);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_OK);
    assert_int_equal(f->pkt.n_data, 16);
    assert_int_equal(f->pkt.data[0].size, 65535 - 15 * 4096);
    tx_packet_consume(&f->back, &f->pkt);

    /* The same 64 KiB in 19 slots: past the 18 accepted, refused whole. */
    put_tx(f, 1, 0, NETTXF_more_data, 30, 65535);
    for (uint16_t i = 0; i < 18; i++)
        put_tx(f, 40 + i, 0, i < 17 ? NETTXF_more_data : 0, (uint16_t)(31 + i), 3600);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_int_equal(f->pkt.n_requests, 19);
}

static void test_tx_too_many_slots_consumed_whole(void **state)
{
    struct tx_fixture *f = *state;
    unsigned n = NETBACK_TX_MAX_DATA_SLOTS + 3;

    for (unsigned i = 0; i < n; i++)
        put_tx(f, i, 0, i + 1 < n ? NETTXF_more_data : 0, (uint16_t)i, i == 0 ? 2000 : 10);
    put_tx(f, 99, 0, 0, 99, 60);                     /* the next packet stays intact */
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_BAD);
    assert_int_equal(f->pkt.n_requests, n);
    tx_packet_consume(&f->back, &f->pkt);
    tx_packet_respond(&f->back, &f->pkt, NETIF_RSP_ERROR);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(RING_GET_RESPONSE(&f->back, i)->id, i);

    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_OK);
    assert_int_equal(f->pkt.data[0].gref, 99);
}

static void test_tx_endless_packet_breaks_ring(void **state)
{
    struct tx_fixture *f = *state;

    for (unsigned i = 0; i < RING_SIZE(&f->front); i++)
        put_tx(f, i, 0, NETTXF_more_data, (uint16_t)i, 100);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_RING_BROKEN);
    assert_non_null(f->pkt.why);
}

static void test_tx_prod_overrun_refused(void **state)
{
    struct tx_fixture *f = *state;
    RING_IDX prod;

    f->sring->req_prod = RING_SIZE(&f->back) + 1;
    assert_false(tx_ring_published(&f->back, &prod));
    f->sring->req_prod = (RING_IDX)-1;               /* behind our consumer */
    assert_false(tx_ring_published(&f->back, &prod));
    f->sring->req_prod = RING_SIZE(&f->back);
    assert_true(tx_ring_published(&f->back, &prod));
    assert_int_equal(prod, RING_SIZE(&f->back));
}

static void test_tx_prod_counts_unanswered(void **state)
{
    struct tx_fixture *f = *state;
    RING_IDX prod;

    /* 200 consumed but unanswered: only 56 more fit before the responses are due. */
    f->back.req_cons = 200;
    f->sring->req_prod = 200 + RING_SIZE(&f->back) - 200 + 1;
    assert_false(tx_ring_published(&f->back, &prod));
    f->sring->req_prod = RING_SIZE(&f->back);
    assert_true(tx_ring_published(&f->back, &prod));
}

static void test_tx_indexes_wrap(void **state)
{
    struct tx_fixture *f = *state;

    f->front.req_prod_pvt = f->front.rsp_cons = 0xfffffffe;
    f->back.req_cons = f->back.rsp_prod_pvt = 0xfffffffe;
    put_tx(f, 1, 0, NETTXF_more_data, 1, 300);
    put_tx(f, 2, 0, NETTXF_more_data, 2, 100);
    put_tx(f, 3, 0, 0, 3, 100);
    tx_packet_parse(&f->back, publish(f), 0, &f->pkt);
    assert_int_equal(f->pkt.verdict, TX_PACKET_OK);
    assert_int_equal(f->pkt.n_requests, 3);
    tx_packet_consume(&f->back, &f->pkt);
    assert_int_equal(f->back.req_cons, 1);
}

/* ---- checksums ---- */

static const uint8_t payload[] = "hello lintel netback!";   /* 21 bytes: an odd length */

static size_t build_ipv4(uint8_t *frame, uint8_t proto)
{
    size_t l4len = (proto == 17 ? 8 : 20) + 21;
    uint8_t *ip = frame + 14, *l4 = ip + 20;

    memset(frame, 0, 14 + 20 + l4len);
    frame[12] = 0x08;
    ip[0] = 0x45;
    ip[2] = (uint8_t)((20 + l4len) >> 8);
    ip[3] = (uint8_t)(20 + l4len);
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, (uint8_t[]){ 10, 0, 0, 1, 10, 0, 0, 2 }, 8);
    if (proto == 17) {
        memcpy(l4, (uint8_t[]){ 0x04, 0xd2, 0x16, 0x2e, 0, (uint8_t)l4len, 0xaa, 0xbb }, 8);
        memcpy(l4 + 8, payload, 21);
    } else {
        memcpy(l4, (uint8_t[]){ 0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0x04, 0,
                                0x12, 0x34, 0, 0 }, 20);
        memcpy(l4 + 20, payload, 21);
    }
    return 14 + 20 + l4len;
}

static void test_csum_udp4(void **state)
{
    uint8_t frame[128];
    size_t len = build_ipv4(frame, 17);
    const char *why = NULL;

    (void)state;
    assert_int_equal(frame_complete_checksum(frame, len, &why), 0);
    assert_int_equal(frame[14 + 20 + 6] << 8 | frame[14 + 20 + 7], 0xdfc5);
}

static void test_csum_tcp4_with_vlan(void **state)
{
    uint8_t plain[128], tagged[132];
    size_t len = build_ipv4(plain, 6);
    const char *why = NULL;

    (void)state;
    memcpy(tagged, plain, 12);
    memcpy(tagged + 12, (uint8_t[]){ 0x81, 0x00, 0x00, 0x05 }, 4);
    memcpy(tagged + 16, plain + 12, len - 12);
    assert_int_equal(frame_complete_checksum(plain, len, &why), 0);
    assert_int_equal(plain[14 + 20 + 16] << 8 | plain[14 + 20 + 17], 0x0a36);
    assert_int_equal(frame_complete_checksum(tagged, len + 4, &why), 0);
    assert_int_equal(tagged[18 + 20 + 16] << 8 | tagged[18 + 20 + 17], 0x0a36);
}

static void test_csum_tcp6_after_hop_by_hop(void **state)
{
    uint8_t frame[160];
    uint8_t *ip = frame + 14, *hbh = ip + 40, *tcp = hbh + 8;
    const char *why = NULL;
    size_t l4len = 20 + 21;

    (void)state;
    memset(frame, 0, sizeof(frame));
    frame[12] = 0x86;
    frame[13] = 0xdd;
    ip[0] = 0x60;
    ip[5] = (uint8_t)(8 + l4len);
    ip[6] = 0;                      /* hop-by-hop options first */
    ip[7] = 64;
    ip[8] = 0xfe, ip[9] = 0x80, ip[23] = 1;
    ip[24] = 0xfe, ip[25] = 0x80, ip[39] = 2;
    hbh[0] = 6;                     /* then TCP */
    memcpy(tcp, (uint8_t[]){ 0x9c, 0x40, 0, 80, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 0x04, 0,
                             0xff, 0xff, 0, 0 }, 20);
    memcpy(tcp + 20, payload, 21);
    assert_int_equal(frame_complete_checksum(frame, 14 + 40 + 8 + l4len, &why), 0);
    assert_int_equal(tcp[16] << 8 | tcp[17], 0x2134);
}

static void test_vnet_from_guest(void **state)
{
    struct tx_packet pkt;
    struct virtio_net_hdr hdr;
    uint8_t frame[128];
    const char *why = NULL;

    (void)state;
    memset(&pkt, 0, sizeof(pkt));
    pkt.size = (uint16_t)build_ipv4(frame, 6);
    pkt.flags = NETTXF_data_validated;
    assert_int_equal(vnet_hdr_from_guest(&pkt, frame, &hdr, &why), 0);
    assert_int_equal(hdr.flags, VIRTIO_NET_HDR_F_DATA_VALID);

    pkt.flags = NETTXF_csum_blank | NETTXF_data_validated;
    assert_int_equal(vnet_hdr_from_guest(&pkt, frame, &hdr, &why), 0);
    assert_int_equal(hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
    assert_int_equal(hdr.csum_start, 14 + 20);
    assert_int_equal(hdr.csum_offset, 16);
    assert_int_equal(hdr.gso_type, VIRTIO_NET_HDR_GSO_NONE);

    pkt.has_gso = true;
    pkt.gso.type = XEN_NETIF_EXTRA_TYPE_GSO;
    pkt.gso.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
    pkt.gso.u.gso.size = 1448;
    assert_int_equal(vnet_hdr_from_guest(&pkt, frame, &hdr, &why), 0);
    assert_int_equal(hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
    assert_int_equal(hdr.gso_size, 1448);
    assert_int_equal(hdr.hdr_len, 14 + 20 + 20);

    pkt.gso.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV6;     /* an IPv4 frame */
    assert_int_equal(vnet_hdr_from_guest(&pkt, frame, &hdr, &why), -1);
    pkt.size = (uint16_t)build_ipv4(frame, 17);         /* UDP cannot be TCP-segmented */
    pkt.gso.u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
    assert_int_equal(vnet_hdr_from_guest(&pkt, frame, &hdr, &why), -1);
}

static void test_vnet_to_guest(void **state)
{
    struct virtio_net_hdr hdr = { 0 };
    struct rx_meta meta;
    const char *why = NULL;

    (void)state;
    assert_int_equal(vnet_hdr_to_guest(&hdr, &meta, &why), 0);
    assert_int_equal(meta.flags, 0);
    assert_int_equal(meta.gso_type, XEN_NETIF_GSO_TYPE_NONE);
    hdr.flags = VIRTIO_NET_HDR_F_DATA_VALID;
    assert_int_equal(vnet_hdr_to_guest(&hdr, &meta, &why), 0);
    assert_int_equal(meta.flags, NETRXF_data_validated);
    hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
    hdr.gso_size = 1428;
    assert_int_equal(vnet_hdr_to_guest(&hdr, &meta, &why), 0);
    assert_int_equal(meta.flags, NETRXF_csum_blank | NETRXF_data_validated);
    assert_int_equal(meta.gso_type, XEN_NETIF_GSO_TYPE_TCPV6);
    assert_int_equal(meta.gso_size, 1428);
    hdr.gso_type = VIRTIO_NET_HDR_GSO_UDP;
    assert_int_equal(vnet_hdr_to_guest(&hdr, &meta, &why), -1);
    hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    hdr.gso_size = 0;
    assert_int_equal(vnet_hdr_to_guest(&hdr, &meta, &why), -1);
}

static void test_csum_refusals(void **state)
{
    uint8_t frame[128];
    size_t len;
    const char *why = NULL;

    (void)state;
    len = build_ipv4(frame, 1);                       /* ICMP */
    assert_int_equal(frame_complete_checksum(frame, len, &why), -1);
    assert_non_null(strstr(why, "TCP or UDP"));

    len = build_ipv4(frame, 17);
    frame[14 + 6] = 0x20;                             /* more fragments */
    assert_int_equal(frame_complete_checksum(frame, len, &why), -1);
    assert_non_null(strstr(why, "fragment"));

    len = build_ipv4(frame, 17);
    assert_int_equal(frame_complete_checksum(frame, len - 30, &why), -1);   /* truncated */
    frame[12] = 0x08, frame[13] = 0x06;               /* ARP */
    assert_int_equal(frame_complete_checksum(frame, len, &why), -1);
    assert_int_equal(frame_complete_checksum(frame, 10, &why), -1);
}

static void test_csum_udp_zero_becomes_ffff(void **state)
{
    uint8_t frame[64];
    uint8_t *ip = frame + 14, *udp = ip + 20;
    const char *why = NULL;
    uint32_t sum;

    (void)state;
    /* Pick a payload word that makes the one's-complement sum 0xffff. */
    memset(frame, 0, sizeof(frame));
    frame[12] = 0x08;
    ip[0] = 0x45, ip[3] = 20 + 10, ip[9] = 17;
    udp[5] = 10;
    sum = inet_fold(inet_sum(udp, 10, 17 + 10));
    udp[8] = (uint8_t)((0xffff - sum) >> 8);
    udp[9] = (uint8_t)(0xffff - sum);
    assert_int_equal(frame_complete_checksum(frame, 14 + 30, &why), 0);
    assert_int_equal(udp[6] << 8 | udp[7], 0xffff);
}

/* ---- rx ---- */

struct rx_fixture {
    netif_rx_sring_t *sring;
    netif_rx_front_ring_t front;
    netif_rx_back_ring_t back;
};

static int rx_setup(void **state)
{
    struct rx_fixture *f = calloc(1, sizeof(*f));

    f->sring = aligned_alloc(4096, 4096);
    SHARED_RING_INIT(f->sring);
    FRONT_RING_INIT(&f->front, f->sring, 4096);
    BACK_RING_INIT(&f->back, f->sring, 4096);
    *state = f;
    return 0;
}

static int rx_teardown(void **state)
{
    struct rx_fixture *f = *state;

    free(f->sring);
    free(f);
    return 0;
}

static void post_rx(struct rx_fixture *f, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        netif_rx_request_t *req = RING_GET_REQUEST(&f->front, f->front.req_prod_pvt);

        req->id = (uint16_t)(f->front.req_prod_pvt & 0xff);
        req->gref = 500 + f->front.req_prod_pvt;
        f->front.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS(&f->front);
}

static void test_rx_slots_needed(void **state)
{
    (void)state;
    assert_int_equal(rx_slots_needed(60, false), 1);
    assert_int_equal(rx_slots_needed(4096, false), 1);
    assert_int_equal(rx_slots_needed(4097, false), 0);
    assert_int_equal(rx_slots_needed(4097, true), 2);
    assert_int_equal(rx_slots_needed(65535, true), 16);
    assert_int_equal(rx_slots_needed(0, true), 0);
    assert_int_equal(rx_slots_needed(17 * 4096 + 1, true), 0);
}

static void test_rx_take_and_respond(void **state)
{
    struct rx_fixture *f = *state;
    struct rx_slot slots[NETBACK_RX_MAX_SLOTS];
    struct gntdev_grant_copy_segment segs[NETBACK_RX_MAX_SLOTS];
    static uint8_t frame[9000];
    RING_IDX prod;
    unsigned n;

    post_rx(f, 2);
    assert_true(rx_ring_published(&f->back, &prod));
    /* Three pages needed, two posted: nothing is taken. */
    assert_false(rx_slots_take(&f->back, prod, 9000, 3, false, slots, &n));
    assert_int_equal(f->back.req_cons, 0);

    post_rx(f, 2);
    assert_true(rx_ring_published(&f->back, &prod));
    assert_true(rx_slots_take(&f->back, prod, 9000, 3, false, slots, &n));
    assert_int_equal(n, 3);
    assert_int_equal(f->back.req_cons, 3);
    assert_int_equal(slots[0].len, 4096);
    assert_int_equal(slots[2].len, 9000 - 8192);
    assert_int_equal(slots[2].gref, 502);

    assert_int_equal(grant_copy_plan_rx(slots, 3, 4, frame, segs), 3);
    assert_int_equal(segs[1].flags, GNTCOPY_dest_gref);
    assert_ptr_equal(segs[1].source.virt, frame + 4096);
    assert_int_equal(segs[1].dest.foreign.ref, 501);
    assert_int_equal(segs[1].dest.foreign.domid, 4);
    assert_int_equal(segs[1].dest.foreign.offset, 0);

    rx_slots_respond(&f->back, slots, 3, true, NULL);
    RING_PUSH_RESPONSES(&f->back);
    assert_int_equal(f->sring->rsp_prod, 3);
    assert_int_equal(RING_GET_RESPONSE(&f->front, 0)->flags, NETRXF_more_data);
    assert_int_equal(RING_GET_RESPONSE(&f->front, 0)->status, 4096);
    assert_int_equal(RING_GET_RESPONSE(&f->front, 2)->flags, 0);
    assert_int_equal(RING_GET_RESPONSE(&f->front, 2)->status, 9000 - 8192);
    assert_int_equal(RING_GET_RESPONSE(&f->front, 2)->id, 2);

    assert_true(rx_ring_published(&f->back, &prod));
    assert_true(rx_slots_take(&f->back, prod, 100, 1, false, slots, &n));
    rx_slots_respond(&f->back, slots, 1, false, NULL);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 3)->status, NETIF_RSP_ERROR);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 3)->id, 3);
}

static void test_rx_gso_extra_slot(void **state)
{
    struct rx_fixture *f = *state;
    struct rx_slot slots[NETBACK_RX_MAX_SLOTS + 1];
    struct gntdev_grant_copy_segment segs[NETBACK_RX_MAX_SLOTS];
    static uint8_t frame[5000];
    struct rx_meta meta = { NETRXF_csum_blank | NETRXF_data_validated,
                            XEN_NETIF_GSO_TYPE_TCPV4, 1448 };
    struct netif_extra_info extra;
    RING_IDX prod;
    unsigned n;

    post_rx(f, 3);
    assert_true(rx_ring_published(&f->back, &prod));
    assert_true(rx_slots_take(&f->back, prod, 5000, 2, true, slots, &n));
    assert_int_equal(n, 3);
    assert_true(slots[1].is_extra);
    assert_int_equal(slots[0].len, 4096);
    assert_int_equal(slots[2].len, 5000 - 4096);
    /* The extra-info slot's page gets no data. */
    assert_int_equal(grant_copy_plan_rx(slots, n, 1, frame, segs), 2);
    assert_int_equal(segs[1].dest.foreign.ref, 502);
    assert_ptr_equal(segs[1].source.virt, frame + 4096);

    rx_slots_respond(&f->back, slots, n, true, &meta);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 0)->flags,
                     NETRXF_more_data | NETRXF_csum_blank | NETRXF_data_validated |
                     NETRXF_extra_info);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 0)->status, 4096);
    memcpy(&extra, RING_GET_RESPONSE(&f->back, 1), sizeof(extra));
    assert_int_equal(extra.type, XEN_NETIF_EXTRA_TYPE_GSO);
    assert_int_equal(extra.flags, 0);
    assert_int_equal(extra.u.gso.type, XEN_NETIF_GSO_TYPE_TCPV4);
    assert_int_equal(extra.u.gso.size, 1448);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 2)->flags, 0);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 2)->status, 5000 - 4096);
    assert_int_equal(RING_GET_RESPONSE(&f->back, 2)->id, 2);

    /* Undelivered: three error responses chained, no extra-info. */
    post_rx(f, 3);
    assert_true(rx_ring_published(&f->back, &prod));
    assert_true(rx_slots_take(&f->back, prod, 5000, 2, true, slots, &n));
    rx_slots_respond(&f->back, slots, n, false, &meta);
    for (unsigned i = 3; i < 6; i++) {
        assert_int_equal(RING_GET_RESPONSE(&f->back, i)->status, NETIF_RSP_ERROR);
        assert_int_equal(RING_GET_RESPONSE(&f->back, i)->flags, i < 5 ? NETRXF_more_data : 0);
    }
}

static void test_rx_prod_overrun_refused(void **state)
{
    struct rx_fixture *f = *state;
    RING_IDX prod;

    f->sring->req_prod = RING_SIZE(&f->back) + 5;
    assert_false(rx_ring_published(&f->back, &prod));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tx_single_slot, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_multi_slot_sizes, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_empty_slot_not_copied, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_incomplete_then_complete, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_extra_gso_refused, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_gso_when_offered, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_extra_chain, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_extra_bad_types, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_extra_missing_is_incomplete, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_malformed_sizes, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_size_edges, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_too_many_slots_consumed_whole, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_endless_packet_breaks_ring, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_prod_overrun_refused, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_prod_counts_unanswered, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_tx_indexes_wrap, tx_setup, tx_teardown),
        cmocka_unit_test(test_csum_udp4),
        cmocka_unit_test(test_csum_tcp4_with_vlan),
        cmocka_unit_test(test_csum_tcp6_after_hop_by_hop),
        cmocka_unit_test(test_vnet_from_guest),
        cmocka_unit_test(test_vnet_to_guest),
        cmocka_unit_test(test_csum_refusals),
        cmocka_unit_test(test_csum_udp_zero_becomes_ffff),
        cmocka_unit_test(test_rx_slots_needed),
        cmocka_unit_test_setup_teardown(test_rx_take_and_respond, rx_setup, rx_teardown),
        cmocka_unit_test_setup_teardown(test_rx_gso_extra_slot, rx_setup, rx_teardown),
        cmocka_unit_test_setup_teardown(test_rx_prod_overrun_refused, rx_setup, rx_teardown),
    };

    return cmocka_run_group_tests_name("netback", tests, NULL, NULL);
}
