/*
 * Compressed kernel payloads, one decoder per format behind a table keyed
 * by magic bytes. Each decoder grows the output as needed up to
 * KERNEL_IMAGE_MAX and stops at the end of the first stream.
 */
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "kernel_image.h"

struct growing_output {
    uint8_t *data;
    size_t size;        /* allocated */
    size_t used;
};

/* Doubles the buffer; false once the kernel would exceed the limit. */
static bool output_grow(struct growing_output *out)
{
    size_t size = out->size ? out->size * 2 : (size_t)4 << 20;
    uint8_t *data;

    if (out->size >= KERNEL_IMAGE_MAX)
        return false;
    if (size > KERNEL_IMAGE_MAX)
        size = KERNEL_IMAGE_MAX;
    data = realloc(out->data, size);
    if (!data)
        return false;
    out->data = data;
    out->size = size;
    return true;
}

static int too_big(char *why, size_t why_len)
{
    snprintf(why, why_len, "unpacked kernel is larger than %u MiB",
             KERNEL_IMAGE_MAX >> 20);
    return -1;
}

static int decode_xz(const uint8_t *in, size_t in_len, struct growing_output *out,
                     char *why, size_t why_len)
{
    lzma_stream strm = LZMA_STREAM_INIT;
    lzma_ret ret;

    if (lzma_stream_decoder(&strm, KERNEL_IMAGE_MAX, 0) != LZMA_OK) {
        snprintf(why, why_len, "cannot start the xz decoder");
        return -1;
    }
    strm.next_in = in;
    strm.avail_in = in_len;
    do {
        if (strm.avail_out == 0) {
            if (!output_grow(out)) {
                lzma_end(&strm);
                return too_big(why, why_len);
            }
            strm.next_out = out->data + out->used;
            strm.avail_out = out->size - out->used;
        }
        ret = lzma_code(&strm, LZMA_RUN);
        out->used = out->size - strm.avail_out;
    } while (ret == LZMA_OK && (strm.avail_in > 0 || strm.avail_out == 0));
    lzma_end(&strm);
    if (ret != LZMA_STREAM_END) {
        snprintf(why, why_len, "xz payload is corrupt or truncated (liblzma error %d)",
                 (int)ret);
        return -1;
    }
    return 0;
}

static int decode_gzip(const uint8_t *in, size_t in_len, struct growing_output *out,
                       char *why, size_t why_len)
{
    z_stream zs;
    int ret;

    memset(&zs, 0, sizeof(zs));
    /* 16 + MAX_WBITS: expect the gzip wrapper, not raw zlib. */
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK || in_len > UINT32_MAX) {
        snprintf(why, why_len, "cannot start the gzip decoder");
        return -1;
    }
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)in_len;
    do {
        if (zs.avail_out == 0) {
            if (!output_grow(out)) {
                inflateEnd(&zs);
                return too_big(why, why_len);
            }
            zs.next_out = out->data + out->used;
            zs.avail_out = (uInt)(out->size - out->used);
        }
        ret = inflate(&zs, Z_NO_FLUSH);
        out->used = out->size - zs.avail_out;
    } while (ret == Z_OK);
    inflateEnd(&zs);
    if (ret != Z_STREAM_END) {
        snprintf(why, why_len, "gzip payload is corrupt or truncated (zlib error %d)",
                 ret);
        return -1;
    }
    return 0;
}

static int decode_zstd(const uint8_t *in, size_t in_len, struct growing_output *out,
                       char *why, size_t why_len)
{
    ZSTD_DCtx *dctx = ZSTD_createDCtx();
    ZSTD_inBuffer input = { in, in_len, 0 };
    size_t ret = 1;

    if (!dctx) {
        snprintf(why, why_len, "cannot start the zstd decoder");
        return -1;
    }
    /* 0 from ZSTD_decompressStream means one whole frame is out. */
    while (ret != 0) {
        ZSTD_outBuffer output;

        if (out->used == out->size && !output_grow(out)) {
            ZSTD_freeDCtx(dctx);
            return too_big(why, why_len);
        }
        output = (ZSTD_outBuffer){ out->data, out->size, out->used };
        ret = ZSTD_decompressStream(dctx, &output, &input);
        out->used = output.pos;
        if (ZSTD_isError(ret) || (ret != 0 && input.pos == input.size &&
                                  output.pos < output.size)) {
            snprintf(why, why_len, "zstd payload is corrupt or truncated (%s)",
                     ZSTD_isError(ret) ? ZSTD_getErrorName(ret) : "input ended");
            ZSTD_freeDCtx(dctx);
            return -1;
        }
    }
    ZSTD_freeDCtx(dctx);
    return 0;
}

struct payload_format {
    const char *name;
    const uint8_t *magic;
    size_t magic_len;
    int (*decode)(const uint8_t *in, size_t in_len, struct growing_output *out,
                  char *why, size_t why_len);
};

static const struct payload_format formats[] = {
    { "xz", (const uint8_t *)"\xfd" "7zXZ\0", 6, decode_xz },
    { "gzip", (const uint8_t *)"\x1f\x8b", 2, decode_gzip },
    { "zstd", (const uint8_t *)"\x28\xb5\x2f\xfd", 4, decode_zstd },
    /* Formats Linux can use that Lintel does not unpack: named, then refused. */
    { "bzip2", (const uint8_t *)"BZh", 3, NULL },
    { "lzma", (const uint8_t *)"\x5d\x00\x00", 3, NULL },
    { "lz4", (const uint8_t *)"\x02\x21\x4c\x18", 4, NULL },
    { "lzo", (const uint8_t *)"\x89LZO", 4, NULL },
};

int payload_decompress(const uint8_t *in, size_t in_len, uint8_t **out,
                       size_t *out_len, const char **format, char *why,
                       size_t why_len)
{
    struct growing_output output = { NULL, 0, 0 };

    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        const struct payload_format *f = &formats[i];

        if (in_len < f->magic_len || memcmp(in, f->magic, f->magic_len) != 0)
            continue;
        *format = f->name;
        if (!f->decode) {
            snprintf(why, why_len, "%s-compressed kernels are not supported "
                     "(use xz, gzip or zstd)", f->name);
            return -1;
        }
        if (f->decode(in, in_len, &output, why, why_len) < 0) {
            free(output.data);
            return -1;
        }
        *out = output.data;
        *out_len = output.used;
        return 0;
    }
    snprintf(why, why_len, "unknown compression of the kernel payload (magic %02x %02x)",
             in_len > 0 ? in[0] : 0, in_len > 1 ? in[1] : 0);
    return -1;
}
