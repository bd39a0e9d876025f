/*
 * LZMA's binary range decoder, inlined into the LZMA symbol loop (that loop
 * is where all of the decompression time goes). Probabilities are 11-bit
 * estimates of "the next bit is 0", adapted by 1/32 of the error each time.
 */
#ifndef LINTEL_XZ_RANGE_DECODER_H
#define LINTEL_XZ_RANGE_DECODER_H

#include <lintel/types.h>

#define RC_PROB_BITS   11
#define RC_PROB_ONE    (1u << RC_PROB_BITS)
#define RC_PROB_INIT   (RC_PROB_ONE / 2)
#define RC_ADAPT_SHIFT 5
#define RC_TOP         (1u << 24)
#define RC_INIT_BYTES  5

/* Forced: the LZMA loop must see through these to keep its state in registers. */
#define RC_HOT static inline __attribute__((always_inline))

struct range_decoder {
    uint32_t range;
    uint32_t code;
    const uint8_t *in;
    const uint8_t *end;
    /*
     * Set instead of reading past the chunk; the caller checks it once per
     * symbol so the per-bit path has no error exit.
     */
    bool overrun;
};

/* The caller guarantees at least RC_INIT_BYTES bytes; byte 0 must be 0. */
RC_HOT bool rc_init(struct range_decoder *rc, const uint8_t *in, size_t size)
{
    rc->range = 0xffffffffu;
    rc->code = (uint32_t)in[1] << 24 | (uint32_t)in[2] << 16 |
               (uint32_t)in[3] << 8 | in[4];
    rc->in = in + RC_INIT_BYTES;
    rc->end = in + size;
    rc->overrun = false;
    return in[0] == 0;
}

/*
 * Normalising after each bit (not before) keeps the decoder's reads in
 * step with the encoder's writes, so a finished chunk has consumed exactly
 * its compressed size.
 */
RC_HOT void rc_normalize(struct range_decoder *rc)
{
    if (rc->range < RC_TOP) {
        rc->range <<= 8;
        rc->code <<= 8;
        if (likely(rc->in < rc->end))
            rc->code |= *rc->in++;
        else
            rc->overrun = true;
    }
}

RC_HOT unsigned rc_bit(struct range_decoder *rc, uint16_t *prob)
{
    uint32_t bound = (rc->range >> RC_PROB_BITS) * *prob;
    unsigned bit;

    if (rc->code < bound) {
        rc->range = bound;
        *prob += (RC_PROB_ONE - *prob) >> RC_ADAPT_SHIFT;
        bit = 0;
    } else {
        rc->range -= bound;
        rc->code -= bound;
        *prob -= *prob >> RC_ADAPT_SHIFT;
        bit = 1;
    }
    rc_normalize(rc);
    return bit;
}

/* Most significant bit first; returns the symbol without its leading 1. */
RC_HOT unsigned rc_tree(struct range_decoder *rc, uint16_t *probs,
                               unsigned bits)
{
    unsigned sym = 1;

    for (unsigned i = 0; i < bits; i++)
        sym = (sym << 1) | rc_bit(rc, &probs[sym]);
    return sym - (1u << bits);
}

/* Least significant bit first (distance low bits use this order). */
RC_HOT unsigned rc_tree_reverse(struct range_decoder *rc, uint16_t *probs,
                                       unsigned bits)
{
    unsigned node = 1, value = 0;

    for (unsigned i = 0; i < bits; i++) {
        unsigned bit = rc_bit(rc, &probs[node]);

        node = (node << 1) | bit;
        value |= bit << i;
    }
    return value;
}

/* Bits with a fixed probability of one half: no model to update. */
RC_HOT uint32_t rc_direct(struct range_decoder *rc, unsigned bits)
{
    uint32_t value = 0;

    while (bits--) {
        rc->range >>= 1;
        if (rc->code >= rc->range) {
            rc->code -= rc->range;
            value = (value << 1) | 1;
        } else {
            value <<= 1;
        }
        rc_normalize(rc);
    }
    return value;
}

RC_HOT bool rc_finished(const struct range_decoder *rc)
{
    return rc->code == 0 && rc->in == rc->end && !rc->overrun;
}

#endif
