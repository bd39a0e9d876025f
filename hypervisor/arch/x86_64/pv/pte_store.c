#include <lintel/lib.h>
#include <lintel/pte_store.h>

/* Bytes a ModRM memory operand occupies after the opcode (ModRM included). */
static unsigned modrm_length(const uint8_t *p)
{
    unsigned mod = p[0] >> 6, rm = p[0] & 7, len = 1;

    if (mod == 3)
        return 0;
    if (rm == 4)
        len++;                                  /* SIB */
    if (mod == 0 && rm == 5)
        return len + 4;                         /* rip-relative */
    if (mod == 0 && rm == 4 && (p[1] & 7) == 5)
        return len + 4;                         /* SIB with no base */
    return len + (mod == 1 ? 1 : mod == 2 ? 4 : 0);
}

static int64_t imm(const uint8_t *p, unsigned bytes)
{
    if (bytes == 1)
        return (int8_t)p[0];
    int32_t v;
    memcpy(&v, p, 4);
    return v;
}

/*
 * The stores Linux makes to page tables: mov, xchg, and/or (clear_bit and
 * set_bit with constant bits, lock prefix optional), cmpxchg, bts/btr.
 */
bool pte_store_decode(const uint8_t *insn, unsigned avail, struct pte_store *s)
{
    unsigned i = 0, rex = 0, mlen, reg_field;
    const uint8_t *op;

    while (i < avail && (insn[i] == 0xf0 || insn[i] == 0x3e || insn[i] == 0x2e))
        i++;
    if (i < avail && (insn[i] & 0xf0) == 0x40)
        rex = insn[i++];
    if (i + 2 > avail)
        return false;
    memset(s, 0, sizeof(*s));
    op = insn + i;
    s->size = rex & 8 ? 8 : 4;
    if (op[0] == 0x0f) {
        if (i + 3 > avail)
            return false;
        mlen = modrm_length(op + 2);
        reg_field = (op[2] >> 3) & 7;
        s->reg = reg_field | (rex & 4 ? 8 : 0);
        s->length = i + 2 + mlen;
        switch (op[1]) {
        case 0xb1: s->op = OP_CMPXCHG; s->from_register = true; break;
        case 0xab: s->op = OP_BTS; s->from_register = true; break;
        case 0xb3: s->op = OP_BTR; s->from_register = true; break;
        case 0xba:
            if (reg_field != 5 && reg_field != 6)
                return false;
            s->op = reg_field == 5 ? OP_BTS : OP_BTR;
            s->imm = op[2 + mlen] & 63;
            s->length++;
            break;
        default:
            return false;
        }
        return mlen != 0 && s->length <= avail;
    }
    mlen = modrm_length(op + 1);
    if (!mlen)
        return false;
    reg_field = (op[1] >> 3) & 7;
    s->reg = reg_field | (rex & 4 ? 8 : 0);
    s->length = i + 1 + mlen;
    switch (op[0]) {
    case 0x89: s->op = OP_MOV; s->from_register = true; break;
    case 0x87: s->op = OP_XCHG; s->from_register = true; break;
    case 0x09: s->op = OP_OR; s->from_register = true; break;
    case 0x21: s->op = OP_AND; s->from_register = true; break;
    case 0xc7:
        if (reg_field != 0)
            return false;
        s->op = OP_MOV;
        s->imm = (uint64_t)imm(op + 1 + mlen, 4);
        s->length += 4;
        break;
    case 0x80: case 0x81: case 0x83: {
        unsigned ibytes = op[0] == 0x81 ? 4 : 1;

        if (reg_field != 1 && reg_field != 4)
            return false;
        s->op = reg_field == 1 ? OP_OR : OP_AND;
        if (op[0] == 0x80) {
            s->size = 1;
            s->imm = op[1 + mlen];
        } else {
            s->imm = (uint64_t)imm(op + 1 + mlen, ibytes);
        }
        s->length += ibytes;
        break;
    }
    default:
        return false;
    }
    return s->length <= avail;
}
