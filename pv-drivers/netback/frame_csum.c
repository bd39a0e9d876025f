/* TCP/UDP checksum completion; see frame_csum.h. */
#include <string.h>

#include "frame_csum.h"

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17

struct l4_view {
    uint8_t *start;       /* the transport header */
    size_t len;           /* transport header + payload */
    uint8_t proto;
    uint32_t pseudo_sum;  /* the pseudo-header's contribution */
    bool ipv6;
};

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t inet_sum(const uint8_t *data, size_t len, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2)
        sum += be16(data + i);
    if (len & 1)
        sum += (uint32_t)data[len - 1] << 8;
    /* Folding early keeps the 32-bit accumulator from overflowing on 64 KiB frames. */
    return (sum & 0xffff) + (sum >> 16);
}

uint16_t inet_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static int ipv4_view(uint8_t *ip, size_t avail, struct l4_view *l4, const char **why)
{
    size_t ihl, total;

    if (avail < 20 || (ip[0] >> 4) != 4) {
        *why = "truncated or malformed IPv4 header";
        return -1;
    }
    ihl = (size_t)(ip[0] & 0xf) * 4;
    total = be16(ip + 2);
    if (ihl < 20 || total < ihl || total > avail) {
        *why = "IPv4 header and total length disagree with the frame";
        return -1;
    }
    if (be16(ip + 6) & 0x3fff) {
        *why = "checksum offload asked for an IPv4 fragment";
        return -1;
    }
    l4->start = ip + ihl;
    l4->len = total - ihl;
    l4->proto = ip[9];
    l4->pseudo_sum = inet_sum(ip + 12, 8, 0) + l4->proto + (uint32_t)l4->len;
    l4->ipv6 = false;
    return 0;
}

/* Extension headers that may sit between IPv6 and the transport header. */
static int ipv6_skip_extensions(uint8_t *ip, size_t payload, uint8_t *next, size_t *off,
                                const char **why)
{
    while (*next == 0 || *next == 43 || *next == 60) {
        size_t ext_len;

        if (*off + 8 > 40 + payload) {
            *why = "truncated IPv6 extension header";
            return -1;
        }
        ext_len = ((size_t)ip[*off + 1] + 1) * 8;
        *next = ip[*off];
        *off += ext_len;
    }
    if (*next == 44) {
        *why = "checksum offload asked for an IPv6 fragment";
        return -1;
    }
    if (*off > 40 + payload) {
        *why = "IPv6 extension headers overrun the payload";
        return -1;
    }
    return 0;
}

static int ipv6_view(uint8_t *ip, size_t avail, struct l4_view *l4, const char **why)
{
    size_t payload, off = 40;
    uint8_t next;

    if (avail < 40 || (ip[0] >> 4) != 6) {
        *why = "truncated or malformed IPv6 header";
        return -1;
    }
    payload = be16(ip + 4);
    if (40 + payload > avail) {
        *why = "IPv6 payload length exceeds the frame";
        return -1;
    }
    next = ip[6];
    if (ipv6_skip_extensions(ip, payload, &next, &off, why) < 0)
        return -1;
    l4->start = ip + off;
    l4->len = 40 + payload - off;
    l4->proto = next;
    l4->pseudo_sum = inet_sum(ip + 8, 32, 0) + next + (uint32_t)l4->len;
    l4->ipv6 = true;
    return 0;
}

static int network_view(uint8_t *frame, size_t len, struct l4_view *l4, const char **why)
{
    size_t off = 12;
    uint16_t type;

    if (len < 14) {
        *why = "frame shorter than an Ethernet header";
        return -1;
    }
    type = be16(frame + off);
    if (type == ETHERTYPE_VLAN) {
        if (len < 18) {
            *why = "truncated 802.1Q tag";
            return -1;
        }
        off += 4;
        type = be16(frame + off);
    }
    off += 2;
    if (type == ETHERTYPE_IPV4)
        return ipv4_view(frame + off, len - off, l4, why);
    if (type == ETHERTYPE_IPV6)
        return ipv6_view(frame + off, len - off, l4, why);
    *why = "checksum offload asked for a frame that is neither IPv4 nor IPv6";
    return -1;
}

static int transport_of(const struct l4_view *l4, size_t *field, size_t *header_len,
                        const char **why)
{
    if (l4->proto == IPPROTO_TCP_) {
        *field = 16;
        *header_len = l4->len >= 13 ? (size_t)(l4->start[12] >> 4) * 4 : 0;
        if (*header_len < 20 || *header_len > l4->len) {
            *why = "TCP header truncated or its data offset is wrong";
            return -1;
        }
        return 0;
    }
    if (l4->proto == IPPROTO_UDP_) {
        *field = 6;
        *header_len = 8;
        if (l4->len < 8) {
            *why = "UDP header truncated";
            return -1;
        }
        return 0;
    }
    *why = "checksum offload asked for a protocol other than TCP or UDP";
    return -1;
}

int frame_find_transport(const uint8_t *frame, size_t len, struct frame_transport *t,
                         const char **why)
{
    struct l4_view l4;

    /* Only read here; network_view is shared with the writer below. */
    if (network_view((uint8_t *)(uintptr_t)frame, len, &l4, why) < 0 ||
        transport_of(&l4, &t->csum_field, &t->header_len, why) < 0)
        return -1;
    t->offset = (size_t)(l4.start - frame);
    t->proto = l4.proto;
    t->ipv6 = l4.ipv6;
    return 0;
}

int frame_complete_checksum(uint8_t *frame, size_t len, const char **why)
{
    struct l4_view l4;
    size_t field, header_len;
    uint16_t csum;

    if (network_view(frame, len, &l4, why) < 0 || transport_of(&l4, &field, &header_len, why) < 0)
        return -1;
    /* The guest leaves a partial (pseudo-header) sum there; recompute from scratch. */
    memset(l4.start + field, 0, 2);
    csum = (uint16_t)~inet_fold(inet_sum(l4.start, l4.len, l4.pseudo_sum));
    if (csum == 0 && l4.proto == IPPROTO_UDP_)
        csum = 0xffff;   /* zero means "no checksum" in UDP */
    l4.start[field] = (uint8_t)(csum >> 8);
    l4.start[field + 1] = (uint8_t)csum;
    return 0;
}
