/*
 * The .xz decoder against real xz-utils output: fixtures are made at test
 * time by running the `xz` command on generated data (text, random,
 * x86-like code) with many option sets, then decoded by ours and compared.
 * Then every truncation, single-byte corruptions, wrong CRCs, too-small
 * output buffers, unsupported features, hand-built malformed LZMA2, and the
 * real payload of the stock Debian kernel when the cache has it.
 * Buffers are allocated at their exact size so ASan sees any overrun.
 */
#include "unit.h"

#include <stdio.h>
#include <unistd.h>

#include <lintel/elf.h>
#include <lintel/errno.h>
#include <lintel/kernel_image.h>
#include <lintel/xz.h>

#include "../common/xz/xz_private.h"

static char tmpdir[] = "/tmp/lintel-test-xz-XXXXXX";
static char err[256];

struct blob {
    uint8_t *data;
    size_t len;
};

/* ---- fixtures ---------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static struct blob gen_random(size_t len)
{
    struct blob b = { malloc(len ? len : 1), len };

    for (size_t i = 0; i < len; i++)
        b.data[i] = (uint8_t)rng();
    return b;
}

/* Words with skewed frequencies: compresses well, with many match kinds. */
static struct blob gen_text(size_t len)
{
    static const char *words[] = {
        "hypervisor ", "domain ", "grant ", "event ", "channel ", "page ",
        "the ", "of ", "a ", "xen ", "lintel ", "\n", "vcpu ", "0x1f2e3d4c ",
    };
    struct blob b = { malloc(len ? len : 1), len };
    size_t i = 0;

    while (i < len) {
        const char *w = words[(rng() % 7) * (rng() % 3) % ARRAY_SIZE(words)];

        for (; *w && i < len; w++)
            b.data[i++] = (uint8_t)*w;
    }
    return b;
}

/*
 * Dense E8/E9 opcodes with near (00/ff top byte) and far operands, runs of
 * adjacent opcodes, and repeated call targets: every path of the BCJ filter.
 */
static struct blob gen_x86(size_t len)
{
    struct blob b = { malloc(len ? len : 1), len };
    uint32_t targets[16];

    for (unsigned i = 0; i < ARRAY_SIZE(targets); i++)
        targets[i] = (uint32_t)rng() & 0x00ffffff;
    for (size_t i = 0; i < len; i++) {
        unsigned r = (unsigned)(rng() % 16);

        if (r < 3 && i + 5 <= len) {
            uint32_t rel = targets[rng() % 16] - (uint32_t)(i + 5);

            if (rng() % 4 == 0)
                rel = (uint32_t)rng();
            b.data[i] = r == 0 ? 0xe9 : 0xe8;
            memcpy(b.data + i + 1, &rel, 4);
            i += 4;
        } else if (r == 3) {
            b.data[i] = 0xe8;                   /* opcode byte with no call */
        } else {
            b.data[i] = (uint8_t)(rng() % 5 ? rng() : 0xff);
        }
    }
    return b;
}

static struct blob concat(struct blob a, struct blob b)
{
    struct blob c = { malloc(a.len + b.len + 1), a.len + b.len };

    memcpy(c.data, a.data, a.len);
    memcpy(c.data + a.len, b.data, b.len);
    return c;
}

/* concat() of two temporaries, which it frees. */
static struct blob join(struct blob a, struct blob b)
{
    struct blob c = concat(a, b);

    free(a.data);
    free(b.data);
    return c;
}

static struct blob read_file(const char *path)
{
    struct blob b = { NULL, 0 };
    FILE *f = fopen(path, "rb");
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    b.len = (size_t)n;
    b.data = malloc(b.len ? b.len : 1);
    assert_int_equal(fread(b.data, 1, b.len, f), b.len);
    fclose(f);
    return b;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* Compresses with the real xz command line tool. */
static struct blob xz_utils(const char *args, struct blob plain)
{
    char in[128], out[128], cmd[512];

