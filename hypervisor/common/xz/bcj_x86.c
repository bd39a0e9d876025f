/*
 * The x86 BCJ filter's decoder. The encoder turned the rel32 operand of
 * likely CALL (E8) and JMP (E9) instructions into an absolute address, so
 * repeated calls to one function compress well; we turn them back.
 *
 * Which E8/E9 bytes are real opcodes is guessed by both sides from the same
 * evidence, so the decoder must make exactly the encoder's guesses:
 *  - an operand is converted only if its top byte is 0x00 or 0xff (a near
 *    displacement, positive or negative);
 *  - "history" remembers the E8/E9 bytes seen in the last three positions
 *    that were left alone (bits 1-3 after aging), and whether the byte four
 *    after each was 0x00/0xff (bits 5-7); some patterns veto a conversion;
 *  - when an unconverted E8/E9 lies 1-3 bytes back, the byte of the result
 *    it would cover is tested: while that byte is 0x00/0xff the conversion
 *    is redone on the result with the bits below that byte inverted. The
 *    encoder ran the same rounds, so replaying them inverts its choice.
 * Conversion state restarts at each block, and the last four bytes of a
 * block can never start an operand, so one pass over a whole block is
 * exactly what the encoder's chunked passes did.
 */
#include "xz_private.h"

#define OPERAND_BYTES 4
#define INSN_BYTES    (1 + OPERAND_BYTES)

static bool is_near_top_byte(uint8_t b)
{
    return b == 0x00 || b == 0xff;
}

/* Indexed by history bits 1-3: may an opcode follow this pattern? */
static const bool history_allows[8] = { true, true, true, false, true, false, false, false };
/* ... and then which byte of the address the bit flipping is keyed on. */
static const uint8_t history_byte[8] = { 0, 1, 2, 2, 3, 3, 3, 3 };

/* Ages the history by `gap` bytes; bits shifted past position 3 drop out. */
static uint32_t age_history(uint32_t history, uint32_t gap)
{
    if (gap > INSN_BYTES)
        return 0;
    while (gap--)
        history = (history & 0x77) << 1;
    return history;
}

static uint32_t absolute_to_relative(uint32_t value, uint32_t insn_end, uint32_t history)
{
    for (;;) {
        uint32_t rel = value - insn_end;
        unsigned shift;

        if (history == 0)
            return rel;
        shift = 8 * history_byte[history >> 1];
        if (!is_near_top_byte((uint8_t)(rel >> (24 - shift))))
            return rel;
        value = rel ^ ((1u << (32 - shift)) - 1);
    }
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

void bcj_x86_decode(uint8_t *buf, size_t len, uint32_t start_offset)
{
    uint32_t history = 0;
    size_t last_opcode = 0;
    bool seen_opcode = false;
    size_t i = 0;

    if (len < INSN_BYTES)
        return;
    while (i <= len - INSN_BYTES) {
        uint32_t gap, rel;

        if ((buf[i] & 0xfe) != 0xe8) {          /* neither E8 nor E9 */
            i++;
            continue;
        }
        gap = seen_opcode ? (uint32_t)MIN(i - last_opcode, INSN_BYTES + 1)
                          : INSN_BYTES + 1;
        history = age_history(history, gap);
        last_opcode = i;
        seen_opcode = true;
        if (!is_near_top_byte(buf[i + OPERAND_BYTES]) ||
            !history_allows[(history >> 1) & 7] || (history >> 1) >= 0x10) {
            history |= 1;
            if (is_near_top_byte(buf[i + OPERAND_BYTES]))
                history |= 0x10;
            i++;
            continue;
        }
        rel = absolute_to_relative(le32(buf + i + 1),
                                   start_offset + (uint32_t)i + INSN_BYTES, history);
        buf[i + 1] = (uint8_t)rel;
        buf[i + 2] = (uint8_t)(rel >> 8);
        buf[i + 3] = (uint8_t)(rel >> 16);
        /* Only bit 24 survives: the top byte is re-derived as its sign. */
        buf[i + 4] = (rel >> 24) & 1 ? 0xff : 0x00;
        i += INSN_BYTES;
        history = 0;
    }
}
