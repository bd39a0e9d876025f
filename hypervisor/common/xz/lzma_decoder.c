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

static unsigned state_after_literal(unsigned s)
{
    return s < 4 ? 0 : s < 10 ? s - 3 : s - 6;
}

static unsigned decode_length(struct range_decoder *rc, struct lzma_length_model *m,
                              unsigned pos_state)
{
    if (!rc_bit(rc, &m->choice))
        return LZMA_MATCH_LEN_MIN + rc_tree(rc, m->low[pos_state], LZMA_LEN_LOW_BITS);
    if (!rc_bit(rc, &m->choice2))
        return LZMA_MATCH_LEN_MIN + LZMA_LEN_LOW_COUNT +
               rc_tree(rc, m->mid[pos_state], LZMA_LEN_MID_BITS);
    return LZMA_MATCH_LEN_MIN + LZMA_LEN_LOW_COUNT + LZMA_LEN_MID_COUNT +
           rc_tree(rc, m->high, LZMA_LEN_HIGH_BITS);
}

/* Returns the distance minus one, as rep[0] stores it. */
static uint32_t decode_distance(struct range_decoder *rc, struct lzma_model *m,
                                unsigned len)
{
    unsigned dist_state = MIN(len - LZMA_MATCH_LEN_MIN, LZMA_DIST_STATES - 1);
    unsigned slot = rc_tree(rc, m->dist_slot[dist_state], LZMA_DIST_SLOT_BITS);
    unsigned low_bits;
    uint32_t dist;

    if (slot < 4)
        return slot;
    /* The slot gives the top two bits of the distance and how many follow. */
    low_bits = (slot >> 1) - 1;
    dist = (2u | (slot & 1)) << low_bits;
    if (slot < LZMA_DIST_MODEL_END)
        return dist + rc_tree_reverse(rc, m->dist_special + dist - slot, low_bits);
    dist += rc_direct(rc, low_bits - LZMA_ALIGN_BITS) << LZMA_ALIGN_BITS;
    return dist + rc_tree_reverse(rc, m->dist_align, LZMA_ALIGN_BITS);
}

static uint8_t decode_literal(struct range_decoder *rc, struct lzma_decoder *d,
                              const struct xz_dict *dict, unsigned state)
{
    size_t n = dict->pos - dict->start;
    unsigned prev = n ? dict->buf[dict->pos - 1] : 0;
    unsigned ctx = (unsigned)((n & ((1u << d->lp) - 1)) << d->lc) | prev >> (8 - d->lc);
    uint16_t *probs = d->model.literal[ctx];
    unsigned sym = 1;

    if (state >= LZMA_LIT_STATES) {
        /*
         * After a match the byte at rep0 is a good predictor: while our
         * bits agree with its bits, use the probabilities for that case.
         */
        unsigned match_byte = dict->buf[dict->pos - d->rep[0] - 1];

        while (sym < 0x100) {
            unsigned match_bit = (match_byte >> 7) & 1;
            unsigned bit;

            match_byte <<= 1;
            bit = rc_bit(rc, &probs[0x100 + (match_bit << 8) + sym]);
            sym = (sym << 1) | bit;
            if (bit != match_bit)
                break;
        }
    }
    while (sym < 0x100)
        sym = (sym << 1) | rc_bit(rc, &probs[sym]);
    return (uint8_t)sym;
}

static bool distance_ok(const struct xz_dict *dict, uint32_t rep0)
{
    return rep0 < dict->pos - dict->start && rep0 < dict->dict_size;
}

static void copy_match(struct xz_dict *dict, uint32_t rep0, unsigned len)
{
    uint8_t *dst = dict->buf + dict->pos;
    const uint8_t *src = dst - rep0 - 1;

    /* Overlapping copies are how LZ77 repeats runs: copy forwards, bytewise. */
    for (unsigned i = 0; i < len; i++)
        dst[i] = src[i];
    dict->pos += len;
}

/* A match or repeat; returns its length, or 0 after an error in *res. */
static unsigned decode_match(struct range_decoder *rc, struct lzma_decoder *d,
                             unsigned pos_state, const struct xz_dict *dict,
                             enum lzma_result *res)
{
    struct lzma_model *m = &d->model;
    unsigned s = d->state, len;
    uint32_t dist;

    if (!rc_bit(rc, &m->is_rep[s])) {
        len = decode_length(rc, &m->match_len, pos_state);
        d->rep[3] = d->rep[2];
        d->rep[2] = d->rep[1];
        d->rep[1] = d->rep[0];
        d->rep[0] = decode_distance(rc, m, len);
        d->state = s < LZMA_LIT_STATES ? 7 : 10;
    } else if (!rc_bit(rc, &m->is_rep0[s])) {
        if (!rc_bit(rc, &m->is_rep0_long[s][pos_state])) {
            d->state = s < LZMA_LIT_STATES ? 9 : 11;
            len = 1;
            goto check;
        }
        len = decode_length(rc, &m->rep_len, pos_state);
        d->state = s < LZMA_LIT_STATES ? 8 : 11;
    } else {
        if (!rc_bit(rc, &m->is_rep1[s])) {
            dist = d->rep[1];
        } else if (!rc_bit(rc, &m->is_rep2[s])) {
            dist = d->rep[2];
            d->rep[2] = d->rep[1];
        } else {
            dist = d->rep[3];
            d->rep[3] = d->rep[2];
            d->rep[2] = d->rep[1];
        }
        d->rep[1] = d->rep[0];
        d->rep[0] = dist;
        len = decode_length(rc, &m->rep_len, pos_state);
        d->state = s < LZMA_LIT_STATES ? 8 : 11;
    }
check:
    if (!distance_ok(dict, d->rep[0])) {
        *res = LZMA_BAD_DISTANCE;
        return 0;
    }
    return len;
}

enum lzma_result lzma_decode_chunk(struct lzma_decoder *d, struct xz_dict *dict,
                                   const uint8_t *in, size_t in_size,
                                   size_t out_size)
{
    struct range_decoder rc;
    size_t limit = dict->pos + out_size;
    unsigned pb_mask = (1u << d->pb) - 1;
    enum lzma_result res = LZMA_OK;

    if (in_size < RC_INIT_BYTES)
        return LZMA_TRUNCATED;
    if (!rc_init(&rc, in, in_size))
        return LZMA_BAD_RC_INIT;
    while (dict->pos < limit) {
        unsigned pos_state = (unsigned)(dict->pos - dict->start) & pb_mask;
        unsigned len;

        if (!rc_bit(&rc, &d->model.is_match[d->state][pos_state])) {
            uint8_t byte = decode_literal(&rc, d, dict, d->state);

            dict->buf[dict->pos++] = byte;
            d->state = state_after_literal(d->state);
        } else {
            len = decode_match(&rc, d, pos_state, dict, &res);
            if (!len)
                return res;
            if (len > limit - dict->pos)
                return LZMA_MATCH_PAST_CHUNK;
            copy_match(dict, d->rep[0], len);
        }
        if (rc.overrun)
            return LZMA_TRUNCATED;
    }
    if (rc.in != rc.end)
        return LZMA_INPUT_LEFT;
    if (!rc_finished(&rc))
        return LZMA_RC_NOT_FINISHED;
    return LZMA_OK;
}
