/*
 * The .xz container: streams of [header, blocks, index, footer], optionally
 * concatenated with zero padding between them. Each block is a header
 * (sizes, filter chain), LZMA2 data, padding to 4 bytes and a check of the
 * uncompressed data. Everything the format records twice (sizes in block
 * headers and in the index, flags in header and footer, the index size in
 * the footer) is cross-checked, because a corrupt copy means a corrupt file.
 */
#include <lintel/errno.h>
#include <lintel/lib.h>
#include <lintel/xz.h>

#include "xz_private.h"

#define STREAM_HEADER_BYTES   12
#define STREAM_FOOTER_BYTES   12
#define STREAM_MAGIC_BYTES    6
#define CRC32_BYTES           4
#define VLI_MAX_BYTES         9
#define FILTERS_MAX           4
#define FILTER_X86            0x04
#define FILTER_LZMA2          0x21
#define LZMA2_DICT_CODE_MAX   40
#define BLOCK_FLAGS_RESERVED  0x3c
#define BLOCK_HAS_COMPRESSED  0x40
#define BLOCK_HAS_UNCOMPRESSED 0x80
#define LINUX_SIZE_BYTES      4

enum check_type { CHECK_NONE = 0x0, CHECK_CRC32 = 0x1, CHECK_CRC64 = 0x4 };

static const uint8_t stream_magic[STREAM_MAGIC_BYTES] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
static const uint8_t footer_magic[2] = { 'Y', 'Z' };

/*
 * The index must list exactly the blocks we decoded. Folding each
 * (unpadded size, uncompressed size) pair into a CRC, on both sides,
 * compares them without storing a list of unbounded length.
 */
struct block_list_digest {
    uint64_t count;
    uint32_t crc;
};

struct stream {
    uint8_t flags[2];
    unsigned check;
    struct block_list_digest blocks;
};

struct filter_chain {
    unsigned bcj_count;                     /* x86 filters before LZMA2 */
    uint32_t bcj_start[FILTERS_MAX - 1];
    uint32_t dict_size;
};

struct block_header {
    size_t size;
    bool has_compressed, has_uncompressed;
    uint64_t compressed, uncompressed;
    struct filter_chain chain;
};

/* The LZMA model is too large for a ring-0 stack; see xz.h on reentrancy. */
static struct lzma_decoder lzma_workspace;

