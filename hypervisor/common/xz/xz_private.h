/*
 * Pieces of the .xz decoder shared between its files: CRCs, the LZMA and
 * LZMA2 decoders, the x86 BCJ filter, and the run context that carries the
 * input/output cursors and the error message buffer.
 */
#ifndef LINTEL_XZ_PRIVATE_H
#define LINTEL_XZ_PRIVATE_H

#include <lintel/types.h>

uint32_t xz_crc32(const uint8_t *p, size_t n, uint32_t crc);
uint64_t xz_crc64(const uint8_t *p, size_t n, uint64_t crc);

/* LZMA allows lc + lp up to 12; LZMA2 caps it at 4 so this table is small. */
#define LZMA2_LCLP_MAX      4
#define LZMA_PB_MAX         4
#define LZMA_STATES         12
#define LZMA_POS_STATES_MAX (1 << LZMA_PB_MAX)
#define LZMA_LITERAL_PROBS  0x300
#define LZMA_DIST_STATES    4
#define LZMA_DIST_SLOTS     64
#define LZMA_DIST_MODEL_END 14      /* slots below this code their low bits */
#define LZMA_FULL_DISTANCES 128     /* ... which reach up to this distance */
#define LZMA_ALIGN_BITS     4

struct lzma_length_model {
    uint16_t choice;
    uint16_t choice2;
    uint16_t low[LZMA_POS_STATES_MAX][8];
    uint16_t mid[LZMA_POS_STATES_MAX][8];
    uint16_t high[256];
};

/* Every adaptive bit probability of one LZMA coder. */
struct lzma_model {
    uint16_t is_match[LZMA_STATES][LZMA_POS_STATES_MAX];
    uint16_t is_rep[LZMA_STATES];
    uint16_t is_rep0[LZMA_STATES];
    uint16_t is_rep1[LZMA_STATES];
    uint16_t is_rep2[LZMA_STATES];
    uint16_t is_rep0_long[LZMA_STATES][LZMA_POS_STATES_MAX];
    uint16_t dist_slot[LZMA_DIST_STATES][LZMA_DIST_SLOTS];
    uint16_t dist_special[LZMA_FULL_DISTANCES - LZMA_DIST_MODEL_END + 1];
    uint16_t dist_align[1 << LZMA_ALIGN_BITS];
    struct lzma_length_model match_len;
    struct lzma_length_model rep_len;
    uint16_t literal[1 << LZMA2_LCLP_MAX][LZMA_LITERAL_PROBS];
};

struct lzma_decoder {
    struct lzma_model model;
    unsigned lc, lp, pb;
    unsigned state;
    uint32_t rep[4];                /* the last four match distances, minus 1 */
};

/*
 * The dictionary is the output buffer itself: matches may reach back to
 * the last dictionary reset (start) and no further than dict_size.
 */
struct xz_dict {
    uint8_t *buf;
    size_t start;
    size_t pos;
    uint32_t dict_size;
};

enum lzma_result {
    LZMA_OK,
    LZMA_TRUNCATED,             /* the range coder wanted bytes past the chunk */
    LZMA_BAD_RC_INIT,           /* a chunk's first byte must be zero */
    LZMA_BAD_DISTANCE,          /* a match reaches before the dictionary */
    LZMA_MATCH_PAST_CHUNK,      /* a match runs past the chunk's size */
    LZMA_INPUT_LEFT,            /* output done but compressed bytes remain */
    LZMA_RC_NOT_FINISHED,       /* the range coder did not end flushed */
};

/* Sets lc/lp/pb from an LZMA properties byte; false if out of range. */
bool lzma_set_properties(struct lzma_decoder *d, uint8_t props);
void lzma_reset_state(struct lzma_decoder *d);
/* Decodes one LZMA2 chunk: exactly in_size bytes into exactly out_size. */
enum lzma_result lzma_decode_chunk(struct lzma_decoder *d, struct xz_dict *dict,
                                   const uint8_t *in, size_t in_size,
                                   size_t out_size);
const char *lzma_result_text(enum lzma_result r);

/* Cursors and error reporting for one xz_decompress() call. */
struct xz_run {
    const uint8_t *in;
    size_t in_len;
    size_t in_pos;
    uint8_t *out;
    size_t out_cap;
    size_t out_pos;
    char *err;
    size_t err_len;
};

/* Writes "xz: <message>" into the run's error buffer and returns code. */
int xz_fail(struct xz_run *r, int code, const char *fmt, ...) __printf(3, 4);

/*
 * Decodes LZMA2 data from r->in_pos up to its end marker, never reading at
 * or past in_end, appending to r->out.
 */
int lzma2_decode(struct xz_run *r, struct lzma_decoder *d, size_t in_end,
                 uint32_t dict_size);

/* Undoes the x86 BCJ filter over one block's whole output, in place. */
void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start_offset);

#endif
