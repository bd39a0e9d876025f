/*
 * Writable page tables (VMASST_TYPE_writable_pagetables): a 64-bit PV
 * kernel may write a PTE with an ordinary store even though its page
 * tables are mapped read-only. Linux does this while building its direct
 * map. The store faults; we decode it, find the page-table entry it aimed
 * at through the live tables, and hand the new value to the memory
 * manager, which validates it exactly like an mmu_update. The stores
 * Linux uses on PTEs are decoded (mov, xchg, and/or, cmpxchg, bts/btr);
 * anything else keeps its #PF.
 */
#include <lintel/domain.h>
#include <lintel/guest_access.h>
#include <lintel/layout.h>
#include <lintel/lib.h>
#include <lintel/paging.h>
#include <lintel/pv_exec.h>
#include <lintel/traps.h>
#include <lintel/x86.h>

#define PF_PRESENT 1
#define PF_WRITE   2

enum store_op { OP_MOV, OP_XCHG, OP_AND, OP_OR, OP_CMPXCHG, OP_BTS, OP_BTR };

struct pte_store {
    enum store_op op;
    unsigned length;            /* instruction bytes */
    unsigned size;              /* operand bytes: 1, 4 or 8 */
    bool from_register;
    unsigned reg;
    uint64_t imm;
};

static uint64_t *gpr(struct cpu_regs *r, unsigned idx)
{
    uint64_t *const map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };

    return map[idx & 15];
}

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
static bool decode_store(const uint8_t *insn, unsigned avail, struct pte_store *s)
{
    unsigned i = 0, rex = 0, mlen, reg_field;
    const uint8_t *op;

    while (i < avail && (insn[i] == 0xf0 || insn[i] == 0x3e || insn[i] == 0x2e))
        i++;
    if (i < avail && (insn[i] & 0xf0) == 0x40)
        rex = insn[i++];
    if (i + 2 >= avail)
        return false;
    memset(s, 0, sizeof(*s));
    op = insn + i;
    s->size = rex & 8 ? 8 : 4;
    if (op[0] == 0x0f) {
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

/* Machine address of the byte at va in the current guest tables; 0 if unmapped. */
static uint64_t guest_va_to_maddr(struct vcpu *v, uint64_t va)
{
    uint64_t table = (v->pv.in_kernel ? v->pv.kernel_root : v->pv.user_root) << PAGE_SHIFT;

    for (int level = 3; level >= 0; level--) {
        uint64_t e = ((const uint64_t *)phys_to_virt(table))[(va >> (12 + 9 * level)) & 511];

        if (!(e & PTE_PRESENT) || (level && (e & PTE_LARGE)))
            return 0;
        table = e & PTE_ADDR_MASK;
    }
    return table | (va & (PAGE_SIZE - 1));
}

static uint64_t size_mask(unsigned size)
{
    return size == 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

#define RFLAGS_CF (1UL << 0)
#define RFLAGS_ZF (1UL << 6)

/* Computes the new operand value; false when a cmpxchg does not store. */
static bool apply(struct cpu_regs *regs, const struct pte_store *s, uint64_t old,
                  uint64_t *new)
{
    uint64_t src = s->from_register ? *gpr(regs, s->reg) : s->imm;

    switch (s->op) {
    case OP_MOV:
    case OP_XCHG:
        *new = src;
        return true;
    case OP_AND:
        *new = old & src;
        return true;
    case OP_OR:
        *new = old | src;
        return true;
    case OP_BTS:
    case OP_BTR: {
        uint64_t bit = 1ULL << (src & (s->size * 8 - 1));

        /* test_and_{set,clear}_bit read the old bit from CF. */
        regs->rflags = (regs->rflags & ~RFLAGS_CF) | (old & bit ? RFLAGS_CF : 0);
        *new = s->op == OP_BTS ? old | bit : old & ~bit;
        return true;
    }
    case OP_CMPXCHG:
        if ((regs->rax & size_mask(s->size)) != old) {
            regs->rax = s->size == 8 ? old : (regs->rax & ~size_mask(s->size)) | old;
            regs->rflags &= ~RFLAGS_ZF;
            return false;
        }
        regs->rflags |= RFLAGS_ZF;
        *new = src;
        return true;
    }
    return false;
}

bool pv_emulate_pt_write(struct cpu_regs *regs, uint64_t cr2)
{
    struct vcpu *v = current_vcpu();
    uint8_t insn[16];
    struct pte_store s;
    uint64_t maddr, word, old, new, mask;
    unsigned got = 0, shift;

    if ((regs->error_code & (PF_PRESENT | PF_WRITE)) != (PF_PRESENT | PF_WRITE) ||
        !v->pv.in_kernel || !pv_vm_assist_enabled(v->domain, 2))
        return false;
    while (got < sizeof(insn) && !copy_from_guest(&insn[got], regs->rip + got, 1))
        got++;
    if (!decode_store(insn, got, &s) || (cr2 & 7) + s.size > 8 || (cr2 & (s.size - 1)))
        return false;
    maddr = guest_va_to_maddr(v, cr2 & ~7ULL);
    if (!maddr)
        return false;
    /* The whole 8-byte entry goes to the memory manager, changed in place. */
    word = *(const volatile uint64_t *)phys_to_virt(maddr);
    shift = (cr2 & 7) * 8;
    mask = size_mask(s.size) << shift;
    old = (word & mask) >> shift;
    if (apply(regs, &s, old, &new)) {
        uint64_t updated = (word & ~mask) | ((new << shift) & mask);

        if (updated != word && pv_mm_pt_write(v->domain, maddr, updated))
            return false;
    }
    if (s.op == OP_XCHG)
        *gpr(regs, s.reg) = old;
    regs->rip += s.length;
    return true;
}
