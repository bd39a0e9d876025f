/*
 * LZMA2 framing: a sequence of chunks, each either stored bytes or LZMA
 * data with known compressed and uncompressed sizes, ended by a zero
 * control byte. A chunk's control byte also says what to reset before it
 * (dictionary, properties, coder state); the first chunk of a block must
 * reset the dictionary, and LZMA data needs properties set since then.
 */
#include <lintel/errno.h>
#include <lintel/lib.h>

#include "xz_private.h"

#define CTRL_END                 0x00
#define CTRL_STORED_DICT_RESET   0x01
#define CTRL_STORED              0x02
#define CTRL_LZMA                0x80
/* Bits 5-6 of an LZMA chunk's control byte: how much to reset. */
#define CTRL_LZMA_STATE_RESET    0xa0
#define CTRL_LZMA_NEW_PROPS      0xc0
#define CTRL_LZMA_DICT_RESET     0xe0

#define STORED_HEADER_BYTES      3
#define LZMA_HEADER_BYTES        5

struct lzma2_state {
    struct xz_dict dict;
    bool need_dict_reset;
    bool need_props;
};

static unsigned be16(const uint8_t *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static int need_input(struct xz_run *r, size_t in_end, size_t bytes, const char *what)
{
    if (bytes > in_end - r->in_pos)
        return xz_fail(r, -EINVAL, "truncated %s at offset %zu", what, r->in_pos);
    return 0;
}

static int need_output(struct xz_run *r, const struct xz_dict *dict, size_t bytes)
{
    if (bytes > r->out_cap - dict->pos)
        return xz_fail(r, -ENOSPC, "output larger than %zu bytes (LZMA2 chunk at "
                       "offset %zu)", r->out_cap, r->in_pos);
    return 0;
}

static void reset_dictionary(struct lzma2_state *s)
{
    s->dict.start = s->dict.pos;
    s->need_dict_reset = false;
    s->need_props = true;
}

static int stored_chunk(struct xz_run *r, struct lzma2_state *s, size_t in_end,
                        uint8_t control)
{
    size_t size;
    int rc;

    if ((rc = need_input(r, in_end, STORED_HEADER_BYTES, "LZMA2 chunk header")))
        return rc;
    if (control == CTRL_STORED_DICT_RESET)
        reset_dictionary(s);
    else if (s->need_dict_reset)
        return xz_fail(r, -EINVAL, "LZMA2 data at offset %zu does not start with a "
                       "dictionary reset", r->in_pos);
    size = be16(r->in + r->in_pos + 1) + 1u;
    if ((rc = need_output(r, &s->dict, size)))
        return rc;
    r->in_pos += STORED_HEADER_BYTES;
    if ((rc = need_input(r, in_end, size, "stored LZMA2 chunk")))
        return rc;
    memcpy(s->dict.buf + s->dict.pos, r->in + r->in_pos, size);
    s->dict.pos += size;
    r->in_pos += size;
    return 0;
}

static int lzma_chunk(struct xz_run *r, struct lzma2_state *s, struct lzma_decoder *d,
                      size_t in_end, uint8_t control)
{
    size_t chunk_at = r->in_pos, header = LZMA_HEADER_BYTES, in_size, out_size;
    const uint8_t *p = r->in + r->in_pos;
    enum lzma_result res;
    int rc;

    if (control >= CTRL_LZMA_NEW_PROPS)
        header++;
    if ((rc = need_input(r, in_end, header, "LZMA2 chunk header")))
        return rc;
    if (control >= CTRL_LZMA_DICT_RESET)
        reset_dictionary(s);
    else if (s->need_dict_reset)
        return xz_fail(r, -EINVAL, "LZMA2 data at offset %zu does not start with a "
                       "dictionary reset", chunk_at);
    if (control >= CTRL_LZMA_NEW_PROPS) {
        if (!lzma_set_properties(d, p[5]))
            return xz_fail(r, -EINVAL, "invalid LZMA properties 0x%02x at offset %zu",
                           p[5], chunk_at + 5);
        s->need_props = false;
    } else if (s->need_props) {
        return xz_fail(r, -EINVAL, "LZMA2 chunk at offset %zu has no properties",
                       chunk_at);
    }
    if (control >= CTRL_LZMA_STATE_RESET)
        lzma_reset_state(d);
    out_size = ((size_t)(control & 0x1f) << 16 | be16(p + 1)) + 1;
    in_size = be16(p + 3) + 1u;
    if ((rc = need_output(r, &s->dict, out_size)))
        return rc;
    r->in_pos += header;
    if ((rc = need_input(r, in_end, in_size, "LZMA2 chunk")))
        return rc;
    res = lzma_decode_chunk(d, &s->dict, r->in + r->in_pos, in_size, out_size);
    if (res != LZMA_OK)
        return xz_fail(r, -EINVAL, "corrupt LZMA2 chunk at offset %zu: %s",
                       chunk_at, lzma_result_text(res));
    r->in_pos += in_size;
    return 0;
}

int lzma2_decode(struct xz_run *r, struct lzma_decoder *d, size_t in_end,
                 uint32_t dict_size)
{
    struct lzma2_state s = {
        .dict = { .buf = r->out, .start = r->out_pos, .pos = r->out_pos,
                  .dict_size = dict_size },
        .need_dict_reset = true,
        .need_props = true,
    };
    int rc = 0;

    for (;;) {
        uint8_t control;

        if ((rc = need_input(r, in_end, 1, "LZMA2 data")))
            break;
        control = r->in[r->in_pos];
        if (control == CTRL_END) {
            r->in_pos++;
            break;
        }
        if (control >= CTRL_LZMA)
            rc = lzma_chunk(r, &s, d, in_end, control);
        else if (control <= CTRL_STORED)
            rc = stored_chunk(r, &s, in_end, control);
        else
            rc = xz_fail(r, -EINVAL, "invalid LZMA2 control byte 0x%02x at offset %zu",
                         control, r->in_pos);
        if (rc)
            break;
    }
    r->out_pos = s.dict.pos;
    return rc;
}