    snprintf(in, sizeof(in), "%s/plain", tmpdir);
    snprintf(out, sizeof(out), "%s/plain.xz", tmpdir);
    write_file(in, plain.data, plain.len);
    snprintf(cmd, sizeof(cmd), "xz -q -T1 -c %s %s > %s", args, in, out);
    if (system(cmd) != 0)
        fail_msg("'%s' failed", cmd);
    return read_file(out);
}

/* Decodes from an exactly-sized copy, so a read past in_len is caught. */
static int decode(struct blob xz, size_t in_len, size_t out_cap, struct blob *out)
{
    uint8_t *in = malloc(in_len ? in_len : 1);
    int rc;

    memcpy(in, xz.data, in_len);
    out->data = malloc(out_cap ? out_cap : 1);
    rc = xz_decompress(in, in_len, out->data, out_cap, &out->len, err, sizeof(err));
    free(in);
    if (rc == 0)
        assert_true(out->len <= out_cap);
    else
        assert_memory_equal(err, "xz: ", 4);
    return rc;
}

static void assert_round_trip(const char *args, struct blob plain)
{
    struct blob xz = xz_utils(args, plain), out;
    int rc = decode(xz, xz.len, plain.len, &out);

    if (rc)
        fail_msg("xz %s (%zu bytes): %d %s", args, plain.len, rc, err);
    assert_int_equal(out.len, plain.len);
    assert_memory_equal(out.data, plain.data, plain.len);
    free(out.data);
    free(xz.data);
}

/* A small two-block stream with x86 BCJ and CRC64: the abuse tests' victim. */
static struct blob small_stream(struct blob *plain)
{
    *plain = join(gen_x86(1500), gen_text(2500));
    return xz_utils("--block-size=2000 --check=crc64 --x86 --lzma2=preset=6", *plain);
}

/* ---- hand-built streams (no check) for malformed LZMA2 ----------------- */

static uint32_t ref_crc32(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;

    /* Bitwise, independent of the table-driven code under test. */
    while (n--) {
        crc ^= *p++;
        for (int i = 0; i < 8; i++)
            crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);       /* the tests run on little-endian x86 only */
}

/*
 * One block, LZMA2 with a 4 KiB dictionary, no sizes in its header. With
 * padded_vli the index spends a redundant zero byte on the size, which the
 * format forbids.
 */
static struct blob build_stream_vli(const uint8_t *lzma2, size_t lzma2_len,
                                    uint8_t plain_len, bool padded_vli)
{
    struct blob b = { calloc(1, 64 + lzma2_len), 0 };
    uint8_t *p = b.data;
    size_t n = 0, block_at, index_at, unpadded;

    memcpy(p, "\xfd" "7zXZ\0\0\0", 8);              /* check type: none */
    put32(p + 8, ref_crc32(p + 6, 2));
    n = 12;
    block_at = n;
    memcpy(p + n, "\x02\x00\x21\x01\x00\x00\x00\x00", 8);   /* LZMA2, dict 4 KiB */
    put32(p + n + 8, ref_crc32(p + n, 8));
    n += 12;
    memcpy(p + n, lzma2, lzma2_len);
    n += lzma2_len;
    unpadded = n - block_at;
    while (n & 3)
        p[n++] = 0;
    index_at = n;
    p[n++] = 0;
    p[n++] = 1;
    p[n++] = (uint8_t)unpadded;                     /* small tests only: < 128 */
    if (padded_vli) {
        p[n++] = plain_len | 0x80;
        p[n++] = 0;
    } else {
        p[n++] = plain_len;
    }
    while (n & 3)
        p[n++] = 0;
    put32(p + n, ref_crc32(p + index_at, n - index_at));
    n += 4;
    put32(p + n + 4, (uint32_t)((n - index_at) / 4 - 1));
    memcpy(p + n + 8, "\0\0YZ", 4);
    put32(p + n, ref_crc32(p + n + 4, 6));
    b.len = n + 12;
    return b;
}

static struct blob build_stream(const uint8_t *lzma2, size_t lzma2_len, uint8_t plain_len)
{
    return build_stream_vli(lzma2, lzma2_len, plain_len, false);
}

static int decode_lzma2(const char *lzma2, size_t len, uint8_t plain_len)
{
    struct blob xz = build_stream((const uint8_t *)lzma2, len, plain_len), out;
    int rc = decode(xz, xz.len, 64, &out);

    free(xz.data);
    free(out.data);
    return rc;
}

/* ---- tests ------------------------------------------------------------- */

static void crc_test_vectors(void **state)
{
    (void)state;
    assert_int_equal(xz_crc32((const uint8_t *)"123456789", 9, 0), 0xcbf43926u);
    assert_true(xz_crc64((const uint8_t *)"123456789", 9, 0) == 0x995dc9bbdf1939faull);
    /* Incremental use gives the same result as one call. */
    assert_int_equal(xz_crc32((const uint8_t *)"6789", 4,
                              xz_crc32((const uint8_t *)"12345", 5, 0)), 0xcbf43926u);
}

static void round_trips_presets_and_checks(void **state)
{
    struct blob text = gen_text(200000), rnd = gen_random(70000);
    struct blob mixed = join(concat(text, rnd), concat(text, rnd));

    (void)state;
    assert_round_trip("-0", text);
    assert_round_trip("-6", text);
    assert_round_trip("-6e", text);
    assert_round_trip("-3 --check=crc32", rnd);
    assert_round_trip("-6 --check=crc64", mixed);
    assert_round_trip("-1 --check=none", mixed);
    free(text.data);
    free(rnd.data);
    free(mixed.data);
}

static void round_trips_lzma_parameters(void **state)
{
    struct blob text = gen_text(100000), mixed = join(gen_x86(30000), gen_text(50000));

    (void)state;
    assert_round_trip("--lzma2=preset=6,lc=0,lp=4,pb=0", mixed);
    assert_round_trip("--lzma2=preset=6,lc=4,lp=0,pb=4", mixed);
    assert_round_trip("--lzma2=preset=6,lc=1,lp=3,pb=2", mixed);
    assert_round_trip("--lzma2=preset=6,lc=3,lp=0,pb=0,mode=fast,mf=hc4", mixed);
    /* A 4 KiB dictionary makes distance checks bite on long inputs. */
    assert_round_trip("--lzma2=preset=6,dict=4KiB", text);
    assert_round_trip("--lzma2=preset=9e,nice=273", text);
    free(text.data);
    free(mixed.data);
}

static void round_trips_x86_bcj(void **state)
{
    struct blob code = gen_x86(300000);

    (void)state;
    assert_round_trip("--x86 --lzma2=preset=6", code);
    assert_round_trip("--x86=start=74565 --lzma2=preset=1", code);
    assert_round_trip("--x86=start=4294967280 --lzma2=preset=6", code);
    assert_round_trip("--x86 --x86=start=7 --lzma2=preset=2", code);
    assert_round_trip("--block-size=65537 --check=crc64 --x86 --lzma2=preset=6", code);
    free(code.data);
}

static void round_trips_sizes_and_blocks(void **state)
{
    struct blob empty = { malloc(1), 0 }, one = gen_random(1), tiny = gen_x86(4);
    struct blob text = gen_text(100000), big = gen_text(5 << 20);

    (void)state;
    assert_round_trip("-6", empty);
    assert_round_trip("--x86 --lzma2=preset=6", empty);
    assert_round_trip("-6", one);
    assert_round_trip("--x86 --lzma2=preset=0", tiny);
    /* Multi-block streams carry sizes in block headers; all are checked. */
    assert_round_trip("--block-size=10000 -3", text);
    assert_round_trip("--block-list=1,2,3,40000,100 -6", text);
    /* Past 2 MiB the encoder must split LZMA2 chunks; several chunk kinds. */
    assert_round_trip("-1", big);
    free(empty.data);
    free(one.data);
    free(tiny.data);
    free(text.data);
    free(big.data);
}

static void concatenated_streams_and_padding(void **state)
{
    struct blob a = gen_text(5000), b = gen_x86(7000), pad = { calloc(1, 8), 8 };
    struct blob xa = xz_utils("-6", a), xb = xz_utils("--x86 --lzma2=preset=6 -C crc64", b);
    struct blob ab = concat(a, b), stream = join(concat(xa, pad), concat(xb, pad)), out;

    (void)state;
    assert_int_equal(decode(stream, stream.len, ab.len, &out), 0);
    assert_int_equal(out.len, ab.len);
    assert_memory_equal(out.data, ab.data, ab.len);
    free(out.data);
    /* Trailing stream padding: 4 or 8 zeros fine, 3 zeros not. */
    pad.len = 4;
    free(stream.data);
    stream = concat(xa, pad);
    assert_int_equal(decode(stream, stream.len, a.len, &out), 0);
    free(out.data);
    assert_int_equal(decode(stream, stream.len - 1, a.len, &out), -EINVAL);
    assert_non_null(strstr(err, "not a multiple of 4"));
    free(out.data);
    memcpy(stream.data + xa.len, "junk", 4);
    assert_int_equal(decode(stream, stream.len, a.len, &out), -EINVAL);
    assert_non_null(strstr(err, "neither padding nor another xz stream"));
    free(out.data);
    free(stream.data);
    free(ab.data);
    free(xa.data);
    free(xb.data);
    free(a.data);
    free(b.data);
    free(pad.data);
}

static void every_truncation_is_rejected(void **state)
{
    struct blob plain, xz = small_stream(&plain), out;

    (void)state;
    for (size_t len = 0; len < xz.len; len++) {
        int rc = decode(xz, len, plain.len, &out);

        if (rc != -EINVAL)
            fail_msg("prefix of %zu/%zu bytes: %d %s", len, xz.len, rc, err);
        free(out.data);
    }
    assert_int_equal(decode(xz, xz.len, plain.len, &out), 0);
    assert_memory_equal(out.data, plain.data, plain.len);
    free(out.data);
    free(xz.data);
    free(plain.data);
}

/* Whatever byte is damaged: an error, or (harmless bits) the right output. */
static void corrupted_bytes_never_give_wrong_output(void **state)
{
    static const uint8_t flips[] = { 0x01, 0x10, 0x80, 0xff };
    struct blob plain, xz = small_stream(&plain), out;
    unsigned errors = 0, tries = 0;

    (void)state;
    for (size_t pos = 0; pos < xz.len; pos++) {
        for (unsigned f = 0; f < ARRAY_SIZE(flips); f++) {
            int rc;

            xz.data[pos] ^= flips[f];
            rc = decode(xz, xz.len, plain.len + 100, &out);
            xz.data[pos] ^= flips[f];
            tries++;
            if (rc) {
                errors++;
            } else if (out.len != plain.len || memcmp(out.data, plain.data, plain.len)) {
                fail_msg("flipping 0x%02x at offset %zu gave wrong output", flips[f], pos);
            }
            free(out.data);
        }
    }
    print_message("%u of %u corruptions rejected\n", errors, tries);
    assert_true(errors > tries * 9 / 10);
    free(xz.data);
    free(plain.data);
}

/* Where a single-stream file's index starts, from its footer. */
static size_t index_offset(struct blob xz)
{
    uint32_t backward;

    memcpy(&backward, xz.data + xz.len - 8, 4);
    return xz.len - 12 - ((size_t)backward + 1) * 4;
}

static void expect_error(struct blob xz, size_t pos, size_t out_cap, int code,
                         const char *message)
{
    struct blob out;

    xz.data[pos] ^= 1;
    assert_int_equal(decode(xz, xz.len, out_cap, &out), code);
    xz.data[pos] ^= 1;
    if (!strstr(err, message))
        fail_msg("byte %zu: expected '%s', got '%s'", pos, message, err);
    free(out.data);
}

static void wrong_crcs(void **state)
{
    struct blob plain = gen_text(3000), out;
    struct blob c32 = xz_utils("-6 --check=crc32", plain);
    struct blob c64 = xz_utils("-6 --check=crc64", plain);
    size_t index_at = index_offset(c32);

    (void)state;
    /* The block check is the last thing before the index. */
    expect_error(c32, index_at - 1, plain.len, -EIO, "CRC32 mismatch in block at offset 12");
    expect_error(c64, index_offset(c64) - 1, plain.len, -EIO,
                 "CRC64 mismatch in block at offset 12");
    expect_error(c32, 9, plain.len, -EIO, "xz: stream header CRC32 mismatch at offset 0");
    expect_error(c32, 14, plain.len, -EIO, "xz: block header CRC32 mismatch at offset 12");
    expect_error(c32, c32.len - 13, plain.len, -EIO, "index CRC32 mismatch");
    expect_error(c32, c32.len - 12, plain.len, -EIO, "stream footer CRC32 mismatch");

    /* An index record that lies about a size, with a valid index CRC. */
    assert_int_equal(c32.data[index_at + 1], 1);                /* one record */
    c32.data[index_at + 2] ^= 4;                        /* its unpadded size */
    put32(c32.data + c32.len - 16, ref_crc32(c32.data + index_at,
                                             c32.len - 16 - index_at));
    assert_int_equal(decode(c32, c32.len, plain.len, &out), -EINVAL);
    assert_non_null(strstr(err, "does not match the blocks"));
    free(out.data);
    free(c32.data);
    free(c64.data);
    free(plain.data);
}

/*
 * liblzma never matches further back than the dictionary it declares; a
 * stream that does is corrupt even when the output buffer holds the bytes.
 * Made by shrinking the declared dictionary of a 64 KiB-dictionary stream.
 */
static void distance_beyond_declared_dictionary(void **state)
{
    struct blob chunk = gen_random(20000), plain = { malloc(60000), 60000 }, out;
    struct blob xz;
    size_t header_len;

    (void)state;
    for (size_t i = 0; i < plain.len; i++)      /* random 20 KB, three times */
        plain.data[i] = chunk.data[i % chunk.len];
    xz = xz_utils("--lzma2=preset=6,dict=64KiB", plain);
    assert_int_equal(decode(xz, xz.len, plain.len, &out), 0);
    free(out.data);
    header_len = (xz.data[12] + 1u) * 4;
    assert_int_equal(xz.data[14], 0x21);            /* LZMA2, then props size 1 */
    assert_int_equal(xz.data[16], 8);               /* dict code 8 = 64 KiB */
    xz.data[16] = 4;                                /* 16 KiB */
    put32(xz.data + 12 + header_len - 4, ref_crc32(xz.data + 12, header_len - 4));
    assert_int_equal(decode(xz, xz.len, plain.len, &out), -EINVAL);
    assert_non_null(strstr(err, "match distance reaches before the dictionary"));
    free(out.data);
    free(xz.data);
    free(plain.data);
    free(chunk.data);
}

/* A single-block stream's block data: [*start, *end) ends in the end marker. */
static void block_data_span(struct blob xz, size_t *start, size_t *end)
{
    size_t index_at = index_offset(xz), unpadded = 0;
    unsigned shift = 0;

    assert_int_equal(xz.data[index_at + 1], 1);
    for (size_t i = index_at + 2;; i++, shift += 7) {
        unpadded |= (size_t)(xz.data[i] & 0x7f) << shift;
        if (!(xz.data[i] & 0x80))
            break;
    }
    *start = 12 + (xz.data[12] + 1u) * 4;
    *end = 12 + unpadded;                   /* these tests use --check=none */
}

/* Flips the low bit of the last range-coded byte: symbols unchanged, the
 * coder no longer ends flushed, which is corruption all the same. */
static void range_coder_must_end_flushed(void **state)
{
    struct blob plain = gen_text(3000), xz = xz_utils("-6 --check=none", plain), out;
    size_t start, end;

    (void)state;
    block_data_span(xz, &start, &end);
    assert_int_equal(xz.data[end - 1], 0);              /* LZMA2 end marker */
    xz.data[end - 2] ^= 1;
    assert_int_equal(decode(xz, xz.len, plain.len, &out), -EINVAL);
    assert_non_null(strstr(err, "range coder not flushed"));
    free(out.data);
    free(xz.data);
    free(plain.data);
}

/* Declaring one byte less than the chunk holds leaves its last match (a
 * repeat of 1000 random bytes) hanging over the chunk's end. */
static void match_must_end_inside_its_chunk(void **state)
{
    struct blob half = gen_random(1000), plain = concat(half, half), out;
    struct blob xz = xz_utils("-6 --check=none", plain);
    size_t start, end;
    unsigned declared;

    (void)state;
    block_data_span(xz, &start, &end);
    assert_int_equal(xz.data[start], 0xe0);     /* one LZMA chunk, all resets */
    declared = (unsigned)xz.data[start + 1] << 8 | xz.data[start + 2];
    assert_int_equal(declared + 1, plain.len);
    xz.data[start + 1] = (uint8_t)((declared - 1) >> 8);
    xz.data[start + 2] = (uint8_t)(declared - 1);
    assert_int_equal(decode(xz, xz.len, plain.len, &out), -EINVAL);
    assert_non_null(strstr(err, "match runs past the chunk's uncompressed size"));
    free(out.data);
    free(xz.data);
    free(plain.data);
    free(half.data);
}

static void footer_must_repeat_header_flags(void **state)
{
    struct blob plain = gen_text(500), xz = xz_utils("-6 --check=crc32", plain), out;
    uint8_t *footer;

    (void)state;
    footer = xz.data + xz.len - 12;
    assert_int_equal(footer[9], 0x01);
    footer[9] = 0x04;                                   /* CRC64 */
    put32(footer, ref_crc32(footer + 4, 6));
    assert_int_equal(decode(xz, xz.len, plain.len, &out), -EINVAL);
    assert_non_null(strstr(err, "differ from the stream header's"));
    free(out.data);
    free(xz.data);
    free(plain.data);
}

static void integers_must_be_minimal(void **state)
{
    struct blob xz = build_stream_vli((const uint8_t *)"\x01\x00\x01hi\x00", 6, 2, true);
    struct blob out;

    (void)state;
    assert_int_equal(decode(xz, xz.len, 64, &out), -EINVAL);
    assert_non_null(strstr(err, "index record at offset"));
    assert_non_null(strstr(err, "has a redundant zero byte"));
    free(out.data);
    free(xz.data);
}

static void output_buffer_too_small(void **state)
{
    struct blob plain, xz = small_stream(&plain), out;
    struct blob rnd = gen_random(3000), stored = xz_utils("-6", rnd);

    (void)state;
    for (size_t cap = 0; cap < plain.len; cap++) {
        int rc = decode(xz, xz.len, cap, &out);

        if (rc != -ENOSPC)
            fail_msg("out_cap %zu of %zu: %d %s", cap, plain.len, rc, err);
        free(out.data);
    }
    assert_non_null(strstr(err, "output larger than"));
    for (size_t cap = 0; cap < rnd.len; cap += 7) {
        assert_int_equal(decode(stored, stored.len, cap, &out), -ENOSPC);
        free(out.data);
    }
    assert_int_equal(decode(stored, stored.len, rnd.len, &out), 0);
    assert_memory_equal(out.data, rnd.data, rnd.len);
    free(out.data);
    free(xz.data);
    free(plain.data);
    free(rnd.data);
    free(stored.data);
}

static void unsupported_features(void **state)
{
    struct blob plain = gen_text(2000), out, xz;

    (void)state;
    xz = xz_utils("--delta=dist=4 --lzma2=preset=1", plain);
    assert_int_equal(decode(xz, xz.len, plain.len, &out), -ENOSYS);
    assert_string_equal(err, "xz: unsupported filter 0x3 at offset 14 (only x86 BCJ "
                        "and LZMA2 are)");
    free(out.data);
    free(xz.data);
    xz = xz_utils("--arm --lzma2=preset=1", plain);
    assert_int_equal(decode(xz, xz.len, plain.len, &out), -ENOSYS);
    assert_non_null(strstr(err, "unsupported filter 0x7"));
    free(out.data);
    free(xz.data);
    xz = xz_utils("-1 --check=sha256", plain);
    assert_int_equal(decode(xz, xz.len, plain.len, &out), -ENOSYS);
    assert_string_equal(err, "xz: unsupported check type 0xa at offset 7");
    free(out.data);
    free(xz.data);
    xz = xz_utils("--format=lzma -1", plain);
    assert_int_equal(decode(xz, xz.len, plain.len, &out), -EINVAL);
    assert_string_equal(err, "xz: no xz stream header at offset 0");
    free(out.data);
    free(xz.data);
    free(plain.data);
}

static void malformed_lzma2(void **state)
{
    (void)state;
    /* Sanity: the builder's stream is valid with a stored chunk "hi". */
    assert_int_equal(decode_lzma2("\x01\x00\x01hi\x00", 6, 2), 0);
    assert_int_equal(decode_lzma2("\x02\x00\x01hi\x00", 6, 2), -EINVAL);
    assert_non_null(strstr(err, "does not start with a dictionary reset"));
    assert_int_equal(decode_lzma2("\x03\x00\x01hi\x00", 6, 2), -EINVAL);
    assert_string_equal(err, "xz: invalid LZMA2 control byte 0x03 at offset 24");
    /* An LZMA chunk with state reset but no properties after a dict reset. */
    assert_int_equal(decode_lzma2("\x01\x00\x01hi\xa0\x00\x00\x00\x04\x00\x00\x00"
                                  "\x00\x00\x00", 16, 3), -EINVAL);
    assert_non_null(strstr(err, "has no properties"));
    /* lc = 5, lp = 1: beyond LZMA2's lc + lp <= 4. */
    assert_int_equal(decode_lzma2("\xe0\x00\x00\x00\x04\x0e\x00\x00\x00\x00\x00\x00",
                                  12, 1), -EINVAL);
    assert_non_null(strstr(err, "invalid LZMA properties 0x0e"));
    /* A range coder whose first byte is not zero. */
    assert_int_equal(decode_lzma2("\xe0\x00\x00\x00\x04\x5d\x01\x00\x00\x00\x00\x00",
                                  12, 1), -EINVAL);
    assert_non_null(strstr(err, "range coder does not start with a zero byte"));
    /* No end marker: a padding zero ends the data, and the index disagrees. */
    assert_int_equal(decode_lzma2("\x01\x00\x01hi", 5, 2), -EINVAL);
    /* A stored chunk bigger than the declared output space. */
    assert_int_equal(decode_lzma2("\x01\xff\xff", 3, 2), -ENOSPC);
}

static void error_buffer_edge_cases(void **state)
{
    struct blob plain = gen_text(100), xz = xz_utils("-1", plain);
    uint8_t out[100];
    char small[8];
    size_t len;

    (void)state;
    assert_int_equal(xz_decompress(xz.data, 3, out, sizeof(out), &len, NULL, 0), -EINVAL);
    assert_int_equal(xz_decompress(xz.data, 3, out, sizeof(out), &len, small,
                                   sizeof(small)), -EINVAL);
    assert_string_equal(small, "xz: no ");
    assert_int_equal(xz_decompress(xz.data, 0, out, sizeof(out), &len, err,
                                   sizeof(err)), -EINVAL);
    assert_string_equal(err, "xz: input is empty");
    assert_int_equal(xz_decompress(xz.data, xz.len, out, sizeof(out), &len, err,
                                   sizeof(err)), 0);
    assert_string_equal(err, "");
    free(xz.data);
    free(plain.data);
}

static void linux_payload_trailer(void **state)
{
    struct blob plain = gen_x86(20000), xz = xz_utils("--x86 --lzma2=preset=6", plain);
    struct blob payload = { malloc(xz.len + 4), xz.len + 4 };
    size_t size, len;
    uint8_t *out = malloc(plain.len);

    (void)state;
    memcpy(payload.data, xz.data, xz.len);
    put32(payload.data + xz.len, (uint32_t)plain.len);
    assert_int_equal(xz_linux_payload_size(payload.data, payload.len, &size, err,
                                           sizeof(err)), 0);
    assert_int_equal(size, plain.len);
    assert_int_equal(xz_decompress_linux_payload(payload.data, payload.len, out,
                                                 plain.len, &len, err, sizeof(err)), 0);
    assert_memory_equal(out, plain.data, plain.len);
    /* The raw decoder sees the trailer as junk after the stream. */
    assert_int_equal(xz_decompress(payload.data, payload.len, out, plain.len, &len,
                                   err, sizeof(err)), -EINVAL);
    assert_int_equal(xz_decompress_linux_payload(payload.data, payload.len, out,
                                                 plain.len - 1, &len, err,
                                                 sizeof(err)), -ENOSPC);
    put32(payload.data + xz.len, (uint32_t)plain.len - 1);
    assert_int_equal(xz_decompress_linux_payload(payload.data, payload.len, out,
                                                 plain.len, &len, err, sizeof(err)),
                     -ENOSPC);
    put32(payload.data + xz.len, (uint32_t)plain.len + 1);
    assert_int_equal(xz_decompress_linux_payload(payload.data, payload.len, out,
                                                 plain.len + 1, &len, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "its trailer says"));
    assert_int_equal(xz_linux_payload_size(payload.data, 20, &size, err, sizeof(err)),
                     -EINVAL);
    free(out);
    free(payload.data);
    free(xz.data);
    free(plain.data);
}

/* build/cache/kernel/vmlinuz, found from this binary's place in build/. */
static bool find_stock_kernel(char *path, size_t size)
{
    char exe[512];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (getenv("LINTEL_KERNEL")) {
        snprintf(path, size, "%s", getenv("LINTEL_KERNEL"));
        return access(path, R_OK) == 0;
    }
    if (n <= 0)
        return false;
    exe[n] = '\0';
    for (int up = 0; up < 3 && (slash = strrchr(exe, '/')); up++)
        *slash = '\0';                  /* build/hypervisor/tests/test_xz */
    snprintf(path, size, "%s/cache/kernel/vmlinuz", exe);
    return access(path, R_OK) == 0;
}

/* This kernel (6.1.0-56) has no HYPERCALL_PAGE note any more: not checked. */
struct xen_note_scan {
    bool entry, guest_os_linux;
};

static void note_seen(void *ctx, const char *name, uint32_t type, const void *desc,
                      uint32_t desc_size)
{
    struct xen_note_scan *scan = ctx;

    if (strcmp(name, "Xen") == 0 && type == 1 && desc_size == 8)
        scan->entry = true;
    if (strcmp(name, "Xen") == 0 && type == 6 && desc_size >= 6)
        scan->guest_os_linux = memcmp(desc, "linux", 6) == 0;
}

static void stock_kernel_payload(void **state)
{
    char path[600], cmd[800], payload_path[128], ref_path[128];
    struct kernel_image k;
    struct elf_image elf;
    struct xen_note_scan scan = { false, false };
    struct blob image, ref;
    size_t size, len;
    uint8_t *out;

    (void)state;
    if (!find_stock_kernel(path, sizeof(path))) {
        print_message("no stock kernel in build/cache: run make artifacts\n");
        skip();
    }
    image = read_file(path);
    assert_int_equal(kernel_image_check(image.data, image.len, &k, err, sizeof(err)), 0);
    assert_int_equal(k.format, KERNEL_BZIMAGE);
    assert_string_equal(k.compression, "xz");
    assert_int_equal(xz_linux_payload_size(image.data + k.payload_offset,
                                           k.payload_length, &size, err, sizeof(err)), 0);
    out = malloc(size);
    if (xz_decompress_linux_payload(image.data + k.payload_offset, k.payload_length,
                                    out, size, &len, err, sizeof(err)))
        fail_msg("%s", err);
    assert_int_equal(len, size);

    snprintf(payload_path, sizeof(payload_path), "%s/payload.xz", tmpdir);
    snprintf(ref_path, sizeof(ref_path), "%s/payload", tmpdir);
    write_file(payload_path, image.data + k.payload_offset, k.payload_length - 4);
    snprintf(cmd, sizeof(cmd), "xz -dc %s > %s", payload_path, ref_path);
    assert_int_equal(system(cmd), 0);
    ref = read_file(ref_path);
    assert_int_equal(ref.len, len);
    assert_true(memcmp(ref.data, out, len) == 0);

    assert_int_equal(elf_parse(out, len, &elf, err, sizeof(err)), 0);
    assert_true(elf.xen_notes > 0);
    assert_int_equal(elf_for_each_note(&elf, note_seen, &scan, err, sizeof(err)), 0);
    assert_true(scan.entry && scan.guest_os_linux);
    print_message("stock kernel: %u-byte payload -> %zu-byte ELF, %u Xen notes\n",
                  (unsigned)k.payload_length, len, elf.xen_notes);
    free(ref.data);
    free(out);
    free(image.data);
}

static int make_tmpdir(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc_test_vectors),
        cmocka_unit_test(round_trips_presets_and_checks),
        cmocka_unit_test(round_trips_lzma_parameters),
        cmocka_unit_test(round_trips_x86_bcj),
        cmocka_unit_test(round_trips_sizes_and_blocks),
        cmocka_unit_test(concatenated_streams_and_padding),
        cmocka_unit_test(every_truncation_is_rejected),
        cmocka_unit_test(corrupted_bytes_never_give_wrong_output),
        cmocka_unit_test(wrong_crcs),
        cmocka_unit_test(distance_beyond_declared_dictionary),
        cmocka_unit_test(range_coder_must_end_flushed),
        cmocka_unit_test(match_must_end_inside_its_chunk),
        cmocka_unit_test(footer_must_repeat_header_flags),
        cmocka_unit_test(integers_must_be_minimal),
        cmocka_unit_test(output_buffer_too_small),
        cmocka_unit_test(unsupported_features),
        cmocka_unit_test(malformed_lzma2),
        cmocka_unit_test(error_buffer_edge_cases),
        cmocka_unit_test(linux_payload_trailer),
        cmocka_unit_test(stock_kernel_payload),
    };
    return cmocka_run_group_tests_name("xz", tests, make_tmpdir, remove_tmpdir);
}
