/*
 * The LZMA symbol decoder for LZMA2 chunks. A symbol is a literal byte, a
 * match (length + new distance), or a repeat of one of the last four
 * distances; a 12-state machine of the recent symbol kinds selects which
 * probabilities code the next one. Distances and lengths are only trusted
 * after checking them against the dictionary and the chunk's end.
 */
#include <lintel/lib.h>

#include "range_decoder.h"
#include "xz_private.h"

#define LZMA_MATCH_LEN_MIN   2
#define LZMA_LEN_LOW_BITS    3
#define LZMA_LEN_MID_BITS    3
#define LZMA_LEN_HIGH_BITS   8
#define LZMA_LEN_LOW_COUNT   (1u << LZMA_LEN_LOW_BITS)
#define LZMA_LEN_MID_COUNT   (1u << LZMA_LEN_MID_BITS)
#define LZMA_DIST_SLOT_BITS  6
/* States below this one follow a literal: their literal is not "matched". */
#define LZMA_LIT_STATES      7

bool lzma_set_properties(struct lzma_decoder *d, uint8_t props)
{
    unsigned lc = props % 9, lp = (props / 9) % 5, pb = props / 45;

    if (props >= 9 * 5 * 5 || lc + lp > LZMA2_LCLP_MAX)
        return false;
    d->lc = lc;
    d->lp = lp;
    d->pb = pb;
    return true;
}

void lzma_reset_state(struct lzma_decoder *d)
{
    uint16_t *p = (uint16_t *)&d->model;

    /* The model is nothing but probabilities; all start at one half. */
    for (size_t i = 0; i < sizeof(d->model) / sizeof(uint16_t); i++)
        p[i] = RC_PROB_INIT;
    d->state = 0;
    d->rep[0] = d->rep[1] = d->rep[2] = d->rep[3] = 0;
}

const char *lzma_result_text(enum lzma_result r)
{
    switch (r) {
    case LZMA_OK:               return "no error";
    case LZMA_TRUNCATED:        return "compressed data ends early";
    case LZMA_BAD_RC_INIT:      return "range coder does not start with a zero byte";
    case LZMA_BAD_DISTANCE:     return "match distance reaches before the dictionary";
    case LZMA_MATCH_PAST_CHUNK: return "match runs past the chunk's uncompressed size";
    case LZMA_INPUT_LEFT:       return "compressed bytes left after the chunk's output";
    case LZMA_RC_NOT_FINISHED:  return "range coder not flushed at the chunk's end";
    }
    return "unknown error";
}

/*
 * Everything the symbol loop touches on every symbol. It lives in one
 * local of lzma_decode_chunk() and every helper below is forced inline, so
 * the compiler keeps it in registers: through a pointer, each byte stored
 * into the dictionary would force reloads (a uint8_t store may alias it).
 */
struct lzma_cursor {
    struct range_decoder rc;
    uint8_t *buf;
    size_t start, pos, limit;
    uint32_t dict_size;
    unsigned state;
    uint32_t rep0, rep1, rep2, rep3;    /* the last four distances, minus 1 */
};

#define LZMA_HOT static inline __attribute__((always_inline))

LZMA_HOT unsigned state_after_literal(unsigned s)
{
    return s < 4 ? 0 : s < 10 ? s - 3 : s - 6;
}

LZMA_HOT unsigned decode_length(struct lzma_cursor *c, struct lzma_length_model *m,
                                unsigned pos_state)
{
    if (!rc_bit(&c->rc, &m->choice))
        return LZMA_MATCH_LEN_MIN +
               rc_tree(&c->rc, m->low[pos_state], LZMA_LEN_LOW_BITS);
    if (!rc_bit(&c->rc, &m->choice2))
        return LZMA_MATCH_LEN_MIN + LZMA_LEN_LOW_COUNT +
               rc_tree(&c->rc, m->mid[pos_state], LZMA_LEN_MID_BITS);
    return LZMA_MATCH_LEN_MIN + LZMA_LEN_LOW_COUNT + LZMA_LEN_MID_COUNT +
           rc_tree(&c->rc, m->high, LZMA_LEN_HIGH_BITS);
}

/* Returns the distance minus one, as rep0 stores it. */
LZMA_HOT uint32_t decode_distance(struct lzma_cursor *c, struct lzma_model *m,
                                  unsigned len)
{
    unsigned dist_state = MIN(len - LZMA_MATCH_LEN_MIN, LZMA_DIST_STATES - 1);
    unsigned slot = rc_tree(&c->rc, m->dist_slot[dist_state], LZMA_DIST_SLOT_BITS);
    unsigned low_bits;
    uint32_t dist;

    if (slot < 4)
        return slot;
    /* The slot gives the top two bits of the distance and how many follow. */
    low_bits = (slot >> 1) - 1;
    dist = (2u | (slot & 1)) << low_bits;
    if (slot < LZMA_DIST_MODEL_END)
        return dist + rc_tree_reverse(&c->rc, m->dist_special + dist - slot, low_bits);
    dist += rc_direct(&c->rc, low_bits - LZMA_ALIGN_BITS) << LZMA_ALIGN_BITS;
    return dist + rc_tree_reverse(&c->rc, m->dist_align, LZMA_ALIGN_BITS);
}

LZMA_HOT void decode_literal(struct lzma_cursor *c, const struct lzma_decoder *d,
                             struct lzma_model *m)
{
    size_t n = c->pos - c->start;
    unsigned prev = n ? c->buf[c->pos - 1] : 0;
    unsigned ctx = (unsigned)((n & ((1u << d->lp) - 1)) << d->lc) | prev >> (8 - d->lc);
    uint16_t *probs = m->literal[ctx];
    unsigned sym = 1;