int xz_fail(struct xz_run *r, int code, const char *fmt, ...)
{
    va_list ap;
    size_t used;

    if (!r->err || !r->err_len)
        return code;
    used = lintel_strlcpy(r->err, "xz: ", r->err_len);
    if (used < r->err_len) {
        va_start(ap, fmt);
        lintel_vsnprintf(r->err + used, r->err_len - used, fmt, ap);
        va_end(ap);
    }
    return code;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static unsigned check_bytes(unsigned check)
{
    return check == CHECK_CRC32 ? 4 : check == CHECK_CRC64 ? 8 : 0;
}

static void digest_add(struct block_list_digest *d, uint64_t unpadded, uint64_t uncompressed)
{
    uint8_t rec[16];

    for (int i = 0; i < 8; i++) {
        rec[i] = (uint8_t)(unpadded >> (8 * i));
        rec[8 + i] = (uint8_t)(uncompressed >> (8 * i));
    }
    d->crc = xz_crc32(rec, sizeof(rec), d->crc);
    d->count++;
}

/* A variable-length integer: 7 bits a byte, low first, at most 9 bytes. */
static int read_vli(struct xz_run *r, size_t limit, uint64_t *out, const char *what)
{
    size_t at = r->in_pos;
    uint64_t value = 0;

    for (unsigned i = 0; i < VLI_MAX_BYTES; i++) {
        uint8_t b;

        if (r->in_pos >= limit)
            return xz_fail(r, -EINVAL, "truncated %s at offset %zu", what, at);
        b = r->in[r->in_pos++];
        value |= (uint64_t)(b & 0x7f) << (7 * i);
        if (!(b & 0x80)) {
            if (b == 0 && i > 0)
                return xz_fail(r, -EINVAL, "%s at offset %zu has a redundant zero "
                               "byte", what, at);
            *out = value;
            return 0;
        }
    }
    return xz_fail(r, -EINVAL, "%s at offset %zu is longer than 9 bytes", what, at);
}

static int stream_header(struct xz_run *r, struct stream *st, bool first)
{
    const uint8_t *p = r->in + r->in_pos;
    size_t at = r->in_pos;

    if (r->in_len - at < STREAM_MAGIC_BYTES ||
        memcmp(p, stream_magic, STREAM_MAGIC_BYTES) != 0) {
        if (first)
            return xz_fail(r, -EINVAL, "no xz stream header at offset %zu", at);
        return xz_fail(r, -EINVAL, "data after the stream at offset %zu is neither "
                       "padding nor another xz stream", at);
    }
    if (r->in_len - at < STREAM_HEADER_BYTES)
        return xz_fail(r, -EINVAL, "truncated stream header at offset %zu", at);
    if (xz_crc32(p + 6, 2, 0) != le32(p + 8))
        return xz_fail(r, -EIO, "stream header CRC32 mismatch at offset %zu", at);
    if (p[6] != 0 || (p[7] & 0xf0))
        return xz_fail(r, -EINVAL, "reserved stream flags 0x%02x%02x set at offset %zu",
                       p[6], p[7], at + 6);
    st->flags[0] = p[6];
    st->flags[1] = p[7];
    st->check = p[7] & 0x0f;
    if (st->check != CHECK_NONE && st->check != CHECK_CRC32 && st->check != CHECK_CRC64)
        return xz_fail(r, -ENOSYS, "unsupported check type 0x%x at offset %zu",
                       st->check, at + 7);
    st->blocks = (struct block_list_digest){ 0, 0 };
    r->in_pos += STREAM_HEADER_BYTES;
    return 0;
}

static int lzma2_properties(struct xz_run *r, const uint8_t *props, uint64_t size,
                            size_t at, struct filter_chain *chain)
{
    uint8_t code;

    if (size != 1)
        return xz_fail(r, -EINVAL, "LZMA2 filter properties at offset %zu are %lu "
                       "bytes, not 1", at, (unsigned long)size);
    code = props[0];
    if (code > LZMA2_DICT_CODE_MAX)
        return xz_fail(r, -EINVAL, "invalid LZMA2 dictionary size code 0x%02x at "
                       "offset %zu", code, at);
    /* Sizes run 4 KiB, 6 KiB, 8 KiB, 12 KiB, ...; the top code means 4 GiB - 1. */
    chain->dict_size = code == LZMA2_DICT_CODE_MAX ? 0xffffffffu
                       : (2u | (code & 1)) << (code / 2 + 11);
    return 0;
}

static int x86_properties(struct xz_run *r, const uint8_t *props, uint64_t size,
                          size_t at, struct filter_chain *chain)
{
    uint32_t start = 0;

    if (size == 4)
        start = le32(props);
    else if (size != 0)
        return xz_fail(r, -EINVAL, "x86 filter properties at offset %zu are %lu "
                       "bytes, not 0 or 4", at, (unsigned long)size);
    chain->bcj_start[chain->bcj_count++] = start;
    return 0;
}

static int filter_flags(struct xz_run *r, size_t limit, bool last,
                        struct filter_chain *chain)
{
    size_t at = r->in_pos;
    uint64_t id, size;
    const uint8_t *props;
    int rc;

    if ((rc = read_vli(r, limit, &id, "filter ID in block header")) ||
        (rc = read_vli(r, limit, &size, "filter properties size in block header")))
        return rc;
    if (size > limit - r->in_pos)
        return xz_fail(r, -EINVAL, "filter properties at offset %zu run past the "
                       "block header", r->in_pos);
    props = r->in + r->in_pos;
    r->in_pos += size;
    if (id == FILTER_LZMA2 && last)
        return lzma2_properties(r, props, size, at, chain);
    if (id == FILTER_X86 && !last)
        return x86_properties(r, props, size, at, chain);
    if (id == FILTER_LZMA2 || id == FILTER_X86)
        return xz_fail(r, -EINVAL, "filter 0x%lx at offset %zu is in the wrong place "
                       "(LZMA2 must be last, x86 before it)", (unsigned long)id, at);
    return xz_fail(r, -ENOSYS, "unsupported filter 0x%lx at offset %zu (only x86 "
                   "BCJ and LZMA2 are)", (unsigned long)id, at);
}

static int block_header(struct xz_run *r, struct block_header *bh)
{
    size_t at = r->in_pos, limit;
    const uint8_t *p = r->in + at;
    unsigned filters;
    uint8_t flags;
    int rc;

    bh->size = ((size_t)p[0] + 1) * 4;
    if (bh->size > r->in_len - at)
        return xz_fail(r, -EINVAL, "truncated block header at offset %zu", at);
    limit = at + bh->size - CRC32_BYTES;
    if (xz_crc32(p, bh->size - CRC32_BYTES, 0) != le32(r->in + limit))
        return xz_fail(r, -EIO, "block header CRC32 mismatch at offset %zu", at);
    flags = p[1];
    if (flags & BLOCK_FLAGS_RESERVED)
        return xz_fail(r, -EINVAL, "reserved block flags 0x%02x set at offset %zu",
                       flags, at + 1);
    filters = (flags & 3) + 1;
    bh->has_compressed = flags & BLOCK_HAS_COMPRESSED;
    bh->has_uncompressed = flags & BLOCK_HAS_UNCOMPRESSED;
    r->in_pos = at + 2;
    if (bh->has_compressed &&
        (rc = read_vli(r, limit, &bh->compressed, "compressed size in block header")))
        return rc;
    if (bh->has_uncompressed &&
        (rc = read_vli(r, limit, &bh->uncompressed, "uncompressed size in block header")))
        return rc;
    if (bh->has_compressed && bh->compressed == 0)
        return xz_fail(r, -EINVAL, "block header at offset %zu declares 0 compressed "
                       "bytes", at);
    bh->chain.bcj_count = 0;
    for (unsigned i = 0; i < filters; i++)
        if ((rc = filter_flags(r, limit, i == filters - 1, &bh->chain)))
            return rc;
    for (; r->in_pos < limit; r->in_pos++)
        if (r->in[r->in_pos])
            return xz_fail(r, -EINVAL, "non-zero padding in block header at offset %zu",
                           r->in_pos);
    r->in_pos = limit + CRC32_BYTES;
    return 0;
}

static int verify_check(struct xz_run *r, const struct stream *st, size_t out_start,
                        size_t block_at)
{
    const uint8_t *data = r->out + out_start, *stored = r->in + r->in_pos;
    size_t len = r->out_pos - out_start;
    unsigned bytes = check_bytes(st->check);

    if (bytes > r->in_len - r->in_pos)
        return xz_fail(r, -EINVAL, "truncated block check at offset %zu", r->in_pos);
    if (st->check == CHECK_CRC32 && xz_crc32(data, len, 0) != le32(stored))
        return xz_fail(r, -EIO, "CRC32 mismatch in block at offset %zu", block_at);
    if (st->check == CHECK_CRC64 && xz_crc64(data, len, 0) != le64(stored))
        return xz_fail(r, -EIO, "CRC64 mismatch in block at offset %zu", block_at);
    r->in_pos += bytes;
    return 0;
}

static int block_data(struct xz_run *r, const struct block_header *bh, size_t block_at,
                      size_t *out_start)
{
    size_t data_at = r->in_pos, data_end = r->in_len;
    int rc;

    if (bh->has_compressed) {
        if (bh->compressed > r->in_len - data_at)
            return xz_fail(r, -EINVAL, "truncated block at offset %zu (%lu compressed "
                           "bytes declared)", block_at, (unsigned long)bh->compressed);
        data_end = data_at + bh->compressed;
    }
    if (bh->has_uncompressed && bh->uncompressed > r->out_cap - r->out_pos)
        return xz_fail(r, -ENOSPC, "output larger than %zu bytes (block at offset %zu "
                       "declares %lu)", r->out_cap, block_at,
                       (unsigned long)bh->uncompressed);
    *out_start = r->out_pos;
    if ((rc = lzma2_decode(r, &lzma_workspace, data_end, bh->chain.dict_size)))
        return rc;
    if (bh->has_compressed && r->in_pos != data_end)
        return xz_fail(r, -EINVAL, "block at offset %zu has %zu compressed bytes, its "
                       "header says %lu", block_at, r->in_pos - data_at,
                       (unsigned long)bh->compressed);
    if (bh->has_uncompressed && r->out_pos - *out_start != bh->uncompressed)
        return xz_fail(r, -EINVAL, "block at offset %zu has %zu uncompressed bytes, "
                       "its header says %lu", block_at, r->out_pos - *out_start,
                       (unsigned long)bh->uncompressed);
    return 0;
}

static int block(struct xz_run *r, struct stream *st)
{
    size_t block_at = r->in_pos, data_at, out_start = 0;
    struct block_header bh;
    int rc;

    if ((rc = block_header(r, &bh)))
        return rc;
    data_at = r->in_pos;
    if ((rc = block_data(r, &bh, block_at, &out_start)))
        return rc;
    /* Filters run in reverse order of their listing when decoding. */
    for (unsigned i = bh.chain.bcj_count; i-- > 0;)
        bcj_x86_decode(r->out + out_start, r->out_pos - out_start, bh.chain.bcj_start[i]);
    digest_add(&st->blocks, bh.size + (r->in_pos - data_at) + check_bytes(st->check),
               r->out_pos - out_start);
    for (; (r->in_pos - data_at) & 3; r->in_pos++) {
        if (r->in_pos >= r->in_len)
            return xz_fail(r, -EINVAL, "truncated block padding at offset %zu", r->in_pos);
        if (r->in[r->in_pos])
            return xz_fail(r, -EINVAL, "non-zero block padding at offset %zu", r->in_pos);
    }
    return verify_check(r, st, out_start, block_at);
}

static int index_records(struct xz_run *r, struct block_list_digest *listed)
{
    uint64_t count, unpadded, uncompressed;
    int rc;

    if ((rc = read_vli(r, r->in_len, &count, "index record count")))
        return rc;
    /* Each record takes at least two bytes: a huge count fails as truncation. */
    for (uint64_t i = 0; i < count; i++) {
        if ((rc = read_vli(r, r->in_len, &unpadded, "index record")) ||
            (rc = read_vli(r, r->in_len, &uncompressed, "index record")))
            return rc;
        digest_add(listed, unpadded, uncompressed);
    }
    return 0;
}

static int stream_index(struct xz_run *r, const struct stream *st, size_t *index_size)
{
    size_t at = r->in_pos;
    struct block_list_digest listed = { 0, 0 };
    int rc;

    r->in_pos++;                                /* the zero index indicator */
    if ((rc = index_records(r, &listed)))
        return rc;
    for (; (r->in_pos - at) & 3; r->in_pos++) {
        if (r->in_pos >= r->in_len)
            return xz_fail(r, -EINVAL, "truncated index padding at offset %zu", r->in_pos);
        if (r->in[r->in_pos])
            return xz_fail(r, -EINVAL, "non-zero index padding at offset %zu", r->in_pos);
    }
    if (CRC32_BYTES > r->in_len - r->in_pos)
        return xz_fail(r, -EINVAL, "truncated index CRC32 at offset %zu", r->in_pos);
    if (xz_crc32(r->in + at, r->in_pos - at, 0) != le32(r->in + r->in_pos))
        return xz_fail(r, -EIO, "index CRC32 mismatch at offset %zu", at);
    r->in_pos += CRC32_BYTES;
    if (listed.count != st->blocks.count || listed.crc != st->blocks.crc)
        return xz_fail(r, -EINVAL, "index at offset %zu does not match the blocks "
                       "(%lu records, %lu blocks decoded)", at,
                       (unsigned long)listed.count, (unsigned long)st->blocks.count);
    *index_size = r->in_pos - at;
    return 0;
}

static int stream_footer(struct xz_run *r, const struct stream *st, size_t index_size)
{
    const uint8_t *p = r->in + r->in_pos;
    size_t at = r->in_pos;

    if (r->in_len - at < STREAM_FOOTER_BYTES)
        return xz_fail(r, -EINVAL, "truncated stream footer at offset %zu", at);
    if (memcmp(p + 10, footer_magic, sizeof(footer_magic)) != 0)
        return xz_fail(r, -EINVAL, "no stream footer magic at offset %zu", at + 10);
    if (xz_crc32(p + 4, 6, 0) != le32(p))
        return xz_fail(r, -EIO, "stream footer CRC32 mismatch at offset %zu", at);
    if (((uint64_t)le32(p + 4) + 1) * 4 != index_size)
        return xz_fail(r, -EINVAL, "stream footer at offset %zu gives an index of %lu "
                       "bytes, the index has %zu", at,
                       ((unsigned long)le32(p + 4) + 1) * 4, index_size);
    if (p[8] != st->flags[0] || p[9] != st->flags[1])
        return xz_fail(r, -EINVAL, "stream footer flags at offset %zu differ from the "
                       "stream header's", at + 8);
    r->in_pos += STREAM_FOOTER_BYTES;
    return 0;
}

static int one_stream(struct xz_run *r, bool first)
{
    struct stream st;
    size_t index_size = 0;
    int rc;

    if ((rc = stream_header(r, &st, first)))
        return rc;
    for (;;) {
        if (r->in_pos >= r->in_len)
            return xz_fail(r, -EINVAL, "truncated stream: no index at offset %zu",
                           r->in_pos);
        if (r->in[r->in_pos] == 0)              /* index indicator */
            break;
        if ((rc = block(r, &st)))
            return rc;
    }
    if ((rc = stream_index(r, &st, &index_size)))
        return rc;
    return stream_footer(r, &st, index_size);
}

/* Skips zero padding; false once the input is used up. */
static bool stream_padding(struct xz_run *r, int *rc)
{
    size_t at = r->in_pos;

    while (r->in_pos < r->in_len && r->in[r->in_pos] == 0)
        r->in_pos++;
    if ((r->in_pos - at) & 3) {
        *rc = xz_fail(r, -EINVAL, "stream padding at offset %zu is %zu bytes, not a "
                      "multiple of 4", at, r->in_pos - at);
        return false;
    }
    return r->in_pos < r->in_len;
}

int xz_decompress(const void *in, size_t in_len, void *out, size_t out_cap,
                  size_t *out_len, char *err, size_t err_len)
{
    struct xz_run r = {
        .in = in, .in_len = in_len, .out = out, .out_cap = out_cap,
        .err = err, .err_len = err_len,
    };
    bool first = true;
    int rc = 0;

    *out_len = 0;
    if (err && err_len)
        err[0] = '\0';
    if (in_len == 0)
        return xz_fail(&r, -EINVAL, "input is empty");
    do {
        if ((rc = one_stream(&r, first)))
            return rc;
        first = false;
    } while (stream_padding(&r, &rc));
    if (rc)
        return rc;
    *out_len = r.out_pos;
    return 0;
}

int xz_linux_payload_size(const void *in, size_t in_len, size_t *size,
                          char *err, size_t err_len)
{
    struct xz_run r = { .err = err, .err_len = err_len };

    if (in_len < STREAM_HEADER_BYTES + STREAM_FOOTER_BYTES + LINUX_SIZE_BYTES)
        return xz_fail(&r, -EINVAL, "kernel payload of %zu bytes is too short for an "
                       "xz stream and its size trailer", in_len);
    *size = le32((const uint8_t *)in + in_len - LINUX_SIZE_BYTES);
    return 0;
}

int xz_decompress_linux_payload(const void *in, size_t in_len, void *out,
                                size_t out_cap, size_t *out_len,
                                char *err, size_t err_len)
{
    struct xz_run r = { .err = err, .err_len = err_len };
    size_t expect;
    int rc;

    *out_len = 0;
    if ((rc = xz_linux_payload_size(in, in_len, &expect, err, err_len)))
        return rc;
    if (expect > out_cap)
        return xz_fail(&r, -ENOSPC, "output larger than %zu bytes (the payload "
                       "trailer says %zu)", out_cap, expect);
    /* The trailer is not stream padding: decode the stream in front of it. */
    if ((rc = xz_decompress(in, in_len - LINUX_SIZE_BYTES, out, expect, out_len,
                            err, err_len)))
        return rc;
    if (*out_len != expect)
        return xz_fail(&r, -EINVAL, "payload decoded to %zu bytes, its trailer says %zu",
                       *out_len, expect);
    return 0;
}