    if (c->state >= LZMA_LIT_STATES) {
        /*
         * After a match the byte at rep0 is a good predictor: while our
         * bits agree with its bits, use the probabilities for that case.
         */
        unsigned match_byte = c->buf[c->pos - c->rep0 - 1];

        while (sym < 0x100) {
            unsigned match_bit = (match_byte >> 7) & 1;
            unsigned bit;

            match_byte <<= 1;
            bit = rc_bit(&c->rc, &probs[0x100 + (match_bit << 8) + sym]);
            sym = (sym << 1) | bit;
            if (bit != match_bit)
                break;
        }
    }
    while (sym < 0x100)
        sym = (sym << 1) | rc_bit(&c->rc, &probs[sym]);
    c->buf[c->pos++] = (uint8_t)sym;
    c->state = state_after_literal(c->state);
}

/* A match or repeat: sets rep0 and returns the length to copy from it. */
LZMA_HOT unsigned decode_match(struct lzma_cursor *c, struct lzma_model *m,
                               unsigned pos_state)
{
    unsigned s = c->state, len;
    uint32_t dist;

    if (!rc_bit(&c->rc, &m->is_rep[s])) {
        len = decode_length(c, &m->match_len, pos_state);
        c->rep3 = c->rep2;
        c->rep2 = c->rep1;
        c->rep1 = c->rep0;
        c->rep0 = decode_distance(c, m, len);
        c->state = s < LZMA_LIT_STATES ? 7 : 10;
        return len;
    }
    if (!rc_bit(&c->rc, &m->is_rep0[s])) {
        if (!rc_bit(&c->rc, &m->is_rep0_long[s][pos_state])) {
            c->state = s < LZMA_LIT_STATES ? 9 : 11;
            return 1;
        }
    } else {
        if (!rc_bit(&c->rc, &m->is_rep1[s])) {
            dist = c->rep1;
        } else if (!rc_bit(&c->rc, &m->is_rep2[s])) {
            dist = c->rep2;
            c->rep2 = c->rep1;
        } else {
            dist = c->rep3;
            c->rep3 = c->rep2;
            c->rep2 = c->rep1;
        }
        c->rep1 = c->rep0;
        c->rep0 = dist;
    }
    c->state = s < LZMA_LIT_STATES ? 8 : 11;
    return decode_length(c, &m->rep_len, pos_state);
}

/* Overlapping copies are how LZ77 repeats runs: copy forwards, bytewise. */
LZMA_HOT void copy_match(struct lzma_cursor *c, unsigned len)
{
    uint8_t *dst = c->buf + c->pos;
    const uint8_t *src = dst - c->rep0 - 1;

    c->pos += len;
    do
        *dst++ = *src++;
    while (--len);
}

static void load_cursor(struct lzma_cursor *c, const struct lzma_decoder *d,
                        const struct xz_dict *dict, size_t out_size)
{
    c->buf = dict->buf;
    c->start = dict->start;
    c->pos = dict->pos;
    c->limit = dict->pos + out_size;
    c->dict_size = dict->dict_size;
    c->state = d->state;
    c->rep0 = d->rep[0];
    c->rep1 = d->rep[1];
    c->rep2 = d->rep[2];
    c->rep3 = d->rep[3];
}

static void store_cursor(const struct lzma_cursor *c, struct lzma_decoder *d,
                         struct xz_dict *dict)
{
    dict->pos = c->pos;
    d->state = c->state;
    d->rep[0] = c->rep0;
    d->rep[1] = c->rep1;
    d->rep[2] = c->rep2;
    d->rep[3] = c->rep3;
}

static enum lzma_result decode_symbols(struct lzma_cursor *c, struct lzma_decoder *d)
{
    struct lzma_model *m = &d->model;
    unsigned pb_mask = (1u << d->pb) - 1;

    while (c->pos < c->limit) {
        unsigned pos_state = (unsigned)(c->pos - c->start) & pb_mask;
        unsigned len;

        if (!rc_bit(&c->rc, &m->is_match[c->state][pos_state])) {
            decode_literal(c, d, m);
        } else {
            len = decode_match(c, m, pos_state);
            /* A distance decoded from zeros past the end is no evidence. */
            if (c->rc.overrun)
                return LZMA_TRUNCATED;
            if (c->rep0 >= c->pos - c->start || c->rep0 >= c->dict_size)
                return LZMA_BAD_DISTANCE;
            if (len > c->limit - c->pos)
                return LZMA_MATCH_PAST_CHUNK;
            copy_match(c, len);
        }
        if (c->rc.overrun)
            return LZMA_TRUNCATED;
    }
    if (c->rc.in != c->rc.end)
        return LZMA_INPUT_LEFT;
    if (!rc_finished(&c->rc))
        return LZMA_RC_NOT_FINISHED;
    return LZMA_OK;
}

enum lzma_result lzma_decode_chunk(struct lzma_decoder *d, struct xz_dict *dict,
                                   const uint8_t *in, size_t in_size,
                                   size_t out_size)
{
    struct lzma_cursor c;
    enum lzma_result res;

    if (in_size < RC_INIT_BYTES)
        return LZMA_TRUNCATED;
    if (!rc_init(&c.rc, in, in_size))
        return LZMA_BAD_RC_INIT;
    load_cursor(&c, d, dict, out_size);
    res = decode_symbols(&c, d);
    store_cursor(&c, d, dict);
    return res;
}
